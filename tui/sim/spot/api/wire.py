"""Binance JSON shapes for engine objects: exchangeInfo symbols, orders, fills, trades, user events.

Quantities and prices go out as strings with 8 decimals ("0.10000000"), as Binance sends them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.domain.money import fmt
from tui.domain.spot.filters import SymbolRules
from tui.sim.spot.matching.events import DEFAULT_MAX_NUM_ORDER_AMENDS, DEFAULT_MAX_NUM_ORDER_LISTS

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


# --- orders ----------------------------------------------------------------------------------------


_CONDITIONAL = ("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")


def _working_time(o: Any) -> int:
    """When the order started working: -1 for a conditional order still waiting for its trigger;
    other orders that never rested report their creation time."""
    if o.status == "PENDING_NEW":
        return -1
    wt = getattr(o, "working_time", None)
    if isinstance(wt, int) and wt >= 0:
        return wt
    return -1 if o.type in _CONDITIONAL else o.time


def _conditional_fields(o: Any, *, status: bool = False) -> Json:
    """stopPrice .. strategyType as "Conditional fields in Order Responses" lists them.

    `status` replies (order.status, openOrders, allOrders) always carry stopPrice and icebergQty."""
    out: Json = {}
    if status or o.type in _CONDITIONAL:
        out["stopPrice"] = d8(o.stop_price)
    if status or o.iceberg_qty > 0:
        out["icebergQty"] = d8(o.iceberg_qty)
    if o.trailing_delta:
        out["trailingDelta"] = o.trailing_delta
        out["trailingTime"] = o.trailing_time
    if o.strategy_id is not None:
        out["strategyId"] = o.strategy_id
    if o.strategy_type is not None:
        out["strategyType"] = o.strategy_type
    return out


def _stp_fields(o: Any, *, with_match_id: bool) -> Json:
    out: Json = {"selfTradePreventionMode": o.stp_mode}
    if o.prevented_qty > 0:
        if with_match_id and o.prevented_match_id is not None:
            out["preventedMatchId"] = o.prevented_match_id
        out["preventedQuantity"] = d8(o.prevented_qty)
    if o.status == "EXPIRED" and o.expiry_reason:
        out["expiryReason"] = o.expiry_reason
    return out


def _peg_fields(o: Any) -> Json:
    """pegPriceType .. peggedPrice of a pegged order ("Conditional fields in Order Responses"): the offset
    only if one was requested, the pegged price once determined. Nothing for other orders."""
    if not o.peg_price_type:
        return {}
    out: Json = {"pegPriceType": o.peg_price_type}
    if o.peg_offset_value is not None:
        out["pegOffsetType"] = "PRICE_LEVEL"
        out["pegOffsetValue"] = o.peg_offset_value
    if o.pegged_price is not None:
        out["peggedPrice"] = d8(o.pegged_price)
    return out


def order_ack(o: Any, transact_time: int) -> Json:
    return {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "clientOrderId": o.client_order_id,
        "transactTime": transact_time,
    }


def order_result(o: Any, transact_time: int) -> Json:
    return {
        **order_ack(o, transact_time),
        "price": d8(o.price),
        **_peg_fields(o),
        "origQty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "origQuoteOrderQty": d8(o.orig_quote_order_qty),
        "cummulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
        **_conditional_fields(o),
        "workingTime": _working_time(o),
        **_stp_fields(o, with_match_id=False),
    }


def fill_json(f: Any) -> Json:
    return {
        "price": d8(f.price),
        "qty": d8(f.qty),
        "commission": d8(f.commission),
        "commissionAsset": f.commission_asset,
        "tradeId": f.trade_id,
    }


def prevented_match_json(m: Any) -> Json:
    """One entry of `preventedMatches` in a FULL order.place reply (stp_faq.md scenarios B-G)."""
    out: Json = {"preventedMatchId": m.match_id, "makerOrderId": m.maker_order_id, "price": d8(m.price)}
    if m.taker_prevented > 0:
        out["takerPreventedQuantity"] = d8(m.taker_prevented)
    if m.maker_prevented > 0:
        out["makerPreventedQuantity"] = d8(m.maker_prevented)
    return out


def order_full(o: Any, transact_time: int, fills: Any, prevented: Any = ()) -> Json:
    result = order_result(o, transact_time)
    stp: Json = {
        k: result.pop(k) for k in ("selfTradePreventionMode", "preventedQuantity", "expiryReason") if k in result
    }
    result["fills"] = [fill_json(f) for f in fills]
    if prevented:
        result["preventedMatches"] = [prevented_match_json(m) for m in prevented]
    return {**result, **stp}


def order_reply(o: Any, transact_time: int, fills: Any, prevented: Any, resp_type: str | None) -> Json:
    """A placed order in the newOrderRespType shape asked for; MARKET and LIMIT default to FULL, the
    other types to ACK (order.place, and the new order of order.cancelReplace)."""
    resp_type = resp_type or ("FULL" if o.type in ("MARKET", "LIMIT") else "ACK")
    if resp_type == "ACK":
        return order_ack(o, transact_time)
    if resp_type == "RESULT":
        return order_result(o, transact_time)
    return order_full(o, transact_time, fills, prevented)


def order_status(o: Any) -> Json:
    """order.status / openOrders.status / allOrders report."""
    return {
        "symbol": o.symbol,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "clientOrderId": o.client_order_id,
        "price": d8(o.price),
        **_peg_fields(o),
        "origQty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "cummulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
        **_conditional_fields(o, status=True),
        "time": o.time,
        "updateTime": o.update_time,
        "isWorking": bool(o.is_working),
        "workingTime": _working_time(o),
        "origQuoteOrderQty": d8(o.orig_quote_order_qty),
        **_stp_fields(o, with_match_id=True),
    }


def cancel_report(o: Any, transact_time: int) -> Json:
    return {
        "symbol": o.symbol,
        "origClientOrderId": o.orig_client_order_id or o.client_order_id,
        "orderId": o.order_id,
        "orderListId": o.order_list_id,
        "clientOrderId": o.client_order_id,
        "transactTime": transact_time,
        "price": d8(o.price),
        **_peg_fields(o),
        "origQty": d8(o.orig_qty),
        "executedQty": d8(o.executed_qty),
        "origQuoteOrderQty": d8(o.orig_quote_order_qty),
        "cummulativeQuoteQty": d8(o.cum_quote_qty),
        "status": o.status,
        "timeInForce": o.time_in_force,
        "type": o.type,
        "side": o.side,
        **_conditional_fields(o),
        **_stp_fields(o, with_match_id=True),
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


def _prevention_fields(o: Any, m: Any) -> Json:
    """v, A, B, u, U, Cs, pl, pL, pY of a TRADE_PREVENTION executionReport."""
    is_taker = o.order_id == m.taker_order_id
    return {
        "v": m.match_id,
        "A": d8(o.prevented_qty),
        "B": d8(m.taker_prevented if is_taker else m.maker_prevented),
        "u": -1,
        "U": m.maker_order_id if is_taker else m.taker_order_id,
        "Cs": m.symbol,
        "pl": d8(m.qty),
        "pL": d8(m.price),
        "pY": d8(m.qty * m.price),
    }


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
        "P": d8(o.stop_price),
        "F": d8(o.iceberg_qty),
        "g": o.order_list_id,
        "C": (o.orig_client_order_id or "") if cancel or ev.execution_type == "REPLACED" else "",
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
        "V": o.stp_mode,
    }
    if o.trailing_delta:
        report["d"] = o.trailing_delta
        report["D"] = o.trailing_time
    if o.strategy_id is not None:
        report["j"] = o.strategy_id
    if o.strategy_type is not None:
        report["J"] = o.strategy_type
    prevented = getattr(ev, "prevented", None)
    if ev.execution_type == "TRADE_PREVENTION" and prevented is not None:
        report.update(_prevention_fields(o, prevented))
    if o.peg_price_type:  # user-data-stream.md: gP, gOT, gOV, gp appear only for pegged orders
        report["gP"] = o.peg_price_type
        if o.peg_offset_value is not None:
            report["gOT"] = "PRICE_LEVEL"
            report["gOV"] = o.peg_offset_value
        if o.pegged_price is not None:
            report["gp"] = d8(o.pegged_price)
    if o.is_working and o.working_time >= 0:
        report["W"] = o.working_time
    if o.status == "EXPIRED":
        report["eR"] = o.expiry_reason or _EXPIRY_REASONS.get(o.time_in_force, "INSUFFICIENT_LIQUIDITY")
    report.update(sor_report_fields(ev))
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


# --- Smart Order Routing (faqs/sor_faq.md) ----------------------------------------------------------

ONE_PARTY_TRADE_REPORT = "ONE_PARTY_TRADE_REPORT"


def sors_json(configs: Any) -> list[Json]:
    """exchangeInfo `sors`: each SOR configuration's base asset and symbols."""
    return [{"baseAsset": c.base_asset, "symbols": list(c.symbols)} for c in configs]


