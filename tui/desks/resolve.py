"""Resolving an order whose reply was lost: look it up by its client order id, never guess."""

from __future__ import annotations

import asyncio

from tui.desks.desk import SpotDesk
from tui.domain.spot.orders import OrderRequest
from tui.exchange.errors import ExchangeError

# Seconds between lookups: long enough in total (15.5 s) to outlast a reconnect.
LOOKUP_DELAYS = (0.5, 1, 2, 4, 8)
ORDER_DOES_NOT_EXIST = -2013


async def resolve_unknown_order(desk: SpotDesk, request: OrderRequest, error: ExchangeError) -> None:
    """The order may or may not be on the exchange: order.status by `request.client_order_id` until
    it answers; found is accepted, -2013 is rejected, no answer at all says so and reloads."""
    desk.ui.notify(
        f"{error.msg} Checking whether the order was placed…",
        title="Order status unknown",
        severity="warning",
        timeout=10,
    )
    for delay in LOOKUP_DELAYS:
        await asyncio.sleep(delay)
        try:
            order = await desk.session.orders.order_status(request.symbol, client_order_id=request.client_order_id)
        except ExchangeError as exc:
            if exc.code == ORDER_DOES_NOT_EXIST:  # it never reached the book
                desk.rejected(request, error.code, f"{error.msg} The order was not placed.")
                return
            continue  # still reconnecting: try again
        desk.accepted(request, order)
        return
    desk.ui.notify(
        f"Could not confirm order {request.client_order_id}. Check open orders before sending it again.",
        title="Order status unknown",
        severity="error",
        timeout=20,
    )
    desk.in_doubt()
