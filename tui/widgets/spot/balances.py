"""Account balances: free, locked, total per asset."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.domain.money import fmt
from tui.domain.spot.account import Balance, CommissionRates


class BalancesView(Widget):
    DEFAULT_CSS = """
    BalancesView { height: auto; min-height: 3; }
    """

    balances: reactive[tuple[Balance, ...]] = reactive(tuple, layout=True)
    commission: reactive[CommissionRates | None] = reactive(None, layout=True)

    def render(self) -> Table | Text:
        if not self.balances:
            return Text("Balances: loading…")
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Asset")
        table.add_column("Free", justify="right")
        table.add_column("Locked", justify="right")
        table.add_column("Total", justify="right")
        for bal in sorted(self.balances, key=lambda b: b.asset):
            if bal.total == 0:
                continue
            table.add_row(bal.asset, fmt(bal.free, 8), fmt(bal.locked, 8), fmt(bal.total, 8))
        if self.commission is not None:
            table.caption = f"fees maker {self.commission.maker * 100:.3f}% · taker {self.commission.taker * 100:.3f}%"
        return table
