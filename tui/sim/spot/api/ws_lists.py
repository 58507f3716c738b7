"""WS API methods beyond single orders: order.cancelReplace, order.amend.keepPriority, order.amendments,
the order list family (orderList.place[.oco|.oto|.otoco|.opo|.opoco], orderList.cancel, orderList.status,
openOrderLists.status, allOrderLists) and myPreventedMatches. Each turns params into engine calls and
the result into Binance's JSON (web-socket-api.md)."""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.errors import ApiError, invalid_param, mandatory
from tui.sim.protocol.params import limit, opt_decimal, opt_int, opt_str, req_int, req_str, symbol
from tui.sim.spot.api.wire import cancel_report, order_reply
from tui.sim.spot.api.wire_lists import (
    amended_order,
    amendment,
    list_canceled,
    list_placed,
    list_status,
    prevented_match,
)
from tui.sim.spot.api.ws_method import Call, SignedMethods
from tui.sim.spot.api.ws_order_params import new_order_resp_type, time_range
from tui.sim.spot.api.ws_trading import ORDER_PARAMS
from tui.sim.spot.matching.engine import SimError
from tui.sim.spot.matching.orders import OrderParams

_LEG_FIELDS = ("Type", "Side", "Quantity", "ClientOrderId", "Price", "StopPrice", "TrailingDelta", "IcebergQty",
               "TimeInForce", "StrategyId", "StrategyType")  # fmt: skip
# Peg instructions are taken on OCO legs and OTO/OTOCO working legs. Pending legs do not take them yet:
# a pending LIMIT leg must take its peg when the working leg fills (pegged_orders.md), not when the list is placed.
_PEG_FIELDS = ("PegPriceType", "PegOffsetType", "PegOffsetValue")


def _leg(p: dict[str, Any], prefix: str, *, side: str | None = None, qty: str | None = None) -> OrderParams:
    """One leg from `<prefix>Type`, `<prefix>Price`, ...; `side` / `qty` name a shared parameter."""

    def key(name: str) -> str:
        return prefix + name

    return OrderParams(
        side=req_str(p, side or key("Side")),
        type=req_str(p, key("Type")),
        quantity=opt_decimal(p, qty or key("Quantity")),
        price=opt_decimal(p, key("Price")),
        time_in_force=opt_str(p, key("TimeInForce")),
        client_order_id=opt_str(p, key("ClientOrderId")),
        stop_price=opt_decimal(p, key("StopPrice")),
        trailing_delta=opt_int(p, key("TrailingDelta")),
        iceberg_qty=opt_decimal(p, key("IcebergQty")),
        stp_mode=opt_str(p, "selfTradePreventionMode"),
        strategy_id=opt_int(p, key("StrategyId")),
        strategy_type=opt_int(p, key("StrategyType")),
        peg_price_type=opt_str(p, key("PegPriceType")),
        peg_offset_type=opt_str(p, key("PegOffsetType")),
        peg_offset_value=opt_int(p, key("PegOffsetValue")),
    )


def _resp_type(p: dict[str, Any]) -> str:
    return new_order_resp_type(p) or "FULL"


def _place_list(call: Call, kind: str, legs: list[OrderParams], working: OrderParams | None = None) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    resp_type = _resp_type(p)
    result = call.engine.place_order_list(
        call.account, sym, kind, legs, working=working, list_client_order_id=opt_str(p, "listClientOrderId")
    )
    for _ in range(len(result.order_list.orders) - 1):  # one was counted by the dispatcher
        call.api.limiter.count_order(call.account)
    return list_placed(result, resp_type)


def order_list_place(call: Call) -> Any:
    """Deprecated OCO: a LIMIT_MAKER `price` leg and a STOP_LOSS(_LIMIT) `stopPrice` leg."""
    p = call.params
    side = req_str(p, "side")
    qty = opt_decimal(p, "quantity")
    stp = opt_str(p, "selfTradePreventionMode")
    limit_leg = OrderParams(
        side, "LIMIT_MAKER", qty, price=opt_decimal(p, "price"), client_order_id=opt_str(p, "limitClientOrderId"),
        iceberg_qty=opt_decimal(p, "limitIcebergQty"), stp_mode=stp, strategy_id=opt_int(p, "limitStrategyId"),
        strategy_type=opt_int(p, "limitStrategyType"),
    )  # fmt: skip
    stop_limit = opt_decimal(p, "stopLimitPrice")
    stop_leg = OrderParams(
        side, "STOP_LOSS_LIMIT" if stop_limit is not None else "STOP_LOSS", qty, price=stop_limit,
        time_in_force=opt_str(p, "stopLimitTimeInForce"), client_order_id=opt_str(p, "stopClientOrderId"),
        stop_price=opt_decimal(p, "stopPrice"), trailing_delta=opt_int(p, "trailingDelta"),
        iceberg_qty=opt_decimal(p, "stopIcebergQty"), stp_mode=stp, strategy_id=opt_int(p, "stopStrategyId"),
        strategy_type=opt_int(p, "stopStrategyType"),
    )  # fmt: skip
    if opt_decimal(p, "price") is None:
        raise mandatory("price")
    legs = [stop_leg, limit_leg] if side == "BUY" else [limit_leg, stop_leg]
    return _place_list(call, "OCO", legs)


