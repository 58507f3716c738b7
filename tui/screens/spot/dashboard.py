"""The spot dashboard: book, chart, tape, open orders, balances; owns the market and account feeds."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker

from tui.domain.spot.list_entry import describe_list
from tui.domain.spot.order_descriptions import describe_request, describe_sor_result, describe_sor_route
from tui.domain.spot.order_entry import SorOrderRequest
from tui.domain.spot.orders import (
    CommissionRates,
    Order,
    OrderListRequest,
    OrderRequest,
    OrderType,
    Side,
    StpMode,
    Ticker24h,
    TimeInForce,
    new_client_order_id,
)
from tui.domain.spot.sor import sor_config_for
from tui.exchange.errors import ExchangeError
from tui.exchange.spot.session import Session
from tui.feeds.spot import AccountFeed, MarketFeed
from tui.messages import (
    BalancesUpdated,
    BookUpdated,
    ConnectionStatus,
    KlinesUpdated,
    OrderAccepted,
    OrderRejected,
    OrdersUpdated,
    SessionReady,
    TickerUpdated,
    TradesUpdated,
)
from tui.screens.common.confirm import ConfirmScreen
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


class DashboardScreen(Screen[None]):
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

    def __init__(self, session: Session, *, symbols: tuple[str, ...], venue: str = "") -> None:
        super().__init__()
        self.session = session
        self.symbols = list(symbols)
        self.symbol = self.symbols[0]
        self.interval = "1m"
        self.venue = venue
        self.ready = False
        self.account_feed: AccountFeed | None = None
        self.market_feed: MarketFeed | None = None
        self.statuses: dict[str, str] = {"ws-api": "connecting", "market": "connecting", "book": "connecting"}
        self.book: BookUpdated | None = None
        self.orders: tuple[Order, ...] = ()
        self.ticker: Ticker24h | None = None
        self.commission: CommissionRates | None = None

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Horizontal(id="main"):
            with Vertical(id="book-panel", classes="panel"):
                yield OrderBookView(id="book")
            with Vertical(id="middle"):
                with Vertical(id="chart-panel", classes="panel"):
                    yield KlineChart(id="chart")
                with Vertical(id="orders-panel", classes="panel"):
                    yield OpenOrdersTable(id="orders")
                with Vertical(id="balances-panel", classes="panel"):
                    yield BalancesView(id="balances")
            with Vertical(id="trades-panel", classes="panel"):
                yield TradesTape(id="trades")
        yield StatusBar(id="status")
        yield Footer()

    TRADING_ACTIONS = frozenset({"order", "cancel_selected", "cancel_all", "amend", "replace", "order_list"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Trading actions do not exist on a read-only profile: hidden from the footer, help and palette."""
        return not (action in self.TRADING_ACTIONS and getattr(self.app, "read_only", False))

    def on_mount(self) -> None:
        settings = getattr(self.app, "settings", None)
        header = self.query_one(HeaderBar)
        if settings is not None:
            header.profile = settings.profile_name
            header.live = settings.live
            header.set_class(settings.live, "live")
        header.read_only = bool(getattr(self.app, "read_only", False))
        self.query_one("#book-panel").border_title = "Order book"
        self.query_one("#chart-panel").border_title = "Chart"
        self.query_one("#orders-panel").border_title = "Open orders"
        self.query_one("#balances-panel").border_title = "Balances"
        self.query_one("#trades-panel").border_title = "Trades"
        header = self.query_one(HeaderBar)
        header.venue = self.venue
        header.symbol = self.symbol
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
        self.run_account_feed()
        self.switch_symbol(self.symbol)

    @work(exclusive=True, group="account", exit_on_error=False)
    async def run_account_feed(self) -> None:
        assert self.account_feed is not None
        await self.account_feed.run()

    @work(exclusive=True, group="market", exit_on_error=False)
    async def run_market_feed(self, symbol: str, interval: str) -> None:
        self.market_feed = MarketFeed(self.session, symbol, interval, self.post_message)
        await self.market_feed.run()

    def switch_symbol(self, symbol: str) -> None:
        self.symbol = symbol
        rules = self.session.rules[symbol]
        self.book = None
        self.ticker = None
        self.query_one(HeaderBar).ticker = None
        book = self.query_one(OrderBookView)
        book.snapshot = None
        book.price_decimals = rules.price_decimals
        book.qty_decimals = rules.qty_decimals
        self._mark_own_orders()
        tape = self.query_one(TradesTape)
        tape.trades = ()
        tape.price_decimals, tape.qty_decimals = rules.price_decimals, rules.qty_decimals
        chart = self.query_one(KlineChart)
        chart.klines = ()
        chart.interval = self.interval
        chart.price_decimals = rules.price_decimals
        header = self.query_one(HeaderBar)
        header.symbol = symbol
        header.price_decimals = rules.price_decimals
        self.run_market_feed(symbol, self.interval)

    def on_book_updated(self, message: BookUpdated) -> None:
        if message.symbol == self.symbol:
            self.book = message
            self.query_one(OrderBookView).snapshot = message

    def on_trades_updated(self, message: TradesUpdated) -> None:
        if message.symbol == self.symbol:
            self.query_one(TradesTape).trades = message.trades

    def on_klines_updated(self, message: KlinesUpdated) -> None:
        if message.symbol == self.symbol and message.interval == self.interval:
            self.query_one(KlineChart).klines = message.klines

    def on_ticker_updated(self, message: TickerUpdated) -> None:
        if message.ticker.symbol == self.symbol:
            self.ticker = message.ticker
            self.query_one(HeaderBar).ticker = message.ticker

    def on_orders_updated(self, message: OrdersUpdated) -> None:
        self.orders = message.orders
        self.query_one(OpenOrdersTable).show(message.orders)
        self._mark_own_orders()

    def _mark_own_orders(self) -> None:
        self.query_one(OrderBookView).own_prices = frozenset(
            o.price for o in self.orders if o.symbol == self.symbol and o.price
        )

    def on_balances_updated(self, message: BalancesUpdated) -> None:
        balances = self.query_one(BalancesView)
        balances.balances = message.balances
        balances.commission = self.commission = message.commission

    def on_connection_status(self, message: ConnectionStatus) -> None:
        self.statuses[message.name] = message.state
        self._show_statuses()

    def _show_statuses(self) -> None:
        """Connection states, round trip, clock offset and rate-limit gauges, read from the session
        once a second (plain attribute reads: no I/O)."""
        gauges = []
        for usage in self.session.rate_limits.usage:
            kind = (
                "weight"
                if usage.type == "REQUEST_WEIGHT"
                else "orders"
                if usage.type == "ORDERS"
                else usage.type.lower()
            )
            window = f"{usage.interval_num}{usage.interval[0].lower()}"
            gauges.append(Gauge(f"{kind}/{window}", usage.count, usage.limit))
        gauges.sort(key=lambda g: (not g.label.startswith("weight"), g.label))
        clock = self.session.clock
        self.query_one(StatusBar).snapshot = StatusSnapshot(
            states=tuple(self.statuses.items()),
            rtt_ms=clock.rtt_ms,
            offset_ms=clock.offset_ms if clock.rtt_ms is not None else None,
            gauges=tuple(gauges[:3]),
        )

    # -- actions --------------------------------------------------------------------------------
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

        def submitted(order: OrderRequest | SorOrderRequest | None) -> None:
            if order is not None:
                self.preview_and_place(order)

        self.app.push_screen(OrderFormScreen(context), submitted)

    @work(group="orders", exit_on_error=False)
    async def preview_and_place(self, order: OrderRequest | SorOrderRequest) -> None:
        """order.test (sor.order.test when routed with SOR) with commission rates first (nothing reaches
        the book), then confirm, then send."""
        sor, request = (order, order.request) if isinstance(order, SorOrderRequest) else (None, order)
        rules = self.session.rules[request.symbol]
        try:
            if sor is not None:
                rates = await self.session.test_sor_order(request, commission_rates=True)
            else:
                rates = await self.session.test_order(request, compute_commission_rates=True)
        except ExchangeError as exc:
            via = "SOR " if sor is not None else ""
            self.post_message(OrderRejected(request, exc.code, f"{via}{exc.msg} (preview: nothing was sent)"))
            return
        text = describe_request(request, rules)
        if sor is not None:
            text += "\n" + describe_sor_route(sor, rules)
        if rates is not None:
            std = rates.standard
            test = "sor.order.test" if sor is not None else "order.test"
            text += f"\nCommission ({test}): maker {std.maker * 100:.3f} % · taker {std.taker * 100:.3f} %"
            if rates.discount_enabled_for_account and rates.discount_enabled_for_symbol:
                text += f", {rates.discount * 100:.0f} % off when paid in {rates.discount_asset}"
        settings = getattr(self.app, "settings", None)
        confirm = settings is None or settings.confirm_orders
        if not confirm:
            self.notify(text.replace("\n", " · "), title="Sending (confirmation off for this profile)")
        title = "Send this order via SOR?" if sor is not None else "Send this order?"
        if confirm and not await self.app.push_screen_wait(ConfirmScreen(text, title=title)):
            self.action_order(request.side.value, draft=order)  # Back: the form again, as it was typed
        elif sor is not None:
            await self.place_sor_order(sor)
        else:
            await self.place_order(request)

    async def place_sor_order(self, sor: SorOrderRequest) -> None:
        """sor.order.place, then a notice of what filled where; failures as for `place_order`."""
        request = replace(sor.request, client_order_id=sor.request.client_order_id or new_client_order_id())
        try:
            result = await self.session.place_sor_order(request)
        except ExchangeError as exc:
            if exc.outcome_unknown:
                await self._resolve_unknown_order(request, exc)
            else:
                self.post_message(OrderRejected(request, exc.code, f"SOR order: {exc.msg}"))
            return
        except ValueError as exc:  # sent and answered, but the answer did not parse
            self.notify(
                f"SOR order sent, but the response was unreadable ({exc}). Check open orders and history.",
                severity="warning",
                timeout=10,
            )
            self._reload_account()
            return
        self._track(result.order)
        text = describe_sor_result(result, self.session.rules[request.symbol], sor.symbols)
        if result.order.status in ("EXPIRED", "EXPIRED_IN_MATCH", "REJECTED") and not result.order.executed_qty:
            self.notify(text, title="SOR order expired", severity="warning", timeout=10)
        else:
            self.notify(text, title="Order placed via SOR", timeout=10)

    async def place_order(self, request: OrderRequest) -> None:
        # A client order id on every order: if the response is lost we can still find the order.
        request = replace(request, client_order_id=request.client_order_id or new_client_order_id())
        try:
            order = await self.session.place_order(request)
        except ExchangeError as exc:
            if exc.outcome_unknown:
                await self._resolve_unknown_order(request, exc)
            else:
                self.post_message(OrderRejected(request, exc.code, exc.msg))
            return
        except ValueError as exc:  # sent and answered, but the answer did not parse
            self.notify(
                f"Order sent, but the response was unreadable ({exc}). Check open orders.",
                severity="warning",
                timeout=10,
            )
            self._reload_account()
            return
        self._track(order)
        self.post_message(OrderAccepted(request, order))

    async def _resolve_unknown_order(self, request: OrderRequest, error: ExchangeError) -> None:
        """The order may or may not be on the exchange: look it up by its client id, never guess."""
        self.notify(
            f"{error.msg} Checking whether the order was placed…",
            title="Order status unknown",
            severity="warning",
            timeout=10,
        )
        for delay in (0.5, 1, 2, 4, 8):
            await asyncio.sleep(delay)
            try:
                order = await self.session.order_status(request.symbol, client_order_id=request.client_order_id)
            except ExchangeError as exc:
                if exc.code == -2013:  # Order does not exist: it never reached the book
                    self.post_message(OrderRejected(request, error.code, f"{error.msg} The order was not placed."))
                    return
                continue  # still reconnecting: try again
            self._track(order)
            self.post_message(OrderAccepted(request, order))
            return
        self.notify(
            f"Could not confirm order {request.client_order_id}. Check open orders before sending it again.",
            title="Order status unknown",
            severity="error",
            timeout=20,
        )
        self._reload_account()

    def _track(self, order: Order) -> None:
        if self.account_feed is not None:
            self.account_feed.track(order)
            self.account_feed.publish()

    def _reload_account(self) -> None:
        if self.account_feed is not None:
            self.run_worker(self.account_feed.reload(), group="account-reload", exclusive=True, exit_on_error=False)

    def on_order_accepted(self, message: OrderAccepted) -> None:
        order = message.order
        filled = f", filled {order.executed_qty.normalize():f}" if order.executed_qty else ""
        text = f"{order.side} {order.symbol} #{order.order_id}: {order.status}{filled}"
        if order.status in ("EXPIRED", "EXPIRED_IN_MATCH", "REJECTED") and not order.executed_qty:
            self.notify(f"{text}. Nothing was filled.", title="Order expired", severity="warning", timeout=8)
        else:
            self.notify(text, title="Order placed")

    def on_order_rejected(self, message: OrderRejected) -> None:
        self.notify(f"{message.msg} (code {message.code})", title="Order rejected", severity="error", timeout=8)

    def action_cancel_selected(self) -> None:
        if not self._require_ready():
            return
        order = self.query_one(OpenOrdersTable).selected_order
        if order is None:
            self.notify("No open order selected: move to one with ↑/↓ first.", severity="warning")
            return
        self.cancel_order(order)

    @work(group="orders", exit_on_error=False)
    async def cancel_order(self, order: Order) -> None:
        try:
            cancelled = await self.session.cancel_order(order.symbol, order.order_id)
        except ExchangeError as exc:
            hint = " Refreshing open orders." if exc.outcome_unknown or exc.code == -2011 else ""
            self.notify(
                f"Cancel #{order.order_id} failed: {exc.msg} (code {exc.code}).{hint}", severity="error", timeout=8
            )
            if hint:
                self._reload_account()
            return
        self._track(cancelled)
        filled = f"; {cancelled.executed_qty.normalize():f} had filled" if cancelled.executed_qty else ""
        self.notify(f"Cancelled #{order.order_id} {order.side} {order.symbol}{filled}")

    def action_cancel_all(self) -> None:
        if not self._require_ready():
            return
        symbol = self.symbol

        def answered(yes: bool | None) -> None:
            if yes:
                self.cancel_all(symbol)

        count = sum(1 for o in self.orders if o.symbol == symbol)
        question = f"Cancel all {count} open order(s) on {symbol}?"
        self.app.push_screen(ConfirmScreen(question, title="Cancel all", confirm_label="Cancel all"), answered)

    @work(group="orders", exit_on_error=False)
    async def cancel_all(self, symbol: str) -> None:
        try:
            cancelled = await self.session.cancel_all(symbol)
        except ExchangeError as exc:
            message = "No open orders to cancel." if exc.code == -2011 else f"{exc.msg} (code {exc.code})"
            self.notify(f"Cancel all on {symbol}: {message}", severity="warning" if exc.code == -2011 else "error")
            return
        for order in cancelled:
            self._track(order)
        self.notify(f"Cancelled {len(cancelled)} order(s) on {symbol}")

    # -- the selected order: amend, cancel-replace; order lists ---------------------------------
    def _selected_or_warn(self) -> Order | None:
        if not self._require_ready():
            return None
        order = self.query_one(OpenOrdersTable).selected_order
        if order is None:
            self.notify("No open order selected: move to one with ↑/↓ first.", severity="warning")
        return order

    def action_amend(self) -> None:
        order = self._selected_or_warn()
        if order is None:
            return

        def answered(qty: Decimal | None) -> None:
            if qty is not None:
                self.amend(order, qty)

        self.app.push_screen(AmendScreen(order, self.session.rules[order.symbol]), answered)

    @work(group="orders", exit_on_error=False)
    async def amend(self, order: Order, qty: Decimal) -> None:
        try:
            amended = await self.session.amend_keep_priority(order.symbol, order.order_id, qty)
        except ExchangeError as exc:
            self.notify(f"Amend #{order.order_id}: {exc.msg} (code {exc.code})", severity="error", timeout=8)
            return
        self._track(amended.order)
        self.notify(f"#{order.order_id} now {amended.order.orig_qty.normalize():f}, queue place kept", title="Amended")

    def action_replace(self) -> None:
        order = self._selected_or_warn()
        if order is None:
            return
        rules = self.session.rules[order.symbol]
        draft = OrderRequest(
            order.symbol,
            Side(order.side),
            OrderType(order.type),
            quantity=order.remaining,
            price=order.price or None,
            time_in_force=TimeInForce(order.time_in_force) if order.type == "LIMIT" else None,
            stop_price=order.stop_price or None,
            trailing_delta=order.trailing_delta,
            stp_mode=self._kept_stp_mode(order.stp_mode, rules.default_stp_mode),
        )
        context = OrderFormContext(rules=rules, side=Side(order.side), commission=self.commission, draft=draft)

        def submitted(request: OrderRequest | SorOrderRequest | None) -> None:
            if isinstance(request, OrderRequest):  # no SOR route offered here: the context has no `sor`
                self.cancel_replace(order, request)

        self.app.push_screen(OrderFormScreen(context), submitted)

    @staticmethod
    def _kept_stp_mode(mode: str | None, default: str) -> StpMode | None:
        """A replacement keeps the order's self-trade prevention mode when it is not the symbol's default."""
        return StpMode(mode) if mode is not None and mode in StpMode.__members__ and mode != default else None

    @work(group="orders", exit_on_error=False)
    async def cancel_replace(self, order: Order, request: OrderRequest) -> None:
        text = f"Cancel #{order.order_id} and place instead:\n" + describe_request(
            request, self.session.rules[request.symbol]
        )
        if not await self.app.push_screen_wait(
            ConfirmScreen(text, title="Cancel and replace?", confirm_label="Replace")
        ):
            return
        try:
            result = await self.session.cancel_replace(order.order_id, request)
        except ExchangeError as exc:
            self.notify(f"Cancel-replace #{order.order_id}: {exc.msg} (code {exc.code})", severity="error", timeout=8)
            return
        for part in (result.canceled, result.new_order):
            if part is not None:
                self._track(part)
        if result.ok:
            assert result.new_order is not None
            self.notify(f"#{order.order_id} replaced by #{result.new_order.order_id}", title="Cancel-replace")
            return
        halves = [f"cancel {result.cancel_result}", f"new order {result.new_order_result}"]
        detail = "; ".join(f"{e[0]} {e[1]}" for e in (result.cancel_error, result.new_order_error) if e is not None)
        self.notify(
            f"{', '.join(halves)}. {detail}", title="Cancel-replace partly failed", severity="error", timeout=10
        )
        self._reload_account()

    def action_order_list(self, draft: OrderListRequest | None = None) -> None:
        """The list form (OCO first; f3 there cycles OTO, OTOCO, OPO, OPOCO); `draft` after Back."""
        if not self._require_ready():
            return
        last = self.ticker.last_price if self.ticker and self.ticker.symbol == self.symbol else None
        rules = self.session.rules[draft.symbol if draft is not None else self.symbol]

        def submitted(request: OrderListRequest | None) -> None:
            if request is not None:
                self.place_order_list(request)

        self.app.push_screen(ListFormScreen(rules, Side.SELL, last, draft=draft), submitted)

    @work(group="orders", exit_on_error=False)
    async def place_order_list(self, request: OrderListRequest) -> None:
        """Confirm (Back: the form again, as typed), then send; every leg's report goes to open orders."""
        text = describe_list(request, self.session.rules[request.symbol])
        settings = getattr(self.app, "settings", None)
        if settings is not None and not settings.confirm_orders:
            self.notify(text.replace("\n", " · "), title="Sending (confirmation off for this profile)")
        elif not await self.app.push_screen_wait(ConfirmScreen(text, title="Send this order list?")):
            self.action_order_list(draft=request)
            return
        # Client ids on the list as on single orders: a lost response can be looked up, not guessed at.
        request = replace(request, list_client_order_id=request.list_client_order_id or new_client_order_id())
        kind = request.kind.value.upper()
        try:
            placed = await self.session.place_order_list(request)
        except ExchangeError as exc:
            first = request.working or request.above
            side = (first.side if first is not None else None) or request.side or Side.SELL
            stand_in = OrderRequest(request.symbol, side, first.type if first is not None else OrderType.LIMIT)
            self.post_message(OrderRejected(stand_in, exc.code, f"{kind}: {exc.msg}"))
            if exc.outcome_unknown:
                self._reload_account()
            return
        for report in placed.orders:
            self._track(report)
        self.notify(
            f"{kind} list #{placed.order_list_id}: {placed.list_order_status}, {len(placed.order_ids)} legs",
            title="Order list placed",
        )

    def action_cycle_symbol(self, step: int) -> None:
        if not self._require_ready():
            return
        index = (self.symbols.index(self.symbol) + step) % len(self.symbols)
        self.switch_symbol(self.symbols[index])

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
        options = getattr(self.app, "options", None)
        if options is None:
            self.notify("This venue has no options API configured (or no key).", severity="warning")
            return
        self.app.push_screen(OptionsScreen(options))

    def action_export(self) -> None:
        exports = getattr(self.app, "exports", None)
        if exports is None:
            self.notify("This venue has no futures export (no futures REST URL or no key).", severity="warning")
            return
        self.app.push_screen(ExportScreen(exports))

    def action_help(self) -> None:
        bindings = [
            b
            for b in self.BINDINGS
            if not (isinstance(b, Binding) and self.check_action(b.action.split("(")[0], ()) is False)
        ]
        sections = [("Dashboard", bindings), ("App", self.app.BINDINGS)]
        self.app.push_screen(
            HelpScreen([(title, [b for b in bindings if isinstance(b, Binding)]) for title, bindings in sections])
        )

    def _require_ready(self) -> bool:
        if not self.ready:
            self.notify("Still connecting to the exchange…", severity="warning")
        return self.ready

    def reference_price(self) -> Decimal | None:
        if self.book and self.book.bids and self.book.asks:
            return (self.book.bids[0][0] + self.book.asks[0][0]) / 2
        return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_worker(event)  # type: ignore[attr-defined]
