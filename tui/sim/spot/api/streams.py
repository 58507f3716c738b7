"""Market streams (web-socket-streams.md): raw `/ws/<stream>`, combined `/stream?streams=a/b`, and
live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY.

Streams served, symbols lowercase: `<s>@depth` and `<s>@depth@100ms` (diffs: BookLevelChanged
events of a window batched into one `depthUpdate` with U = first and u = last update id, final qty
per level, sent only if something changed), `<s>@depth<5|10|20>[@100ms]` (partial books),
`<s>@trade`, `<s>@aggTrade`, `<s>@kline_<interval>`, `<s>@ticker`, `<s>@miniTicker`,
`<s>@bookTicker`.

Test hooks: `drop_next_depth_events(n)` silently loses the next n diff events (a gap the client
must detect), `close_all()` drops every stream connection (the client must reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tui.sim.protocol.ws_connection import WsConnection
from tui.sim.spot.api.wire import d8, levels
from tui.sim.spot.market.data import AggTradeExecuted, KlineUpdated
from tui.sim.spot.market.views import format_ticker, kline_row
from tui.sim.spot.matching.engine import BookLevelChanged, Engine, TradeExecuted

if TYPE_CHECKING:
    from tui.sim.spot.market.data import KlineBar, MarketData

log = logging.getLogger(__name__)

MAX_STREAMS = 1024
MAX_CONTROL_PER_SECOND = 5
_METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")
_ID_RE = re.compile(r"^[A-Za-z0-9]{1,36}$")


@dataclass
class _DepthBatch:
    first: int = 0
    last: int = 0
    bids: dict[Decimal, Decimal] = field(default_factory=dict)
    asks: dict[Decimal, Decimal] = field(default_factory=dict)

    def add(self, ev: BookLevelChanged) -> None:
        if not self.first:
            self.first = ev.update_id
        self.last = ev.update_id
        (self.bids if ev.side == "BID" else self.asks)[ev.price] = ev.qty


@dataclass(eq=False)
class StreamConnection:
    ws: WsConnection
    combined: bool
    streams: list[str] = field(default_factory=list)
    control_times: deque[float] = field(default_factory=deque)

    def push(self, stream: str, payload: Any) -> None:
        self.ws.send({"stream": stream, "data": payload} if self.combined else payload)


def _error(code: int, msg: str, req_id: Any) -> dict[str, Any]:
    return {"error": {"code": code, "msg": msg}, "id": req_id}


class StreamHub:
    """All market-stream connections, the stream index, and the producers feeding them."""

    def __init__(
        self,
        engine: Engine,
        market_data: MarketData,
        clock_ms: Callable[[], int],
        ping_interval: float = 20.0,
        tick_seconds: float = 0.1,
    ) -> None:
        self.engine = engine
        self.market_data = market_data
        self.clock_ms = clock_ms
        self.ping_interval = ping_interval
        self.tick_seconds = tick_seconds
        self.connections: set[StreamConnection] = set()
        self._index: dict[str, set[StreamConnection]] = {}
        self._batch_fast: dict[str, _DepthBatch] = {}
        self._batch_slow: dict[str, _DepthBatch] = {}
        self._last_book_ticker: dict[str, tuple[Any, Any]] = {}
        self._drop_depth = 0
        self.dropped_depth_events: list[tuple[str, int, int]] = []
        self._lower = {s.lower(): s for s in engine.specs}
        self._pending_klines: dict[str, KlineBar] = {}
        self._unsubscribe_engine = engine.subscribe(self._on_engine_event)
        self._unsubscribe_md = market_data.subscribe(self._on_market_data)
        self._task: asyncio.Task[None] | None = None

    # -- test hooks ------------------------------------------------------------------------------

    def drop_next_depth_events(self, n: int = 1) -> None:
        """Lose the next `n` depthUpdate events (any symbol/speed): the client sees a U/u gap."""
        self._drop_depth += n

    async def close_all(self) -> None:
        """Close every stream connection (as on a server restart); clients must reconnect."""
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"going away")

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._unsubscribe_engine()
        self._unsubscribe_md()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.close_all()

    # -- connections -----------------------------------------------------------------------------

    async def handle_raw(self, request: web.Request) -> web.WebSocketResponse:
        stream = request.match_info.get("stream", "")
        return await self._serve(request, combined=False, initial=[stream] if stream else [])

    async def handle_combined(self, request: web.Request) -> web.WebSocketResponse:
        names = [s for s in request.query.get("streams", "").split("/") if s]
        return await self._serve(request, combined=True, initial=names)

    async def _serve(self, request: web.Request, *, combined: bool, initial: list[str]) -> web.WebSocketResponse:
        if len(initial) > MAX_STREAMS:
            raise web.HTTPBadRequest(text=json.dumps({"code": -1, "msg": "Too many streams"}))
        ws = await WsConnection.accept(request, self.ping_interval)
        conn = StreamConnection(ws, combined)
        self.connections.add(conn)
        self._add_streams(conn, initial)
        try:
            async for msg in ws.ws:
                if msg.type == WSMsgType.PING and not self._count_control(conn):
                    break
                if await ws.handle_control(msg):
                    continue
                if msg.type == WSMsgType.TEXT:
                    if not self._count_control(conn):
                        break
                    reply = self._on_control(conn, msg.data)
                    if reply is not None:
                        ws.send(reply)
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self._remove_streams(conn, list(conn.streams))
            self.connections.discard(conn)
            if not ws.closed:
                await ws.close(code=1008, message=b"too many messages")
            await ws.finish()
        return ws.ws

    def _count_control(self, conn: StreamConnection) -> bool:
        """At most 5 incoming messages per second; False means disconnect."""
        now = time.monotonic()
        times = conn.control_times
        times.append(now)
        while times and now - times[0] >= 1.0:
            times.popleft()
        return len(times) <= MAX_CONTROL_PER_SECOND

    def _add_streams(self, conn: StreamConnection, names: list[str]) -> None:
        for name in names:
            if name not in conn.streams:
                conn.streams.append(name)
                self._index.setdefault(name, set()).add(conn)

    def _remove_streams(self, conn: StreamConnection, names: list[str]) -> None:
        for name in names:
            if name in conn.streams:
                conn.streams.remove(name)
            subs = self._index.get(name)
            if subs is not None:
                subs.discard(conn)
                if not subs:
                    del self._index[name]

    def _on_control(self, conn: StreamConnection, text: str) -> dict[str, Any] | None:
        try:
            req = json.loads(text)
        except ValueError as exc:
            return {"error": {"code": 3, "msg": f"Invalid JSON: {exc}"}, "id": None}
        if not isinstance(req, dict):
            return _error(2, "Invalid request: expected an object", None)
        if "method" not in req:
            return _error(2, "Invalid request: missing field `method`", req.get("id"))
        req_id = req.get("id")
        valid_id = req_id is None or (
            isinstance(req_id, int) and not isinstance(req_id, bool) and -(2**63) <= req_id < 2**63
        )
        if not valid_id and not (isinstance(req_id, str) and _ID_RE.match(req_id)):
            return _error(2, "Invalid request: request ID must be an unsigned integer", None)
        if "id" not in req:
            return _error(2, "Invalid request: request ID must be an unsigned integer", None)
        method, params = req["method"], req.get("params", [])
        if method not in _METHODS:
            return _error(
                2,
                f"Invalid request: unknown variant `{method}`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, "
                "`LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`",
                req_id,
            )
        if not isinstance(params, list):
            return _error(2, "Invalid request: params must be an array", req_id)
        if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            if not params or not all(isinstance(p, str) for p in params):
                return _error(2, "Invalid request: stream names must be strings", req_id)
            if method == "SUBSCRIBE":
                new = [p for p in params if p not in conn.streams]
                if len(conn.streams) + len(new) > MAX_STREAMS:
                    return _error(2, f"Invalid request: too many streams (max {MAX_STREAMS})", req_id)
                self._add_streams(conn, params)
            else:
                self._remove_streams(conn, params)
            return {"result": None, "id": req_id}
        if method == "LIST_SUBSCRIPTIONS":
            if params:
                return _error(2, "Invalid request: too many parameters", req_id)
            return {"result": list(conn.streams), "id": req_id}
        if not params or not isinstance(params[0], str):
            return _error(2, "Invalid request: property name must be a string", req_id)
        if params[0] != "combined":
            return _error(0, "Unknown property", req_id)
        if method == "GET_PROPERTY":
            if len(params) != 1:
                return _error(2, "Invalid request: too many parameters", req_id)
            return {"result": conn.combined, "id": req_id}
        if len(params) != 2:
            return _error(2, "Invalid request: too many parameters", req_id)
        if not isinstance(params[1], bool):
            return _error(1, "Invalid value type: expected Boolean", req_id)
        conn.combined = params[1]
        return {"result": None, "id": req_id}

    # -- producers -------------------------------------------------------------------------------

    def _send(self, stream: str, payload: Any) -> None:
        for conn in tuple(self._index.get(stream, ())):
            conn.push(stream, payload)

    def _wanted(self, stream: str) -> bool:
        return stream in self._index

    def _on_engine_event(self, ev: object) -> None:
        if isinstance(ev, BookLevelChanged):
            self._batch_fast.setdefault(ev.symbol, _DepthBatch()).add(ev)
            self._batch_slow.setdefault(ev.symbol, _DepthBatch()).add(ev)
            self._book_ticker(ev.symbol, ev.update_id)
        elif isinstance(ev, TradeExecuted):
            stream = f"{ev.symbol.lower()}@trade"
            if self._wanted(stream):
                self._send(
                    stream,
                    {
                        "e": "trade",
                        "E": self.clock_ms(),
                        "s": ev.symbol,
                        "t": ev.trade_id,
                        "p": d8(ev.price),
                        "q": d8(ev.qty),
                        "T": ev.time,
                        "m": ev.buyer_is_maker,
                        "M": True,
                    },
                )

    def _on_market_data(self, ev: object) -> None:
        if isinstance(ev, AggTradeExecuted):
            a = ev.trade
            stream = f"{a.symbol.lower()}@aggTrade"
            if self._wanted(stream):
                self._send(
                    stream,
                    {
                        "e": "aggTrade",
                        "E": self.clock_ms(),
                        "s": a.symbol,
                        "a": a.agg_id,
                        "p": d8(a.price),
                        "q": d8(a.qty),
                        "f": a.first_trade_id,
                        "l": a.last_trade_id,
                        "T": a.time,
                        "m": a.buyer_is_maker,
                        "M": True,
                    },
                )
        elif isinstance(ev, KlineUpdated):
            stream = f"{ev.symbol.lower()}@kline_{ev.interval}"
            if not self._wanted(stream):
                return
            if ev.kline.closed:  # a closing kline is always delivered, never coalesced away
                self._pending_klines.pop(stream, None)
                self._send(stream, self._kline_payload(ev.kline))
            else:
                self._pending_klines[stream] = ev.kline

    def _book_ticker(self, symbol: str, update_id: int) -> None:
        stream = f"{symbol.lower()}@bookTicker"
        if not self._wanted(stream):
            return
        bid, ask = self.engine.best_bid_ask(symbol)
        if self._last_book_ticker.get(symbol) == (bid, ask):
            return
        self._last_book_ticker[symbol] = (bid, ask)
        self._send(
            stream,
            {
                "u": update_id,
                "s": symbol,
                "b": d8(bid[0] if bid else None),
                "B": d8(bid[1] if bid else None),
                "a": d8(ask[0] if ask else None),
                "A": d8(ask[1] if ask else None),
            },
        )

    def _flush_depth(self, batches: dict[str, _DepthBatch], suffix: str) -> None:
        for symbol, batch in list(batches.items()):
            stream = f"{symbol.lower()}@depth{suffix}"
            if not batch.first:
                continue
            batches[symbol] = _DepthBatch()
            if not self._wanted(stream):
                continue
            if self._drop_depth > 0:
                self._drop_depth -= 1
                self.dropped_depth_events.append((stream, batch.first, batch.last))
                continue
            self._send(
                stream,
                {
                    "e": "depthUpdate",
                    "E": self.clock_ms(),
                    "s": symbol,
                    "U": batch.first,
                    "u": batch.last,
                    "b": levels(sorted(batch.bids.items(), reverse=True)),
                    "a": levels(sorted(batch.asks.items())),
                },
            )

    def _partial_depth(self, suffix: str) -> None:
        for lower, symbol in self._lower.items():
            for n in (5, 10, 20):
                stream = f"{lower}@depth{n}{suffix}"
                if self._wanted(stream):
                    last_update_id, bids, asks = self.engine.depth(symbol, n)
                    self._send(stream, {"lastUpdateId": last_update_id, "bids": levels(bids), "asks": levels(asks)})

    def _tickers(self) -> None:
        for lower, symbol in self._lower.items():
            full, mini = f"{lower}@ticker", f"{lower}@miniTicker"
            if not (self._wanted(full) or self._wanted(mini)):
                continue
            t = format_ticker(self.market_data.ticker_24h(symbol))
            now = self.clock_ms()
            if self._wanted(mini):
                self._send(
                    mini,
                    {
                        "e": "24hrMiniTicker",
                        "E": now,
                        "s": symbol,
                        "c": t["lastPrice"],
                        "o": t["openPrice"],
                        "h": t["highPrice"],
                        "l": t["lowPrice"],
                        "v": t["volume"],
                        "q": t["quoteVolume"],
                    },
                )
            if self._wanted(full):
                bid, ask = self.engine.best_bid_ask(symbol)
                self._send(
                    full,
                    {
                        "e": "24hrTicker",
                        "E": now,
                        "s": symbol,
                        "p": t["priceChange"],
                        "P": t["priceChangePercent"],
                        "w": t["weightedAvgPrice"],
                        "x": t["prevClosePrice"],
                        "c": t["lastPrice"],
                        "Q": t["lastQty"],
                        "b": d8(bid[0] if bid else None),
                        "B": d8(bid[1] if bid else None),
                        "a": d8(ask[0] if ask else None),
                        "A": d8(ask[1] if ask else None),
                        "o": t["openPrice"],
                        "h": t["highPrice"],
                        "l": t["lowPrice"],
                        "v": t["volume"],
                        "q": t["quoteVolume"],
                        "O": t["openTime"],
                        "C": t["closeTime"],
                        "F": t["firstId"],
                        "L": t["lastId"],
                        "n": t["count"],
                    },
                )

    def _kline_payload(self, k: KlineBar) -> dict[str, Any]:
        row = kline_row(k)
        return {
            "e": "kline",
            "E": self.clock_ms(),
            "s": k.symbol,
            "k": {
                "t": k.open_time,
                "T": k.close_time,
                "s": k.symbol,
                "i": k.interval,
                "f": k.first_trade_id,
                "L": k.last_trade_id,
                "o": row[1],
                "c": row[4],
                "h": row[2],
                "l": row[3],
                "v": row[5],
                "n": k.trades,
                "x": k.closed,
                "q": row[7],
                "V": row[9],
                "Q": row[10],
                "B": "0",
            },
        }

    def _klines(self, fast: bool) -> None:
        """Coalesced kline updates: every 1 s for `1s` klines, every 2 s for the others."""
        for stream in [s for s in self._pending_klines if s.endswith("_1s") == fast]:
            kline = self._pending_klines.pop(stream)
            self._send(stream, self._kline_payload(kline))

    def tick(self, n: int) -> None:
        """One 100 ms step of the periodic producers (n counts ticks since start)."""
        self._flush_depth(self._batch_fast, "@100ms")
        self._partial_depth("@100ms")
        if n % 10 == 0:
            self._flush_depth(self._batch_slow, "")
            self._partial_depth("")
            self._tickers()
            self._klines(fast=True)
        if n % 20 == 0:
            self._klines(fast=False)

    async def _run(self) -> None:
        n = 0
        while True:
            await asyncio.sleep(self.tick_seconds)
            n += 1
            try:
                self.tick(n)
            except Exception:  # a producer bug must not stop every stream
                log.exception("stream tick failed")
