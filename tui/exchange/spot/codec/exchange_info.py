"""exchangeInfo -> the trading rules of each symbol (`SymbolRules`). No I/O.

Filters missing on the wire are disabled; anything malformed raises ValueError naming the field.
"""

from __future__ import annotations

from typing import Any

from tui.domain.money import ZERO
from tui.domain.spot.filters import SymbolRules
from tui.exchange.wire_readers import bool_field, decimal_field, expect_object, field, int_field, str_field


def rules_from_exchange_info(symbol: Any) -> SymbolRules:
    """One entry of exchangeInfo `symbols` -> SymbolRules (filters missing on the wire are disabled)."""
    what = "exchangeInfo symbol"
    s = expect_object(symbol, what)
    fields: dict[str, Any] = {
        "tick_size": ZERO, "min_price": ZERO, "max_price": ZERO,
        "step_size": ZERO, "min_qty": ZERO, "max_qty": ZERO,
        "min_notional": ZERO, "max_notional": ZERO,
    }  # fmt: skip
    notional_seen = False
    for f in field(s, "filters", what, []):
        f = expect_object(f, f"{what} filter")
        kind = f.get("filterType")
        fw = f"{what} {kind}"
        if kind == "PRICE_FILTER":
            fields["min_price"] = decimal_field(f, "minPrice", fw, ZERO)
            fields["max_price"] = decimal_field(f, "maxPrice", fw, ZERO)
            fields["tick_size"] = decimal_field(f, "tickSize", fw, ZERO)
        elif kind == "LOT_SIZE":
            fields["min_qty"] = decimal_field(f, "minQty", fw, ZERO)
            fields["max_qty"] = decimal_field(f, "maxQty", fw, ZERO)
            fields["step_size"] = decimal_field(f, "stepSize", fw, ZERO)
        elif kind == "MARKET_LOT_SIZE":
            fields["market_min_qty"] = decimal_field(f, "minQty", fw, ZERO)
            fields["market_max_qty"] = decimal_field(f, "maxQty", fw, ZERO)
            fields["market_step_size"] = decimal_field(f, "stepSize", fw, ZERO)
        elif kind == "NOTIONAL":
            notional_seen = True
            fields["min_notional"] = decimal_field(f, "minNotional", fw, ZERO)
            fields["max_notional"] = decimal_field(f, "maxNotional", fw, ZERO)
            fields["apply_min_to_market"] = bool_field(f, "applyMinToMarket", fw, True)
            fields["apply_max_to_market"] = bool_field(f, "applyMaxToMarket", fw, False)
        elif kind == "ICEBERG_PARTS":
            fields["iceberg_parts"] = int_field(f, "limit", fw, 0)
        elif kind == "TRAILING_DELTA":
            for key, name in (
                ("min_trailing_above_delta", "minTrailingAboveDelta"),
                ("max_trailing_above_delta", "maxTrailingAboveDelta"),
                ("min_trailing_below_delta", "minTrailingBelowDelta"),
                ("max_trailing_below_delta", "maxTrailingBelowDelta"),
            ):
                fields[key] = int_field(f, name, fw, 0)
        elif kind == "MAX_NUM_ALGO_ORDERS":
            fields["max_num_algo_orders"] = int_field(f, "maxNumAlgoOrders", fw, 0)
        elif kind == "MIN_NOTIONAL" and not notional_seen:
            # The older filter; NOTIONAL supersedes it when a symbol has both.
            fields["min_notional"] = decimal_field(f, "minNotional", fw, ZERO)
            fields["apply_min_to_market"] = bool_field(f, "applyToMarket", fw, True)
    order_types = field(s, "orderTypes", what, None)
    if order_types is not None:
        fields["order_types"] = tuple(str(t) for t in order_types)
    stp_modes = field(s, "allowedSelfTradePreventionModes", what, None)
    if isinstance(stp_modes, list):
        fields["allowed_stp_modes"] = tuple(str(m) for m in stp_modes)
    return SymbolRules(
        iceberg_allowed=bool_field(s, "icebergAllowed", what, True),
        allow_trailing_stop=bool_field(s, "allowTrailingStop", what, True),
        default_stp_mode=str_field(s, "defaultSelfTradePreventionMode", what, "NONE"),
        symbol=str_field(s, "symbol", what),
        base_asset=str_field(s, "baseAsset", what),
        quote_asset=str_field(s, "quoteAsset", what),
        base_asset_precision=int_field(s, "baseAssetPrecision", what, 8),
        quote_asset_precision=int_field(s, "quoteAssetPrecision", what, 8),
        status=str_field(s, "status", what, "TRADING"),
        peg_instructions_allowed=bool_field(s, "pegInstructionsAllowed", what, False),
        **fields,
    )


def rules_by_symbol(exchange_info: Any) -> dict[str, SymbolRules]:
    info = expect_object(exchange_info, "exchangeInfo")
    symbols = field(info, "symbols", "exchangeInfo")
    if not isinstance(symbols, list):
        raise ValueError("exchangeInfo: 'symbols' must be a list")
    rules = (rules_from_exchange_info(s) for s in symbols)
    return {r.symbol: r for r in rules}