def order_list_place_oco(call: Call) -> Any:
    p = call.params
    legs = [_leg(p, "above", side="side", qty="quantity"), _leg(p, "below", side="side", qty="quantity")]
    return _place_list(call, "OCO", legs)


def _oto(call: Call, kind: str) -> Any:
    p = call.params
    working = _leg(p, "working")
    opo = kind in ("OPO", "OPOCO")
    qty = None if opo else "pendingQuantity"
    if kind in ("OTO", "OPO"):
        pending = [_leg(p, "pending", qty=qty)] if not opo else [_leg(p, "pending", qty="-")]
    else:
        pending = [
            _leg(p, "pendingAbove", side="pendingSide", qty=qty or "-"),
            _leg(p, "pendingBelow", side="pendingSide", qty=qty or "-"),
        ]
    if not opo and any(leg.quantity is None for leg in pending):
        raise mandatory("pendingQuantity")
    if working.quantity is None:
        raise mandatory("workingQuantity")
    return _place_list(call, kind, pending, working)


def order_list_cancel(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    list_id, list_cid = opt_int(p, "orderListId"), opt_str(p, "listClientOrderId")
    if list_id is None and list_cid is None:
        raise ApiError(-1102, "Param 'orderListId' or 'listClientOrderId' must be sent, but both were empty/null!")
    lst = call.engine.cancel_order_list(
        call.account, sym, order_list_id=list_id, list_client_order_id=list_cid,
        new_client_order_id=opt_str(p, "newClientOrderId"),
    )  # fmt: skip
    return list_canceled(lst)


def order_list_status(call: Call) -> Any:
    p = call.params
    cid = opt_str(p, "origClientOrderId")
    list_id = None if cid is not None else opt_int(p, "orderListId")
    return list_status(call.engine.get_order_list(call.account, order_list_id=list_id, list_client_order_id=cid))


def open_order_lists(call: Call) -> Any:
    return [list_status(lst) for lst in call.engine.open_order_lists(call.account)]


def all_order_lists(call: Call) -> Any:
    start, end = time_range(call.params)
    lists = call.engine.all_order_lists(
        call.account, from_id=opt_int(call.params, "fromId"), start_time=start, end_time=end,
        limit=limit(call.params, 500, 1000),
    )  # fmt: skip
    return [list_status(lst) for lst in lists]


def amend_keep_priority(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    new_qty = opt_decimal(p, "newQty")
    if new_qty is None:
        raise mandatory("newQty")
    result = call.engine.amend_keep_priority(
        call.account, sym, new_qty, order_id=opt_int(p, "orderId"), orig_client_order_id=opt_str(p, "origClientOrderId"),
        new_client_order_id=opt_str(p, "newClientOrderId"),
    )  # fmt: skip
    return amended_order(result)


def order_amendments(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    found = call.engine.order_amendments(
        call.account, sym, req_int(p, "orderId"), from_execution_id=opt_int(p, "fromExecutionId"),
        limit=limit(p, 500, 1000),
    )  # fmt: skip
    return [amendment(a) for a in found]


def my_prevented_matches(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    match_id, order_id = opt_int(p, "preventedMatchId"), opt_int(p, "orderId")
    from_id = opt_int(p, "fromPreventedMatchId")
    if (match_id is None) == (order_id is None) or (from_id is not None and order_id is None):
        raise ApiError(-1128, "Combination of optional parameters invalid.")
    found = call.engine.prevented_matches(
        call.account, sym, prevented_match_id=match_id, order_id=order_id, from_prevented_match_id=from_id,
        limit=limit(p, 500, 1000),
    )  # fmt: skip
    return [prevented_match(m) for m in found]


# -- order.cancelReplace --------------------------------------------------------------------------------


def _error_body(err: SimError | ApiError) -> dict[str, Any]:
    return {"code": err.code, "msg": err.msg}


def cancel_replace(call: Call) -> Any:
    """Cancel then place, not transactionally (web-socket-api.md "Cancel and replace order")."""
    p = call.params
    eng, account = call.engine, call.account
    sym = symbol(p, eng.specs)
    mode = req_str(p, "cancelReplaceMode")
    if mode not in ("STOP_ON_FAILURE", "ALLOW_FAILURE"):
        raise invalid_param("cancelReplaceMode")
    restrictions = opt_str(p, "cancelRestrictions")
    if restrictions not in (None, "ONLY_NEW", "ONLY_PARTIALLY_FILLED"):
        raise ApiError(-1145, "Invalid cancelRestrictions")
    rate_mode = opt_str(p, "orderRateLimitExceededMode") or "DO_NOTHING"
    if rate_mode not in ("DO_NOTHING", "CANCEL_ONLY"):
        raise invalid_param("orderRateLimitExceededMode")
    cancel_id, cancel_cid = opt_int(p, "cancelOrderId"), opt_str(p, "cancelOrigClientOrderId")
    if cancel_id is None and cancel_cid is None:
        raise ApiError(
            -1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, but both were empty/null!"
        )
    _resp_type(p)  # validates newOrderRespType before anything happens
    new = OrderParams(
        req_str(p, "side"), req_str(p, "type"), opt_decimal(p, "quantity"), opt_decimal(p, "quoteOrderQty"),
        opt_decimal(p, "price"), opt_str(p, "timeInForce"), opt_str(p, "newClientOrderId"), opt_decimal(p, "stopPrice"),
        opt_int(p, "trailingDelta"), opt_decimal(p, "icebergQty"), opt_str(p, "selfTradePreventionMode"),
        opt_int(p, "strategyId"), opt_int(p, "strategyType"), opt_str(p, "pegPriceType"), opt_str(p, "pegOffsetType"),
        opt_int(p, "pegOffsetValue"),
    )  # fmt: skip
    limiter = call.api.limiter
    rate_error: ApiError | None = None
    try:
        limiter.check_orders(account)
    except ApiError as exc:
        rate_error = exc
    if rate_error is not None and rate_mode == "DO_NOTHING":
        raise rate_error

    cancel_error: SimError | ApiError | None = None
    canceled = None
    try:
        if cancel_id is not None and cancel_cid is not None:
            found = eng.get_order(account, sym, order_id=cancel_id)
            if found.client_order_id != cancel_cid:
                raise SimError(-2011, "Unknown order sent.")
        if restrictions is not None:
            current = eng.get_order(account, sym, order_id=cancel_id, orig_client_order_id=cancel_cid)
            if current.status != ("NEW" if restrictions == "ONLY_NEW" else "PARTIALLY_FILLED"):
                raise SimError(-2011, "Order was not canceled due to cancel restrictions.")
        canceled = eng.cancel_order(
            account, sym, order_id=cancel_id, orig_client_order_id=cancel_cid if cancel_id is None else None,
            new_client_order_id=opt_str(p, "cancelNewClientOrderId"),
        )  # fmt: skip
    except SimError as exc:
        cancel_error = SimError(-2011, "Unknown order sent.") if exc.code == -2013 else exc
    if cancel_error is not None and mode == "STOP_ON_FAILURE":
        limiter.count_order(account)  # a new order not attempted still counts
        if rate_error is not None:
            raise rate_error
        raise ApiError(-2022, "Order cancel-replace failed.", 400, {
            "cancelResult": "FAILURE", "newOrderResult": "NOT_ATTEMPTED",
            "cancelResponse": _error_body(cancel_error), "newOrderResponse": None,
        })  # fmt: skip

    new_error: SimError | ApiError | None = rate_error
    placed = None
    if new_error is None:
        try:
            placed = eng.place_order(
                account, sym, new.side, new.type, quantity=new.quantity, quote_order_qty=new.quote_order_qty,
                price=new.price, time_in_force=new.time_in_force, new_client_order_id=new.client_order_id,
                stop_price=new.stop_price, trailing_delta=new.trailing_delta, iceberg_qty=new.iceberg_qty,
                stp_mode=new.stp_mode, strategy_id=new.strategy_id, strategy_type=new.strategy_type,
                peg_price_type=new.peg_price_type, peg_offset_type=new.peg_offset_type,
                peg_offset_value=new.peg_offset_value,
            )  # fmt: skip
        except SimError as exc:
            new_error = exc
    limiter.count_order(account)
    cancel_json: Any = (
        _error_body(cancel_error) if cancel_error is not None else cancel_report(canceled, canceled.update_time)  # type: ignore[union-attr]
    )
    if placed is not None:
        o = placed.order
        new_json: Any = order_reply(o, o.update_time, placed.fills, placed.prevented, opt_str(p, "newOrderRespType"))
    else:
        assert new_error is not None
        new_json = _error_body(new_error)
    data = {
        "cancelResult": "FAILURE" if cancel_error else "SUCCESS",
        "newOrderResult": "FAILURE" if new_error else "SUCCESS",
        "cancelResponse": cancel_json,
        "newOrderResponse": new_json,
    }
    if cancel_error is None and new_error is None:
        return data
    if cancel_error is not None and new_error is not None:
        raise ApiError(-2022, "Order cancel-replace failed.", 400, data)
    raise ApiError(-2021, "Order cancel-replace partially failed.", 409, data)


_LIST_COMMON = ("symbol", "listClientOrderId", "newOrderRespType", "selfTradePreventionMode")
_WORKING = tuple("working" + f for f in _LEG_FIELDS + _PEG_FIELDS)
_PENDING = tuple("pending" + f for f in _LEG_FIELDS)
_ABOVE = tuple("above" + f for f in _LEG_FIELDS[:1] + _LEG_FIELDS[3:] + _PEG_FIELDS)
_BELOW = tuple("below" + f for f in _LEG_FIELDS[:1] + _LEG_FIELDS[3:] + _PEG_FIELDS)
_P_ABOVE = tuple("pendingAbove" + f for f in _LEG_FIELDS[:1] + _LEG_FIELDS[3:])
_P_BELOW = tuple("pendingBelow" + f for f in _LEG_FIELDS[:1] + _LEG_FIELDS[3:])
_DEPRECATED_OCO = (
    "side", "quantity", "price", "listClientOrderId", "limitClientOrderId", "limitIcebergQty", "limitStrategyId",
    "limitStrategyType", "stopPrice", "trailingDelta", "stopClientOrderId", "stopLimitPrice", "stopLimitTimeInForce",
    "stopIcebergQty", "stopStrategyId", "stopStrategyType",
)  # fmt: skip
_CANCEL_REPLACE = (
    *ORDER_PARAMS, "cancelReplaceMode", "cancelOrderId", "cancelOrigClientOrderId", "cancelNewClientOrderId",
    "cancelRestrictions", "orderRateLimitExceededMode",
)  # fmt: skip

METHODS: SignedMethods = {
    "order.cancelReplace": (cancel_replace, 1, "TRADE", _CANCEL_REPLACE, False),
    "order.amend.keepPriority": (
        amend_keep_priority,
        4,
        "TRADE",
        ("symbol", "orderId", "origClientOrderId", "newClientOrderId", "newQty"),
        False,
    ),
    "order.amendments": (order_amendments, 4, "USER_DATA", ("symbol", "orderId", "fromExecutionId", "limit"), False),
    "orderList.place": (
        order_list_place,
        1,
        "TRADE",
        ("symbol", "newOrderRespType", "selfTradePreventionMode", *_DEPRECATED_OCO),
        True,
    ),
    "orderList.place.oco": (
        order_list_place_oco,
        1,
        "TRADE",
        (*_LIST_COMMON, "side", "quantity", *_ABOVE, *_BELOW),
        True,
    ),
    "orderList.place.oto": (lambda c: _oto(c, "OTO"), 1, "TRADE", (*_LIST_COMMON, *_WORKING, *_PENDING), True),
    "orderList.place.otoco": (
        lambda c: _oto(c, "OTOCO"),
        1,
        "TRADE",
        (*_LIST_COMMON, *_WORKING, "pendingSide", "pendingQuantity", *_P_ABOVE, *_P_BELOW),
        True,
    ),
    "orderList.place.opo": (lambda c: _oto(c, "OPO"), 1, "TRADE", (*_LIST_COMMON, *_WORKING, *_PENDING), True),
    "orderList.place.opoco": (
        lambda c: _oto(c, "OPOCO"),
        1,
        "TRADE",
        (*_LIST_COMMON, *_WORKING, "pendingSide", *_P_ABOVE, *_P_BELOW),
        True,
    ),
    "orderList.cancel": (
        order_list_cancel,
        1,
        "TRADE",
        ("symbol", "orderListId", "listClientOrderId", "newClientOrderId"),
        False,
    ),
    "orderList.status": (order_list_status, 4, "USER_DATA", ("origClientOrderId", "orderListId"), False),
    "openOrderLists.status": (open_order_lists, 6, "USER_DATA", (), False),
    "allOrderLists": (all_order_lists, 20, "USER_DATA", ("fromId", "startTime", "endTime", "limit"), False),
    "myPreventedMatches": (
        my_prevented_matches,
        lambda p: 2 if p.get("preventedMatchId") is not None else 20,
        "USER_DATA",
        ("symbol", "preventedMatchId", "orderId", "fromPreventedMatchId", "limit"),
        False,
    ),
}
