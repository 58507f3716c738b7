"""Binance JSON shapes of User Data Stream events (user-data-stream.md): executionReport,
outboundAccountPosition, balanceUpdate and eventStreamTerminated. listStatus is `wire_lists`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.sim.spot.api.wire import D8_ZERO, Json, d8
from tui.sim.spot.api.wire_sor import sor_report_fields

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
