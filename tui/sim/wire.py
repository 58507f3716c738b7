"""Binance JSON shapes for engine objects: exchangeInfo symbols, orders, fills, trades, user events.

Quantities and prices go out as strings with 8 decimals ("0.10000000"), as Binance sends them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.domain.filters import SymbolRules
from tui.domain.money import fmt

Json = dict[str, Any]
D8_ZERO = "0.00000000"


def d8(value: Decimal | None) -> str:
    return fmt(value, 8) if value is not None else D8_ZERO


def levels(rows: Any) -> list[list[str]]:
    return [[d8(p), d8(q)] for p, q in rows]


# --- exchangeInfo --------------------------------------------------------------------------------


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
        "icebergAllowed": False,
        "ocoAllowed": False,
        "otoAllowed": False,
        "opoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": False,
        "amendAllowed": False,
        "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": symbol_filters(r),
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "NONE",
        "allowedSelfTradePreventionModes": ["NONE"],
    }


# --- orders ----------------------------------------------------------------------------------------


def _working_time(o: Any) -> int:
    """When the order started working; orders that never rested report their creation time."""
    wt = getattr(o, "working_time", None)
    return wt if isinstance(wt, int) and wt >= 0 else o.time


def order_ack(o: Any, transact_time: int) -> Json:
    return {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": -1,
        "clientOrderId": o.client_order_id,
        "transactTime": transact_time,
    }


def order_result(o: Any, transact_time: int) -> Json:
    return {
        **order_ack(o, transact_time),
        "price": d8(o.price),
        "origQty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "origQuoteOrderQty": d8(o.orig_quote_order_qty),
        "cummulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
        "workingTime": _working_time(o),
        "selfTradePreventionMode": "NONE",
    }


def fill_json(f: Any) -> Json:
    return {
        "price": d8(f.price),
        "qty": d8(f.qty),
        "commission": d8(f.commission),
        "commissionAsset": f.commission_asset,
        "tradeId": f.trade_id,
    }


def order_full(o: Any, transact_time: int, fills: Any) -> Json:
    return {**order_result(o, transact_time), "fills": [fill_json(f) for f in fills]}


def order_status(o: Any) -> Json:
    """order.status / openOrders.status / allOrders report."""
    return {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": -1,
        "clientOrderId": o.client_order_id,
        "price": d8(o.price),
        "origQty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "cummulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
        "stopPrice": D8_ZERO,
        "icebergQty": D8_ZERO,
        "time": o.time,
        "updateTime": o.update_time,
        "isWorking": bool(o.is_working),
        "workingTime": _working_time(o),
        "origQuoteOrderQty": d8(o.orig_quote_order_qty),
        "selfTradePreventionMode": "NONE",
    }


def cancel_report(o: Any, transact_time: int) -> Json:
    return {
        "symbol": o.symbol,
        "origClientOrderId": o.orig_client_order_id or o.client_order_id,
        "orderId": o.order_id,
        "orderListId": -1,
        "clientOrderId": o.client_order_id,
        "transactTime": transact_time,
        "price": d8(o.price),
        "origQty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "origQuoteOrderQty": d8(o.orig_quote_order_qty),
        "cummulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
        "selfTradePreventionMode": "NONE",
    }


def account_trade(t: Any) -> Json:
    return {
        "symbol": t.symbol,
        "id": t.id,
        "orderId": t.order_id,
        "orderListId": -1,
        "price": d8(t.price),
        "qty": d8(t.qty),
        "quoteQty": d8(t.quote_qty),
        "commission": d8(t.commission),
        "commissionAsset": t.commission_asset,
        "time": t.time,
        "isBuyer": bool(t.is_buyer),
        "isMaker": bool(t.is_maker),
        "isBestMatch": True,
    }


# --- user data stream events -----------------------------------------------------------------------

_EXPIRY_REASONS = {"IOC": "UNFILLED_IOC_QUANTITY_EXPIRED", "FOK": "UNFILLED_FOK_ORDER_EXPIRED"}


def execution_report(ev: Any) -> Json:
    """`executionReport` for an engine OrderUpdated event (user-data-stream.md, Order Update)."""
    o = ev.order
    fill = ev.last_fill
    cancel = ev.execution_type == "CANCELED"
    last_qty = fill.qty if fill is not None else Decimal(0)
    last_price = fill.price if fill is not None else Decimal(0)
    report: Json = {
        "e": "executionReport",
        "E": ev.time,
        "s": o.symbol,
        "c": o.client_order_id,
        "S": o.side,
        "o": o.type,
        "f": o.time_in_force,
        "q": d8(o.orig_qty),
        "p": d8(o.price),
        "P": D8_ZERO,
        "F": D8_ZERO,
        "g": -1,
        "C": (o.orig_client_order_id or "") if cancel else "",
        "x": ev.execution_type,
        "X": o.status,
        "r": "NONE",
        "i": o.order_id,
        "l": d8(last_qty),
        "z": d8(o.executed_qty),
        "L": d8(last_price),
        "n": d8(fill.commission) if fill is not None else "0",
        "N": fill.commission_asset if fill is not None else None,
        "T": fill.time if fill is not None else (o.update_time or ev.time),
        "t": fill.trade_id if fill is not None else -1,
        "I": ev.execution_id,
        "w": bool(o.is_working),
        "m": bool(fill.is_maker) if fill is not None else False,
        "M": False,
        "O": o.time,
        "Z": d8(o.cum_quote_qty),
        "Y": d8(fill.quote_qty) if fill is not None else D8_ZERO,
        "Q": d8(o.orig_quote_order_qty),
        "V": "NONE",
    }
    if o.is_working and o.working_time >= 0:
        report["W"] = o.working_time
    if o.status == "EXPIRED":
        report["eR"] = _EXPIRY_REASONS.get(o.time_in_force, "INSUFFICIENT_LIQUIDITY")
    return report


def account_position(ev: Any) -> Json:
    """`outboundAccountPosition` for an engine BalancesChanged event."""
    return {
        "e": "outboundAccountPosition",
        "E": ev.time,
        "u": ev.time,
        "B": [{"a": asset, "f": d8(free), "l": d8(locked)} for asset, (free, locked) in sorted(ev.balances.items())],
    }


def balance_update(asset: str, delta: Decimal, time_ms: int) -> Json:
    return {"e": "balanceUpdate", "E": time_ms, "a": asset, "d": d8(delta), "T": time_ms}


def stream_terminated(time_ms: int) -> Json:
    return {"e": "eventStreamTerminated", "E": time_ms}
