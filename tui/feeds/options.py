"""The options screen's feed: the chain (ticker streams + mark polls) and the account (user stream).

Chain: the series of one underlying and expiry, with live IVs and greeks from `<symbol>@ticker`,
marks and price limits from `/api/v1/mark` every `MARK_POLL_S`, and each contract cross-checked
against a local Black-Scholes (`tui.domain.options.portfolio.cross_check`). Account: a `Reconciled`
snapshot replaces everything; each later user event triggers one coalesced REST refresh of
accounts, positions and open orders (so nothing the stream left out goes stale). Both publish
through a `Coalescer`, at most `PUBLISH_HZ` times a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from tui.domain.options.account import OptionAccount, OptionPosition
from tui.domain.options.chain import (
    ChainRow,
    OptionAccountView,
    OptionChain,
    OptionOrderView,
    OptionPositionView,
    OptionQuote,
    OptionsBook,
)
from tui.domain.options.events import OptionTickerEvent
from tui.domain.options.market import MarkPrice, OptionSymbol
from tui.domain.options.orders import OptionOrder
from tui.domain.options.portfolio import Holding, VenueGreeks, cross_check, portfolio_greeks
from tui.exchange.errors import ExchangeError
from tui.exchange.options.session import OptionsSession
from tui.exchange.options.streams import ticker_stream
from tui.exchange.options.user_stream import Reconciled
from tui.feeds.coalesce import Coalescer, Post
from tui.messages import ConnectionStatus, OptionChainUpdated, OptionsBookUpdated

log = logging.getLogger(__name__)

MARK_POLL_S = 1.0


def _now_ms() -> int:
    return int(time.time() * 1000)


class OptionsChainFeed:
    """The chain of `underlying` at `expiry` (None: the nearest listed expiry)."""

    def __init__(
        self,
        session: OptionsSession,
        symbols: tuple[OptionSymbol, ...],
        underlying: str,
        expiry: date | None,
        post: Post,
    ) -> None:
        self.session = session
        self.post = post
        self.underlying = underlying
        listed = [s for s in symbols if s.underlying == underlying]
        self.expiries = tuple(sorted({s.contract.expiry for s in listed}))
        self.expiry = expiry if expiry in self.expiries else (self.expiries[0] if self.expiries else None)
        self.series = {s.symbol: s for s in listed if s.contract.expiry == self.expiry}
        self.quotes: dict[str, OptionQuote] = {
            sym: OptionQuote(sym, min_qty=s.min_qty, unit=s.unit) for sym, s in self.series.items()
        }
        self.index: Decimal | None = None
        self.all_marks: dict[str, MarkPrice] = {}  # every series, for portfolio greeks across expiries
        self.changes = Coalescer(self.publish)
        self.changes.mark("chain")

    async def run(self) -> None:
        async with self.changes.running():
            poller = asyncio.create_task(self._poll_marks())
            client = self.session.market_streams([ticker_stream(s) for s in self.series], on_status=self._status)
            try:
                async for _stream, event in client.events():
                    if isinstance(event, OptionTickerEvent) and event.symbol in self.quotes:
                        self._apply_ticker(event)
            finally:
                await client.close()
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller

    def _status(self, state: str, detail: str = "") -> None:
        self.post(ConnectionStatus("options-market", state, detail))

    def _apply_ticker(self, event: OptionTickerEvent) -> None:
        old = self.quotes[event.symbol]
        self.quotes[event.symbol] = OptionQuote(
            old.symbol, old.mark, event.bid_iv, event.ask_iv, event.delta, event.gamma, event.theta, event.vega,
            event.last, event.volume, old.low_limit, old.high_limit, old.min_qty, old.unit, old.mismatched,
        )  # fmt: skip
        self.changes.mark("chain")

    def _apply_mark(self, mark: MarkPrice, index_before: Decimal | None = None) -> None:
        """A mark poll: its mark, IVs and greeks are one consistent set, so the cross-check runs on
        them (with the index fetched alongside), never on a mix of ticker and poll values."""
        old = self.quotes[mark.symbol]
        mismatched: tuple[str, ...] = ()
        if self.index is not None:
            venue = VenueGreeks(
                mark.symbol, mark.mark_price, mark.bid_iv, mark.ask_iv, mark.delta, mark.gamma, mark.theta, mark.vega
            )
            before = index_before if index_before is not None else self.index
            mismatched = cross_check(venue, before, _now_ms(), index_after=self.index).mismatched
        self.quotes[mark.symbol] = OptionQuote(
            old.symbol, mark.mark_price, mark.bid_iv, mark.ask_iv, mark.delta, mark.gamma, mark.theta, mark.vega,
            old.last, old.volume, mark.low_price_limit, mark.high_price_limit, old.min_qty, old.unit, mismatched,
        )  # fmt: skip
        self.changes.mark("chain")

    async def _poll_marks(self) -> None:
        while True:
            try:
                before = await self.session.rest.index_price(self.underlying)
                marks = await self.session.rest.marks()
                after = await self.session.rest.index_price(self.underlying)
                self.index = after
                for mark in marks:
                    self.all_marks[mark.symbol] = mark
                    if mark.symbol in self.quotes:
                        self._apply_mark(mark, before)
            except ExchangeError as exc:
                log.warning("options marks unavailable: %s", exc)
                self._status("stale", str(exc))
            except Exception:  # a bad mark must not silently stop the chain from updating
                log.exception("options mark poll failed")
                self._status("error", "mark poll failed; see the log")
            await asyncio.sleep(MARK_POLL_S)

    def publish(self) -> None:
        """Post the chain if any quote (or the index) changed since the last call."""
        if self.changes.take():
            self.post(OptionChainUpdated(self.snapshot()))

    def snapshot(self) -> OptionChain:
        strikes: dict[Decimal, dict[str, OptionQuote]] = {}
        for symbol, series in self.series.items():
            strikes.setdefault(series.strike, {})[series.contract.side.value] = self.quotes[symbol]
        rows = tuple(ChainRow(k, v.get("CALL"), v.get("PUT")) for k, v in sorted(strikes.items()))
        return OptionChain(self.underlying, self.expiry, self.expiries, self.index, rows)

    def venue_greeks(self) -> dict[str, VenueGreeks]:
        """Greeks of every series: the latest mark poll, with live ticker values for the chain shown."""
        out = {
            m.symbol: VenueGreeks(m.symbol, m.mark_price, m.bid_iv, m.ask_iv, m.delta, m.gamma, m.theta, m.vega)
            for m in self.all_marks.values()
        }
        for q in self.quotes.values():
            if (
                q.mark is not None
                and q.delta is not None
                and q.gamma is not None
                and q.theta is not None
                and q.vega is not None
            ):
                bid_iv, ask_iv = q.bid_iv or Decimal(0), q.ask_iv or Decimal(0)
                out[q.symbol] = VenueGreeks(q.symbol, q.mark, bid_iv, ask_iv, q.delta, q.gamma, q.theta, q.vega)
        return out


class OptionsAccountFeed:
    """Accounts, positions, open orders and portfolio greeks, kept current from the user stream."""

    def __init__(
        self,
        session: OptionsSession,
        post: Post,
        greeks: Callable[[], dict[str, VenueGreeks]],
        units: dict[str, Decimal],
    ) -> None:
        self.session = session
        self.post = post
        self.greeks = greeks
        self.units = units  # contract unit per series (optionInfo)
        self.accounts: tuple[OptionAccount, ...] = ()
        self.positions: tuple[OptionPosition, ...] = ()
        self.orders: dict[int, OptionOrder] = {}
        self._refresh = asyncio.Event()
        # Once a second even without events: portfolio greeks move with the marks.
        self.changes = Coalescer(self.publish, heartbeat_s=1.0)
        self.changes.mark("account")

    async def run(self) -> None:
        async with self.changes.running():
            refresher = asyncio.create_task(self._refresh_loop())
            try:
                async for event in self.session.user:
                    if isinstance(event, Reconciled):
                        self.accounts, self.positions = event.accounts, event.positions
                        self.orders = {o.order_id: o for o in event.open_orders if o.is_open}
                        self.changes.mark("account")
                    else:
                        self._refresh.set()  # one coalesced REST refresh for any burst of events
            finally:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher

    def request_refresh(self) -> None:
        self._refresh.set()

    async def _refresh_loop(self) -> None:
        while True:
            await self._refresh.wait()
            self._refresh.clear()
            try:
                rest = self.session.rest
                self.accounts = await rest.account()
                self.positions = await rest.positions()
                symbols = (
                    {p.symbol for p in self.positions}
                    | {o.symbol for o in self.orders.values()}
                    | set(self.session.user._watched)
                )
                orders: dict[int, OptionOrder] = {}
                for symbol in sorted(symbols):
                    for order in await rest.open_orders(symbol):
                        orders[order.order_id] = order
                self.orders = orders
                self.changes.mark("account")
            except ExchangeError as exc:
                log.warning("options account refresh failed: %s", exc)
                self.post(ConnectionStatus("options-account", "stale", str(exc)))
                await asyncio.sleep(1)
                self._refresh.set()

    def publish(self) -> None:
        """Post the book if the account changed since the last call, or a heartbeat went by."""
        if self.changes.take():
            self.post(OptionsBookUpdated(self.snapshot()))

    def snapshot(self) -> OptionsBook:
        holdings = [Holding(p.symbol, p.quantity, self.units.get(p.symbol, Decimal(1))) for p in self.positions]
        totals = portfolio_greeks(holdings, self.greeks())
        return OptionsBook(
            accounts=tuple(
                OptionAccountView(
                    a.asset, a.equity, a.available, a.order_margin, a.position_margin, a.maint_margin, a.unrealized_pnl
                )
                for a in self.accounts
            ),
            positions=tuple(
                OptionPositionView(
                    p.symbol, p.quantity, p.entry_price, p.mark_price, p.unrealized_pnl, p.ror, p.reducible_qty
                )
                for p in self.positions
            ),
            orders=tuple(
                OptionOrderView(
                    o.order_id,
                    o.symbol,
                    o.side,
                    o.type,
                    o.price,
                    o.quantity,
                    o.executed_qty,
                    o.status,
                    o.reduce_only,
                    o.client_order_id,
                )
                for o in sorted(self.orders.values(), key=lambda o: o.order_id)
            ),
            greeks=tuple(totals[u] for u in sorted(totals)),
        )
