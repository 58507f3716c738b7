"""User data stream events (executionReport, listStatus, outboundAccountPosition, balanceUpdate) ->
`tui.exchange.spot.events` values. No I/O."""

from __future__ import annotations

from typing import Any

from tui.domain.money import ZERO
from tui.domain.spot.orders import Order, OrderList
from tui.exchange.spot.codec.account import balances_from_outbound_position
from tui.exchange.spot.codec.lists import list_order_ids
from tui.exchange.spot.codec.orders import peg_fields
from tui.exchange.spot.events import BalanceDelta, BalancesUpdate, OrderListUpdate, OrderUpdate
from tui.exchange.wire_readers import bool_field, decimal_field, expect_object, field, int_field, str_field


def order_from_execution_report(ev: Any) -> Order:
    """The order as an `executionReport` describes it after this execution."""
    what = "executionReport"
    e = expect_object(ev, what)
    client_id = str_field(e, "c", what, "")
    if str_field(e, "x", what, "") == "CANCELED" and str_field(e, "C", what, ""):
        client_id = e["C"]  # on cancel `c` is the cancel request's id; `C` is the order's own
    created = int_field(e, "O", what, None)
    transacted = int_field(e, "T", what, 0)
    return Order(
        symbol=str_field(e, "s", what),
        order_id=int_field(e, "i", what),
        client_order_id=client_id,
        side=str_field(e, "S", what),
        type=str_field(e, "o", what),
        status=str_field(e, "X", what),
        price=decimal_field(e, "p", what, ZERO),
        orig_qty=decimal_field(e, "q", what),
        executed_qty=decimal_field(e, "z", what),
        cum_quote_qty=decimal_field(e, "Z", what, ZERO),
        time_in_force=str_field(e, "f", what, ""),
        time=created if created is not None else transacted,
        update_time=transacted,
        stop_price=decimal_field(e, "P", what, ZERO),
        iceberg_qty=decimal_field(e, "F", what, ZERO),
        trailing_delta=int_field(e, "d", what, None),
        trailing_time=int_field(e, "D", what, None),
        working_time=int_field(e, "W", what, None),
        is_working=bool_field(e, "w", what, None),
        stp_mode=str_field(e, "V", what, None),
        strategy_id=int_field(e, "j", what, None),
        strategy_type=int_field(e, "J", what, None),
        prevented_qty=decimal_field(e, "A", what, ZERO),
        prevented_match_id=int_field(e, "v", what, None),
        expiry_reason=str_field(e, "eR", what, None),
        order_list_id=int_field(e, "g", what, -1),
        **peg_fields(e, what, "gP", "gOV", "gp"),
    )


def order_update_from_execution_report(ev: Any) -> OrderUpdate:
    what = "executionReport"
    e = expect_object(ev, what)
    return OrderUpdate(
        order=order_from_execution_report(e),
        execution_type=str_field(e, "x", what),
        last_qty=decimal_field(e, "l", what, ZERO),
        last_price=decimal_field(e, "L", what, ZERO),
        commission=decimal_field(e, "n", what, ZERO),
        commission_asset=str_field(e, "N", what, None),
        reject_reason=str_field(e, "r", what, "NONE"),
    )


def order_list_from_event(e: Any) -> OrderList:
    """A `listStatus` user data event."""
    what = "listStatus"
    e = expect_object(e, what)
    return OrderList(
        order_list_id=int_field(e, "g", what),
        contingency_type=str_field(e, "c", what),
        list_status_type=str_field(e, "l", what),
        list_order_status=str_field(e, "L", what),
        list_client_order_id=str_field(e, "C", what, ""),
        transaction_time=int_field(e, "T", what, 0),
        symbol=str_field(e, "s", what),
        order_ids=list_order_ids(field(e, "O", what, []), what, "s", "i", "c"),
        reject_reason=str_field(e, "r", what, "NONE"),
    )


def user_event_from_wire(ev: Any) -> OrderUpdate | OrderListUpdate | BalancesUpdate | BalanceDelta | None:
    """A user-data event -> domain event; None for event types the console does not use."""
    e = expect_object(ev, "user data event")
    kind = e.get("e")
    if kind == "executionReport":
        return order_update_from_execution_report(e)
    if kind == "listStatus":
        return OrderListUpdate(order_list_from_event(e))
    if kind == "outboundAccountPosition":
        return BalancesUpdate(balances_from_outbound_position(e))
    if kind == "balanceUpdate":
        return BalanceDelta(asset=str_field(e, "a", "balanceUpdate"), delta=decimal_field(e, "d", "balanceUpdate"))
    return None
