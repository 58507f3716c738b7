"""Binance JSON shapes for single orders: order.place replies (ACK / RESULT / FULL), order.status,
cancel reports, fills, account trades and order.test commission rates; plus `d8`, the 8-decimal text
every shape uses. Order lists are `wire_lists`, user data events `wire_events`, SOR `wire_sor`, and
exchangeInfo symbols `wire_exchange_info`.

Quantities and prices go out as strings with 8 decimals ("0.10000000"), as Binance sends them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.domain.money import fmt

Json = dict[str, Any]
D8_ZERO = "0.00000000"


def d8(value: Decimal | None) -> str:
    return fmt(value, 8) if value is not None else D8_ZERO


def levels(rows: Any) -> list[list[str]]:
    return [[d8(p), d8(q)] for p, q in rows]


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


def pop_stp_tail(result: Json) -> Json:
    """Take selfTradePreventionMode, preventedQuantity and expiryReason out of a RESULT reply: FULL
    replies carry them after `fills` (and SOR replies after `workingFloor`), so key order matches Binance."""
    return {k: result.pop(k) for k in ("selfTradePreventionMode", "preventedQuantity", "expiryReason") if k in result}


def order_full(o: Any, transact_time: int, fills: Any, prevented: Any = ()) -> Json:
    result = order_result(o, transact_time)
    stp = pop_stp_tail(result)
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
