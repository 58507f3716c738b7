"""Account history for one symbol: all orders, our trades with commission, order lists, an order's
amendments and prevented matches, an account tab (commission rates, unfilled-order counts), and the
allocations that filled our Smart Order Routing orders.

Each tab loads in its own worker when it is shown and again on `r`; a failed request is written into
the tab (the rows already shown stay), any other failure of a worker is shown by `BaseScreen`. `enter` (or `m`) on an order shows its amendments, `p` its
prevented matches. Open with `HistoryScreen(session, symbol)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from tui.domain.money import ZERO
from tui.domain.spot.orders import Order, OrderList
from tui.domain.spot.sor import sor_config_for
from tui.exchange.errors import ExchangeError
from tui.exchange.spot.session import Session
from tui.screens.common.base import BaseScreen
from tui.widgets.spot.history_account import AccountPanel
from tui.widgets.spot.history_tables import (
    ALLOCATION_COLUMNS,
    AMENDMENT_COLUMNS,
    LIST_COLUMNS,
    ORDER_COLUMNS,
    PREVENTED_COLUMNS,
    TRADE_COLUMNS,
    HistoryPane,
    Precision,
    allocation_row,
    amendment_row,
    counted,
    list_row,
    order_row,
    plain,
    prevented_row,
    trade_row,
)

TABS = ("orders", "trades", "lists", "amendments", "prevented", "account", "allocations")
TAB_TITLES = {
    "orders": "1 Orders",
    "trades": "2 Trades",
    "lists": "3 Lists",
    "amendments": "4 Amends",
    "prevented": "5 Prevented",
    "account": "6 Account",
    "allocations": "7 Allocs",
}
# What a failed request means for a person: the query did not answer; the screen keeps working.
LOAD_ERRORS = (ExchangeError, TimeoutError, OSError, ValueError)


class HistoryCommands(Provider):
    """The history screen's key bindings in the command palette."""

    def _commands(self) -> Iterable[tuple[str, str, str]]:
        screen = self.screen
        if not isinstance(screen, HistoryScreen):
            return
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            key = binding.key_display or binding.key
            yield f"History: {binding.description}", f"key: {key}", binding.action

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._runner(action), help=help_text)

    def _runner(self, action: str):  # type: ignore[no-untyped-def]
        screen = self.screen

        async def run() -> None:
            await screen.run_action(action)

        return run


