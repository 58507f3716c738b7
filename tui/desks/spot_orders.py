"""The spot single-order desk: preview (order.test / sor.order.test with commission rates), confirm,
place, resolve a lost reply; cancel one, cancel all on a symbol, amend the quantity, cancel-replace.

The forms only validate and dismiss a request; everything here runs in a worker of the screen that
started it (`ui.ask` waits on a modal).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tui.desks.desk import EXPIRED, SpotDesk
from tui.desks.resolve import resolve_unknown_order
from tui.domain.spot.account import OrderCommissionRates
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.order_descriptions import describe_request, describe_sor_result, describe_sor_route
from tui.domain.spot.order_entry import SorOrderRequest
from tui.domain.spot.orders import (
    Order,
    OrderRequest,
    OrderType,
    Side,
    StpMode,
    TimeInForce,
    new_client_order_id,
)
from tui.exchange.errors import ExchangeError
from tui.screens.common.confirm import ConfirmScreen

CANCEL_REJECTED = -2011  # "Unknown order sent.": the order is no longer open (or never was)


def replacement_draft(order: Order, rules: SymbolRules) -> OrderRequest:
    """The form's starting point for cancel-replace: the order as it rests, for what is left of it."""
    return OrderRequest(
        order.symbol,
        Side(order.side),
        OrderType(order.type),
        quantity=order.remaining,
        price=order.price or None,
        time_in_force=TimeInForce(order.time_in_force) if order.type == "LIMIT" else None,
        stop_price=order.stop_price or None,
        trailing_delta=order.trailing_delta,
        stp_mode=kept_stp_mode(order.stp_mode, rules.default_stp_mode),
    )


def kept_stp_mode(mode: str | None, default: str) -> StpMode | None:
    """A replacement keeps the order's self-trade prevention mode when it is not the symbol's default."""
    return StpMode(mode) if mode is not None and mode in StpMode.__members__ and mode != default else None


def commission_line(rates: OrderCommissionRates, test: str) -> str:
    """What the preview says the order will cost, as `test` (order.test or sor.order.test) answered."""
    std = rates.standard
    text = f"Commission ({test}): maker {std.maker * 100:.3f} % · taker {std.taker * 100:.3f} %"
    if rates.discount_enabled_for_account and rates.discount_enabled_for_symbol:
        text += f", {rates.discount * 100:.0f} % off when paid in {rates.discount_asset}"
    return text


