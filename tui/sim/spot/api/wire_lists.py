"""Binance JSON shapes for order lists, amendments and prevented matches (web-socket-api.md "Order
lists", order.amend.keepPriority, order.amendments, myPreventedMatches; user-data-stream.md listStatus)."""

from __future__ import annotations

from typing import Any

from tui.sim.spot.api.wire import Json, cancel_report, d8, order_ack, order_full, order_result

_RESP_BUILDERS = ("ACK", "RESULT", "FULL")


def list_status(lst: Any) -> Json:
    """orderList.status / openOrderLists.status / allOrderLists entry (and the head of other replies)."""
    return {
        "orderListId": lst.order_list_id,
        "contingencyType": lst.contingency_type,
        "listStatusType": lst.list_status_type,
        "listOrderStatus": lst.list_order_status,
        "listClientOrderId": lst.list_client_order_id,
        "transactionTime": lst.transaction_time,
        "symbol": lst.symbol,
        "orders": [{"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id} for o in lst.orders],
    }


def _report(o: Any, transact: int, resp_type: str, fills: Any) -> Json:
    if resp_type == "ACK":
        out = order_ack(o, transact)
    elif resp_type == "RESULT":
        out = order_result(o, transact)
    else:
        out = order_full(o, transact, fills)
    if o.status == "PENDING_NEW" and o.orig_qty == 0:
        out.pop("origQty", None)  # an OPO pending leg: its quantity is set when the working leg fills
    return out


def list_placed(result: Any, resp_type: str) -> Json:
    """orderList.place* reply: the list plus one report per leg in `resp_type` form."""
    lst = result.order_list
    return {
        **list_status(lst),
        "orderReports": [
            _report(o, lst.transaction_time, resp_type, result.fills.get(o.order_id, ())) for o in lst.orders
        ],
    }


def list_canceled(lst: Any) -> Json:
    """orderList.cancel reply, and an order list's entry in openOrders.cancelAll."""
    orders = [
        {"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.orig_client_order_id or o.client_order_id}
        for o in lst.orders
    ]
    return {
        **list_status(lst),
        "orders": orders,
        "orderReports": [cancel_report(o, lst.transaction_time) for o in lst.orders],
    }


def list_status_event(ev: Any) -> Json:
    """`listStatus` user data event."""
    lst = ev.order_list
    return {
        "e": "listStatus",
        "E": ev.time,
        "s": lst.symbol,
        "g": lst.order_list_id,
        "c": lst.contingency_type,
        "l": lst.list_status_type,
        "L": lst.list_order_status,
        "r": lst.reject_reason,
        "C": lst.list_client_order_id,
        "T": lst.transaction_time,
        "O": [{"s": o.symbol, "i": o.order_id, "c": o.client_order_id} for o in lst.orders],
    }


def amended_order(result: Any) -> Json:
    """order.amend.keepPriority reply."""
    o = result.order
    amended: Json = {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "origClientOrderId": o.orig_client_order_id,
        "clientOrderId": o.client_order_id,
        "price": d8(o.price),
        "qty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "preventedQty": d8(o.prevented_qty),
        "quoteOrderQty": d8(o.orig_quote_order_qty),
        "cumulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
    }
    if o.working_time >= 0:
        amended["workingTime"] = o.working_time
    amended["selfTradePreventionMode"] = o.stp_mode
    out: Json = {"transactTime": result.transact_time, "executionId": result.execution_id, "amendedOrder": amended}
    if result.order_list is not None:
        lst = list_status(result.order_list)
        out["listStatus"] = {k: lst[k] for k in ("orderListId", "contingencyType", "listOrderStatus",
                                                 "listClientOrderId", "symbol", "orders")}  # fmt: skip
    return out


def amendment(a: Any) -> Json:
    return {
        "symbol": a.symbol,
        "orderId": a.order_id,
        "executionId": a.execution_id,
        "origClientOrderId": a.orig_client_order_id,
        "newClientOrderId": a.new_client_order_id,
        "origQty": d8(a.orig_qty),
        "newQty": d8(a.new_qty),
        "time": a.time,
    }


def prevented_match(m: Any) -> Json:
    out: Json = {
        "symbol": m.symbol,
        "preventedMatchId": m.match_id,
        "takerOrderId": m.taker_order_id,
        "makerSymbol": m.symbol,
        "makerOrderId": m.maker_order_id,
        "tradeGroupId": -1,
        "selfTradePreventionMode": m.mode,
        "price": d8(m.price),
    }
    if m.taker_prevented > 0:
        out["takerPreventedQuantity"] = d8(m.taker_prevented)
    if m.maker_prevented > 0:
        out["makerPreventedQuantity"] = d8(m.maker_prevented)
    out["transactTime"] = m.time
    return out
