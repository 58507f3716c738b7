"""The order-list modal: OCO, OTO, OTOCO, OPO and OPOCO in one form, showing only the fields a kind takes.

It validates (tui.domain.spot.list_entry) and dismisses with an `OrderListRequest`; the dashboard's worker
confirms and sends it. Errors appear under the input they are about.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from tui.domain.money import wire
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.list_entry import (
    KIND_HELP,
    PENDING_TYPES,
    WORKING_TYPES,
    LegText,
    ListEntry,
    PairText,
    leg_fields,
    parse_oco,
    parse_opo,
    parse_opoco,
    parse_oto,
    parse_otoco,
)
from tui.domain.spot.orders import ListKind, OrderListRequest, OrderType, Side, TimeInForce

KINDS = tuple(ListKind)
OPO_KINDS = (ListKind.OPO, ListKind.OPOCO)
# Every input and select that can carry an error, in the order they appear.
FIELDS = (
    "working_side", "working_type", "working_price", "working_quantity", "working_tif",
    "pending_type", "pending_side", "pending_price", "pending_stop", "pending_trailing", "pending_quantity",
    "pending_tif", "side", "quantity", "limit", "stop", "stop_limit",
)  # fmt: skip
NUMBER = r"[0-9.]*"


def _row(label: str, widget: Widget, key: str) -> list[Widget]:
    """A labelled input and the line under it where its error goes."""
    return [
        Horizontal(Label(label), widget, classes="row", id=f"{key}-row"),
        Static(classes="field-error", id=f"{key}-error"),
    ]


def _select(options: Sequence[tuple[str, object]], value: object, key: str) -> Select[object]:
    return Select(options, value=value, allow_blank=False, compact=True, id=key)


def _input(key: str, placeholder: str = "", restrict: str = NUMBER) -> Input:
    return Input(placeholder=placeholder, restrict=restrict, compact=True, id=key)


SIDES: list[tuple[str, object]] = [("BUY", Side.BUY), ("SELL", Side.SELL)]
TIFS: list[tuple[str, object]] = [(t.value, t) for t in TimeInForce]


class ListFormScreen(ModalScreen[OrderListRequest | None]):
    """One form for every order-list kind; `l` on the dashboard opens it on OCO."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel"),
        Binding("ctrl+s", "submit", "Review", priority=True),
        Binding("f3", "cycle_kind", "Next list kind", priority=True),
    ]

    DEFAULT_CSS = """
    ListFormScreen { align: center middle; }
    ListFormScreen > #form { width: 66; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; overflow-y: auto; }
    ListFormScreen #title { text-style: bold; }
    ListFormScreen .row { height: 1; }
    ListFormScreen .row > Label { width: 17; }
    ListFormScreen .row > Input, ListFormScreen .row > Select { width: 1fr; }
    ListFormScreen .section { height: auto; }
    ListFormScreen .heading { text-style: bold; color: $secondary; margin-top: 1; }
    ListFormScreen .note, ListFormScreen #kind-help, ListFormScreen #hint { color: $text-muted; height: auto; }
    ListFormScreen .field-error { color: $error; height: auto; padding-left: 17; }
    ListFormScreen #form-error { padding-left: 0; }
    ListFormScreen .hidden { display: none; }
    ListFormScreen #buttons { height: auto; align-horizontal: right; }
    ListFormScreen #buttons Button { margin-left: 1; }
    """

    def __init__(
        self,
        rules: SymbolRules,
        side: Side,
        last_price: Decimal | None,
        *,
        kind: ListKind = ListKind.OCO,
        draft: OrderListRequest | None = None,
    ) -> None:
        super().__init__()
        self.rules = rules
        self.side = side
        self.last_price = last_price
        self.kind = draft.kind if draft is not None else kind
        self.draft = draft

    def compose(self) -> ComposeResult:
        r = self.rules
        q, b = r.quote_asset, r.base_asset
        pending_types = [(t.value, t) for t in PENDING_TYPES if t.value in r.order_types]
        with Vertical(id="form"):
            yield Static(f"Order list on {r.symbol}", id="title")
            yield from _row("Kind", _select([(k.value.upper(), k) for k in KINDS], self.kind, "kind"), "kind")
            yield Static(id="kind-help")
            with Vertical(classes="section", id="working-section"):
                yield Static("Working order: goes on the book first", classes="heading")
                yield from _row("Side", _select(SIDES, Side.BUY, "working_side"), "working_side")
                working_types = [(t.value, t) for t in WORKING_TYPES]
                yield from _row("Type", _select(working_types, OrderType.LIMIT, "working_type"), "working_type")
                yield from _row(f"Price {q}", _input("working_price"), "working_price")
                yield from _row(f"Quantity {b}", _input("working_quantity"), "working_quantity")
                yield from _row("Time in force", _select(TIFS, TimeInForce.GTC, "working_tif"), "working_tif")
            with Vertical(classes="section", id="pending-section"):
                yield Static("Pending order: placed once the working order has filled", classes="heading")
                yield from _row("Type", _select(pending_types, OrderType.LIMIT, "pending_type"), "pending_type")
                yield from _row("Side", _select(SIDES, Side.SELL, "pending_side"), "pending_side")
                yield from _row(f"Price {q}", _input("pending_price"), "pending_price")
                yield from _row(f"Stop {q}", _input("pending_stop", "trigger (or activation) price"), "pending_stop")
                bips = _input("pending_trailing", "e.g. 100 = 1 %; optional with a stop", r"[0-9]*")
                yield from _row("Trailing Δ bips", bips, "pending_trailing")
                blank_qty = "blank: the working quantity"
                yield from _row(f"Quantity {b}", _input("pending_quantity", blank_qty), "pending_quantity")
                yield Static("Quantity: what the working BUY bought, net of fees (OPO)", classes="note", id="opo-note")
                yield from _row("Time in force", _select(TIFS, TimeInForce.GTC, "pending_tif"), "pending_tif")
            with Vertical(classes="section", id="pair-section"):
                yield Static(id="pair-heading", classes="heading")
                sides = [("SELL (take profit / stop out)", Side.SELL), ("BUY (buy dip / breakout)", Side.BUY)]
                yield from _row("Side", _select(sides, self.side, "side"), "side")
                yield from _row(f"Quantity {b}", _input("quantity"), "quantity")
                yield from _row(f"Limit price {q}", _input("limit"), "limit")
                yield from _row(f"Stop price {q}", _input("stop"), "stop")
                yield from _row(f"Stop-limit {q}", _input("stop_limit", "optional: the stop price"), "stop_limit")
            yield Static(classes="field-error", id="form-error")
            yield Static(id="hint")
            with Horizontal(id="buttons"):
                yield Button("Cancel [esc]", compact=True, id="cancel")
                yield Button("Review [ctrl+s]", variant="primary", compact=True, id="submit")

    def on_mount(self) -> None:
        if self.draft is not None:
            self._fill(self.draft)
        self._layout()
        self._clear_errors()
        last = wire(self.last_price) if self.last_price is not None else "–"
        self.query_one("#hint", Static).update(f"last price {last} · f3 next kind · ctrl+s review · esc cancel")
        self._first_field().focus()

    # -- layout ---------------------------------------------------------------------------------
    def _select_value(self, key: str) -> object:
        return self.query_one(f"#{key}", Select).value

    def _text(self, key: str) -> str:
        return self.query_one(f"#{key}", Input).value

    def _show(self, selector: str, shown: bool) -> None:
        self.query_one(selector).set_class(not shown, "hidden")

    def _layout(self) -> None:
        """Show only what the chosen kind (and the legs' types) take."""
        kind = self.kind
        opo = kind in OPO_KINDS
        self.query_one("#kind-help", Static).update(KIND_HELP[kind])
        self._show("#working-section", kind is not ListKind.OCO)
        self._show("#pending-section", kind in (ListKind.OTO, ListKind.OPO))
        self._show("#pair-section", kind in (ListKind.OCO, ListKind.OTOCO, ListKind.OPOCO))
        self._show("#working_tif-row", self._select_value("working_type") is OrderType.LIMIT)
        pending = leg_fields(OrderType(self._select_value("pending_type")))  # type: ignore[arg-type]
        self._show("#pending_price-row", "price" in pending)
        self._show("#pending_stop-row", "stop" in pending)
        self._show("#pending_trailing-row", "stop" in pending)
        self._show("#pending_tif-row", "tif" in pending)
        self._show("#pending_quantity-row", not opo)
        self._show("#opo-note", opo)
        self._show("#quantity-row", kind is not ListKind.OPOCO)
        self.query_one("#pair-heading", Static).update(
            "OCO pair: one fills or triggers, the other is cancelled"
            if kind is ListKind.OCO
            else "Pending OCO pair: placed once the working order has filled"
        )
        placeholder = "" if kind is ListKind.OCO else "blank: the working quantity"
        self.query_one("#quantity", Input).placeholder = placeholder
        # faqs/opo.md: an OPO buys first and sells after; those sides are not a choice.
        for key, side in (("working_side", Side.BUY), ("pending_side", Side.SELL), ("side", Side.SELL)):
            select = self.query_one(f"#{key}", Select)
            if opo:
                select.value = side
            select.disabled = opo

    def _first_field(self) -> Widget:
        return self.query_one("#quantity" if self.kind is ListKind.OCO else "#working_price", Input)

    def _shown(self, widget: Widget) -> bool:
        return all(w.display and not w.has_class("hidden") for w in widget.ancestors_with_self if isinstance(w, Widget))

    def _fill(self, draft: OrderListRequest) -> None:
        """Put a request back into the inputs: what was typed, after Back from the confirmation."""

        def put(key: str, value: Decimal | int | None) -> None:
            self.query_one(f"#{key}", Input).value = "" if value is None else wire(Decimal(value))

        self.query_one("#kind", Select).value = draft.kind
        if (w := draft.working) is not None:
            self.query_one("#working_side", Select).value = w.side or Side.BUY
            self.query_one("#working_type", Select).value = w.type
            self.query_one("#working_tif", Select).value = w.time_in_force or TimeInForce.GTC
            put("working_price", w.price)
            put("working_quantity", w.quantity)
        if (p := draft.pending) is not None:
            self.query_one("#pending_type", Select).value = p.type
            self.query_one("#pending_side", Select).value = p.side or Side.SELL
            self.query_one("#pending_tif", Select).value = p.time_in_force or TimeInForce.GTC
            put("pending_price", p.price)
            put("pending_stop", p.stop_price)
            put("pending_trailing", p.trailing_delta)
            put("pending_quantity", p.quantity)
        if draft.above is not None and draft.below is not None:
            maker, stopper = (draft.above, draft.below) if draft.side is Side.SELL else (draft.below, draft.above)
            self.query_one("#side", Select).value = draft.side or Side.SELL
            put("quantity", draft.quantity)
            put("limit", maker.price)
            put("stop", stopper.stop_price)
            put("stop_limit", stopper.price if stopper.price != stopper.stop_price else None)

    # -- reading and checking -------------------------------------------------------------------
    def _leg(self, prefix: str) -> LegText:
        pending = prefix == "pending"  # only the pending leg can be a stop
        return LegText(
            type=OrderType(self._select_value(f"{prefix}_type")),  # type: ignore[arg-type]
            side=Side(self._select_value(f"{prefix}_side")),  # type: ignore[arg-type]
            price=self._text(f"{prefix}_price"),
            stop=self._text("pending_stop") if pending else "",
            trailing=self._text("pending_trailing") if pending else "",
            quantity=self._text(f"{prefix}_quantity"),
            time_in_force=TimeInForce(self._select_value(f"{prefix}_tif")),  # type: ignore[arg-type]
        )

    def _pair(self) -> PairText:
        return PairText(
            side=Side(self._select_value("side")),  # type: ignore[arg-type]
            quantity=self._text("quantity"),
            limit=self._text("limit"),
            stop=self._text("stop"),
            stop_limit=self._text("stop_limit"),
        )

    def evaluate(self) -> ListEntry:
        r, kind = self.rules, self.kind
        if kind is ListKind.OCO:
            pair = self._pair()
            return parse_oco(
                r,
                side=pair.side,
                quantity_text=pair.quantity,
                limit_text=pair.limit,
                stop_text=pair.stop,
                stop_limit_text=pair.stop_limit,
                last_price=self.last_price,
            )
        if kind is ListKind.OTO:
            return parse_oto(r, working=self._leg("working"), pending=self._leg("pending"))
        if kind is ListKind.OPO:
            return parse_opo(r, working=self._leg("working"), pending=self._leg("pending"))
        if kind is ListKind.OTOCO:
            return parse_otoco(r, working=self._leg("working"), pair=self._pair())
        return parse_opoco(r, working=self._leg("working"), pair=self._pair())

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            assert isinstance(error, Static)
            error.update("")
            error.display = False

    def _show_errors(self, errors: dict[str, str]) -> None:
        self._clear_errors()
        for key, message in errors.items():
            target = key if key in FIELDS else "form"
            error = self.query_one(f"#{target}-error", Static)
            error.update(f"✕ {message}")
            error.display = True
        first = next((k for k in FIELDS if k in errors), None)
        if first is not None:
            self.query_one(f"#{first}").focus()

    # -- events ---------------------------------------------------------------------------------
    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind" and isinstance(event.value, ListKind):
            self.kind = event.value
        self._layout()
        focused = self.focused
        if focused is None or not self._shown(focused):
            self._first_field().focus()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        error = self.query_one(f"#{event.input.id}-error", Static)
        error.update("")
        error.display = False

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_dismiss_none()

    def action_cycle_kind(self) -> None:
        self.query_one("#kind", Select).value = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]

    def action_submit(self) -> None:
        entry = self.evaluate()
        if entry.request is None:
            self._show_errors(entry.errors)
            self.app.bell()
            return
        self.dismiss(entry.request)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
