"""Options order modal: LIMIT/MARKET, quantity, price within the venue's band, TIF, reduceOnly."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.domain.money import fmt
from tui.domain.options.chain import OptionQuote
from tui.domain.options.order_entry import parse_option_entry
from tui.domain.options.orders import OptionOrderRequest
from tui.screens.common.confirm import ConfirmScreen


class OptionOrderFormScreen(ModalScreen[OptionOrderRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Review", priority=True),
    ]

    DEFAULT_CSS = """
    OptionOrderFormScreen { align: center middle; }
    OptionOrderFormScreen > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; overflow-y: auto; }
    OptionOrderFormScreen #title { text-style: bold; }
    OptionOrderFormScreen .row { height: 1; margin-top: 1; }
    OptionOrderFormScreen .row > Label { width: 14; }
    OptionOrderFormScreen .row > Input, OptionOrderFormScreen .row > Select { width: 1fr; }
    OptionOrderFormScreen .error { color: $error; padding-left: 14; height: auto; }
    OptionOrderFormScreen .hidden { display: none; }
    OptionOrderFormScreen #info { color: $text-muted; padding: 1 0 0 14; height: auto; }
    OptionOrderFormScreen #buttons { height: auto; align-horizontal: right; padding-top: 1; }
    """

    def __init__(self, quote: OptionQuote, side: str, *, confirm: bool = True) -> None:
        super().__init__()
        self.quote = quote
        self.side = side
        self.confirm = confirm  # the profile's confirm_orders

    def compose(self) -> ComposeResult:
        q = self.quote
        with Vertical():
            yield Static(f"{'▲ BUY' if self.side == 'BUY' else '▼ SELL'} {q.symbol}", id="title")
            with Horizontal(classes="row"):
                yield Label("Type")
                yield Select(
                    [("LIMIT", "LIMIT"), ("MARKET", "MARKET")],
                    value="LIMIT",
                    allow_blank=False,
                    compact=True,
                    id="type",
                )
            with Horizontal(classes="row"):
                yield Label("Quantity")
                yield Input(
                    placeholder=f"min {q.min_qty.normalize():f}", restrict=r"[0-9.]*", compact=True, id="quantity"
                )
            yield Static(classes="error hidden", id="quantity-error")
            with Horizontal(classes="row", id="price-row"):
                yield Label("Price USDT")
                yield Input(fmt(q.mark, 1) if q.mark is not None else "", restrict=r"[0-9.]*", compact=True, id="price")
            yield Static(classes="error hidden", id="price-error")
            with Horizontal(classes="row", id="tif-row"):
                yield Label("Time in force")
                yield Select(
                    [(t, t) for t in ("GTC", "IOC", "FOK")], value="GTC", allow_blank=False, compact=True, id="tif"
                )
            with Horizontal(classes="row"):
                yield Label("Reduce only")
                # A select, not a checkbox: its state is a word, not only a colour.
                yield Select(
                    [("no", False), ("yes: only shrink a position", True)],
                    value=False,
                    allow_blank=False,
                    compact=True,
                    id="reduce",
                )
            limits = "–"
            if q.low_limit is not None and q.high_limit is not None:
                limits = f"{fmt(q.low_limit, 1)} … {fmt(q.high_limit, 1)}"
            mark = fmt(q.mark, 1) if q.mark is not None else "–"
            yield Static(f"mark {mark} · allowed price {limits} · unit {q.unit.normalize():f}", id="info")
            with Horizontal(id="buttons"):
                yield Button("Cancel [esc]", compact=True, id="cancel")
                yield Button("Review [ctrl+s]", variant="primary", compact=True, id="submit")

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).focus()

    @on(Select.Changed, "#type")
    def _type_changed(self) -> None:
        market = self.query_one("#type", Select).value == "MARKET"
        self.query_one("#price-row").set_class(market, "hidden")
        self.query_one("#tif-row").set_class(market, "hidden")

    @on(Input.Submitted)
    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        order_type = str(self.query_one("#type", Select).value)
        entry = parse_option_entry(
            self.quote,
            order_type=order_type,
            quantity_text=self.query_one("#quantity", Input).value,
            price_text=self.query_one("#price", Input).value,
        )
        for name in ("quantity", "price"):
            box = self.query_one(f"#{name}-error", Static)
            message = entry.errors.get(name, "")
            box.update(f"✕ {message}" if message else "")
            box.set_class(not message, "hidden")
        if not entry.ok or entry.quantity is None:
            self.app.bell()
            return
        tif = str(self.query_one("#tif", Select).value) if order_type == "LIMIT" else None
        reduce_only = bool(self.query_one("#reduce", Select).value)
        request = OptionOrderRequest(
            self.quote.symbol, self.side, order_type, entry.quantity, entry.price, tif, reduce_only
        )
        where = f"at {entry.price.normalize():f} USDT" if entry.price is not None else "at market"
        text = f"{self.side} {entry.quantity.normalize():f} {self.quote.symbol} {where}\n{order_type} {tif or ''}{' reduce-only' if reduce_only else ''}"
        if entry.price is not None:
            text += f"\nPremium ≈ {fmt(entry.price * entry.quantity * self.quote.unit, 2)} USDT"

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.dismiss(request)

        if not self.confirm:
            self.dismiss(request)
            return
        self.app.push_screen(ConfirmScreen(text, title="Send this options order?"), confirmed)
