"""WS API Smart Order Routing methods: sor.order.place, sor.order.test and myAllocations
(web-socket-api.md, "SOR" and "Account allocations"; faqs/sor_faq.md). The routing itself is `sor`.
"""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.errors import ApiError
from tui.sim.protocol.params import limit, opt_decimal, opt_int, opt_str, req_str, symbol
from tui.sim.spot.api.wire_sor import allocation_json, sor_order
from tui.sim.spot.api.ws_method import Call, SignedMethods, weight_or
from tui.sim.spot.api.ws_order_params import (
    DAY_MS,
    new_client_order_id,
    new_order_resp_type,
    self_trade_prevention_mode,
    test_reply,
    test_weight,
)
from tui.sim.spot.matching.sor import place_sor_order

# quoteOrderQty is read only to be refused with its own error (SOR does not support it).
SOR_PARAMS = (
    "symbol",
    "side",
    "type",
    "timeInForce",
    "price",
    "quantity",
    "quoteOrderQty",
    "newClientOrderId",
    "newOrderRespType",
    "icebergQty",
    "strategyId",
    "strategyType",
    "selfTradePreventionMode",
)
ALLOCATION_PARAMS = ("symbol", "startTime", "endTime", "fromAllocationId", "limit", "orderId")


def _place(call: Call, *, test: bool) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    if p.get("quoteOrderQty") not in (None, ""):
        raise ApiError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
    resp_type = new_order_resp_type(p)
    stp = self_trade_prevention_mode(p)
    cid = new_client_order_id(p)
    result = place_sor_order(
        call.engine,
        call.account,
        sym,
        req_str(p, "side"),
        req_str(p, "type"),
        quantity=opt_decimal(p, "quantity"),
        price=opt_decimal(p, "price"),
        time_in_force=opt_str(p, "timeInForce"),
        new_client_order_id=cid,
        iceberg_qty=opt_decimal(p, "icebergQty"),
        stp_mode=stp,
        strategy_id=opt_int(p, "strategyId"),
        strategy_type=opt_int(p, "strategyType"),
        test=test,
    )
    if test:
        return test_reply(call, special=False)
    order = result.order
    # MARKET and LIMIT (the only SOR types) answer FULL by default; the reply is a one-element list
    reply = sor_order(order, order.update_time, result.allocations, result.working_floor, resp_type or "FULL")
    return [reply]


def sor_order_place(call: Call) -> Any:
    return _place(call, test=False)


def sor_order_test(call: Call) -> Any:
    return _place(call, test=True)


def my_allocations(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    start, end = opt_int(p, "startTime"), opt_int(p, "endTime")
    order_id, from_id = opt_int(p, "orderId"), opt_int(p, "fromAllocationId")
    if start is not None and end is not None and end - start > DAY_MS:
        raise ApiError(-1127, "More than 24 hours between startTime and endTime.")
    if (order_id is not None or from_id is not None) and (start is not None or end is not None):
        raise ApiError(-1128, "Combination of optional parameters invalid.")
    rows = call.engine.sor.allocations(
        call.account,
        sym,
        order_id=order_id,
        from_allocation_id=from_id,
        start_time=start,
        end_time=end,
        limit=limit(p, 500, 1000),
    )
    return [allocation_json(a) for a in rows]


METHODS: SignedMethods = {
    "sor.order.place": (sor_order_place, 1, "TRADE", SOR_PARAMS, True),
    "sor.order.test": (
        sor_order_test,
        weight_or(1, test_weight),
        "TRADE",
        (*SOR_PARAMS, "computeCommissionRates"),
        False,
    ),
    "myAllocations": (my_allocations, 20, "USER_DATA", ALLOCATION_PARAMS, False),
}
