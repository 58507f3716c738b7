"""Parameter checks every order-placing WS API method shares (order.place/test, sor.order.place/test):
newOrderRespType, selfTradePreventionMode, newClientOrderId, computeCommissionRates, and the 24-hour
startTime/endTime window of the history queries (web-socket-api.md); and `place_order`, the one
place an order request becomes an engine call (order.place/test and order.cancelReplace's new order)."""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.errors import ApiError
from tui.sim.protocol.params import opt_bool, opt_int, opt_str
from tui.sim.spot.api.wire import order_test_commission
from tui.sim.spot.api.ws_method import Call
from tui.sim.spot.matching.engine import Engine, PlaceResult
from tui.sim.spot.matching.orders import STP_MODES, OrderParams

RESP_TYPES = ("ACK", "RESULT", "FULL")
DAY_MS = 24 * 3600 * 1000


def new_order_resp_type(params: dict[str, Any]) -> str | None:
    """newOrderRespType, or None when not sent (the default depends on the order type)."""
    value = opt_str(params, "newOrderRespType")
    if value is not None and value not in RESP_TYPES:
        raise ApiError(-1130, "Data sent for parameter 'newOrderRespType' is not valid.")
    return value


def self_trade_prevention_mode(params: dict[str, Any]) -> str | None:
    value = opt_str(params, "selfTradePreventionMode")
    if value is not None and value not in STP_MODES:
        raise ApiError(-1130, "Data sent for parameter 'selfTradePreventionMode' is not valid.")
    return value


def new_client_order_id(params: dict[str, Any]) -> str | None:
    value = opt_str(params, "newClientOrderId")
    if value is not None and len(value) > 36:
        raise ApiError(
            -1100,
            "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
        )
    return value


def test_reply(call: Call, *, special: bool) -> Any:
    """order.test / sor.order.test reply: `{}`, or the commission rates when computeCommissionRates."""
    if opt_bool(call.params, "computeCommissionRates", False):
        maker, taker = call.engine.commission_rates(call.account)
        return order_test_commission(maker, taker, special=special)
    return {}


def test_weight(params: dict[str, Any]) -> int:
    """order.test / sor.order.test: 20 with computeCommissionRates, else 1."""
    return 20 if opt_bool(params, "computeCommissionRates", False) else 1


def time_range(params: dict[str, Any]) -> tuple[int | None, int | None]:
    """startTime / endTime, at most 24 hours apart."""
    start, end = opt_int(params, "startTime"), opt_int(params, "endTime")
    if start is not None and end is not None and end - start > DAY_MS:
        raise ApiError(-1127, "More than 24 hours between startTime and endTime.")
    return start, end


def place_order(engine: Engine, account: str, symbol: str, order: OrderParams, *, test: bool = False) -> PlaceResult:
    """Place (or with `test`, only validate) one order request on the engine."""
    return engine.place_order(
        account,
        symbol,
        order.side,
        order.type,
        quantity=order.quantity,
        quote_order_qty=order.quote_order_qty,
        price=order.price,
        time_in_force=order.time_in_force,
        new_client_order_id=order.client_order_id,
        stop_price=order.stop_price,
        trailing_delta=order.trailing_delta,
        iceberg_qty=order.iceberg_qty,
        stp_mode=order.stp_mode,
        strategy_id=order.strategy_id,
        strategy_type=order.strategy_type,
        peg_price_type=order.peg_price_type,
        peg_offset_type=order.peg_offset_type,
        peg_offset_value=order.peg_offset_value,
        test=test,
    )
