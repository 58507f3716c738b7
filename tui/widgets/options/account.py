"""The options account side: balances and margins, portfolio greeks, positions, open orders."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.coordinate import Coordinate
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable

from tui.domain.money import fmt
from tui.domain.options.chain import OptionOrderView, OptionsBook


def _d(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    return fmt(value, places)


class OptionsSummary(Widget):
    """Account (equity, available, margins, PnL) and portfolio greeks per underlying."""

    DEFAULT_CSS = "OptionsSummary { height: auto; }"

    book: reactive[OptionsBook | None] = reactive(None, layout=True)

    def render(self) -> Table | Text:
        book = self.book
        if book is None:
            return Text("Options account: loading…")
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        for name in ("", "Equity", "Avail", "Ord.mgn", "Pos.mgn", "Maint", "uPnL"):
            table.add_column(name, justify="right" if name else "left")
        for a in book.accounts:
            table.add_row(
                a.asset,
                _d(a.equity),
                _d(a.available),
                _d(a.order_margin),
                _d(a.position_margin),
                _d(a.maint_margin),
                _d(a.unrealized_pnl),
            )
        greeks = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        for name in ("Greeks", "Δ", "Γ", "Θ/day", "V/pt"):
            greeks.add_column(name, justify="right" if name != "Portfolio" else "left")
        for g in book.greeks:
            greeks.add_row(g.underlying, _d(g.delta, 4), _d(g.gamma, 6), _d(g.theta, 2), _d(g.vega, 2))
        if not book.greeks:
            greeks.add_row("no positions", "0", "0", "0", "0")
        outer = Table.grid(expand=True)
        outer.add_row(table)
        outer.add_row(greeks)
        return outer


class OptionPositionsTable(DataTable[str]):
    DEFAULT_CSS = "OptionPositionsTable { height: 1fr; }"
    COLUMNS = ("Symbol", "Qty", "Entry", "Mark", "PnL", "ROR")

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        for name in self.COLUMNS:
            self.add_column(name)

    def show(self, book: OptionsBook) -> None:
        self.clear()
        for p in book.positions:
            direction = "▲" if p.quantity > 0 else "▼"
            self.add_row(
                p.symbol,
                f"{direction}{p.quantity.normalize():f}",
                _d(p.entry_price, 1),
                _d(p.mark_price, 1),
                _d(p.unrealized_pnl),
                f"{p.ror * 100:.1f}%",
            )


class OptionOrdersTable(DataTable[str]):
    DEFAULT_CSS = "OptionOrdersTable { height: 1fr; }"
    COLUMNS = ("Symbol", "Side", "Type", "Price", "Qty", "Filled", "Status", "RO", "Id")

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.orders: tuple[OptionOrderView, ...] = ()

    def on_mount(self) -> None:
        for name in self.COLUMNS:
            self.add_column(name)

    @property
    def selected_order(self) -> OptionOrderView | None:
        if not self.orders or not (0 <= self.cursor_row < self.row_count):
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return next((o for o in self.orders if str(o.order_id) == key), None)

    def show(self, book: OptionsBook) -> None:
        selected = self.selected_order
        self.orders = book.orders
        self.clear()
        for o in book.orders:
            side = "▲ BUY" if o.side == "BUY" else "▼ SELL"
            price = _d(o.price, 1) if o.type == "LIMIT" else "MARKET"
            self.add_row(
                o.symbol,
                side,
                o.type,
                price,
                f"{o.quantity.normalize():f}",
                f"{o.executed_qty.normalize():f}",
                o.status,
                "yes" if o.reduce_only else "",
                str(o.order_id),
                key=str(o.order_id),
            )
        if selected is not None and any(o.order_id == selected.order_id for o in book.orders):
            self.move_cursor(row=self.get_row_index(str(selected.order_id)))
