"""Binance JSON shapes for Smart Order Routing (faqs/sor_faq.md): exchangeInfo `sors`, sor.order.place
replies, allocations (myAllocations, SOR fills) and the SOR fields of an executionReport."""

from __future__ import annotations

from typing import Any

from tui.sim.spot.api.wire import Json, d8, order_ack, order_result, pop_stp_tail

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
    tail = pop_stp_tail(result)
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
