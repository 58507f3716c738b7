"""WS API trading and account methods: order.place/test/cancel/status, openOrders.*, allOrders,
myTrades, myPreventedMatches, account.status, account.commission, account.rateLimits.orders. Each turns params into one engine call and the
result into Binance's JSON (web-socket-api.md, "Trading requests" and "Account requests").
"""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.errors import ApiError
from tui.sim.protocol.params import limit, opt_bool, opt_decimal, opt_int, opt_str, req_str, symbol
from tui.sim.spot.api.wire import (
    account_trade,
    cancel_report,
    d8,
    order_reply,
    order_status,
)
from tui.sim.spot.api.wire_lists import list_canceled, prevented_match
from tui.sim.spot.api.ws_method import Call, SignedMethods, weight_or
from tui.sim.spot.api.ws_order_params import (
    new_client_order_id,
    new_order_resp_type,
    place_order,
    self_trade_prevention_mode,
    test_reply,
    test_weight,
    time_range,
)
from tui.sim.spot.matching.orders import OPEN_STATUSES, OrderParams

ORDER_PARAMS = (
    "symbol",
    "side",
    "type",
    "timeInForce",
    "price",
    "quantity",
    "quoteOrderQty",
    "stopPrice",
    "trailingDelta",
    "icebergQty",
    "newClientOrderId",
    "newOrderRespType",
    "selfTradePreventionMode",
    "strategyId",
    "strategyType",
    "pegPriceType",
    "pegOffsetType",
    "pegOffsetValue",
)


def _place(call: Call, *, test: bool) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    resp_type = new_order_resp_type(p)
    stp = self_trade_prevention_mode(p)
    cid = new_client_order_id(p)
    order = OrderParams(
        req_str(p, "side"),
        req_str(p, "type"),
        quantity=opt_decimal(p, "quantity"),
        quote_order_qty=opt_decimal(p, "quoteOrderQty"),
        price=opt_decimal(p, "price"),
        time_in_force=opt_str(p, "timeInForce"),
        client_order_id=cid,
        stop_price=opt_decimal(p, "stopPrice"),
        trailing_delta=opt_int(p, "trailingDelta"),
        iceberg_qty=opt_decimal(p, "icebergQty"),
        stp_mode=stp,
        strategy_id=opt_int(p, "strategyId"),
        strategy_type=opt_int(p, "strategyType"),
        peg_price_type=opt_str(p, "pegPriceType"),
        peg_offset_type=opt_str(p, "pegOffsetType"),
        peg_offset_value=opt_int(p, "pegOffsetValue"),
    )
    result = place_order(call.engine, call.account, sym, order, test=test)
    if test:
        return test_reply(call, special=True)
    placed = result.order
    return order_reply(placed, placed.update_time, result.fills, result.prevented, resp_type)


def order_place(call: Call) -> Any:
    return _place(call, test=False)


def order_test(call: Call) -> Any:
    return _place(call, test=True)


def _order_ref(call: Call) -> tuple[str, int | None, str | None]:
    p = call.params
    return symbol(p, call.engine.specs), opt_int(p, "orderId"), opt_str(p, "origClientOrderId")


def order_cancel(call: Call) -> Any:
    sym, order_id, orig = _order_ref(call)
    restrictions = opt_str(call.params, "cancelRestrictions")
    if restrictions not in (None, "ONLY_NEW", "ONLY_PARTIALLY_FILLED"):
        raise ApiError(-1145, "Invalid cancelRestrictions")
    if restrictions is not None:
        current = call.engine.get_order(call.account, sym, order_id=order_id, orig_client_order_id=orig)
        wanted = "NEW" if restrictions == "ONLY_NEW" else "PARTIALLY_FILLED"
        if current.status != wanted:
            raise ApiError(-2011, "Order was not canceled due to cancel restrictions.")
    new_id = opt_str(call.params, "newClientOrderId")
    current = call.engine.get_order(call.account, sym, order_id=order_id, orig_client_order_id=orig)
    if current.order_list_id >= 0 and current.status in OPEN_STATUSES:  # canceling a leg cancels its list
        lst = call.engine.cancel_order_list(
            call.account, sym, order_list_id=current.order_list_id, new_client_order_id=new_id
        )
        return list_canceled(lst)
    snap = call.engine.cancel_order(
        call.account, sym, order_id=order_id, orig_client_order_id=orig, new_client_order_id=new_id
    )
    return cancel_report(snap, snap.update_time)


def order_status_(call: Call) -> Any:
    sym, order_id, orig = _order_ref(call)
    return order_status(call.engine.get_order(call.account, sym, order_id=order_id, orig_client_order_id=orig))


def open_orders_status(call: Call) -> Any:
    sym = symbol(call.params, call.engine.specs) if opt_str(call.params, "symbol") else None
    return [order_status(o) for o in call.engine.open_orders(call.account, sym)]


