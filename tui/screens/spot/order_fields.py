"""The order form's input rows, and which of them the chosen order type, route and peg show.

`OrderFormScreen` reads the values and validates them; this container only lays the rows out and
hides the ones the current choice does not take, so a LIMIT form never shows a stop price and a
STOP_LOSS form never shows a TIF. Each input's error line sits under it (`#<field>-error`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from tui.domain.money import wire
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.order_entry import stp_choices
from tui.domain.spot.orders import OrderType, PegPriceType, Side, TimeInForce
from tui.domain.spot.sor import SorConfig

EXCHANGE_ROUTE, SOR_ROUTE = "exchange", "sor"
NO_PEG = "none"
# The rows that only some types take, by the field name `fields_for` uses for them.
ROWS_BY_FIELD = (("price", "#price-row"), ("quote", "#quote-row"), ("tif", "#tif-row"), ("iceberg", "#iceberg-row"))


class OrderFields(Vertical):
    """Side, type, peg, route, amounts, stop, trailing, iceberg, TIF and self-trade rows of one symbol."""

    DEFAULT_CSS = "OrderFields { height: auto; }"

    def __init__(self, rules: SymbolRules, side: Side, sor: SorConfig | None, price_prefill: str) -> None:
        super().__init__()
        self.rules = rules
        self.initial_side = side
        self.sor = sor
        self.price_prefill = price_prefill

    def compose(self) -> ComposeResult:
        rules = self.rules
        with Horizontal(classes="row"):
            yield Label("Side")
            yield Select(
                [("BUY", Side.BUY), ("SELL", Side.SELL)],
                value=self.initial_side,
                allow_blank=False,
                compact=True,
                id="side",
            )
        with Horizontal(classes="row"):
            yield Label("Type")
            yield Select(
                [(t.value, t) for t in OrderType if t.value in rules.order_types],
                value=OrderType.LIMIT,
                allow_blank=False,
                compact=True,
                id="type",
            )
        # Pegged orders: shown only while the symbol allows pegs and the type takes one (never via SOR).
        with Horizontal(classes="row hidden", id="peg-row"):
            yield Label("Peg")
            yield Select(
                [
                    ("none: my price", NO_PEG),
                    ("PRIMARY_PEG: best on my side", PegPriceType.PRIMARY_PEG),
                    ("MARKET_PEG: best on the other side", PegPriceType.MARKET_PEG),
                ],
                value=NO_PEG,
                allow_blank=False,
                compact=True,
                id="peg_price_type",
            )
        yield Static(classes="field-error", id="peg_price_type-error")
        with Horizontal(classes="row hidden", id="peg-offset-row"):
            yield Label("Offset levels")
            yield Input(
                placeholder="optional: 0-100 levels deeper than the best (0 = best)",
                restrict=r"[0-9]*",
                compact=True,
                id="peg_offset_value",
            )
        yield Static(classes="field-error", id="peg_offset_value-error")
        sor = self.sor
        # Smart Order Routing: shown only while the symbol has SOR and the type is one SOR takes.
        with Horizontal(classes="row hidden", id="route-row"):
            yield Label("Route")
            yield Select(
                [
                    (f"exchange: {rules.symbol} book only", EXCHANGE_ROUTE),
                    (f"SOR: best of {' + '.join(sor.symbols) if sor else '-'}", SOR_ROUTE),
                ],
                value=EXCHANGE_ROUTE,
                allow_blank=False,
                compact=True,
                id="route",
            )
        yield Static(classes="field-error", id="route-error")
        with Horizontal(classes="row", id="price-row"):
            yield Label(f"Price {rules.quote_asset}")
            yield Input(
                value=self.price_prefill,
                restrict=r"[0-9.]*",
                compact=True,
                id="price",
            )
        yield Static(classes="field-error", id="price-error")
        with Horizontal(classes="row"):
            yield Label(f"Qty {rules.base_asset}")
            yield Input(
                placeholder=f"min {wire(rules.min_qty)}, step {wire(rules.step_size)}",
                restrict=r"[0-9.]*",
                compact=True,
                id="quantity",
            )
        yield Static(classes="field-error", id="quantity-error")
        with Horizontal(classes="row hidden", id="quote-row"):
            yield Label(f"or {rules.quote_asset}")
            yield Input(
                placeholder=f"amount to spend/receive in {rules.quote_asset}",
                restrict=r"[0-9.]*",
                compact=True,
                id="quote_order_qty",
            )
        yield Static(classes="field-error", id="quote_order_qty-error")
        with Horizontal(classes="row", id="stop-row"):
            yield Label(f"Stop {rules.quote_asset}")
            yield Input(placeholder="trigger (or activation) price", restrict=r"[0-9.]*", compact=True, id="stop_price")
        yield Static(classes="field-error", id="stop_price-error")
        with Horizontal(classes="row", id="trailing-row"):
            yield Label("Trailing Δ bips")
            yield Input(
                placeholder="e.g. 100 = 1 %; optional with a stop price",
                restrict=r"[0-9]*",
                compact=True,
                id="trailing_delta",
            )
        yield Static(classes="field-error", id="trailing_delta-error")
        with Horizontal(classes="row", id="iceberg-row"):
            yield Label(f"Iceberg {rules.base_asset}")
            yield Input(
                placeholder="optional: visible part of the quantity",
                restrict=r"[0-9.]*",
                compact=True,
                id="iceberg_qty",
            )
        yield Static(classes="field-error", id="iceberg_qty-error")
        with Horizontal(classes="row", id="tif-row"):
            yield Label("Time in force")
            yield Select(
                [(t.value, t) for t in TimeInForce],
                value=TimeInForce.GTC,
                allow_blank=False,
                compact=True,
                id="tif",
            )
        modes = stp_choices(rules)
        # Self-trade prevention: what happens if this order would match one of our own.
        with Horizontal(classes="row" if len(modes) > 1 else "row hidden", id="stp-row"):
            yield Label("Self-trade")
            yield Select(
                [(f"{m.value} (symbol default)" if m.value == rules.default_stp_mode else m.value, m) for m in modes],
                value=modes[0] if modes else Select.NULL,
                allow_blank=not modes,
                compact=True,
                id="stp_mode",
            )
        yield Static(classes="field-error", id="stp_mode-error")

    def show_for(self, needs: frozenset[str], *, sor_available: bool, peg_available: bool, pegged: bool) -> None:
        """Show the rows `needs` names (see `fields_for`), the route row while SOR can take the order,
        the peg rows while a peg is allowed (its offset once one is chosen); hide the rest."""
        self.query_one("#route-row").set_class(not sor_available, "hidden")
        for field, row in ROWS_BY_FIELD:
            self.query_one(row).set_class(field not in needs, "hidden")
        self.query_one("#stop-row").set_class("stop" not in needs, "hidden")
        self.query_one("#trailing-row").set_class("stop" not in needs, "hidden")
        self.query_one("#peg-row").set_class(not peg_available, "hidden")
        self.query_one("#peg-offset-row").set_class(not pegged, "hidden")
        price = self.query_one("#price", Input)
        price.placeholder = "optional when pegged: blank = the book's price" if pegged else ""