def allocation_fill(a: Any) -> Json:
    """One entry of a SOR order's `fills`: an allocation, not a trade (tradeId -1)."""
    return {
        "matchType": ONE_PARTY_TRADE_REPORT,
        "price": d8(a.price),
        "qty": d8(a.qty),
        "commission": d8(a.commission),
        "commissionAsset": a.commission_asset,
        "tradeId": -1,
        "allocId": a.allocation_id,
    }


def sor_order(o: Any, transact_time: int, allocations: Any, working_floor: str, resp_type: str) -> Json:
    """sor.order.place's order in the ACK, RESULT or FULL shape; RESULT and FULL add `workingFloor` and
    `usedSor` (web-socket-api.md, "Conditional fields in Order Responses")."""
    if resp_type == "ACK":
        return order_ack(o, transact_time)
    result = order_result(o, transact_time)
    tail: Json = {
        k: result.pop(k) for k in ("selfTradePreventionMode", "preventedQuantity", "expiryReason") if k in result
    }
    if resp_type == "FULL":
        result["fills"] = [allocation_fill(a) for a in allocations]
    return {**result, "workingFloor": working_floor, **tail, "usedSor": True}


def allocation_json(a: Any) -> Json:
    """One row of myAllocations."""
    return {
        "symbol": a.symbol,
        "allocationId": a.allocation_id,
        "allocationType": a.allocation_type,
        "orderId": a.order_id,
        "orderListId": a.order_list_id,
        "price": d8(a.price),
        "qty": d8(a.qty),
        "quoteQty": d8(a.quote_qty),
        "commission": d8(a.commission),
        "commissionAsset": a.commission_asset,
        "time": a.time,
        "isBuyer": bool(a.is_buyer),
        "isMaker": bool(a.is_maker),
        "isAllocator": bool(a.is_allocator),
    }


