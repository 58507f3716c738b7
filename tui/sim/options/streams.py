"""WebSocket streams of the options venue: market streams and the listenKey user-data stream.

Endpoints: `/ws/<stream>` (one stream, or a listenKey for the user stream), `/ws` (subscribe later)
and `/stream?streams=a/b` (combined frames `{"stream", "data"}`). Control messages: SUBSCRIBE,
UNSUBSCRIBE, LIST_SUBSCRIPTIONS, and BINARY: every frame, replies included, is a gzip-compressed
binary frame until the client sends `{"method":"BINARY","params":["false"],"id":1}`; after that,
text frames (`["true"]` switches compression back on).

Streams (symbols as listed, case-insensitive): `<symbol>@ticker` (24h stats, b/a IV and d/t/g/v
greeks), `<symbol>@trade` (on each trade), `<symbol>@kline_<interval>` (previous and current bar),
`<symbol>@depth<5|10|20|50|100|1000>`. Ticker, kline and depth are pushed every `tick_seconds`.
User stream: ORDER_TRADE_UPDATE per order change and ACCOUNT_UPDATE per account change of the key's
account; when the key expires or is closed the server sends `{"e":"listenKeyExpired"}` and closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tui.sim.options import wire
from tui.sim.options.book import ZERO
from tui.sim.options.events import AccountEvent, Event, OrderEvent, TradeEvent
from tui.sim.options.market_data import INTERVALS

if TYPE_CHECKING:
    from tui.sim.options.venue import OptionsVenue

log = logging.getLogger(__name__)
_STREAM_RE = re.compile(r"^(?P<symbol>[A-Za-z0-9.\-]+)@(?P<kind>ticker|trade|kline_\w+|depth\d+)$")
DEPTHS = (5, 10, 20, 50, 100, 1000)
MAX_QUEUE = 10_000
_CLOSE = "\x00close"  # writer sentinel: flush what is queued, then close the socket


@dataclass(eq=False)
class _Conn:
    ws: web.WebSocketResponse
    combined: bool
    gzip: bool = True
    streams: set[str] = field(default_factory=set)
    listen_key: str | None = None
    account: str | None = None
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)

    def send(self, obj: Any, stream: str | None = None) -> None:
        if self.ws.closed or self.queue.qsize() >= MAX_QUEUE:
            return
        payload = {"stream": stream, "data": obj} if self.combined and stream is not None else obj
        self.queue.put_nowait(wire.dumps(payload))

    async def writer(self) -> None:
        while True:
            text = await self.queue.get()
            if text is None or self.ws.closed:
                return
            if text == _CLOSE:
                await self.ws.close(code=1000, message=b"listenKey expired")
                return
            try:
                if self.gzip:
                    await self.ws.send_bytes(gzip.compress(text.encode()))
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return


class OptionsStreams:
    def __init__(self, venue: OptionsVenue, ping_interval: float = 20.0, tick_seconds: float = 0.5) -> None:
        self.v = venue
        self.ping_interval = ping_interval
        self.tick_seconds = tick_seconds
        self.connections: set[_Conn] = set()
        self._task: asyncio.Task[None] | None = None
        venue.engine.subscribe(self._on_event)

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"going away")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                self.tick()
            except Exception:
                log.exception("options stream tick failed")

    def tick(self) -> None:
        """Push periodic streams and drop user streams whose listenKey is gone."""
        now = self.v.clock_ms()
        for conn in list(self.connections):
            if conn.listen_key is not None and self.v.listen_keys.account_of(conn.listen_key) is None:
                conn.send({"e": "listenKeyExpired", "E": now}, conn.listen_key)
                conn.queue.put_nowait(_CLOSE)
                conn.listen_key = conn.account = None
                conn.streams.clear()
                continue
            for stream in list(conn.streams):
                payload = self._periodic(stream, now)
                if payload is not None:
                    conn.send(payload, stream)

    def _periodic(self, stream: str, now: int) -> dict[str, Any] | None:
        symbol, kind = stream.split("@", 1)
        inst = self.v.catalog.get(symbol)
        if inst is None or kind == "trade":
            return None
        if kind == "ticker":
            return self.v.ticker_event(inst, now)
        if kind.startswith("depth"):
            book = self.v.depth_json(symbol, int(kind[5:]))
            return {"e": "depth", "E": now, "s": symbol, "b": book["bids"], "a": book["asks"]}
        interval = kind[len("kline_") :]
        bars = self.v.market_data.klines(symbol, INTERVALS[interval], limit=2)
        if not bars:
            return None
        return {"e": "kline", "E": now, "s": symbol, "k": [self._kline(b, interval, now) for b in bars]}

    @staticmethod
    def _kline(bar: Any, interval: str, now: int) -> dict[str, Any]:
        return {
            "t": bar.open_time, "i": interval, "F": bar.first_id, "L": bar.last_id, "o": wire.wire(bar.open),
            "h": wire.wire(bar.high), "l": wire.wire(bar.low), "c": wire.wire(bar.close), "v": wire.wire(bar.volume),
            "n": bar.count, "q": wire.wire(bar.amount), "x": bar.close_time < now,
            "V": wire.wire(bar.taker_volume), "Q": wire.wire(bar.taker_amount),
        }  # fmt: skip

    # -- engine events ----------------------------------------------------------------------------

    def _on_event(self, ev: Event) -> None:
        if not self.connections:
            return
        if isinstance(ev, TradeEvent):
            t = ev.trade
            stream = f"{t.symbol}@trade"
            payload = None
            for conn in self.connections:
                if stream in conn.streams:
                    payload = payload or {
                        "e": "trade", "E": t.time, "s": t.symbol,
                        "t": [{"t": t.id, "p": wire.wire(t.price), "q": wire.wire(t.qty * t.side),
                               "b": t.buy_order, "a": t.sell_order, "T": t.time, "s": str(t.side)}],
                    }  # fmt: skip
                    conn.send(payload, stream)
            return
        account = ev.order.account if isinstance(ev, OrderEvent) else ev.account
        users = [c for c in self.connections if c.account == account]
        if not users:
            return
        if isinstance(ev, OrderEvent):
            payload = wire.order_trade_update(ev.order, ev.trade_time, ev.time)
        else:
            payload = self._account_update(ev)
        for conn in users:
            conn.send(payload, conn.listen_key)

    def _account_update(self, ev: AccountEvent) -> dict[str, Any]:
        e = self.v.engine
        acct = e.account(ev.account)
        rows = []
        for symbol in ev.symbols:
            pos = acct.positions.get(symbol)
            inst = self.v.catalog.get(symbol)
            if pos is None or inst is None:
                rows.append((symbol, ZERO, ZERO, ZERO, ZERO))
                continue
            value = e.marks.of(inst).mark * pos.quantity
            rows.append((symbol, pos.quantity, e.reducible(acct, symbol), value, pos.entry_price))
        return wire.account_update(e.summary(ev.account), rows, ev.time)

    # -- connections ------------------------------------------------------------------------------

    def _valid(self, stream: str) -> str | None:
        """The canonical stream name (listed symbol, lowercase kind) or None."""
        m = _STREAM_RE.match(stream)
        if m is None:
            return None
        inst = self.v.catalog.get(m["symbol"].upper())
        kind = m["kind"].lower()
        if inst is None:
            return None
        if kind.startswith("kline_") and kind[6:] not in INTERVALS:
            return None
        if kind.startswith("depth") and int(kind[5:]) not in DEPTHS:
            return None
        return f"{inst.symbol}@{kind}"

    async def handle_raw(self, request: web.Request) -> web.WebSocketResponse:
        name = request.match_info.get("stream")
        conn = await self._accept(request, combined=False)
        if name:
            account = self.v.listen_keys.account_of(name)
            if account is not None:
                conn.listen_key, conn.account = name, account
            elif (stream := self._valid(name)) is not None:
                conn.streams.add(stream)
            else:
                await conn.ws.close(code=1008, message=b"unknown stream")
        return await self._serve(conn)

    async def handle_combined(self, request: web.Request) -> web.WebSocketResponse:
        conn = await self._accept(request, combined=True)
        for name in filter(None, request.query.get("streams", "").split("/")):
            account = self.v.listen_keys.account_of(name)
            if account is not None:
                conn.listen_key, conn.account = name, account
            elif (stream := self._valid(name)) is not None:
                conn.streams.add(stream)
        return await self._serve(conn)

    async def _accept(self, request: web.Request, combined: bool) -> _Conn:
        ws = web.WebSocketResponse(heartbeat=self.ping_interval, max_msg_size=1 << 16)
        await ws.prepare(request)
        return _Conn(ws, combined)

    async def _serve(self, conn: _Conn) -> web.WebSocketResponse:
        self.connections.add(conn)
        writer = asyncio.create_task(conn.writer())
        try:
            async for msg in conn.ws:
                if msg.type == WSMsgType.TEXT:
                    self._control(conn, msg.data)
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self.connections.discard(conn)
            conn.queue.put_nowait(None)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
        return conn.ws

    def _control(self, conn: _Conn, text: str) -> None:
        try:
            req = json.loads(text)
        except ValueError:
            conn.send({"error": {"code": 3, "msg": "Invalid JSON"}, "id": None})
            return
        if not isinstance(req, dict):
            conn.send({"error": {"code": 3, "msg": "Invalid JSON"}, "id": None})
            return
        req_id, method, params = req.get("id"), req.get("method"), req.get("params") or []
        if method == "BINARY":
            if params not in (["false"], ["true"], [False], [True]):
                conn.send(
                    {"error": {"code": 2, "msg": "Invalid request: BINARY takes ['true'] or ['false']"}, "id": req_id}
                )
                return
            conn.gzip = params[0] in ("true", True)
            conn.send({"result": None, "id": req_id})
            return
        if method == "LIST_SUBSCRIPTIONS":
            conn.send({"result": sorted(conn.streams), "id": req_id})
            return
        if method not in ("SUBSCRIBE", "UNSUBSCRIBE") or not isinstance(params, list):
            conn.send({"error": {"code": 2, "msg": f"Invalid request: unknown method {method!r}"}, "id": req_id})
            return
        names = [self._valid(p) if isinstance(p, str) else None for p in params]
        if None in names:
            conn.send({"error": {"code": 2, "msg": "Invalid request: unknown stream"}, "id": req_id})
            return
        for name in names:
            assert name is not None
            (conn.streams.add if method == "SUBSCRIBE" else conn.streams.discard)(name)
        conn.send({"result": None, "id": req_id})
