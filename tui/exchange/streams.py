"""Combined market streams (`{base}/stream?streams=a/b`) that survive disconnects.

A background task owns the connection: it reads `{"stream", "data"}` frames into a queue, answers
SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS responses, and reconnects with exponential backoff and
jitter when the connection drops. A reconnect opens the URL with the *current* stream set, so
everything subscribed since start is subscribed again. Consumers see `(RECONNECTED, None)` between
the last message of the old connection and the first of the new one (and `on_reconnect` fires),
because events were lost in between: a local order book must start over.

The exchange allows 5 incoming messages per second per connection (pings, pongs and JSON control
messages); control messages are paced at `control_rate` (4/s) here and websockets answers pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from tui.exchange.errors import ExchangeError, NotConnected, RequestTimeout

log = logging.getLogger(__name__)

# One decoder for every frame: json.loads(parse_float=...) would build a new one per call.
# Numbers that arrive unquoted still become Decimal, never float.
_DECODER = json.JSONDecoder(parse_float=Decimal)

RECONNECTED = "__reconnected__"

StatusCallback = Callable[[str, str], None]


class _Pacer:
    """At most `rate` sends per second: each send waits until 1/rate after the previous one."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self._interval


class StreamClient:
    """Market data over one combined-stream connection. Iterate for `(stream, data)` pairs."""

    def __init__(
        self,
        base_url: str,
        streams: Iterable[str],
        *,
        on_status: StatusCallback | None = None,
        on_reconnect: Callable[[], None] | None = None,
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 10.0,
        control_rate: float = 4.0,
        request_timeout: float = 10.0,
        max_queue: int = 50_000,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._streams: list[str] = list(dict.fromkeys(streams))
        self.on_status = on_status
        self.on_reconnect = on_reconnect
        self.reconnect_delay = reconnect_delay
        self.max_reconnect_delay = max_reconnect_delay
        self.request_timeout = request_timeout
        self.state = "closed"
        self.reconnects = 0
        self.dropped = 0
        self._pacer = _Pacer(control_rate)
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(max_queue)
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._ids = itertools.count(1)
        self._live = asyncio.Event()
        self._closed = False
        self._shutdown_close: asyncio.Future[None] | None = None

    @property
    def streams(self) -> tuple[str, ...]:
        """The streams this client wants (and resubscribes after a reconnect)."""
        return tuple(self._streams)

    def url(self) -> str:
        return (
            f"{self.base_url}/stream?streams={'/'.join(self._streams)}" if self._streams else f"{self.base_url}/stream"
        )

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the connection task (iterating starts it too)."""
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name=f"streams:{self.base_url}")

    async def wait_live(self, timeout: float | None = None) -> None:
        self.start()
        await asyncio.wait_for(self._live.wait(), timeout)

    async def close(self) -> None:
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._ws = None
        self._live.clear()
        self._set_status("closed", "")
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(("", None))  # wakes an iterator waiting on an empty queue

    async def __aenter__(self) -> StreamClient:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[tuple[str, Any]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[tuple[str, Any]]:
        self.start()
        while not (self._closed and self._queue.empty()):
            stream, data = await self._queue.get()
            if stream == "" and self._closed:
                return
            yield stream, data

    async def run(self, handler: Callable[[str, Any], Awaitable[None] | None]) -> None:
        """Call `handler(stream, data)` for every message (sync or async) until closed."""
        async for stream, data in self:
            result = handler(stream, data)
            if inspect.isawaitable(result):
                await result

    # --- control messages ----------------------------------------------------------------------

    async def subscribe(self, streams: Iterable[str]) -> None:
        new = [s for s in dict.fromkeys(streams) if s not in self._streams]
        if not new:
            return
        self._streams.extend(new)
        if self._ws is not None:
            await self._control("SUBSCRIBE", new)

    async def unsubscribe(self, streams: Iterable[str]) -> None:
        gone = [s for s in dict.fromkeys(streams) if s in self._streams]
        if not gone:
            return
        self._streams = [s for s in self._streams if s not in gone]
        if self._ws is not None:
            await self._control("UNSUBSCRIBE", gone)

    async def list_subscriptions(self) -> list[str]:
        """What the server says this connection is subscribed to."""
        result = await self._control("LIST_SUBSCRIPTIONS", None)
        return [str(s) for s in result] if isinstance(result, list) else []

    async def _control(self, method: str, params: list[Any] | None) -> Any:
        await self._pacer.wait()
        ws = self._ws
        if ws is None:
            raise NotConnected(f"Stream connection is down; {method} not sent.")
        req_id = next(self._ids)
        frame: dict[str, Any] = {"method": method, "id": req_id}
        if params is not None:
            frame["params"] = params
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = fut
        try:
            await ws.send(json.dumps(frame))
            return await asyncio.wait_for(fut, self.request_timeout)
        except TimeoutError:
            raise RequestTimeout(method, self.request_timeout) from None
        except ConnectionClosed:
            raise NotConnected(f"Stream connection closed while sending {method}.") from None
        finally:
            self._pending.pop(req_id, None)

    # --- the connection task -------------------------------------------------------------------

    def _set_status(self, state: str, detail: str) -> None:
        self.state = state
        if self.on_status is not None:
            try:
                self.on_status(state, detail)
            except Exception:
                log.exception("stream status callback failed")

    def _backoff(self, attempt: int) -> float:
        delay = min(self.max_reconnect_delay, self.reconnect_delay * (2 ** min(attempt, 16)))
        return delay * random.uniform(0.5, 1.0)

    async def _run(self) -> None:
        attempt = 0
        connected_before = False
        while not self._closed:
            self._set_status("reconnecting" if connected_before else "connecting", "")
            try:
                ws = await connect(self.url(), open_timeout=self.request_timeout, max_size=4 * 1024 * 1024)
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
                detail = f"{type(exc).__name__}: {exc}"
                self._set_status("reconnecting", detail)
                await asyncio.sleep(self._backoff(attempt))
                attempt += 1
                continue
            if connected_before:
                self.reconnects += 1
                self._emit((RECONNECTED, None))
                if self.on_reconnect is not None:
                    try:
                        self.on_reconnect()
                    except Exception:
                        log.exception("on_reconnect callback failed")
            connected_before = True
            attempt = 0
            self._ws = ws
            self._live.set()
            self._set_status("live", "")
            reason = await self._read(ws)
            self._ws = None
            self._live.clear()
            self._fail_pending(reason)
            if self._closed:
                break
            self._set_status("reconnecting", reason)
            await asyncio.sleep(self._backoff(attempt))
            attempt += 1

    async def _read(self, ws: ClientConnection) -> str:
        try:
            async for raw in ws:
                self._handle_frame(raw)
        except ConnectionClosed:
            pass
        except asyncio.CancelledError:
            await ws.close()
            raise
        code = ws.close_code
        return f"connection closed (code {code}{', ' + ws.close_reason if ws.close_reason else ''})"

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(NotConnected(f"Stream {reason} before the server answered."))

    def _emit(self, item: tuple[str, Any]) -> None:
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            # The consumer is far behind. Dropping is safe for the book (a gap forces a resync);
            # blocking the reader would stop pongs and get us disconnected.
            self.dropped += 1
            if self.dropped % 1000 == 1:
                log.warning("stream consumer too slow; %d messages dropped", self.dropped)

    def _handle_frame(self, raw: str | bytes) -> None:
        try:
            msg = _DECODER.decode(raw if isinstance(raw, str) else raw.decode())
        except ValueError:
            log.warning("stream: skipping a frame that is not JSON: %.200r", raw)
            return
        if not isinstance(msg, dict):
            log.warning("stream: skipping a frame that is not an object: %.200r", raw)
            return
        stream = msg.get("stream")
        if isinstance(stream, str) and "data" in msg:
            if stream == "!serverShutdown":
                # "Please establish a new connection as soon as possible": close, and the run loop
                # reconnects (and resubscribes) right away.
                log.info("stream server is shutting down; reconnecting")
                if self._ws is not None:
                    self._shutdown_close = asyncio.ensure_future(self._ws.close())
                return
            self._emit((stream, msg["data"]))
            return
        req_id = msg.get("id")
        if isinstance(req_id, int) and req_id in self._pending:
            fut = self._pending.pop(req_id)
            if fut.done():
                return
            error = msg.get("error") if isinstance(msg.get("error"), dict) else None
            if error is None and "code" in msg and "result" not in msg:
                error = msg  # the documented flat shape: {"code", "msg", "id"}
            if error is not None:
                code = error.get("code", 0)
                fut.set_exception(ExchangeError(code if isinstance(code, int) else 0, str(error.get("msg", "")), 400))
            else:
                fut.set_result(msg.get("result"))
            return
        log.warning("stream: skipping an unexpected frame: %.200r", raw)