def sor_report_fields(ev: Any) -> Json:
    """`b`, `a`, `k`, `uS` of an executionReport for an order placed with SOR (user-data-stream.md,
    "Conditional Fields in Execution Report"); nothing for other orders."""
    floor = getattr(ev, "working_floor", None)
    if floor is None:
        return {}
    out: Json = {}
    allocation = getattr(ev, "allocation", None)
    if allocation is not None:
        out["b"] = ONE_PARTY_TRADE_REPORT
        out["a"] = allocation.allocation_id
    out["k"] = floor
    out["uS"] = True
    return out


def order_test_commission(maker: Decimal, taker: Decimal, *, special: bool = True) -> Json:
    """order.test / sor.order.test with computeCommissionRates: the account's standard rates, no tax or
    special rates and no discount (sor.order.test lists no special rates)."""
    zero = {"maker": d8(None), "taker": d8(None)}
    rates: Json = {"standardCommissionForOrder": {"maker": d8(maker), "taker": d8(taker)}}
    if special:
        rates["specialCommissionForOrder"] = dict(zero)
    rates["taxCommissionForOrder"] = dict(zero)
    rates["discount"] = {
        "enabledForAccount": False,
        "enabledForSymbol": False,
        "discountAsset": "BNB",
        "discount": d8(None),
    }
    return rates
