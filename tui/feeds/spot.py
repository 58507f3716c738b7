"""The spot dashboard's feeds: market data of one symbol, and the account's orders and balances.

Each keeps the latest state itself and publishes it through a `Coalescer` (at most `PUBLISH_HZ`
times a second), so a burst of thousands of depth frames costs the UI a handful of redraws. Feeds
run as workers of the dashboard screen; they never touch widgets.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from tui.domain.spot.account import Balance, CommissionRates
from tui.domain.spot.market import Kline, Ticker24h, Trade
from tui.domain.spot.orders import Order
from tui.exchange.errors import ExchangeError
from tui.exchange.spot.codec.market import kline_from_stream, ticker_from_stream, trade_from_stream
from tui.exchange.spot.events import BalanceDelta, BalancesUpdate, OrderUpdate, SessionReconnected
from tui.exchange.spot.session import Session
from tui.exchange.streams import RECONNECTED, StreamClient
from tui.feeds.coalesce import Coalescer, Post
from tui.messages import (
    BalancesUpdated,
    BookUpdated,
    ConnectionStatus,
    KlinesUpdated,
    OrdersUpdated,
    TickerUpdated,
    TradesUpdated,
)

log = logging.getLogger(__name__)

BOOK_DEPTH = 40
TAPE_LENGTH = 60
KLINE_COUNT = 240


class MarketFeed:
    """Depth, trades, klines and the 24h ticker for one symbol on one combined stream connection."""

    def __init__(self, session: Session, symbol: str, interval: str, post: Post) -> None:
        self.session = session
        self.symbol = symbol
        self.interval = interval
        self.post = post
        self.book = session.local_book(symbol)
        self.trades: deque[Trade] = deque(maxlen=TAPE_LENGTH)
        self.klines: dict[int, Kline] = {}
        self.frames = 0
        self.changes = Coalescer(self.publish)
        self._ticker: Ticker24h | None = None
        self._book_state = ""
        self._client: StreamClient | None = None

    @property
    def streams(self) -> list[str]:
        s = self.symbol.lower()
        return [f"{s}@depth@100ms", f"{s}@trade", f"{s}@kline_{self.interval}", f"{s}@ticker"]

    async def run(self) -> None:
        async with self.changes.running():
            try:
                await self._load_klines()
                self._client = self.session.market_streams(self.streams, name="market", on_reconnect=self._on_reconnect)
                await self._consume(self._client)
            finally:
                await self.book.close()  # stops a snapshot fetch still retrying for this feed

    async def _consume(self, client: StreamClient) -> None:
        """Apply every frame of the combined stream until it ends, then close it."""
        try:
            async for stream, data in client:
                if stream == RECONNECTED:
                    continue  # on_reconnect already reset the book
                self.frames += 1
                try:
                    await self._handle(stream, data)
                except (ValueError, KeyError, TypeError) as exc:
                    log.warning("skipping malformed %s frame: %s", stream, exc)
        finally:
            await client.close()

    async def _load_klines(self) -> None:
        try:
            klines = await self.session.market.klines(self.symbol, self.interval, limit=KLINE_COUNT)
        except ExchangeError as exc:
            log.warning("klines for %s unavailable: %s", self.symbol, exc)
            return
        self.klines = {k.open_time: k for k in klines}
        self.changes.mark("klines")

    def _on_reconnect(self) -> None:
        # A new connection starts a new diff sequence: nothing of the old book may survive it.
        self.book.on_reconnect()
        self.changes.mark("book")

    async def _handle(self, stream: str, data: dict) -> None:
        if "@" not in stream:
            return  # not market data (e.g. a control event); the stream client deals with those
        kind = stream.split("@", 1)[1]
        if kind.startswith("depth"):
            await self.book.on_diff(data)
            self.changes.mark("book")
        elif kind == "trade":
            self.trades.appendleft(trade_from_stream(data))
            self.changes.mark("trades")
        elif kind.startswith("kline_"):
            kline = kline_from_stream(data)
            self.klines[kline.open_time] = kline
            if len(self.klines) > KLINE_COUNT:
                del self.klines[min(self.klines)]
            self.changes.mark("klines")
        elif kind == "ticker":
            self._ticker = ticker_from_stream(data)
            self.changes.mark("ticker")

    @property
    def book_state(self) -> str:
        """live, syncing, resyncing (after a gap) or stale (its stream is down)."""
        if self._client is None or self._client.state == "connecting":
            return "connecting"
        if self._client.state != "live":
            return "stale"
        state = self.book.state
        return "resyncing" if state == "syncing" and self.book.resyncs else state

    def publish(self) -> None:
        """Post one message per kind of state that changed since the last call."""
        dirty = set(self.changes.take())
        state = self.book_state
        if state != self._book_state:
            self._book_state = state
            self.post(ConnectionStatus("book", state))
            dirty.add("book")
        if "book" in dirty:
            bids, asks = self.book.book.top(BOOK_DEPTH)
            self.post(
                BookUpdated(
                    self.symbol, tuple(bids), tuple(asks), self.book.book.last_update_id, state, self.book.resyncs
                )
            )
        if "trades" in dirty:
            self.post(TradesUpdated(self.symbol, tuple(self.trades)))
        if "klines" in dirty:
            self.post(KlinesUpdated(self.symbol, self.interval, tuple(self.klines[t] for t in sorted(self.klines))))
        if "ticker" in dirty and self._ticker is not None:
            self.post(TickerUpdated(self._ticker))


class AccountFeed:
    """Open orders and balances: a REST-like snapshot first, then kept current from the user stream.

    After the session reconnects it takes a fresh snapshot, so an order filled while we were away is
    never shown as open (and one placed elsewhere appears).
    """

    def __init__(self, session: Session, post: Post) -> None:
        self.session = session
        self.post = post
        self.orders: dict[int, Order] = {}
        self.balances: dict[str, Balance] = {}
        self.commission: CommissionRates | None = None
        self._closed: set[int] = set()
        self.changes = Coalescer(self.publish)

    async def run(self) -> None:
        async with self.changes.running():
            await self.reload_until_done()
            async for event in self.session.user_events():
                self.apply(event)
                if isinstance(event, SessionReconnected):
                    await self.reload_until_done()

    async def reload_until_done(self) -> None:
        """Reload, retrying with backoff: a failed reload must not end the feed (the session
        reconnects on its own; until the reload succeeds the panels are marked stale)."""
        delay = 0.5
        while True:
            try:
                await self.reload()
            except (ExchangeError, ValueError) as exc:
                log.warning("account reload failed: %s", exc)
                self.post(ConnectionStatus("account", "stale", str(exc)))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            self.post(ConnectionStatus("account", "live"))
            return

    async def reload(self) -> None:
        orders = await self.session.orders.open_orders()
        account = await self.session.account.snapshot()
        self.orders = {o.order_id: o for o in orders}
        self.balances = {b.asset: b for b in account.balances}
        self.commission = account.commission
        self.changes.mark("account")
        self.publish()

    def apply(self, event: object) -> None:
        if isinstance(event, OrderUpdate):
            order = event.order
            known = self.orders.get(order.order_id)
            if known is not None and known.update_time > order.update_time:
                return  # an older report arriving late must not undo a newer one
            if order.is_open:
                self.orders[order.order_id] = order
            else:
                self.orders.pop(order.order_id, None)
                self._closed.add(order.order_id)
        elif isinstance(event, BalancesUpdate):
            for bal in event.balances:
                self.balances[bal.asset] = bal
        elif isinstance(event, BalanceDelta):
            # A deposit/withdrawal: outboundAccountPosition follows with the absolute balances
            # ("sent any time an account balance has changed"); adding the delta too could count
            # it twice, depending on which arrives first.
            return
        else:
            return
        self.changes.mark("account")

    def track(self, order: Order) -> None:
        """Record an order we just placed (the response may beat its executionReport)."""
        if order.order_id in self._closed:
            return
        if order.order_id not in self.orders and order.is_open:
            self.orders[order.order_id] = order
            self.changes.mark("account")
        elif not order.is_open:
            self.orders.pop(order.order_id, None)
            self._closed.add(order.order_id)
            self.changes.mark("account")

    def publish(self) -> None:
        """Post the orders and balances if anything changed since the last call."""
        if not self.changes.take():
            return
        self.post(OrdersUpdated(tuple(self.orders.values())))
        self.post(BalancesUpdated(tuple(self.balances.values()), self.commission))
