"""Binance JSON shapes of exchangeInfo's `symbols`: each symbol's flags and filters (rest-api.md
"Exchange information", filters.md)."""

from __future__ import annotations

from decimal import Decimal

from tui.sim.spot.api.wire import Json, d8
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.events import DEFAULT_MAX_NUM_ORDER_AMENDS, DEFAULT_MAX_NUM_ORDER_LISTS


def symbol_filters(r: SymbolRules) -> list[Json]:
    market_step = r.market_step_size if r.market_step_size > 0 else Decimal(0)
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": d8(r.min_price),
            "maxPrice": d8(r.max_price),
            "tickSize": d8(r.tick_size),
        },
        {"filterType": "LOT_SIZE", "minQty": d8(r.min_qty), "maxQty": d8(r.max_qty), "stepSize": d8(r.step_size)},
        {
            "filterType": "MARKET_LOT_SIZE",
            "minQty": d8(r.market_min_qty),
            "maxQty": d8(r.market_max_qty),
            "stepSize": d8(market_step),
        },
        {
            "filterType": "NOTIONAL",
            "minNotional": d8(r.min_notional),
            "applyMinToMarket": r.apply_min_to_market,
            "maxNotional": d8(r.max_notional),
            "applyMaxToMarket": r.apply_max_to_market,
            "avgPriceMins": 5,
        },
        *([{"filterType": "ICEBERG_PARTS", "limit": r.iceberg_parts}] if r.iceberg_parts else []),
        *(
            [
                {
                    "filterType": "TRAILING_DELTA",
                    "minTrailingAboveDelta": r.min_trailing_above_delta,
                    "maxTrailingAboveDelta": r.max_trailing_above_delta,
                    "minTrailingBelowDelta": r.min_trailing_below_delta,
                    "maxTrailingBelowDelta": r.max_trailing_below_delta,
                }
            ]
            if r.max_trailing_above_delta or r.max_trailing_below_delta
            else []
        ),
        *(
            [{"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": r.max_num_algo_orders}]
            if r.max_num_algo_orders
            else []
        ),
        {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": DEFAULT_MAX_NUM_ORDER_LISTS},
        {"filterType": "MAX_NUM_ORDER_AMENDS", "maxNumOrderAmends": DEFAULT_MAX_NUM_ORDER_AMENDS},
    ]


def symbol_info(r: SymbolRules) -> Json:
    return {
        "symbol": r.symbol,
        "status": r.status,
        "baseAsset": r.base_asset,
        "baseAssetPrecision": r.base_asset_precision,
        "quoteAsset": r.quote_asset,
        "quotePrecision": r.quote_asset_precision,
        "quoteAssetPrecision": r.quote_asset_precision,
        "baseCommissionPrecision": r.base_asset_precision,
        "quoteCommissionPrecision": r.quote_asset_precision,
        "orderTypes": list(r.order_types),
        "icebergAllowed": r.iceberg_allowed,
        "ocoAllowed": True,
        "otoAllowed": True,
        "opoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": r.allow_trailing_stop,
        "cancelReplaceAllowed": True,
        "amendAllowed": True,
        "pegInstructionsAllowed": r.peg_instructions_allowed,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": symbol_filters(r),
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": r.default_stp_mode,
        "allowedSelfTradePreventionModes": list(r.allowed_stp_modes),
    }
