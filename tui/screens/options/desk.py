"""The options desk: chain with greeks, positions, portfolio greeks, orders, account, transfers, bills.

The app owns the `OptionsSession` (started the first time this screen opens, closed at exit); the
screen runs the chain and account feeds as workers and sends orders through the session.
"""

from __future__ import annotations

from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from tui.domain.money import fmt
from tui.domain.options.chain import OptionChain, OptionsBook
from tui.domain.options.market import OptionSymbol
from tui.domain.options.orders import OptionOrderRequest
from tui.exchange.errors import ExchangeError
from tui.exchange.options.session import OptionsSession
from tui.feeds.options import OptionsAccountFeed, OptionsChainFeed
from tui.messages import ConnectionStatus, OptionChainUpdated, OptionOrderDone, OptionsBookUpdated
from tui.screens.common.base import BaseScreen
from tui.screens.common.confirm import ConfirmScreen
from tui.screens.options.account import BillsScreen, TransferScreen
from tui.screens.options.order_form import OptionOrderFormScreen
from tui.widgets.options.account import OptionOrdersTable, OptionPositionsTable, OptionsSummary
from tui.widgets.options.chain import OptionChainTable


class OptionsScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("b", "order('BUY')", "Buy contract"),
        Binding("s", "order('SELL')", "Sell contract"),
        Binding("c", "cancel_selected", "Cancel order"),
        Binding("C", "cancel_all", "Cancel all (contract)", key_display="shift+c"),
        Binding("u", "cycle_underlying", "Underlying"),
        Binding("right_square_bracket", "cycle_expiry(1)", "Next expiry", key_display="]"),
        Binding("left_square_bracket", "cycle_expiry(-1)", "Prev expiry", key_display="[", show=False),
        Binding("t", "transfer", "Transfer"),
        Binding("l", "bills", "Bills"),
    ]

    DEFAULT_CSS = """
    OptionsScreen { layout: vertical; }
    OptionsScreen #opt-header { height: 1; background: $panel; padding: 0 1; }
    OptionsScreen #chain-panel { height: 1fr; min-height: 6; border: round $panel-lighten-2; }
    OptionsScreen #contract-detail { height: 1; color: $text-muted; padding: 0 1; }
    OptionsScreen #bottom { height: 45%; }
    OptionsScreen #account-panel { width: 3fr; border: round $panel-lighten-2; }
    OptionsScreen #orders-panel { width: 2fr; border: round $panel-lighten-2; }
    OptionsScreen .panel:focus-within { border: round $primary; }
    """

    TRADING_ACTIONS = frozenset({"order", "cancel_selected", "cancel_all", "transfer"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.TRADING_ACTIONS and self.console.read_only)

    def __init__(self, session: OptionsSession) -> None:
        super().__init__()
        self.session = session
        self.symbols: tuple[OptionSymbol, ...] = ()
        self.underlyings: list[str] = []
        self.underlying = "BTCUSDT"
        self.chain: OptionChain | None = None
        self.book: OptionsBook | None = None
        self.chain_feed: OptionsChainFeed | None = None
        self.account_feed: OptionsAccountFeed | None = None
        self.statuses: dict[str, str] = {}
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Static("Options: connecting…", id="opt-header")
        with Vertical(id="chain-panel", classes="panel"):
            yield OptionChainTable(id="chain")
            yield Static(id="contract-detail")
        with Horizontal(id="bottom"):
            with Vertical(id="account-panel", classes="panel"):
                yield OptionsSummary(id="summary")
                yield OptionPositionsTable(id="positions")
            with Vertical(id="orders-panel", classes="panel"):
                yield OptionOrdersTable(id="opt-orders")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(
            "#chain-panel"
        ).border_title = "Chain: calls | strike | puts  (! = venue greeks differ from Black-Scholes)"
        self.query_one("#account-panel").border_title = "Account · portfolio greeks · positions"
        self.query_one("#orders-panel").border_title = "Open options orders"
        self.query_one(OptionChainTable).focus()
        self.start()

    @work(exclusive=True, group="options-start", exit_on_error=False)
    async def start(self) -> None:
        def user_status(state: str, detail: str = "") -> None:
            self.post_message(ConnectionStatus("options-user", state, detail))

        self.session.user.on_status = user_status
        await self.console.start_options()
        self.symbols = await self.session.rest.option_info()
        self.underlyings = sorted({s.underlying for s in self.symbols})
        if self.underlying not in self.underlyings and self.underlyings:
            self.underlying = self.underlyings[0]
        units = {s.symbol: s.unit for s in self.symbols}
        self.account_feed = OptionsAccountFeed(self.session, self.post_message, self._venue_greeks, units)
        self.ready = True
        self.run_account_feed()
        self.switch_chain(None)

    def _venue_greeks(self):  # type: ignore[no-untyped-def]
        return self.chain_feed.venue_greeks() if self.chain_feed is not None else {}

    @work(exclusive=True, group="options-account", exit_on_error=False)
    async def run_account_feed(self) -> None:
        assert self.account_feed is not None
        await self.account_feed.run()

    @work(exclusive=True, group="options-chain", exit_on_error=False)
    async def run_chain_feed(self, feed: OptionsChainFeed) -> None:
        self.chain_feed = feed
        self.session.user.watch(feed.series)
        await feed.run()

    def switch_chain(self, expiry) -> None:  # type: ignore[no-untyped-def]
        self.run_chain_feed(OptionsChainFeed(self.session, self.symbols, self.underlying, expiry, self.post_message))

    # -- messages --------------------------------------------------------------------------------
    def on_option_chain_updated(self, message: OptionChainUpdated) -> None:
        self.chain = message.chain
        self.query_one(OptionChainTable).show(message.chain)
        self._header()
        self._detail()

    @on(OptionChainTable.CellHighlighted)
    def _detail(self) -> None:
        """One line on the contract under the cursor: last, volume, price band, cross-check verdict."""
        quote = self.query_one(OptionChainTable).selected_quote
        detail = self.query_one("#contract-detail", Static)
        if quote is None:
            detail.update("Move onto a call (left) or a put (right) to trade it: b buy, s sell.")
            return
        last = fmt(quote.last, 1) if quote.last is not None else "–"
        volume = f"{quote.volume.normalize():f}" if quote.volume is not None else "–"
        band = (
            f"{fmt(quote.low_limit, 1)}…{fmt(quote.high_limit, 1)}"
            if quote.low_limit is not None and quote.high_limit is not None
            else "–"
        )
        check = (
            f"! venue {', '.join(quote.mismatched)} differ from Black-Scholes"
            if quote.mismatched
            else "greeks agree with Black-Scholes"
        )
        detail.update(f"{quote.symbol} · last {last} · vol {volume} · price band {band} · {check}")

    def on_options_book_updated(self, message: OptionsBookUpdated) -> None:
        self.book = message.book
        self.query_one(OptionsSummary).book = message.book
        self.query_one(OptionPositionsTable).show(message.book)
        self.query_one(OptionOrdersTable).show(message.book)

    def on_connection_status(self, message: ConnectionStatus) -> None:
        self.statuses[message.name] = message.state
        self._header()

    def on_option_order_done(self, message: OptionOrderDone) -> None:
        if message.ok:
            self.notify(message.text, title="Options")
        else:
            self.notify(
                f"{message.text} (code {message.code})", title="Options order rejected", severity="error", timeout=8
            )
        if self.account_feed is not None:
            self.account_feed.request_refresh()

    def _header(self) -> None:
        chain = self.chain
        parts = [f"{self.underlying}"]
        if chain is not None:
            parts.append(
                f"expiry {chain.expiry} ({chain.expiries.index(chain.expiry) + 1}/{len(chain.expiries)})"
                if chain.expiry
                else "no expiry"
            )
            parts.append(f"index {fmt(chain.index, 2)}" if chain.index is not None else "index –")
            if chain.atm_strike is not None:
                parts.append(f"ATM {chain.atm_strike.normalize():f}")
        parts += [f"{name} {state}" for name, state in sorted(self.statuses.items())]
        self.query_one("#opt-header", Static).update(" │ ".join(parts))

    # -- actions ---------------------------------------------------------------------------------
    def action_order(self, side: str) -> None:
        quote = self.query_one(OptionChainTable).selected_quote if self.ready else None
        if quote is None:
            self.notify("Move the cursor onto a call (left) or put (right) first.", severity="warning")
            return

        def submitted(request: OptionOrderRequest | None) -> None:
            if request is not None:
                self.place(request)

        confirm = self.console.settings.confirm_orders
        self.app.push_screen(OptionOrderFormScreen(quote, side, confirm=confirm), submitted)

    @work(group="options-orders", exit_on_error=False)
    async def place(self, request: OptionOrderRequest) -> None:
        try:
            order = await self.session.place_order(request)
        except ExchangeError as exc:
            if exc.outcome_unknown:
                self.post_message(
                    OptionOrderDone(False, f"{exc.msg} Check open orders and positions before resending.", exc.code)
                )
            else:
                self.post_message(OptionOrderDone(False, exc.msg, exc.code))
            return
        filled = f", filled {order.executed_qty.normalize():f}" if order.executed_qty else ""
        self.post_message(
            OptionOrderDone(True, f"{order.side} {order.symbol} #{order.order_id}: {order.status}{filled}")
        )

    def action_cancel_selected(self) -> None:
        order = self.query_one(OptionOrdersTable).selected_order
        if order is None:
            self.notify("No open options order selected (Tab to the orders table, ↑/↓ to choose).", severity="warning")
            return
        self.cancel(order.symbol, order.order_id)

    @work(group="options-orders", exit_on_error=False)
    async def cancel(self, symbol: str, order_id: int) -> None:
        try:
            await self.session.rest.cancel_order(symbol, order_id=order_id)
        except ExchangeError as exc:
            self.post_message(OptionOrderDone(False, f"Cancel #{order_id}: {exc.msg}", exc.code))
            return
        self.post_message(OptionOrderDone(True, f"Cancelled #{order_id} {symbol}"))

    def action_cancel_all(self) -> None:
        quote = self.query_one(OptionChainTable).selected_quote
        order = self.query_one(OptionOrdersTable).selected_order
        symbol = (
            order.symbol
            if self.focused is self.query_one(OptionOrdersTable) and order
            else (quote.symbol if quote else None)
        )
        if symbol is None:
            self.notify("Select a contract (or an order) first.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.cancel_all(symbol)

        self.app.push_screen(
            ConfirmScreen(f"Cancel every open order on {symbol}?", title="Cancel all", confirm_label="Cancel all"),
            answered,
        )

    @work(group="options-orders", exit_on_error=False)
    async def cancel_all(self, symbol: str) -> None:
        try:
            await self.session.rest.cancel_all_orders(symbol)
        except ExchangeError as exc:
            self.post_message(OptionOrderDone(False, f"Cancel all on {symbol}: {exc.msg}", exc.code))
            return
        self.post_message(OptionOrderDone(True, f"Cancelled all open orders on {symbol}"))

    def action_cycle_underlying(self) -> None:
        if not self.ready or not self.underlyings:
            return
        self.underlying = self.underlyings[(self.underlyings.index(self.underlying) + 1) % len(self.underlyings)]
        self.switch_chain(None)

    def action_cycle_expiry(self, step: int) -> None:
        chain = self.chain
        if not self.ready or chain is None or not chain.expiries or chain.expiry is None:
            return
        index = (chain.expiries.index(chain.expiry) + step) % len(chain.expiries)
        self.switch_chain(chain.expiries[index])

    def action_transfer(self) -> None:
        usdt = next((a for a in (self.book.accounts if self.book else ()) if a.asset == "USDT"), None)

        def answered(result: tuple[str, Decimal] | None) -> None:
            if result is not None:
                self.transfer(*result)

        self.app.push_screen(TransferScreen(usdt.available if usdt else None), answered)

    @work(group="options-orders", exit_on_error=False)
    async def transfer(self, direction: str, amount: Decimal) -> None:
        try:
            await self.session.rest.transfer("USDT", direction, amount)
        except ExchangeError as exc:
            self.post_message(OptionOrderDone(False, f"Transfer {direction}: {exc.msg}", exc.code))
            return
        self.post_message(OptionOrderDone(True, f"Transferred {amount.normalize():f} USDT {direction}"))

    @work(group="options-bills", exit_on_error=False)
    async def action_bills(self) -> None:
        try:
            bills = await self.session.rest.bills("USDT", limit=100)
        except ExchangeError as exc:
            self.notify(f"Bills unavailable: {exc.msg} (code {exc.code})", severity="error")
            return
        self.app.push_screen(BillsScreen(bills))
