"""Codec: single orders (order.place params, replies, cancel-all, commission rates); and the rate-limit tracker."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.exchange.errors import RateLimited
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.spot.codec.orders import (
    ack_order_id,
    order_commission_rates,
    order_from_wire,
    order_params,
    orders_from_cancel_all,
)

D = Decimal


ORDER_STATUS = {
    "symbol": "BTCUSDT", "orderId": 12569099453, "orderListId": -1, "clientOrderId": "4d96324ff9d44481926157",
    "price": "23416.10000000", "origQty": "0.00847000", "executedQty": "0.00847000",
    "cummulativeQuoteQty": "198.33521500", "status": "FILLED", "timeInForce": "GTC", "type": "LIMIT",
    "side": "SELL", "stopPrice": "0.00000000", "icebergQty": "0.00000000", "time": 1660801715639,
    "updateTime": 1660801717945, "isWorking": True, "workingTime": 1660801715639,
    "origQuoteOrderQty": "0.00000000", "selfTradePreventionMode": "NONE",
}  # fmt: skip


ORDER_PLACE_FULL = {
    "symbol": "BTCUSDT", "orderId": 12569099453, "orderListId": -1, "clientOrderId": "4d96324ff9d44481926157ec08158a40",
    "transactTime": 1660801715793, "price": "23416.10000000", "origQty": "0.00847000", "executedQty": "0.00847000",
    "origQuoteOrderQty": "0.000000", "cummulativeQuoteQty": "198.33521500", "status": "FILLED", "timeInForce": "GTC",
    "type": "LIMIT", "side": "SELL", "workingTime": 1660801715793,
    "fills": [{"price": "23416.10000000", "qty": "0.00635000", "commission": "0.000000", "commissionAsset": "BNB", "tradeId": 1}],
}  # fmt: skip


def test_order_from_status() -> None:
    o = order_from_wire(ORDER_STATUS)
    assert o.order_id == 12569099453 and o.status == "FILLED" and not o.is_open
    assert o.price == D("23416.1") and o.orig_qty == D("0.00847") and o.executed_qty == D("0.00847")
    assert o.cum_quote_qty == D("198.335215") and o.avg_price == D("198.335215") / D("0.00847")
    assert o.time == 1660801715639 and o.update_time == 1660801717945


def test_order_from_place_full() -> None:
    o = order_from_wire(ORDER_PLACE_FULL)
    assert o.time == 1660801715793 and o.update_time == 1660801715793
    assert o.client_order_id == "4d96324ff9d44481926157ec08158a40"


def test_cancel_all_flattens_order_lists() -> None:
    cancel = {**ORDER_STATUS, "status": "CANCELED", "transactTime": 1}
    del cancel["time"]
    order_list = {"orderListId": 19431, "contingencyType": "OCO", "orderReports": [cancel, {**cancel, "orderId": 2}]}
    orders = orders_from_cancel_all([cancel, order_list])
    assert [o.order_id for o in orders] == [12569099453, 12569099453, 2]


@pytest.mark.parametrize("missing", ["orderId", "symbol", "origQty", "status"])
def test_order_missing_field(missing: str) -> None:
    d = dict(ORDER_STATUS)
    del d[missing]
    with pytest.raises(ValueError, match=missing):
        order_from_wire(d)


def test_order_params() -> None:
    limit = OrderRequest(
        "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("0.0100"), price=D("5.0E+4"),
        time_in_force=TimeInForce.IOC, client_order_id="abc",
    )  # fmt: skip
    assert order_params(limit) == {
        "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "IOC", "price": "50000",
        "quantity": "0.01", "newClientOrderId": "abc", "newOrderRespType": "FULL",
    }  # fmt: skip
    market = OrderRequest("BTCUSDT", Side.SELL, OrderType.MARKET, quote_order_qty=D("100.50"))
    assert order_params(market) == {
        "symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quoteOrderQty": "100.5", "newOrderRespType": "FULL",
    }  # fmt: skip
    maker = OrderRequest("BTCUSDT", Side.SELL, OrderType.LIMIT_MAKER, quantity=D("1"), price=D("2"))
    assert "timeInForce" not in order_params(maker)


def test_rate_limit_tracker() -> None:
    now = [1_000_000]
    tracker = RateLimitTracker(lambda: now[0])
    tracker.update(
        [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000, "count": 70},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 50, "count": 40},
            {"garbage": True},
        ]
    )
    usage = tracker.usage
    assert [u.type for u in usage] == ["ORDERS", "REQUEST_WEIGHT"]  # most used first
    assert usage[0].count == 40 and usage[0].interval_num == 10
    tracker.check()
    tracker.block(now[0] + 5000, 429)
    with pytest.raises(RateLimited) as info:
        tracker.check()
    assert info.value.retry_after_ms == now[0] + 5000 and info.value.status == 429
    now[0] += 5000
    tracker.check()
    assert tracker.blocked_until_ms is None


def test_order_params_conditional_fields() -> None:
    from tui.domain.spot.orders import OrderRespType, StpMode

    req = OrderRequest(
        "BTCUSDT", Side.SELL, OrderType.STOP_LOSS_LIMIT, quantity=D("0.01"), price=D("58000"),
        stop_price=D("59000.50"), trailing_delta=150, iceberg_qty=D("0.005"), stp_mode=StpMode.EXPIRE_MAKER,
        new_order_resp_type=OrderRespType.RESULT, strategy_id=9, strategy_type=1_000_000,
    )  # fmt: skip
    assert order_params(req) == {
        "symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS_LIMIT", "timeInForce": "GTC", "price": "58000",
        "quantity": "0.01", "stopPrice": "59000.5", "trailingDelta": 150, "icebergQty": "0.005",
        "selfTradePreventionMode": "EXPIRE_MAKER", "strategyId": 9, "strategyType": 1000000,
        "newOrderRespType": "RESULT",
    }  # fmt: skip
    stop = OrderRequest("BTCUSDT", Side.BUY, OrderType.TAKE_PROFIT, quantity=D("1"), stop_price=D("1"))
    assert "timeInForce" not in order_params(stop)


def test_order_from_wire_conditional_fields() -> None:
    o = order_from_wire(
        {
            "symbol": "BTCUSDT", "orderId": 5, "orderListId": -1, "clientOrderId": "x", "price": "1.0",
            "origQty": "3.0", "executedQty": "0", "cummulativeQuoteQty": "0", "status": "EXPIRED_IN_MATCH",
            "timeInForce": "GTC", "type": "STOP_LOSS_LIMIT", "side": "SELL", "stopPrice": "2.5",
            "icebergQty": "1.0", "time": 1, "updateTime": 2, "isWorking": True, "workingTime": -1,
            "trailingDelta": 10, "trailingTime": -1, "strategyId": 37463720, "strategyType": 1000000,
            "selfTradePreventionMode": "EXPIRE_TAKER", "preventedMatchId": 0, "preventedQuantity": "3.0",
        }
    )  # fmt: skip
    assert (o.stop_price, o.iceberg_qty, o.trailing_delta, o.trailing_time) == (D("2.5"), D("1"), 10, -1)
    assert (o.working_time, o.is_working, o.strategy_id, o.strategy_type) == (-1, True, 37463720, 1000000)
    assert (o.stp_mode, o.prevented_match_id, o.prevented_qty) == ("EXPIRE_TAKER", 0, D("3"))
    plain = order_from_wire({"symbol": "S", "orderId": 1, "side": "BUY", "type": "LIMIT", "status": "NEW",
                                   "origQty": "1", "executedQty": "0"})  # fmt: skip
    assert plain.stop_price == 0 and plain.trailing_delta is None and plain.stp_mode is None


def test_order_commission_rates() -> None:
    rates = order_commission_rates(
        {
            "standardCommissionForOrder": {"maker": "0.00000112", "taker": "0.00000114"},
            "specialCommissionForOrder": {"maker": "0.05000000", "taker": "0.06000000"},
            "taxCommissionForOrder": {"maker": "0.00000112", "taker": "0.00000114"},
            "discount": {"enabledForAccount": True, "enabledForSymbol": True, "discountAsset": "BNB",
                         "discount": "0.25000000"},
        }
    )  # fmt: skip
    assert rates.standard.taker == D("0.00000114") and rates.special.maker == D("0.05")
    assert rates.discount_enabled_for_symbol and rates.discount == D("0.25")
    with pytest.raises(ValueError):
        order_commission_rates({"standardCommissionForOrder": {}})
    assert ack_order_id({"symbol": "S", "orderId": 3, "orderListId": -1, "clientOrderId": "c",
                               "transactTime": 1}) == 3  # fmt: skip
    assert ack_order_id({"orderId": 3, "status": "NEW"}) is None
