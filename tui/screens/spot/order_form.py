"""The order entry modal: validates against the symbol's filters and returns an `OrderRequest`, or a
`SorOrderRequest` when the person routes it with Smart Order Routing.

It never signs or sends: it dismisses with the request, and the dashboard's order worker previews it,
asks for confirmation and hands it to the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from tui.domain.money import fmt, wire
from tui.domain.spot.account import CommissionRates
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.order_descriptions import peg_side_word
from tui.domain.spot.order_entry import (
    OrderEntry,
    SorOrderRequest,
    fields_for,
    parse_order_entry,
    peg_available,
    sor_route_available,
    stp_choices,
    trailing_trigger,
)
from tui.domain.spot.orders import OrderRequest, OrderType, PegPriceType, Side, StpMode, TimeInForce
from tui.domain.spot.sor import SorConfig
from tui.screens.spot.order_fields import EXCHANGE_ROUTE, SOR_ROUTE, OrderFields


@dataclass(frozen=True)
class OrderFormContext:
    """What the form needs to know; handed in by the dashboard, never fetched by the form."""

    rules: SymbolRules
    side: Side
    best_bid: Decimal | None = None
    best_ask: Decimal | None = None
    last_price: Decimal | None = None
    commission: CommissionRates | None = None
    # what the person typed before going Back from the confirmation (wrapped if it was routed with SOR)
    draft: OrderRequest | SorOrderRequest | None = None
    sor: SorConfig | None = None  # the symbol's SOR configuration: the form then offers the SOR route

    @property
    def reference_price(self) -> Decimal | None:
        if self.best_bid is not None and self.best_ask is not None:
            return (self.best_bid + self.best_ask) / 2
        return self.last_price


class OrderFormScreen(ModalScreen[OrderRequest | SorOrderRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("f2", "toggle_side", "Buy/Sell", priority=True),
        Binding("f4", "toggle_route", "Route: exchange/SOR", priority=True),
    ]

    DEFAULT_CSS = """
    OrderFormScreen { align: center middle; }
    OrderFormScreen > #form { width: 64; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; overflow-y: auto; }
    OrderFormScreen #title { text-style: bold; width: 100%; content-align: center middle; }
    OrderFormScreen #title.buy { color: $bid; }
    OrderFormScreen #title.sell { color: $ask; }
    OrderFormScreen .row { height: 1; margin-top: 1; }
    OrderFormScreen .row > Label { width: 14; }
    OrderFormScreen .row > Input, OrderFormScreen .row > Select { width: 1fr; }
    OrderFormScreen .field-error { color: $error; height: auto; padding-left: 14; }
    OrderFormScreen .hidden { display: none; }
    OrderFormScreen #summary { color: $text-muted; height: auto; padding: 1 0 0 14; }
    OrderFormScreen #buttons { height: auto; align-horizontal: right; padding-top: 1; }
    OrderFormScreen #buttons Button { margin-left: 1; }
    """

    def __init__(self, context: OrderFormContext) -> None:
        super().__init__()
        self.context = context
        self.entry: OrderEntry | None = None
        rules = context.rules
        price = context.best_bid if context.side is Side.BUY else context.best_ask
        price = price or context.last_price
        # The price the form suggests (best on the order's side); a peg replaces it while untouched.
        self._price_prefill = fmt(price, rules.price_decimals) if price else ""

    def compose(self) -> ComposeResult:
        rules = self.context.rules
        with Vertical(id="form"):
            yield Static(id="title")
            yield OrderFields(rules, self.context.side, self.context.sor, self._price_prefill)
            yield Static(classes="field-error", id="form-error")
            yield Static(id="summary")
            with Horizontal(id="buttons"):
                yield Button("Cancel [esc]", compact=True, id="cancel")
                yield Button("Review [ctrl+s]", variant="primary", compact=True, id="submit")

    def on_mount(self) -> None:
        if self.context.draft is not None:
            self._fill(self.context.draft)
        self._layout_for_type()
        self._refresh(show_errors=False)
        self.query_one("#quantity", Input).focus()

    def _fill(self, draft: OrderRequest | SorOrderRequest) -> None:
        if isinstance(draft, SorOrderRequest):
            self.query_one("#route", Select).value = SOR_ROUTE
            draft = draft.request
        self.query_one("#type", Select).value = draft.type
        if draft.time_in_force is not None:
            self.query_one("#tif", Select).value = draft.time_in_force
        if draft.stp_mode is not None and draft.stp_mode in stp_choices(self.context.rules):
            self.query_one("#stp_mode", Select).value = draft.stp_mode
        if draft.peg_price_type is not None:
            self.query_one("#peg_price_type", Select).value = draft.peg_price_type
        self.query_one("#peg_offset_value", Input).value = (
            str(draft.peg_offset_value) if draft.peg_offset_value is not None else ""
        )
        for name, value in (
            ("price", draft.price),
            ("quantity", draft.quantity),
            ("quote_order_qty", draft.quote_order_qty),
            ("stop_price", draft.stop_price),
            ("iceberg_qty", draft.iceberg_qty),
        ):
            self.query_one(f"#{name}", Input).value = wire(value) if value is not None else ""
        self.query_one("#trailing_delta", Input).value = str(draft.trailing_delta or "")

    # -- reading the form -------------------------------------------------------------------
    @property
    def side(self) -> Side:
        return Side(self.query_one("#side", Select).value)  # type: ignore[arg-type]

    @property
    def order_type(self) -> OrderType:
        return OrderType(self.query_one("#type", Select).value)  # type: ignore[arg-type]

    @property
    def sor_available(self) -> bool:
        """The symbol has a SOR configuration and the chosen type is one SOR takes."""
        return sor_route_available(self.context.sor, self.context.rules.symbol, self.order_type)

    @property
    def via_sor(self) -> bool:
        """The person chose the SOR route (and it is available for this type)."""
        return self.sor_available and self.query_one("#route", Select).value == SOR_ROUTE

    @property
    def stp_mode(self) -> StpMode | None:
        value = self.query_one("#stp_mode", Select).value
        return value if isinstance(value, StpMode) else None

    @property
    def peg_available(self) -> bool:
        """The symbol allows pegs, the chosen type takes one and the order is not routed with SOR."""
        return peg_available(self.context.rules, self.order_type, via_sor=self.via_sor)

    @property
    def peg(self) -> PegPriceType | None:
        """The peg the person chose, while the form offers one."""
        value = self.query_one("#peg_price_type", Select).value
        return value if self.peg_available and isinstance(value, PegPriceType) else None

    def _evaluate(self) -> OrderEntry:
        return parse_order_entry(
            self.context.rules,
            side=self.side,
            order_type=self.order_type,
            price_text=self.query_one("#price", Input).value if "price" in self.needs else "",
            quantity_text=self.query_one("#quantity", Input).value,
            quote_text=self.query_one("#quote_order_qty", Input).value if "quote" in self.needs else "",
            stop_text=self.query_one("#stop_price", Input).value if "stop" in self.needs else "",
            trailing_text=self.query_one("#trailing_delta", Input).value if "stop" in self.needs else "",
            iceberg_text=self.query_one("#iceberg_qty", Input).value if "iceberg" in self.needs else "",
            time_in_force=TimeInForce(self.query_one("#tif", Select).value),  # type: ignore[arg-type]
            reference_price=self.context.reference_price,
            commission=self.context.commission,
            stp_mode=self.stp_mode,
            sor=self.context.sor if self.via_sor else None,
            peg=self.peg,
            peg_offset_text=self.query_one("#peg_offset_value", Input).value if self.peg is not None else "",
        )

    @property
    def needs(self) -> frozenset[str]:
        """The inputs the chosen order type (and route) takes; every other row is hidden."""
        return fields_for(self.order_type, via_sor=self.via_sor)

    def _layout_for_type(self) -> None:
        self.query_one(OrderFields).show_for(
            self.needs, sor_available=self.sor_available, peg_available=self.peg_available, pegged=self.peg is not None
        )

    def _refresh(self, *, show_errors: bool) -> None:
        rules = self.context.rules
        side = self.side
        title = self.query_one("#title", Static)
        via = " via SOR" if self.via_sor else ""
        title.update(f"{'▲ BUY' if side is Side.BUY else '▼ SELL'} {rules.symbol}{via}")
        title.set_class(side is Side.BUY, "buy")
        title.set_class(side is Side.SELL, "sell")
        self.entry = entry = self._evaluate()
        for name in (
            "price",
            "quantity",
            "quote_order_qty",
            "stop_price",
            "trailing_delta",
            "iceberg_qty",
            "stp_mode",
            "route",
            "peg_price_type",
            "peg_offset_value",
            "form",
        ):
            message = entry.errors.get(name, "") if show_errors else ""
            error = self.query_one(f"#{name}-error", Static)
            error.update(f"✕ {message}" if message else "")
            error.display = bool(message)
        parts = []
        if entry.notional is not None:
            approx = "≈ " if self.order_type is OrderType.MARKET or self.peg is not None else ""
            parts.append(f"Notional {approx}{fmt(entry.notional, rules.price_decimals)} {rules.quote_asset}")
        if entry.fee is not None:
            parts.append(f"fee up to {fmt(entry.fee, 8).rstrip('0').rstrip('.')} {entry.fee_asset}")
        trailing = self.query_one("#trailing_delta", Input).value.strip()
        reference = self.context.reference_price
        if "stop" in self.needs and trailing.isdigit() and int(trailing) > 0 and reference is not None:
            trigger = trailing_trigger(side, reference, int(trailing))
            turn = "falls" if side is Side.SELL else "rises"
            parts.append(
                f"trails: triggers if the price {turn} {int(trailing) / 100:g} % from its best, ≈ {fmt(trigger, rules.price_decimals)} now"
            )
        if (peg := self.peg) is not None:
            parts.append(f"pegged: works at the best {peg_side_word(side, peg)}, following the book")
        bid, ask = self.context.best_bid, self.context.best_ask
        if bid is not None and ask is not None:
            parts.append(f"bid {fmt(bid, rules.price_decimals)} / ask {fmt(ask, rules.price_decimals)}")
        if self.via_sor and self.context.sor is not None:
            books = " + ".join(self.context.sor.symbols)
            parts.append(f"SOR: best of {books}; settles in {rules.quote_asset}")
        elif self.sor_available:
            parts.append("f4: route with SOR (Smart Order Routing)")
        self.query_one("#summary", Static).update("\n".join(parts))

    # -- events --------------------------------------------------------------------------------
    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "peg_price_type" and self.peg is not None:
            price = self.query_one("#price", Input)
            if price.value == self._price_prefill:  # the suggested price, untouched: the peg replaces it
                price.value = ""
        if event.select.id in ("type", "route", "peg_price_type", "side"):
            self._layout_for_type()
        self._refresh(show_errors=False)

    @on(Input.Changed)
    def _input_changed(self) -> None:
        self._refresh(show_errors=False)

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_toggle_side(self) -> None:
        select = self.query_one("#side", Select)
        select.value = Side.SELL if self.side is Side.BUY else Side.BUY

    def action_toggle_route(self) -> None:
        if not self.sor_available:
            what = (
                f"{self.context.rules.symbol} has no Smart Order Routing"
                if self.context.sor is None
                else f"SOR takes LIMIT and MARKET orders only, not {self.order_type.value}"
            )
            self.notify(f"{what}: the order goes to its own book.", severity="warning")
            return
        select = self.query_one("#route", Select)
        select.value = EXCHANGE_ROUTE if select.value == SOR_ROUTE else SOR_ROUTE

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        self._refresh(show_errors=True)
        entry = self.entry
        if entry is None or entry.request is None:
            self.app.bell()
            return
        # The dashboard previews it with order.test (sor.order.test for SOR), with commission rates,
        # and asks for confirmation.
        self.dismiss(entry.submission)
