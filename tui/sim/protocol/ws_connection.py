"""One server-side WebSocket connection: an ordered outbound queue, ping frames, pong timeout.

Both the WS API and the market streams send through `WsConnection.send`, which never blocks the
caller (engine listeners are synchronous); a writer task drains the queue in order. Binance sends
a ping frame every 20 s and drops connections that do not pong within a minute; we do the same
with a configurable interval (pong timeout = 3 intervals).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import WSMsgType, web

MAX_QUEUE = 10_000


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class WsConnection:
    """Wraps an aiohttp `WebSocketResponse` prepared with autoping=False."""

    def __init__(self, ws: web.WebSocketResponse, ping_interval: float) -> None:
        self.ws = ws
        self.ping_interval = ping_interval
        self.last_pong = time.monotonic()
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing: asyncio.Task[None] | None = None

    @staticmethod
    async def accept(request: web.Request, ping_interval: float) -> WsConnection:
        ws = web.WebSocketResponse(autoping=False, max_msg_size=1 << 20)
        await ws.prepare(request)
        conn = WsConnection(ws, ping_interval)
        conn._tasks = [asyncio.create_task(conn._writer()), asyncio.create_task(conn._pinger())]
        return conn

    @property
    def closed(self) -> bool:
        return self.ws.closed

    def send(self, obj: Any) -> None:
        """Queue one JSON text frame (drops the connection if the client stopped reading)."""
        if self.ws.closed:
            return
        if self._queue.qsize() >= MAX_QUEUE:
            if self._closing is None:
                self._closing = asyncio.ensure_future(self.close(code=1008, message=b"slow consumer"))
            return
        self._queue.put_nowait(dumps(obj))

    async def _writer(self) -> None:
        while True:
            text = await self._queue.get()
            if text is None or self.ws.closed:
                return
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def _pinger(self) -> None:
        while not self.ws.closed:
            await asyncio.sleep(self.ping_interval)
            if time.monotonic() - self.last_pong > 3 * self.ping_interval + 1:
                await self.close(code=1008, message=b"pong timeout")
                return
            try:
                await self.ws.ping(str(int(time.time() * 1000)).encode())
            except (ConnectionError, RuntimeError):
                return

    async def handle_control(self, msg: Any) -> bool:
        """Answer ping / record pong; True if `msg` was a control frame."""
        if msg.type == WSMsgType.PING:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.pong(msg.data)
            return True
        if msg.type == WSMsgType.PONG:
            self.last_pong = time.monotonic()
            return True
        return False

    async def close(self, code: int = 1000, message: bytes = b"") -> None:
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message)

    async def finish(self) -> None:
        """After the read loop ends: stop the helper tasks."""
        self._queue.put_nowait(None)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
