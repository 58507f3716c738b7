"""Modals for the selected open order and for order lists: amend quantity, and the OCO form.

They validate (tui.domain.list_entry) and dismiss with what to send; the dashboard's workers send.
"""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from ..domain.filters import SymbolRules
from ..domain.list_entry import parse_amend, parse_oco
from ..domain.money import wire
from ..domain.orders import Order, OrderListRequest, Side

CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 64; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 0 1; }}
{name} .row {{ height: 1; margin-top: 1; }}
{name} .row > Label {{ width: 18; }}
{name} .row > Input, {name} .row > Select {{ width: 1fr; }}
{name} .error {{ color: $error; height: auto; }}
{name} .hint {{ color: $text-muted; height: auto; padding-top: 1; }}
"""


class AmendScreen(ModalScreen[Decimal | None]):
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


class OcoFormScreen(ModalScreen[OrderListRequest | None]):
    """A one-cancels-the-other pair: a limit (take-profit) order and a stop-limit on the same quantity."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel"), Binding("ctrl+s", "submit", "Review", priority=True)]
    DEFAULT_CSS = CSS.format(name="OcoFormScreen")

    def __init__(self, rules: SymbolRules, side: Side, last_price: Decimal | None) -> None:
        super().__init__()
        self.rules = rules
        self.side = side
        self.last_price = last_price

    def compose(self) -> ComposeResult:
        q = self.rules.quote_asset
        with Vertical():
            yield Static(f"[b]OCO on {self.rules.symbol}[/b]: one fills or triggers, the other is cancelled")
            with Horizontal(classes="row"):
                yield Label("Side")
                yield Select(
                    [("SELL (take profit / stop out)", Side.SELL), ("BUY (buy dip / breakout)", Side.BUY)],
                    value=self.side,
                    allow_blank=False,
                    compact=True,
                    id="side",
                )
            with Horizontal(classes="row"):
                yield Label(f"Quantity {self.rules.base_asset}")
                yield Input(restrict=r"[0-9.]*", compact=True, id="quantity")
            with Horizontal(classes="row"):
                yield Label(f"Limit price {q}")
                yield Input(restrict=r"[0-9.]*", compact=True, id="limit")
            with Horizontal(classes="row"):
                yield Label(f"Stop price {q}")
                yield Input(restrict=r"[0-9.]*", compact=True, id="stop")
            with Horizontal(classes="row"):
                yield Label(f"Stop-limit {q}")
                yield Input(
                    placeholder="optional: defaults to the stop price",
                    restrict=r"[0-9.]*",
                    compact=True,
                    id="stop_limit",
                )
            yield Static(classes="error", id="error")
            last = wire(self.last_price) if self.last_price is not None else "–"
            yield Static(f"last price {last} · ctrl+s to review", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        entry = parse_oco(
            self.rules,
            side=Side(self.query_one("#side", Select).value),  # type: ignore[arg-type]
            quantity_text=self.query_one("#quantity", Input).value,
            limit_text=self.query_one("#limit", Input).value,
            stop_text=self.query_one("#stop", Input).value,
            stop_limit_text=self.query_one("#stop_limit", Input).value,
            last_price=self.last_price,
        )
        if entry.request is None:
            self.query_one("#error", Static).update("\n".join(f"✕ {m}" for m in entry.errors.values()))
            self.app.bell()
            return
        self.dismiss(entry.request)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
