"""The spot dashboard: book, chart, tape, open orders, balances; owns the market and account feeds.

What the shown symbol's widgets display flows down from the screen's reactives with `data_bind`;
what the trading keys start is the order desks' work (`tui.desks`), run in this screen's workers.
"""

from __future__ import annotations

from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Footer

from tui.desks.messages import AccountInDoubt, OrdersReported
from tui.desks.spot_lists import SpotListDesk
from tui.desks.spot_orders import SpotOrderDesk, replacement_draft
from tui.domain.spot.account import Balance, CommissionRates
from tui.domain.spot.market import Kline, Ticker24h, Trade
from tui.domain.spot.order_entry import SorOrderRequest
from tui.domain.spot.orders import Order, OrderListRequest, OrderRequest, Side
from tui.domain.spot.sor import sor_config_for
from tui.exchange.spot.session import Session
from tui.feeds.spot import AccountFeed, MarketFeed
from tui.messages import (
    BalancesUpdated,
    BookUpdated,
    ConnectionStatus,
    KlinesUpdated,
    OrdersUpdated,
    SessionReady,
    TickerUpdated,
    TradesUpdated,
)
from tui.screens.common.base import BaseScreen
from tui.screens.common.help import HelpScreen
from tui.screens.exports.jobs import ExportScreen
from tui.screens.options.desk import OptionsScreen
from tui.screens.spot.amend import AmendScreen
from tui.screens.spot.history import HistoryScreen
from tui.screens.spot.list_form import ListFormScreen
from tui.screens.spot.order_form import OrderFormContext, OrderFormScreen
from tui.screens.spot.symbol_picker import SymbolPicker
from tui.widgets.common.header_bar import HeaderBar
from tui.widgets.common.status_bar import Gauge, StatusBar, StatusSnapshot
from tui.widgets.spot.balances import BalancesView
from tui.widgets.spot.kline_chart import KlineChart
from tui.widgets.spot.open_orders import OpenOrdersTable
from tui.widgets.spot.order_book import OrderBookView
from tui.widgets.spot.trades_tape import TradesTape

INTERVALS = ("1s", "1m", "5m", "15m", "1h", "4h", "1d")
NARROW_WIDTH = 100
PANEL_TITLES = {
    "book": "Order book",
    "chart": "Chart",
    "orders": "Open orders",
    "balances": "Balances",
    "trades": "Trades",
}


def status_snapshot(session: Session, statuses: dict[str, str]) -> StatusSnapshot:
    """Connection states, round trip, clock offset and the three fullest-first rate-limit gauges, read
    from the session (plain attribute reads: no I/O)."""
    gauges = []
    for usage in session.rate_limits.usage:
        kind = (
            "weight" if usage.type == "REQUEST_WEIGHT" else "orders" if usage.type == "ORDERS" else usage.type.lower()
        )
        window = f"{usage.interval_num}{usage.interval[0].lower()}"
        gauges.append(Gauge(f"{kind}/{window}", usage.count, usage.limit))
    gauges.sort(key=lambda g: (not g.label.startswith("weight"), g.label))
    clock = session.clock
    return StatusSnapshot(
        states=tuple(statuses.items()),
        rtt_ms=clock.rtt_ms,
        offset_ms=clock.offset_ms if clock.rtt_ms is not None else None,
        gauges=tuple(gauges[:3]),
    )


def prices_of_own_orders(orders: tuple[Order, ...], symbol: str) -> frozenset[Decimal]:
    """The prices our open orders on `symbol` rest at, marked in the book."""
    return frozenset(o.price for o in orders if o.symbol == symbol and o.price)


