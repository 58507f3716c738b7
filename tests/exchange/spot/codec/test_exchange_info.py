"""Codec: exchangeInfo -> SymbolRules: filters, defaults, malformed entries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.exchange.spot.codec.exchange_info import rules_from_exchange_info

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
