"""WS API order list methods: orderList.place[.oco|.oto|.otoco|.opo|.opoco], orderList.cancel,
orderList.status, openOrderLists.status and allOrderLists. Each turns params into engine calls and the
result into Binance's JSON (web-socket-api.md "Order lists")."""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.errors import ApiError, mandatory
from tui.sim.protocol.params import limit, opt_decimal, opt_int, opt_str, req_str, symbol
from tui.sim.spot.api.wire_lists import list_canceled, list_placed, list_status
from tui.sim.spot.api.ws_method import Call, SignedMethods
from tui.sim.spot.api.ws_order_params import new_order_resp_type, time_range
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
METHODS: SignedMethods = {
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
}