class HistoryScreen(BaseScreen[None]):
    """History and account details of `symbol`, read through `session` (queries only, never trades)."""

    COMMANDS = {HistoryCommands}
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "refresh_tab", "Refresh"),
        Binding("m", "amendments", "Amendments"),
        Binding("p", "prevented", "Prevented matches"),
        Binding("1", "show_tab('orders')", "All orders", show=False),
        Binding("2", "show_tab('trades')", "My trades", show=False),
        Binding("3", "show_tab('lists')", "Order lists", show=False),
        Binding("4", "show_tab('amendments')", "Amendments tab", show=False),
        Binding("5", "show_tab('prevented')", "Prevented matches tab", show=False),
        Binding("6", "show_tab('account')", "Account: commission and order counts", show=False),
        Binding("7", "show_tab('allocations')", "Allocations (SOR order fills)", show=False),
    ]

    DEFAULT_CSS = """
    HistoryScreen { layout: vertical; }
    HistoryScreen #history-title { height: 1; background: $panel; padding: 0 1; }
    HistoryScreen TabbedContent { height: 1fr; }
    HistoryScreen TabPane { padding: 0; height: 1fr; }
    """

    def __init__(self, session: Session, symbol: str) -> None:
        super().__init__()
        self.session = session
        self.symbol = symbol
        self.selected_order_id: int | None = None
        self._orders: dict[int, Order] = {}  # from the last All orders load, for selection and list legs
        self._trade_orders: dict[str, int] = {}  # trade id -> its order id, from the last My trades load

    @property
    def precision(self) -> Precision:
        rules = self.session.rules.get(self.symbol)
        return Precision(rules.price_decimals, rules.qty_decimals) if rules is not None else Precision()

    def compose(self) -> ComposeResult:
        yield Static(f"History · {self.symbol} · times UTC · 1-7 tabs · r refresh · esc back", id="history-title")
        with TabbedContent(initial="orders"):
            with TabPane(TAB_TITLES["orders"], id="orders"):
                yield HistoryPane(ORDER_COLUMNS, id="orders-pane")
            with TabPane(TAB_TITLES["trades"], id="trades"):
                yield HistoryPane(TRADE_COLUMNS, id="trades-pane")
            with TabPane(TAB_TITLES["lists"], id="lists"):
                yield HistoryPane(LIST_COLUMNS, id="lists-pane")
            with TabPane(TAB_TITLES["amendments"], id="amendments"):
                yield HistoryPane(AMENDMENT_COLUMNS, id="amendments-pane")
            with TabPane(TAB_TITLES["prevented"], id="prevented"):
                yield HistoryPane(PREVENTED_COLUMNS, id="prevented-pane")
            with TabPane(TAB_TITLES["account"], id="account"):
                yield AccountPanel(id="account-panel")
            with TabPane(TAB_TITLES["allocations"], id="allocations"):
                yield HistoryPane(ALLOCATION_COLUMNS, id="allocations-pane")
        yield Footer()

    def pane(self, tab: str) -> HistoryPane:
        return self.query_one(f"#{tab}-pane", HistoryPane)

    @property
    def account_panel(self) -> AccountPanel:
        return self.query_one(AccountPanel)

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def on_mount(self) -> None:
        self.load(self.active_tab)
        self.pane("orders").table.focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id or ""
        self.load(tab)
        if tab != "account":
            self.pane(tab).table.focus()

    def load(self, tab: str) -> None:
        """Start the worker that (re)loads `tab`."""
        loaders = {
            "orders": self.load_orders,
            "trades": self.load_trades,
            "lists": self.load_lists,
            "amendments": self.load_amendments,
            "prevented": self.load_prevented,
            "account": self.load_account,
            "allocations": self.load_allocations,
        }
        loader = loaders.get(tab)
        if loader is not None:
            loader()

    # --- actions ----------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh_tab(self) -> None:
        self.load(self.active_tab)

    def action_show_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == tab:
            self.load(tab)  # pressing the tab's key again refreshes it
        else:
            tabs.active = tab  # TabActivated loads it

    def _highlighted_order_id(self) -> int | None:
        """The order under the cursor in All orders or My trades (whichever is shown), else the last chosen."""
        tab = self.active_tab
        if tab in ("orders", "trades"):
            key = self.pane(tab).current_key
            if key is not None:
                if tab == "orders":
                    return int(key)
                trade_order = self._trade_orders.get(key)  # trades are keyed by trade id
                if trade_order is not None:
                    return trade_order
        return self.selected_order_id

    def _choose_and_show(self, tab: str) -> None:
        order_id = self._highlighted_order_id()
        if order_id is None:
            self.notify("No order chosen: highlight one in All orders (1) first.", severity="warning")
            return
        self.selected_order_id = order_id
        self.action_show_tab(tab)

    def action_amendments(self) -> None:
        self._choose_and_show("amendments")

    def action_prevented(self) -> None:
        self._choose_and_show("prevented")

    @on(DataTable.RowSelected, "#orders-pane DataTable, #trades-pane DataTable")
    def _order_row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_amendments()

    # --- workers ----------------------------------------------------------------------------------

    @work(exclusive=True, group="history-orders", exit_on_error=False)
    async def load_orders(self) -> None:
        pane = self.pane("orders")
        pane.show_loading(f"orders on {self.symbol}")
        try:
            orders = await self.session.account.all_orders(self.symbol)
        except LOAD_ERRORS as exc:
            pane.show_error("orders", exc)
            return
        self._orders = {o.order_id: o for o in orders}
        newest_first = sorted(orders, key=lambda o: (o.time, o.order_id), reverse=True)
        p = self.precision
        pane.show_rows(
            (order_row(o, p) for o in newest_first),
            (str(o.order_id) for o in newest_first),
            summary=f"{counted(len(orders), 'order')} on {self.symbol}, newest first · enter/m: amendments · p: prevented",
            empty=f"No orders on {self.symbol} yet.",
        )

    @work(exclusive=True, group="history-trades", exit_on_error=False)
    async def load_trades(self) -> None:
        pane = self.pane("trades")
        pane.show_loading(f"trades on {self.symbol}")
        try:
            trades = await self.session.account.my_trades(self.symbol)
        except LOAD_ERRORS as exc:
            pane.show_error("trades", exc)
            return
        self._trade_orders = {str(t.id): t.order_id for t in trades}
        newest_first = sorted(trades, key=lambda t: (t.time, t.id), reverse=True)
        fees: dict[str, Decimal] = {}
        for t in trades:
            fees[t.commission_asset] = fees.get(t.commission_asset, ZERO) + t.commission
        paid = ", ".join(f"{plain(v)} {asset}" for asset, v in sorted(fees.items())) or "none"
        p = self.precision
        pane.show_rows(
            (trade_row(t, p) for t in newest_first),
            (str(t.id) for t in newest_first),
            summary=f"{counted(len(trades), 'trade')} on {self.symbol}, newest first · commission paid: {paid}",
            empty=f"No trades on {self.symbol} yet.",
        )

    @work(exclusive=True, group="history-lists", exit_on_error=False)
    async def load_lists(self) -> None:
        pane = self.pane("lists")
        pane.show_loading("order lists")
        try:
            lists = await self.session.order_lists.all_order_lists()
            if any(lst.symbol == self.symbol for lst in lists) and not self._orders:
                self._orders = {o.order_id: o for o in await self.session.account.all_orders(self.symbol)}
        except LOAD_ERRORS as exc:
            pane.show_error("order lists", exc)
            return
        newest_first: list[OrderList] = sorted(lists, key=lambda x: x.order_list_id, reverse=True)
        pane.show_rows(
            (list_row(lst, self._orders) for lst in newest_first),
            (str(lst.order_list_id) for lst in newest_first),
            summary=f"{counted(len(lists), 'order list')} (all symbols), newest first",
            empty="No order lists yet.",
        )

    def _selection_text(self) -> str:
        order = self._orders.get(self.selected_order_id or -1)
        if order is None:
            return f"order #{self.selected_order_id}"
        return f"order #{order.order_id} ({order.side} {order.type} {order.status})"

    @work(exclusive=True, group="history-amendments", exit_on_error=False)
    async def load_amendments(self) -> None:
        pane = self.pane("amendments")
        if self.selected_order_id is None:
            pane.show_message("No order chosen: highlight one in All orders (1) and press enter.")
            return
        what = self._selection_text()
        pane.show_loading(f"amendments of {what}")
        try:
            rows = await self.session.orders.order_amendments(self.symbol, self.selected_order_id)
        except LOAD_ERRORS as exc:
            pane.show_error(f"amendments of {what}", exc)
            return
        p = self.precision
        pane.show_rows(
            (amendment_row(a, p) for a in rows),
            (str(a.execution_id) for a in rows),
            summary=f"{counted(len(rows), 'amendment')} of {what}",
            empty=f"No amendments of {what}: its quantity was never lowered.",
        )

    @work(exclusive=True, group="history-prevented", exit_on_error=False)
    async def load_prevented(self) -> None:
        pane = self.pane("prevented")
        if self.selected_order_id is None:
            pane.show_message("No order chosen: highlight one in All orders (1) and press p.")
            return
        what = self._selection_text()
        pane.show_loading(f"prevented matches of {what}")
        try:
            rows = await self.session.account.prevented_matches(self.symbol, order_id=self.selected_order_id)
        except LOAD_ERRORS as exc:
            pane.show_error(f"prevented matches of {what}", exc)
            return
        p = self.precision
        pane.show_rows(
            (prevented_row(m, p) for m in rows),
            (str(m.prevented_match_id) for m in rows),
            summary=f"{len(rows)} prevented {'match' if len(rows) == 1 else 'matches'} of {what}",
            empty=f"No prevented matches of {what}: self-trade prevention never stopped it.",
        )

    @work(exclusive=True, group="history-account", exit_on_error=False)
    async def load_account(self) -> None:
        panel = self.account_panel
        panel.show_loading()
        try:
            panel.show_commission(await self.session.account.account_commission(self.symbol))
        except LOAD_ERRORS as exc:
            panel.show_commission_error(exc)
        try:
            panel.show_counts(await self.session.account.unfilled_order_count())
        except LOAD_ERRORS as exc:
            panel.show_counts_error(exc)
        try:
            panel.show_filters(await self.session.account.my_filters(self.symbol))
        except LOAD_ERRORS as exc:
            panel.show_filters_error(exc)

    @work(exclusive=True, group="history-allocations", exit_on_error=False)
    async def load_allocations(self) -> None:
        pane = self.pane("allocations")
        pane.show_loading(f"allocations on {self.symbol}")
        try:
            # symbol + endTime is the combination that answers with the newest allocations (the bare
            # symbol gives the oldest); a minute ahead so one made just now is in, whatever our clock error.
            allocations = await self.session.sor.my_allocations(
                self.symbol, end_time=self.session.clock.now_ms() + 60_000, limit=1000
            )
        except LOAD_ERRORS as exc:
            pane.show_error("allocations", exc)
            return
        newest_first = sorted(allocations, key=lambda a: (a.time, a.allocation_id), reverse=True)
        sor = sor_config_for(self.session.sors, self.symbol)
        empty = (
            f"No allocations on {self.symbol} yet: they fill orders routed with SOR (f4 in the order form)."
            if sor is not None
            else f"No allocations on {self.symbol}: it has no Smart Order Routing."
        )
        across = f" · SOR across {' + '.join(sor.symbols)}" if sor is not None else ""
        p = self.precision
        pane.show_rows(
            (allocation_row(a, p) for a in newest_first),
            (str(a.allocation_id) for a in newest_first),
            summary=f"{counted(len(allocations), 'allocation')} on {self.symbol}, newest first{across}",
            empty=empty,
        )
