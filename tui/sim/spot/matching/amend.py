"""order.amend.keepPriority in the engine (faqs/order_amend_keep_priority.md): an open order's quantity
goes down in place, so it keeps its place in its price level's queue.

A leg of an OCO pair takes its partner along (both legs always have one quantity). The order's
executionReport says REPLACED; a leg of a list whose client order id changes also gets a listStatus
UPDATED. An amend that leaves nothing to execute completes the order (FILLED if anything traded, else
CANCELED), off the book.
"""

from __future__ import annotations

from decimal import Decimal

from tui.sim.spot.filters import filter_failure, lot_size
from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.errors import SimError
from tui.sim.spot.matching.events import Amendment, AmendResult, OrderUpdated
from tui.sim.spot.matching.order_lists import OrderLists
from tui.sim.spot.matching.orders import OPEN_STATUSES, Order


def _amend_rejected(msg: str) -> SimError:
    return SimError(-2038, msg)


def amend_keep_priority(
    effects: Effects,
    lists: OrderLists,
    account_id: str,
    symbol: str,
    new_qty: Decimal,
    *,
    order_id: int | None = None,
    orig_client_order_id: str | None = None,
    new_client_order_id: str | None = None,
) -> AmendResult:
    """Amend the order (the engine's call of the same name) through the call's `Effects`."""
    state = effects.state
    acct = state.account(account_id)
    spec = state.spec(symbol)
    rules = spec.rules
    order = acct.find(symbol, order_id, orig_client_order_id)
    if order is None or order.status not in OPEN_STATUSES:
        raise SimError(-2013, "Order does not exist.")
    if new_qty <= 0:
        raise SimError(-1013, "Filter failure: LOT_SIZE")
    lst = lists.lists.get(order.order_list_id)
    if lst is not None and lst.opo and order.list_waiting:
        raise _amend_rejected("Order amend (pending OPO order) is not supported.")
    if new_qty > order.orig_qty:
        raise _amend_rejected("Order amend (quantity increase) is not supported.")
    if new_qty == order.orig_qty:
        raise _amend_rejected("The requested action would change no state; rejecting")
    if (failed := lot_size(rules, new_qty)) is not None:
        raise filter_failure(failed)
    if order.amends >= spec.max_num_order_amends > 0:
        raise _amend_rejected("Filter failure: MAX_NUM_ORDER_AMENDS")
    if new_client_order_id and new_client_order_id != order.client_order_id and new_client_order_id in acct.open_ids:
        raise SimError(-2010, "Duplicate order sent.")
    now = state.clock_ms()
    together = lst.oco_pair(order) if lst is not None else []
    effects.touch(account_id)
    result_snap = None
    result_exec = 0
    for leg in together or [order]:
        old_cid, old_qty = leg.client_order_id, leg.orig_qty
        new_cid = (new_client_order_id or f"amd{state.peek_exec_id():019d}") if leg is order else old_cid
        if new_cid != old_cid:
            acct.rename(leg, new_cid)
        _reduce(effects, leg, new_qty, now)
        exec_id = state.take_exec_id()
        snap = leg.snapshot(orig_client_order_id=old_cid)
        effects.emit(OrderUpdated(account_id, snap, "REPLACED", None, exec_id, now))
        if acct.keep_history:
            acct.amendments.append(Amendment(symbol, leg.order_id, exec_id, old_cid, new_cid, old_qty, new_qty, now))
        if leg is order:
            result_snap, result_exec = snap, exec_id
        if leg.order_list_id >= 0 and leg.status not in OPEN_STATUSES:
            lists.sync(leg, now, effects)
    assert result_snap is not None
    list_snap = None
    if lst is not None:
        renamed = result_snap.client_order_id != result_snap.orig_client_order_id
        list_snap = lists.renamed(order, now, effects) if renamed else lst.snapshot()
    effects.touched_balances(now)
    return AmendResult(result_snap, result_exec, now, list_snap)


def _reduce(effects: Effects, order: Order, new_qty: Decimal, now: int) -> None:
    """Lower the order's quantity in place: its level total shrinks, its queue position stays."""
    state = effects.state
    acct = state.account(order.account_id)
    rules = state.rules(order.symbol)
    cut = order.orig_qty - new_qty
    done_before = order.executed_qty + order.prevented_qty
    order.amends += 1
    order.update_time = now
    release = min(cut, order.remaining)
    order.orig_qty = new_qty
    if order.locked:
        effects.touch(order.account_id, acct.release(order, rules, release))
    on_book = order.is_working and not order.pending and not order.list_waiting
    if on_book:
        book = state.book(order.symbol)
        side = book.side(order.side)
        shown = order.display
        order.display = min(order.display, max(order.remaining, Decimal(0)))
        if order.remaining <= 0:
            side.levels[order.price].remove(order)
        if shown != order.display:
            total = side.reduce(order.price, shown - order.display)
            effects.level_changed(book, order.symbol, side.name, order.price, total, now)
    if new_qty <= done_before:  # nothing left to execute
        order.orig_qty = max(new_qty, done_before)
        order.status = "FILLED" if order.executed_qty > 0 else "CANCELED"
        order.is_working = False
        if order.pending:
            state.book(order.symbol).stops.remove(order)
        order.list_waiting = False
        effects.touch(order.account_id, acct.close(order, rules))