class DashboardScreen(BaseScreen[None]):
    """The spot venue's main screen; opened by the app with its `Session` and the profile's symbols."""

    BINDINGS = [
        Binding("b", "order('BUY')", "Buy"),
        Binding("s", "order('SELL')", "Sell"),
        Binding("c", "cancel_selected", "Cancel order"),
        Binding("C", "cancel_all", "Cancel all (symbol)", key_display="shift+c"),
        Binding("a", "amend", "Amend qty"),
        Binding("r", "replace", "Cancel-replace"),
        Binding("l", "order_list", "Order list (OCO/OTO/OPO)"),
        Binding("right_square_bracket", "cycle_symbol(1)", "Next symbol", key_display="]"),
        Binding("left_square_bracket", "cycle_symbol(-1)", "Prev symbol", key_display="[", show=False),
        Binding("t", "pick_symbol", "Symbol…"),
        Binding("i", "cycle_interval", "Interval"),
        Binding("e", "export", "Futures export"),
        Binding("o", "options", "Options desk"),
        Binding("h", "history", "History"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]
    TRADING_ACTIONS = frozenset({"order", "cancel_selected", "cancel_all", "amend", "replace", "order_list"})

    # The shown symbol's state; the widgets are bound to these in `compose`.
    symbol: var[str] = var("")
    interval: var[str] = var("1m")
    price_decimals: var[int] = var(2)
    qty_decimals: var[int] = var(5)
    book: var[BookUpdated | None] = var(None)
    ticker: var[Ticker24h | None] = var(None)
    trades: var[tuple[Trade, ...]] = var(())
    klines: var[tuple[Kline, ...]] = var(())
    own_prices: var[frozenset[Decimal]] = var(frozenset())
    balances: var[tuple[Balance, ...]] = var(())
    commission: var[CommissionRates | None] = var(None)
    status: var[StatusSnapshot] = var(StatusSnapshot())

    order_desk: SpotOrderDesk
    list_desk: SpotListDesk

    def __init__(self, session: Session, *, symbols: tuple[str, ...], venue: str = "") -> None:
        super().__init__()
        self.session = session
        self.symbols = list(symbols)
        self.symbol = self.symbols[0]
        self.venue = venue
        self.ready = False
        self.account_feed: AccountFeed | None = None
        self.market_feed: MarketFeed | None = None
        self.statuses: dict[str, str] = {"ws-api": "connecting", "market": "connecting", "book": "connecting"}
        self.orders: tuple[Order, ...] = ()

    def compose(self) -> ComposeResult:
        screen = DashboardScreen
        yield HeaderBar(id="header").data_bind(screen.symbol, screen.ticker, screen.price_decimals)
        with Horizontal(id="main"):
            with Vertical(id="book-panel", classes="panel"):
                yield OrderBookView(id="book").data_bind(
                    screen.price_decimals, screen.qty_decimals, screen.own_prices, snapshot=screen.book
                )
            with Vertical(id="middle"):
                with Vertical(id="chart-panel", classes="panel"):
                    yield KlineChart(id="chart").data_bind(screen.klines, screen.interval, screen.price_decimals)
                with Vertical(id="orders-panel", classes="panel"):
                    yield OpenOrdersTable(id="orders")
                with Vertical(id="balances-panel", classes="panel"):
                    yield BalancesView(id="balances").data_bind(screen.balances, screen.commission)
            with Vertical(id="trades-panel", classes="panel"):
                yield TradesTape(id="trades").data_bind(screen.trades, screen.price_decimals, screen.qty_decimals)
        yield StatusBar(id="status").data_bind(snapshot=screen.status)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Trading actions do not exist on a read-only profile: hidden from the footer, help and palette."""
        return not (action in self.TRADING_ACTIONS and self.console.read_only)

    def on_mount(self) -> None:
        settings = self.console.settings
        self.order_desk = SpotOrderDesk(self.session, self, confirm_orders=settings.confirm_orders)
        self.list_desk = SpotListDesk(self.session, self, confirm_orders=settings.confirm_orders)
        header = self.query_one(HeaderBar)
        header.profile, header.live, header.venue = settings.profile_name, settings.live, self.venue
        header.read_only = self.console.read_only
        header.set_class(settings.live, "live")
        for panel, title in PANEL_TITLES.items():
            self.query_one(f"#{panel}-panel").border_title = title
        self._show_statuses()
        self.query_one(OpenOrdersTable).focus()
        self.set_interval(1.0, self._show_statuses)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "narrow")

    # -- feeds ----------------------------------------------------------------------------------
    def on_session_ready(self, message: SessionReady) -> None:
        self.ready = True
        known = [s for s in self.symbols if s in self.session.rules]
        self.symbols = known or sorted(self.session.rules)[:10]
        if self.symbol not in self.symbols:
            self.symbol = self.symbols[0]
        self.account_feed = AccountFeed(self.session, self.post_message)
        self.run_worker(
            self.account_feed.run(), name="run_account_feed", group="account", exclusive=True, exit_on_error=False
        )
        self.switch_symbol(self.symbol)

    def switch_symbol(self, symbol: str) -> None:
        """Show `symbol`: clear what belonged to the last one, set its precision, start its market feed."""
        rules = self.session.rules[symbol]
        self.symbol = symbol
        self.book, self.ticker, self.trades, self.klines = None, None, (), ()
        self.price_decimals, self.qty_decimals = rules.price_decimals, rules.qty_decimals
        self.own_prices = prices_of_own_orders(self.orders, symbol)
        # Exclusive: starting this feed cancels the last symbol's (or interval's).
        self.market_feed = MarketFeed(self.session, symbol, self.interval, self.post_message)
        self.run_worker(
            self.market_feed.run(), name="run_market_feed", group="market", exclusive=True, exit_on_error=False
        )

    @on(BookUpdated)
    @on(TradesUpdated)
    @on(KlinesUpdated)
    @on(TickerUpdated)
    def _market_updated(self, message: BookUpdated | TradesUpdated | KlinesUpdated | TickerUpdated) -> None:
        """The market feed's news, kept when it is about the shown symbol (and interval)."""
        if isinstance(message, BookUpdated) and message.symbol == self.symbol:
            self.book = message
        elif isinstance(message, TradesUpdated) and message.symbol == self.symbol:
            self.trades = message.trades
        elif isinstance(message, KlinesUpdated) and (message.symbol, message.interval) == (self.symbol, self.interval):
            self.klines = message.klines
        elif isinstance(message, TickerUpdated) and message.ticker.symbol == self.symbol:
            self.ticker = message.ticker

    @on(OrdersUpdated)
    @on(BalancesUpdated)
    def _account_updated(self, message: OrdersUpdated | BalancesUpdated) -> None:
        if isinstance(message, OrdersUpdated):
            self.orders = message.orders
            self.query_one(OpenOrdersTable).show(message.orders)
            self.own_prices = prices_of_own_orders(message.orders, self.symbol)
        else:
            self.balances, self.commission = message.balances, message.commission

    @on(OrdersReported)
    @on(AccountInDoubt)
    def _desk_reported(self, message: OrdersReported | AccountInDoubt) -> None:
        """A desk's replies reach the account feed at once; a lost or unreadable one has it reload."""
        feed = self.account_feed
        if feed is None:
            return
        if isinstance(message, OrdersReported):
            for order in message.orders:
                feed.track(order)
            feed.publish()
        else:
            self.run_worker(feed.reload(), group="account-reload", exclusive=True, exit_on_error=False)

    def on_connection_status(self, message: ConnectionStatus) -> None:
        self.statuses[message.name] = message.state
        self._show_statuses()

    def _show_statuses(self) -> None:
        self.status = status_snapshot(self.session, self.statuses)

    # -- trading keys: a form or modal here, then the desk's work in a worker --------------------
    def _desk_work(self, work: Coroutine[Any, Any, object], name: str) -> None:
        self.run_worker(work, name=name, group="orders", exit_on_error=False)

    def action_order(self, side: str, draft: OrderRequest | SorOrderRequest | None = None) -> None:
        if not self._require_ready():
            return
        # Prefill only from this symbol's live data: a stale or previous-symbol price could turn
        # a resting limit order into an instant taker.
        book = self.book if self.book and self.book.symbol == self.symbol and self.book.state == "live" else None
        ticker = self.ticker if self.ticker and self.ticker.symbol == self.symbol else None
        context = OrderFormContext(
            rules=self.session.rules[self.symbol],
            side=Side(side),
            best_bid=book.bids[0][0] if book and book.bids else None,
            best_ask=book.asks[0][0] if book and book.asks else None,
            last_price=ticker.last_price if ticker else None,
            commission=self.commission,
            draft=draft,
            sor=sor_config_for(self.session.sors, self.symbol),
        )

        async def preview_and_place(order: OrderRequest | SorOrderRequest) -> None:
            again = await self.order_desk.preview_and_place(order)
            if again is not None:  # Back: the form again, as it was typed
                request = again.request if isinstance(again, SorOrderRequest) else again
                self.action_order(request.side.value, draft=again)

        def submitted(order: OrderRequest | SorOrderRequest | None) -> None:
            if order is not None:
                self._desk_work(preview_and_place(order), "preview_and_place")

        self.app.push_screen(OrderFormScreen(context), submitted)

    def action_cancel_selected(self) -> None:
        order = self._selected_or_warn()
        if order is not None:
            self._desk_work(self.order_desk.cancel(order), "cancel_order")

    def action_cancel_all(self) -> None:
        if self._require_ready():
            count = sum(1 for o in self.orders if o.symbol == self.symbol)
            self._desk_work(self.order_desk.cancel_all(self.symbol, count), "cancel_all")

    def action_amend(self) -> None:
        order = self._selected_or_warn()
        if order is None:
            return

        def answered(qty: Decimal | None) -> None:
            if qty is not None:
                self._desk_work(self.order_desk.amend(order, qty), "amend")

        self.app.push_screen(AmendScreen(order, self.session.rules[order.symbol]), answered)

    def action_replace(self) -> None:
        order = self._selected_or_warn()
        if order is None:
            return
        rules = self.session.rules[order.symbol]
        draft = replacement_draft(order, rules)
        context = OrderFormContext(rules=rules, side=Side(order.side), commission=self.commission, draft=draft)

        def submitted(request: OrderRequest | SorOrderRequest | None) -> None:
            if isinstance(request, OrderRequest):  # no SOR route offered here: the context has no `sor`
                self._desk_work(self.order_desk.cancel_replace(order, request), "cancel_replace")

        self.app.push_screen(OrderFormScreen(context), submitted)

    def action_order_list(self, draft: OrderListRequest | None = None) -> None:
        """The list form (OCO first; f3 there cycles OTO, OTOCO, OPO, OPOCO); `draft` after Back."""
        if not self._require_ready():
            return
        last = self.ticker.last_price if self.ticker and self.ticker.symbol == self.symbol else None
        rules = self.session.rules[draft.symbol if draft is not None else self.symbol]

        async def place_order_list(request: OrderListRequest) -> None:
            again = await self.list_desk.place(request)
            if again is not None:  # Back: the form again, as it was typed
                self.action_order_list(draft=again)

        def submitted(request: OrderListRequest | None) -> None:
            if request is not None:
                self._desk_work(place_order_list(request), "place_order_list")

        self.app.push_screen(ListFormScreen(rules, Side.SELL, last, draft=draft), submitted)

    def _selected_or_warn(self) -> Order | None:
        if not self._require_ready():
            return None
        order = self.query_one(OpenOrdersTable).selected_order
        if order is None:
            self.notify("No open order selected: move to one with ↑/↓ first.", severity="warning")
        return order

    def _require_ready(self) -> bool:
        if not self.ready:
            self.notify("Still connecting to the exchange…", severity="warning")
        return self.ready

    # -- symbols, interval, other screens -------------------------------------------------------
    def action_cycle_symbol(self, step: int) -> None:
        if self._require_ready():
            self.switch_symbol(self.symbols[(self.symbols.index(self.symbol) + step) % len(self.symbols)])

    def action_pick_symbol(self) -> None:
        if not self._require_ready():
            return

        def picked(symbol: str | None) -> None:
            if symbol and symbol != self.symbol:
                self.switch_symbol(symbol)

        self.app.push_screen(SymbolPicker(self.symbols, self.symbol), picked)

    def action_cycle_interval(self) -> None:
        self.interval = INTERVALS[(INTERVALS.index(self.interval) + 1) % len(INTERVALS)]
        if self.ready:
            self.switch_symbol(self.symbol)

    def action_history(self) -> None:
        if self._require_ready():
            self.app.push_screen(HistoryScreen(self.session, self.symbol))

    def action_options(self) -> None:
        options = self.console.options
        if options is None:
            self.notify("This venue has no options API configured (or no key).", severity="warning")
            return
        self.app.push_screen(OptionsScreen(options))

    def action_export(self) -> None:
        exports = self.console.exports
        if exports is None:
            self.notify("This venue has no futures export (no futures REST URL or no key).", severity="warning")
            return
        self.app.push_screen(ExportScreen(exports))

    def action_help(self) -> None:
        mine = [
            b
            for b in self.BINDINGS
            if isinstance(b, Binding) and self.check_action(b.action.split("(")[0], ()) is not False
        ]
        app = [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        self.app.push_screen(HelpScreen([("Dashboard", mine), ("App", app)]))
