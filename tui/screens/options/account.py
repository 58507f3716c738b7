"""Options account modals: transfer between spot and options, and the bill (ledger) history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tui.domain.money import to_decimal
from tui.domain.options.account import Bill


class TransferScreen(ModalScreen[tuple[str, Decimal] | None]):
    """Returns (direction IN/OUT, amount) for USDT; the options screen sends it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Transfer", priority=True)]
    DEFAULT_CSS = """
    TransferScreen { align: center middle; }
    TransferScreen > Vertical { width: 56; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    TransferScreen .row { height: 1; margin-top: 1; }
    TransferScreen .row > Label { width: 12; }
    TransferScreen #error { color: $error; height: auto; }
    TransferScreen #buttons { height: auto; align-horizontal: right; padding-top: 1; }
    """

    def __init__(self, available: Decimal | None) -> None:
        super().__init__()
        self.available = available

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Transfer USDT[/b]")
            with Horizontal(classes="row"):
                yield Label("Direction")
                yield Select(
                    [("IN: spot → options", "IN"), ("OUT: options → spot", "OUT")],
                    value="IN",
                    allow_blank=False,
                    compact=True,
                    id="direction",
                )
            with Horizontal(classes="row"):
                yield Label("Amount")
                yield Input(restrict=r"[0-9.]*", compact=True, id="amount")
            avail = f"{self.available.normalize():f}" if self.available is not None else "–"
            yield Static(f"options available: {avail} USDT", id="info")
            yield Static(id="error")
            with Horizontal(id="buttons"):
                yield Button("Cancel [esc]", compact=True, id="cancel")
                yield Button("Transfer [ctrl+s]", variant="primary", compact=True, id="ok")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        direction = str(self.query_one("#direction", Select).value)
        text = self.query_one("#amount", Input).value.strip()
        try:
            amount = to_decimal(text)
        except ValueError:
            self.query_one("#error", Static).update(f"✕ Amount must be a number (got {text!r}).")
            return
        if amount <= 0:
            self.query_one("#error", Static).update("✕ Amount must be greater than zero.")
            return
        if direction == "OUT" and self.available is not None and amount > self.available:
            self.query_one("#error", Static).update(
                f"✕ Only {self.available.normalize():f} USDT is available to transfer out."
            )
            return
        self.dismiss((direction, amount))


class BillsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,l", "close", "Close")]
    DEFAULT_CSS = """
    BillsScreen { align: center middle; }
    BillsScreen > Vertical { width: 80; max-width: 100%; height: 80%; border: thick $primary; background: $surface; }
    BillsScreen DataTable { height: 1fr; }
    """

    def __init__(self, bills: tuple[Bill, ...]) -> None:
        super().__init__()
        self.bills = bills

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Bill history[/b] · {len(self.bills)} records (FEE, CONTRACT, TRANSFER) · escape closes")
            yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in ("Time (UTC)", "Type", "Amount", "Currency", "Id"):
            table.add_column(name)
        for bill in sorted(self.bills, key=lambda b: b.create_time, reverse=True):
            when = datetime.fromtimestamp(bill.create_time / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
            table.add_row(when, bill.type, f"{bill.amount.normalize():f}", bill.currency, str(bill.id))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
