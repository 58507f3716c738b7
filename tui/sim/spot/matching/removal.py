"""Taking an open order out of the engine before it is done: canceled by its owner, or expired by an
order list (a partner that fired, a working leg that expired)."""

from __future__ import annotations

from typing import NamedTuple

from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.events import OrderSnapshot, OrderUpdated
from tui.sim.spot.matching.orders import Order


class Removed(NamedTuple):
    """A removed order: what its report shows, and the asset its account got back (None: nothing)."""

    snapshot: OrderSnapshot
    freed: str | None


def remove_order(
    effects: Effects,
    order: Order,
    now: int,
    *,
    status: str = "CANCELED",
    reason: str = "",
    new_client_order_id: str | None = None,
) -> Removed:
    """Take an open order off the book (or out of waiting) as CANCELED, or EXPIRED for `reason`; what it
    locks goes back to its account. The caller reports the balance (when is its choice). A cancel's
    snapshot carries the new client order id (given, else generated) and the original one."""
    state = effects.state
    book = state.book(order.symbol)
    if order.list_waiting:
        order.list_waiting = False
    elif order.pending:
        # A stop that fired in this trigger pass is already off the waiting list, not yet working.
        if order in book.stops:
            book.stops.remove(order)
    else:
        side = book.side(order.side)
        side.levels[order.price].remove(order)
        total = side.reduce(order.price, order.display)
        effects.level_changed(book, order.symbol, side.name, order.price, total, now)
    order.status = status
    order.expiry_reason = reason
    order.update_time = now
    order.is_working = False
    freed = state.account(order.account_id).close(order, state.rules(order.symbol))
    if status == "CANCELED":
        cancel_id = new_client_order_id or f"cxl{state.peek_exec_id():019d}"
        snap = order.snapshot(client_order_id=cancel_id, orig_client_order_id=order.client_order_id)
    else:
        snap = order.snapshot()
    effects.emit(OrderUpdated(order.account_id, snap, status, None, state.take_exec_id(), now))
    return Removed(snap, freed)
