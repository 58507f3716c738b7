"""Modals for the selected open order: amend quantity (order lists: see list_form.py).

They validate (tui.domain.spot.list_entry) and dismiss with what to send; the order desks send (tui.desks).
"""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from tui.domain.money import wire
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.list_entry import parse_amend
from tui.domain.spot.orders import Order
from tui.screens.common.base import BaseModal

CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 64; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 0 1; }}
{name} .row {{ height: 1; margin-top: 1; }}
{name} .row > Label {{ width: 18; }}
{name} .row > Input, {name} .row > Select {{ width: 1fr; }}
{name} .error {{ color: $error; height: auto; }}
{name} .hint {{ color: $text-muted; height: auto; padding-top: 1; }}
"""


class AmendScreen(BaseModal[Decimal | None]):
    """New (lower) quantity for an open order; keeps its place in the queue."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]
    DEFAULT_CSS = CSS.format(name="AmendScreen")

    def __init__(self, order: Order, rules: SymbolRules) -> None:
        super().__init__()
        self.order = order
        self.rules = rules

    def compose(self) -> ComposeResult:
        o = self.order
        with Vertical():
            yield Static(f"[b]Amend #{o.order_id}[/b] {o.side} {o.symbol} {o.type} @ {wire(o.price)}")
            with Horizontal(classes="row"):
                yield Label("New quantity")
                yield Input(wire(o.orig_qty), restrict=r"[0-9.]*", compact=True, id="qty")
            yield Static(classes="error", id="error")
            yield Static(
                f"now {wire(o.orig_qty)}, filled {wire(o.executed_qty)}. Lowering keeps the order's place in the queue "
                "(order.amend.keepPriority); raising it is not possible. Enter sends.",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        value, error = parse_amend(
            self.rules,
            text=self.query_one(Input).value,
            orig_qty=self.order.orig_qty,
            executed_qty=self.order.executed_qty,
        )
        if value is None:
            self.query_one("#error", Static).update(f"✕ {error}")
            return
        self.dismiss(value)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