class SpotOrderDesk(SpotDesk):
    """Single spot orders, from a form's request to the venue's answer."""

    async def preview_and_place(self, order: OrderRequest | SorOrderRequest) -> OrderRequest | SorOrderRequest | None:
        """order.test (sor.order.test when routed with SOR) with commission rates first (nothing reaches
        the book), then confirm, then send. Returns `order` when the person went back to edit it."""
        sor, request = (order, order.request) if isinstance(order, SorOrderRequest) else (None, order)
        rules = self.session.rules[request.symbol]
        try:
            if sor is not None:
                rates = await self.session.sor.test_sor_order(request, commission_rates=True)
            else:
                rates = await self.session.orders.test_order(request, compute_commission_rates=True)
        except ExchangeError as exc:
            via = "SOR " if sor is not None else ""
            self.rejected(request, exc.code, f"{via}{exc.msg} (preview: nothing was sent)")
            return None
        text = describe_request(request, rules)
        if sor is not None:
            text += "\n" + describe_sor_route(sor, rules)
        if rates is not None:
            text += "\n" + commission_line(rates, "sor.order.test" if sor is not None else "order.test")
        if not await self.confirmed(text, "Send this order via SOR?" if sor is not None else "Send this order?"):
            return order  # Back: the form again, as it was typed
        if sor is not None:
            await self.place_sor_order(sor)
        else:
            await self.place_order(request)
        return None

    async def place_order(self, request: OrderRequest) -> None:
        # A client order id on every order: if the response is lost we can still find the order.
        request = replace(request, client_order_id=request.client_order_id or new_client_order_id())
        try:
            order = await self.session.orders.place_order(request)
        except ExchangeError as exc:
            if exc.outcome_unknown:
                await resolve_unknown_order(self, request, exc)
            else:
                self.rejected(request, exc.code, exc.msg)
            return
        except ValueError as exc:  # sent and answered, but the answer did not parse
            self.ui.notify(
                f"Order sent, but the response was unreadable ({exc}). Check open orders.",
                severity="warning",
                timeout=10,
            )
            self.in_doubt()
            return
        self.accepted(request, order)

    async def place_sor_order(self, sor: SorOrderRequest) -> None:
        """sor.order.place, then a notice of what filled where; failures as for `place_order`."""
        request = replace(sor.request, client_order_id=sor.request.client_order_id or new_client_order_id())
        try:
            result = await self.session.sor.place_sor_order(request)
        except ExchangeError as exc:
            if exc.outcome_unknown:
                await resolve_unknown_order(self, request, exc)
            else:
                self.rejected(request, exc.code, f"SOR order: {exc.msg}")
            return
        except ValueError as exc:  # sent and answered, but the answer did not parse
            self.ui.notify(
                f"SOR order sent, but the response was unreadable ({exc}). Check open orders and history.",
                severity="warning",
                timeout=10,
            )
            self.in_doubt()
            return
        self.reported(result.order)
        text = describe_sor_result(result, self.session.rules[request.symbol], sor.symbols)
        if result.order.status in EXPIRED and not result.order.executed_qty:
            self.ui.notify(text, title="SOR order expired", severity="warning", timeout=10)
        else:
            self.ui.notify(text, title="Order placed via SOR", timeout=10)

    async def cancel(self, order: Order) -> None:
        try:
            cancelled = await self.session.orders.cancel_order(order.symbol, order.order_id)
        except ExchangeError as exc:
            stale = exc.outcome_unknown or exc.code == CANCEL_REJECTED
            hint = " Refreshing open orders." if stale else ""
            self.ui.notify(
                f"Cancel #{order.order_id} failed: {exc.msg} (code {exc.code}).{hint}", severity="error", timeout=8
            )
            if stale:
                self.in_doubt()
            return
        self.reported(cancelled)
        filled = f"; {cancelled.executed_qty.normalize():f} had filled" if cancelled.executed_qty else ""
        self.ui.notify(f"Cancelled #{order.order_id} {order.side} {order.symbol}{filled}")

    async def cancel_all(self, symbol: str, open_count: int) -> None:
        """Ask, then cancel every open order on `symbol` (`open_count`: how many the screen shows)."""
        question = f"Cancel all {open_count} open order(s) on {symbol}?"
        if not await self.ui.ask(ConfirmScreen(question, title="Cancel all", confirm_label="Cancel all")):
            return
        try:
            cancelled = await self.session.orders.cancel_all(symbol)
        except ExchangeError as exc:
            none_open = exc.code == CANCEL_REJECTED
            message = "No open orders to cancel." if none_open else f"{exc.msg} (code {exc.code})"
            self.ui.notify(f"Cancel all on {symbol}: {message}", severity="warning" if none_open else "error")
            return
        self.reported(*cancelled)
        self.ui.notify(f"Cancelled {len(cancelled)} order(s) on {symbol}")

    async def amend(self, order: Order, qty: Decimal) -> None:
        """order.amend.keepPriority: a lower quantity, keeping the order's place in the queue."""
        try:
            amended = await self.session.orders.amend_keep_priority(order.symbol, order.order_id, qty)
        except ExchangeError as exc:
            self.ui.notify(f"Amend #{order.order_id}: {exc.msg} (code {exc.code})", severity="error", timeout=8)
            return
        self.reported(amended.order)
        self.ui.notify(
            f"#{order.order_id} now {amended.order.orig_qty.normalize():f}, queue place kept", title="Amended"
        )

    async def cancel_replace(self, order: Order, request: OrderRequest) -> None:
        """Confirm, then order.cancelReplace; a half that failed is said, and open orders reloaded."""
        text = f"Cancel #{order.order_id} and place instead:\n" + describe_request(
            request, self.session.rules[request.symbol]
        )
        if not await self.ui.ask(ConfirmScreen(text, title="Cancel and replace?", confirm_label="Replace")):
            return
        try:
            result = await self.session.orders.cancel_replace(order.order_id, request)
        except ExchangeError as exc:
            self.ui.notify(
                f"Cancel-replace #{order.order_id}: {exc.msg} (code {exc.code})", severity="error", timeout=8
            )
            return
        self.reported(*(part for part in (result.canceled, result.new_order) if part is not None))
        if result.ok:
            assert result.new_order is not None
            self.ui.notify(f"#{order.order_id} replaced by #{result.new_order.order_id}", title="Cancel-replace")
            return
        halves = [f"cancel {result.cancel_result}", f"new order {result.new_order_result}"]
        detail = "; ".join(f"{e[0]} {e[1]}" for e in (result.cancel_error, result.new_order_error) if e is not None)
        self.ui.notify(
            f"{', '.join(halves)}. {detail}", title="Cancel-replace partly failed", severity="error", timeout=10
        )
        self.in_doubt()