def open_orders_cancel_all(call: Call) -> Any:
    sym = symbol(call.params, call.engine.specs)
    singles, lists = call.engine.cancel_open(call.account, sym)
    return [cancel_report(s, s.update_time) for s in singles] + [list_canceled(lst) for lst in lists]


def all_orders(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    start, end = time_range(p)
    orders = call.engine.all_orders(
        call.account,
        sym,
        order_id=None if start is not None or end is not None else opt_int(p, "orderId"),
        start_time=start,
        end_time=end,
        limit=limit(p, 500, 1000),
    )
    return [order_status(o) for o in orders]


def my_trades(call: Call) -> Any:
    p = call.params
    sym = symbol(p, call.engine.specs)
    start, end = time_range(p)
    order_id, from_id = opt_int(p, "orderId"), opt_int(p, "fromId")
    if from_id is not None and (start is not None or end is not None):
        raise ApiError(-1128, "Combination of optional parameters invalid.")
    if order_id is not None and (start is not None or end is not None):
        raise ApiError(-1128, "Combination of optional parameters invalid.")
    trades = call.engine.my_trades(
        call.account,
        sym,
        order_id=order_id,
        start_time=start,
        end_time=end,
        from_id=from_id,
        limit=limit(p, 500, 1000),
    )
    return [account_trade(t) for t in trades]


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


def _bps(rate: Any) -> int:
    return int(rate * 10000)


def account_status(call: Call) -> Any:
    maker, taker = call.engine.commission_rates(call.account)
    omit_zero = opt_bool(call.params, "omitZeroBalances", False)
    balances = [
        {"asset": asset, "free": d8(free), "locked": d8(locked)}
        for asset, (free, locked) in call.engine.balances(call.account).items()
        if not omit_zero or free or locked
    ]
    return {
        "makerCommission": _bps(maker),
        "takerCommission": _bps(taker),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "canTrade": True,
        "canWithdraw": True,
        "canDeposit": True,
        "commissionRates": {"maker": d8(maker), "taker": d8(taker), "buyer": d8(None), "seller": d8(None)},
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": call.now(),
        "accountType": "SPOT",
        "balances": balances,
        "permissions": ["SPOT"],
        "uid": 1,
    }


def account_commission(call: Call) -> Any:
    sym = symbol(call.params, call.engine.specs)
    maker, taker = call.engine.commission_rates(call.account)
    zero = {"maker": d8(None), "taker": d8(None), "buyer": d8(None), "seller": d8(None)}
    return {
        "symbol": sym,
        "standardCommission": {"maker": d8(maker), "taker": d8(taker), "buyer": d8(None), "seller": d8(None)},
        "specialCommission": zero,
        "taxCommission": zero,
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": d8(None),
        },
    }


def account_rate_limits_orders(call: Call) -> Any:
    """The account's unfilled-order count in every ORDERS window (the same numbers order responses
    report in `rateLimits`)."""
    usage = call.api.limiter.usage(call.conn.ip, call.account)
    return [row for row in usage if row["rateLimitType"] == "ORDERS"]


_REF = ("symbol", "orderId", "origClientOrderId")
METHODS: SignedMethods = {
    "order.place": (order_place, 1, "TRADE", ORDER_PARAMS, True),
    "order.test": (order_test, weight_or(1, test_weight), "TRADE", (*ORDER_PARAMS, "computeCommissionRates"), False),
    "order.cancel": (order_cancel, 1, "TRADE", (*_REF, "newClientOrderId", "cancelRestrictions"), False),
    "order.status": (order_status_, 4, "USER_DATA", _REF, False),
    "openOrders.status": (open_orders_status, lambda p: 6 if p.get("symbol") else 80, "USER_DATA", ("symbol",), False),
    "openOrders.cancelAll": (open_orders_cancel_all, 1, "TRADE", ("symbol",), False),
    "allOrders": (all_orders, 20, "USER_DATA", ("symbol", "orderId", "startTime", "endTime", "limit"), False),
    "myTrades": (
        my_trades,
        lambda p: 5 if p.get("orderId") is not None else 20,
        "USER_DATA",
        ("symbol", "orderId", "startTime", "endTime", "fromId", "limit"),
        False,
    ),
    "myPreventedMatches": (
        my_prevented_matches,
        lambda p: 2 if p.get("preventedMatchId") is not None else 20,
        "USER_DATA",
        ("symbol", "preventedMatchId", "orderId", "fromPreventedMatchId", "limit"),
        False,
    ),
    "account.status": (account_status, 20, "USER_DATA", ("omitZeroBalances",), False),
    "account.commission": (account_commission, 20, "USER_DATA", ("symbol",), False),
    "account.rateLimits.orders": (account_rate_limits_orders, 40, "USER_DATA", (), False),
}
