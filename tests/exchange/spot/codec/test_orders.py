"""Codec: wire dicts from the Binance docs -> domain values; malformed input -> ValueError."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.exchange.errors import RateLimited
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.spot.codec.account import account_from_wire
from tui.exchange.spot.codec.depth import depth_diff_from_stream, snapshot_from_rest
from tui.exchange.spot.codec.exchange_info import rules_from_exchange_info
from tui.exchange.spot.codec.market import (
    kline_from_rest,
    kline_from_stream,
    ticker_from_stream,
    ticker_from_ws,
    trade_from_stream,
)
from tui.exchange.spot.codec.orders import (
    ack_order_id,
    order_commission_rates,
    order_from_wire,
    order_params,
    orders_from_cancel_all,
)
from tui.exchange.spot.codec.user_events import order_update_from_execution_report, user_event_from_wire
from tui.exchange.spot.events import BalanceDelta, BalancesUpdate, OrderUpdate

D = Decimal

SYMBOL_INFO = {
    "symbol": "BNBBTC",
    "status": "TRADING",
    "baseAsset": "BNB",
    "baseAssetPrecision": 8,
    "quoteAsset": "BTC",
    "quoteAssetPrecision": 8,
    "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT"],
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "0.00000100", "maxPrice": "100000.00000000", "tickSize": "0.00000100"},
        {"filterType": "LOT_SIZE", "minQty": "0.00100000", "maxQty": "100000.00000000", "stepSize": "0.00100000"},
        {"filterType": "MARKET_LOT_SIZE", "minQty": "0.01", "maxQty": "500", "stepSize": "0.01"},
        {"filterType": "MIN_NOTIONAL", "minNotional": "0.00100000", "applyToMarket": True, "avgPriceMins": 5},
        {"filterType": "NOTIONAL", "minNotional": "10.00000000", "applyMinToMarket": False,
         "maxNotional": "10000.00000000", "applyMaxToMarket": False, "avgPriceMins": 5},
        {"filterType": "ICEBERG_PARTS", "limit": 10},
    ],
}  # fmt: skip


def test_rules_from_exchange_info() -> None:
    rules = rules_from_exchange_info(SYMBOL_INFO)
    assert rules.symbol == "BNBBTC" and rules.base_asset == "BNB" and rules.quote_asset == "BTC"
    assert rules.tick_size == D("0.000001") and rules.min_price == D("0.000001") and rules.max_price == D("100000")
    assert rules.step_size == D("0.001") and rules.min_qty == D("0.001") and rules.max_qty == D("100000")
    assert rules.market_step_size == D("0.01") and rules.market_max_qty == D("500")
    assert rules.min_notional == D("10") and rules.max_notional == D("10000")
    assert rules.apply_min_to_market is False and rules.apply_max_to_market is False
    assert rules.order_types == ("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT")
    assert rules.price_decimals == 6 and rules.qty_decimals == 3


def test_rules_min_notional_only_and_missing_filters() -> None:
    info = {**SYMBOL_INFO, "filters": [{"filterType": "MIN_NOTIONAL", "minNotional": "5", "applyToMarket": False}]}
    rules = rules_from_exchange_info(info)
    assert rules.min_notional == D("5") and rules.apply_min_to_market is False
    assert rules.tick_size == 0 and rules.step_size == 0 and rules.max_notional == 0


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {"status": "TRADING"},
        {**SYMBOL_INFO, "filters": [{"filterType": "PRICE_FILTER", "tickSize": "abc"}]},
        {**SYMBOL_INFO, "filters": [{"filterType": "LOT_SIZE", "stepSize": 0.001}]},  # float money
        {**SYMBOL_INFO, "filters": ["x"]},
    ],
)
def test_rules_malformed(bad: object) -> None:
    with pytest.raises(ValueError):
        rules_from_exchange_info(bad)


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


EXEC_REPORT = {
    "e": "executionReport", "E": 1499405658658, "s": "ETHBTC", "c": "mUvoqJxFIILMdfAW5iGSOW", "S": "BUY",
    "o": "LIMIT", "f": "GTC", "q": "1.00000000", "p": "0.10264410", "P": "0.00000000", "F": "0.00000000",
    "g": -1, "C": "", "x": "TRADE", "X": "PARTIALLY_FILLED", "r": "NONE", "i": 4293153, "l": "0.40000000",
    "z": "0.40000000", "L": "0.10264410", "n": "0.00004", "N": "BNB", "T": 1499405658657, "t": 7, "I": 8641984,
    "w": True, "m": False, "M": False, "O": 1499405658600, "Z": "0.04105764", "Y": "0.04105764", "Q": "0.00000000",
}  # fmt: skip


def test_execution_report() -> None:
    update = user_event_from_wire(EXEC_REPORT)
    assert isinstance(update, OrderUpdate)
    assert update.execution_type == "TRADE" and update.last_qty == D("0.4") and update.last_price == D("0.1026441")
    assert update.commission == D("0.00004") and update.commission_asset == "BNB"
    o = update.order
    assert o.symbol == "ETHBTC" and o.order_id == 4293153 and o.status == "PARTIALLY_FILLED" and o.is_open
    assert o.remaining == D("0.6") and o.time == 1499405658600 and o.update_time == 1499405658657


def test_execution_report_cancel_uses_original_client_id() -> None:
    ev = {**EXEC_REPORT, "x": "CANCELED", "X": "CANCELED", "c": "cancel-req-id", "C": "orig-id", "N": None}
    update = order_update_from_execution_report(ev)
    assert update.order.client_order_id == "orig-id" and update.commission_asset is None


def test_balances() -> None:
    account = {
        "canTrade": True,
        "commissionRates": {"maker": "0.00150000", "taker": "0.00150000", "buyer": "0", "seller": "0"},
        "balances": [{"asset": "BTC", "free": "1.3447112", "locked": "0.08600000"}],
    }
    snap = account_from_wire(account)
    assert snap.can_trade and snap.commission.maker == D("0.0015")
    assert snap.balances[0].total == D("1.4307112")
    pos = {"e": "outboundAccountPosition", "E": 1, "u": 1, "B": [{"a": "ETH", "f": "10000.000000", "l": "0.000000"}]}
    ev = user_event_from_wire(pos)
    assert isinstance(ev, BalancesUpdate) and ev.balances[0].free == D("10000")
    delta = user_event_from_wire({"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "-100.00000000", "T": 1})
    assert delta == BalanceDelta("BTC", D("-100"))
    assert user_event_from_wire({"e": "externalLockUpdate", "a": "NEO", "d": "1"}) is None
    with pytest.raises(ValueError):
        user_event_from_wire({"e": "outboundAccountPosition", "B": [{"a": "ETH"}]})


def test_market_data() -> None:
    trade = trade_from_stream(
        {"e": "trade", "E": 1, "s": "BNBBTC", "t": 12345, "p": "0.001", "q": "100", "T": 1672515782136, "m": True}
    )
    assert trade.trade_id == 12345 and trade.price == D("0.001") and trade.aggressor is Side.SELL
    row = [1655971200000, "0.01086000", "0.01086600", "0.01083600", "0.01083800", "2290.53800000",
           1655974799999, "24.85074442", 2283, "1171.64000000", "12.71225884", "0"]  # fmt: skip
    k = kline_from_rest(row)
    assert k.open == D("0.01086") and k.close_time == 1655974799999 and k.closed
    ks = kline_from_stream(
        {"e": "kline", "k": {"t": 1, "T": 2, "o": "1", "c": "2", "h": "3", "l": "0.5", "v": "10", "x": False}}
    )
    assert ks.high == D("3") and not ks.closed
    t = ticker_from_stream(
        {
            "e": "24hrTicker",
            "s": "BNBBTC",
            "p": "0.0015",
            "P": "250.00",
            "c": "0.0025",
            "h": "0.0025",
            "l": "0.0010",
            "v": "10000",
            "q": "18",
        }
    )
    assert t.last_price == D("0.0025") and t.price_change_percent == D("250")
    tw = ticker_from_ws(
        {
            "symbol": "BNBBTC",
            "priceChange": "0.000139",
            "priceChangePercent": "1.020",
            "lastPrice": "0.013767",
            "highPrice": "0.014149",
            "lowPrice": "0.013466",
            "volume": "69412.405",
            "quoteVolume": "959.59411487",
        }
    )
    assert tw.quote_volume == D("959.59411487")


def test_depth() -> None:
    diff = depth_diff_from_stream(
        {"e": "depthUpdate", "E": 1, "s": "BNBBTC", "U": 157, "u": 160, "b": [["0.0024", "10"]], "a": [["0.0026", "0"]]}
    )
    assert (diff.first_update_id, diff.final_update_id) == (157, 160)
    assert diff.bids == ((D("0.0024"), D("10")),) and diff.asks == ((D("0.0026"), D("0")),)
    snap = snapshot_from_rest({"lastUpdateId": 2731179239, "bids": [["0.013799", "3.432"]], "asks": []})
    assert snap.last_update_id == 2731179239 and snap.bids[0][0] == D("0.013799")


@pytest.mark.parametrize(
    "bad",
    [
        {"U": 1, "b": [], "a": []},
        {"U": 5, "u": 4, "b": [], "a": []},
        {"U": 1, "u": 2, "b": [["x", "1"]], "a": []},
        {"U": 1, "u": 2, "b": [["1"]], "a": []},
        {"U": 1, "u": 2, "b": "nope", "a": []},
        "not a dict",
    ],
)
def test_depth_malformed(bad: object) -> None:
    with pytest.raises(ValueError):
        depth_diff_from_stream(bad)


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


def test_execution_report_conditional_fields() -> None:
    ev = {
        "e": "executionReport", "E": 1, "s": "BTCUSDT", "c": "c", "S": "BUY", "o": "TAKE_PROFIT", "f": "GTC",
        "q": "1", "p": "0", "P": "100", "F": "0", "g": -1, "C": "", "x": "TRADE_PREVENTION",
        "X": "EXPIRED_IN_MATCH", "r": "NONE", "i": 7, "l": "0", "z": "0", "L": "0", "n": "0", "N": None,
        "T": 3, "t": -1, "v": 4, "A": "1", "B": "1", "u": -1, "U": 6, "I": 9, "w": False, "m": False,
        "M": False, "O": 2, "Z": "0", "Y": "0", "Q": "0", "d": 25, "D": 5, "j": 1, "J": 1000000,
        "V": "EXPIRE_BOTH", "eR": "REJECTED",
    }  # fmt: skip
    update = order_update_from_execution_report(ev)
    o = update.order
    assert update.execution_type == "TRADE_PREVENTION" and o.status == "EXPIRED_IN_MATCH"
    assert (o.stop_price, o.trailing_delta, o.trailing_time, o.strategy_id, o.strategy_type) == (
        D("100"),
        25,
        5,
        1,
        1000000,
    )
    assert (o.prevented_match_id, o.prevented_qty, o.stp_mode, o.is_working) == (4, D("1"), "EXPIRE_BOTH", False)
    assert o.working_time is None and o.expiry_reason == "REJECTED"


def test_rules_parse_conditional_filters() -> None:
    rules = rules_from_exchange_info(
        {
            "symbol": "BTCUSDT", "baseAsset": "BTC", "quoteAsset": "USDT", "icebergAllowed": False,
            "allowTrailingStop": True, "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
            "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER"],
            "filters": [
                {"filterType": "ICEBERG_PARTS", "limit": 10},
                {"filterType": "TRAILING_DELTA", "minTrailingAboveDelta": 10, "maxTrailingAboveDelta": 2000,
                 "minTrailingBelowDelta": 20, "maxTrailingBelowDelta": 1000},
                {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
            ],
        }
    )  # fmt: skip
    assert rules.iceberg_parts == 10 and rules.max_num_algo_orders == 5 and not rules.iceberg_allowed
    assert (rules.min_trailing_below_delta, rules.max_trailing_below_delta) == (20, 1000)
    assert rules.default_stp_mode == "EXPIRE_MAKER" and rules.allowed_stp_modes == ("EXPIRE_TAKER", "EXPIRE_MAKER")


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
