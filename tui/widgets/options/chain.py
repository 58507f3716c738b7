"""The option chain: calls | strike | puts, each side with mark, bid/ask IV and greeks.

The at-the-money strike is marked ▶ ◀ (not by colour alone); a contract whose venue greeks fail
the local Black-Scholes cross-check shows `!` after its mark.
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.domain.options.chain import OptionChain, OptionQuote

SIDE_COLUMNS = ("Mark", "IV bid/ask", "Δ", "Γ", "Θ", "V")


def _num(value: Decimal | None, places: int) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _iv(q: OptionQuote) -> str:
    if q.bid_iv is None or q.ask_iv is None:
        return "–"
    return f"{q.bid_iv * 100:.1f}/{q.ask_iv * 100:.1f}"


def _side_cells(q: OptionQuote | None) -> list[str | Text]:
    if q is None:
        return [""] * len(SIDE_COLUMNS)
    mark = _num(q.mark, 1) + (" !" if q.mismatched else "")
    return [mark, _iv(q), _num(q.delta, 3), _num(q.gamma, 6), _num(q.theta, 2), _num(q.vega, 2)]


class OptionChainTable(DataTable[str | Text]):
    """Cell cursor: the column says call (left of the strike) or put (right of it)."""

    DEFAULT_CSS = "OptionChainTable { height: 1fr; }"
    STRIKE_COLUMN = len(SIDE_COLUMNS)

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cursor_type="cell", zebra_stripes=True, **kwargs)
        self.chain: OptionChain | None = None
        self._placed = False

    def on_mount(self) -> None:
        for name in SIDE_COLUMNS:
            self.add_column(f"C {name}")
        self.add_column("Strike")
        for name in SIDE_COLUMNS:
            self.add_column(f"P {name}")

    @property
    def selected_quote(self) -> OptionQuote | None:
        chain = self.chain
        if chain is None or not (0 <= self.cursor_row < len(chain.rows)):
            return None
        row = chain.rows[self.cursor_row]
        column = self.cursor_column
        if column == self.STRIKE_COLUMN:
            return None
        return row.call if column < self.STRIKE_COLUMN else row.put

    def show(self, chain: OptionChain) -> None:
        new_chain = self.chain is None or self.chain.expiry != chain.expiry or self.chain.underlying != chain.underlying
        if new_chain:
            self._placed = False
        first = not self._placed  # the cursor goes to the ATM call once the ATM strike is known
        cursor = self.cursor_coordinate
        self.chain = chain
        atm = chain.atm_strike
        self.clear()
        for row in chain.rows:
            strike = f"{row.strike.normalize():f}"
            label = Text(f"▶{strike}◀", style="bold") if row.strike == atm else Text(f" {strike} ")
            self.add_row(*_side_cells(row.call), label, *_side_cells(row.put), key=f"{row.strike}")
        if first and atm is not None:
            index = next(i for i, r in enumerate(chain.rows) if r.strike == atm)
            self.move_cursor(row=index, column=0)
            self._placed = True
        elif self.row_count:
            self.cursor_coordinate = Coordinate(min(cursor.row, self.row_count - 1), cursor.column)
