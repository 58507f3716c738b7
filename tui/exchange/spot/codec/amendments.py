"""Replies that change a live order in place or swap it: order.cancelReplace, order.amend.keepPriority,
and the order.amendments history. No I/O."""

from __future__ import annotations

from typing import Any

from tui.domain.spot.orders import AmendedOrder, CancelReplaceResult, OrderAmendment
from tui.exchange.spot.codec.lists import order_list_from_wire
from tui.exchange.spot.codec.orders import order_from_wire, report_order
from tui.exchange.wire_readers import decimal_field, expect_object, field, int_field, str_field


def _error_pair(d: Any) -> tuple[int, str] | None:
    if isinstance(d, dict) and "code" in d:
        return int_field(d, "code", "error"), str_field(d, "msg", "error", "")
    return None


def cancel_replace_from_wire(d: Any) -> CancelReplaceResult:
    """order.cancelReplace result, or the `data` of its -2021 / -2022 error."""
    what = "order.cancelReplace"
    o = expect_object(d, what)
    cancel, new = o.get("cancelResponse"), o.get("newOrderResponse")
    cancel_err, new_err = _error_pair(cancel), _error_pair(new)
    new_order = None
    if isinstance(new, dict) and new_err is None:
        new_order = report_order(new) if "status" not in new else order_from_wire(new)
    return CancelReplaceResult(
        cancel_result=str_field(o, "cancelResult", what),
        new_order_result=str_field(o, "newOrderResult", what),
        canceled=order_from_wire(cancel) if isinstance(cancel, dict) and cancel_err is None else None,
        new_order=new_order,
        cancel_error=cancel_err,
        new_order_error=new_err,
    )


def amended_order_from_wire(d: Any) -> AmendedOrder:
    what = "order.amend.keepPriority"
    o = expect_object(d, what)
    a = dict(expect_object(field(o, "amendedOrder", what), what))
    a["origQty"] = a.get("qty")
    a["cummulativeQuoteQty"] = a.get("cumulativeQuoteQty")
    a["preventedQuantity"] = a.get("preventedQty")
    a.setdefault("transactTime", o.get("transactTime"))
    lst = o.get("listStatus")
    order_list = None
    if isinstance(lst, dict):
        order_list = order_list_from_wire(
            {"listStatusType": "EXEC_STARTED", "transactionTime": o.get("transactTime"), **lst}
        )
    return AmendedOrder(
        order=order_from_wire(a),
        orig_client_order_id=str_field(a, "origClientOrderId", what, ""),
        execution_id=int_field(o, "executionId", what),
        transact_time=int_field(o, "transactTime", what),
        order_list=order_list,
    )


def amendment_from_wire(d: Any) -> OrderAmendment:
    what = "order.amendments"
    a = expect_object(d, what)
    return OrderAmendment(
        symbol=str_field(a, "symbol", what),
        order_id=int_field(a, "orderId", what),
        execution_id=int_field(a, "executionId", what),
        orig_client_order_id=str_field(a, "origClientOrderId", what, ""),
        new_client_order_id=str_field(a, "newClientOrderId", what, ""),
        orig_qty=decimal_field(a, "origQty", what),
        new_qty=decimal_field(a, "newQty", what),
        time=int_field(a, "time", what),
    )
