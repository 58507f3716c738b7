"""WS API methods that change or replace a working order: order.cancelReplace (cancel then place, not
transactionally), order.amend.keepPriority (reduce the quantity, keep the queue place) and
order.amendments (web-socket-api.md)."""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.errors import ApiError, invalid_param, mandatory
from tui.sim.protocol.params import limit, opt_decimal, opt_int, opt_str, req_int, req_str, symbol
from tui.sim.spot.api.wire import cancel_report, order_reply
from tui.sim.spot.api.wire_lists import amended_order, amendment
from tui.sim.spot.api.ws_method import Call, SignedMethods
from tui.sim.spot.api.ws_order_params import new_order_resp_type, place_order
from tui.sim.spot.api.ws_trading import ORDER_PARAMS
from tui.sim.spot.matching.engine import SimError
from tui.sim.spot.matching.orders import OrderParams


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
    new_order_resp_type(p)  # validates newOrderRespType before anything happens
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
            placed = place_order(eng, account, sym, new)
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
}
