"""Market streams (web-socket-streams.md): raw `/ws/<stream>`, combined `/stream?streams=a/b`, and
live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY.

Streams served, symbols lowercase: `<s>@depth` and `<s>@depth@100ms` (diffs: BookLevelChanged
events of a window batched into one `depthUpdate` with U = first and u = last update id, final qty
per level, sent only if something changed), `<s>@depth<5|10|20>[@100ms]` (partial books),
`<s>@trade`, `<s>@aggTrade`, `<s>@kline_<interval>`, `<s>@ticker`, `<s>@miniTicker`,
`<s>@bookTicker`.

`StreamHub` serves the connections and runs the producers; who listens to what (and the control
messages) is `stream_subscriptions`, the event shapes are `wire_streams`.

Test hooks: `drop_next_depth_events(n)` silently loses the next n diff events (a gap the client
must detect), `close_all()` drops every stream connection (the client must reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tui.sim.protocol.ws_connection import WsConnection
from tui.sim.spot.api.stream_subscriptions import MAX_STREAMS, StreamConnection, StreamIndex
from tui.sim.spot.api.wire_streams import (
    agg_trade_event,
    book_ticker_event,
    depth_update_event,
    kline_event,
    mini_ticker_event,
    partial_depth_event,
    ticker_event,
    trade_event,
)
from tui.sim.spot.market.records import AggTradeExecuted, KlineUpdated
from tui.sim.spot.market.views import ticker_24h_one
from tui.sim.spot.matching.engine import BookLevelChanged, Engine, TradeExecuted

if TYPE_CHECKING:
    from tui.sim.spot.market.data import MarketData
    from tui.sim.spot.market.records import KlineBar

log = logging.getLogger(__name__)


@dataclass
class _DepthBatch:
    """The BookLevelChanged events of one symbol since the last depthUpdate: first and last update id,
    final qty per level."""

    first: int = 0
    last: int = 0
    bids: dict[Decimal, Decimal] = field(default_factory=dict)
    asks: dict[Decimal, Decimal] = field(default_factory=dict)

    def add(self, ev: BookLevelChanged) -> None:
        if not self.first:
            self.first = ev.update_id
        self.last = ev.update_id
        (self.bids if ev.side == "BID" else self.asks)[ev.price] = ev.qty


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
        self.subscriptions = StreamIndex()
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
        self.subscriptions.add(conn, initial)
        try:
            async for msg in ws.ws:
                if msg.type == WSMsgType.PING and not conn.count_control():
                    break
                if await ws.handle_control(msg):
                    continue
                if msg.type == WSMsgType.TEXT:
                    if not conn.count_control():
                        break
                    reply = self.subscriptions.on_control(conn, msg.data)
                    if reply is not None:
                        ws.send(reply)
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self.subscriptions.remove(conn, list(conn.streams))
            self.connections.discard(conn)
            if not ws.closed:
                await ws.close(code=1008, message=b"too many messages")
            await ws.finish()
        return ws.ws

    # -- producers -------------------------------------------------------------------------------

    def _on_engine_event(self, ev: object) -> None:
        if isinstance(ev, BookLevelChanged):
            self._batch_fast.setdefault(ev.symbol, _DepthBatch()).add(ev)
            self._batch_slow.setdefault(ev.symbol, _DepthBatch()).add(ev)
            self._book_ticker(ev.symbol, ev.update_id)
        elif isinstance(ev, TradeExecuted):
            stream = f"{ev.symbol.lower()}@trade"
            if self.subscriptions.wanted(stream):
                self.subscriptions.send(stream, trade_event(ev, self.clock_ms()))

    def _on_market_data(self, ev: object) -> None:
        if isinstance(ev, AggTradeExecuted):
            stream = f"{ev.trade.symbol.lower()}@aggTrade"
            if self.subscriptions.wanted(stream):
                self.subscriptions.send(stream, agg_trade_event(ev.trade, self.clock_ms()))
        elif isinstance(ev, KlineUpdated):
            stream = f"{ev.symbol.lower()}@kline_{ev.interval}"
            if not self.subscriptions.wanted(stream):
                return
            if ev.kline.closed:  # a closing kline is always delivered, never coalesced away
                self._pending_klines.pop(stream, None)
                self.subscriptions.send(stream, kline_event(ev.kline, self.clock_ms()))
            else:
                self._pending_klines[stream] = ev.kline

    def _book_ticker(self, symbol: str, update_id: int) -> None:
        stream = f"{symbol.lower()}@bookTicker"
        if not self.subscriptions.wanted(stream):
            return
        bid, ask = self.engine.best_bid_ask(symbol)
        if self._last_book_ticker.get(symbol) == (bid, ask):
            return
        self._last_book_ticker[symbol] = (bid, ask)
        self.subscriptions.send(stream, book_ticker_event(symbol, update_id, bid, ask))

    def _flush_depth(self, batches: dict[str, _DepthBatch], suffix: str) -> None:
        for symbol, batch in list(batches.items()):
            stream = f"{symbol.lower()}@depth{suffix}"
            if not batch.first:
                continue
            batches[symbol] = _DepthBatch()
            if not self.subscriptions.wanted(stream):
                continue
            if self._drop_depth > 0:
                self._drop_depth -= 1
                self.dropped_depth_events.append((stream, batch.first, batch.last))
                continue
            event = depth_update_event(symbol, batch.first, batch.last, batch.bids, batch.asks, self.clock_ms())
            self.subscriptions.send(stream, event)

    def _partial_depth(self, suffix: str) -> None:
        for lower, symbol in self._lower.items():
            for n in (5, 10, 20):
                stream = f"{lower}@depth{n}{suffix}"
                if self.subscriptions.wanted(stream):
                    self.subscriptions.send(stream, partial_depth_event(*self.engine.depth(symbol, n)))

    def _tickers(self) -> None:
        for lower, symbol in self._lower.items():
            full, mini = f"{lower}@ticker", f"{lower}@miniTicker"
            if not (self.subscriptions.wanted(full) or self.subscriptions.wanted(mini)):
                continue
            row = ticker_24h_one(self.engine, self.market_data, symbol)
            now = self.clock_ms()
            if self.subscriptions.wanted(mini):
                self.subscriptions.send(mini, mini_ticker_event(row, now))
            if self.subscriptions.wanted(full):
                self.subscriptions.send(full, ticker_event(row, now))

    def _klines(self, fast: bool) -> None:
        """Coalesced kline updates: every 1 s for `1s` klines, every 2 s for the others."""
        for stream in [s for s in self._pending_klines if s.endswith("_1s") == fast]:
            kline = self._pending_klines.pop(stream)
            self.subscriptions.send(stream, kline_event(kline, self.clock_ms()))

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
