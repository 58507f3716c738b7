"""Plain sentences about spot orders for the confirmation and result steps: what will be sent, how SOR
routes it, what a SOR order did. Pure text from domain values; nothing is sent or drawn here.
"""

from __future__ import annotations

from decimal import Decimal

from tui.domain.money import fmt, wire
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.order_entry import OrderEntry, SorOrderRequest
from tui.domain.spot.orders import OrderRequest, PegPriceType, Side
from tui.domain.spot.sor import SorOrderResult, total_quote


def peg_side_word(side: Side, peg: PegPriceType) -> str:
    """Which best price a peg takes for `side`: PRIMARY_PEG its own side, MARKET_PEG the other one."""
    own = peg is PegPriceType.PRIMARY_PEG
    return "bid" if (side is Side.BUY) == own else "ask"


def describe_request(request: OrderRequest, rules: SymbolRules, entry: OrderEntry | None = None) -> str:
    """One plain sentence of what will be sent, for the confirmation step."""
    amount = (
        f"{wire(request.quantity)} {rules.base_asset}"
        if request.quantity is not None
        else f"{wire(request.quote_order_qty or Decimal(0))} {rules.quote_asset} worth of {rules.base_asset}"
    )
    where = f"at {wire(request.price)} {rules.quote_asset}" if request.price is not None else "at market"
    if request.peg_price_type is not None:
        depth = request.peg_offset_value or 0
        deeper = f", {depth} level{'s' if depth != 1 else ''} deeper" if depth else ""
        where = (
            f"pegged to the best {peg_side_word(request.side, request.peg_price_type)}{deeper}"
            f" ({request.peg_price_type.value})"
        )
        if request.price is not None:
            where += f", price {wire(request.price)} {rules.quote_asset}"
    tif = f" {request.time_in_force.value}" if request.time_in_force else ""
    text = f"{request.side.value} {amount} {where}\n{request.type.value}{tif} on {request.symbol}"
    if request.stop_price is not None:
        text += f"\nstop {wire(request.stop_price)} {rules.quote_asset}"
    if request.trailing_delta is not None:
        text += f"\ntrailing {request.trailing_delta} bips ({request.trailing_delta / 100:g} %)"
    if request.iceberg_qty is not None:
        text += f"\niceberg: shows {wire(request.iceberg_qty)} {rules.base_asset} at a time"
    if request.stp_mode is not None:
        text += f"\nself-trade prevention: {request.stp_mode.value} (symbol default {rules.default_stp_mode})"
    if entry is None:
        return text
    if entry.notional is not None:
        text += f"\nNotional ≈ {fmt(entry.notional, rules.price_decimals)} {rules.quote_asset}"
    if entry.fee is not None:
        text += f", fee up to {fmt(entry.fee, 8).rstrip('0').rstrip('.')} {entry.fee_asset}"
    return text


def describe_sor_route(order: SorOrderRequest, rules: SymbolRules) -> str:
    """How a SOR order will be routed, for the confirmation step."""
    settles = "pays" if order.request.side is Side.BUY else "receives"
    return (
        f"Routed via SOR (Smart Order Routing) across {', '.join(order.symbols)}: it takes the best prices"
        f" of those books and {settles} {rules.quote_asset}"
    )


def describe_sor_result(result: SorOrderResult, rules: SymbolRules, symbols: tuple[str, ...]) -> str:
    """What a SOR order did: status, how much filled where (allocations across the SOR books, trades on
    its own book) at what average, and what rests. The exchange does not say which book an allocation
    came from, only that SOR took it from one of `symbols`."""
    order = result.order
    base, quote = rules.base_asset, rules.quote_asset
    text = f"{order.side} {rules.symbol} #{order.order_id} via SOR: {order.status}"
    allocations = result.allocations
    trades = tuple(f for f in result.fills if not f.is_allocation)
    if not result.fills:
        if order.executed_qty:
            text += f", filled {wire(order.executed_qty)} {base}"
        elif order.status in ("NEW", "PENDING_NEW"):
            text += ", nothing filled yet"
        else:
            text += ". Nothing was filled"
    if allocations:
        qty = sum((f.qty for f in allocations), Decimal(0))
        count = f"{len(allocations)} allocation{'s' if len(allocations) != 1 else ''}"
        text += f"\n{wire(qty)} {base} in {count} across {' + '.join(symbols)}"
        text += " · " + ", ".join(f"{wire(f.qty)} @ {fmt(f.price, rules.price_decimals)}" for f in allocations)
    if trades:
        qty = sum((f.qty for f in trades), Decimal(0))
        text += f"\n{wire(qty)} {base} traded on the {rules.symbol} book"
    if result.fills:
        text += (
            f"\navg {fmt(result.avg_price, rules.price_decimals)} {quote},"
            f" total {fmt(total_quote(result.fills), rules.price_decimals)} {quote}"
        )
    if order.remaining and order.status in ("NEW", "PARTIALLY_FILLED"):
        text += f"\n{wire(order.remaining)} {base} rests on the {rules.symbol} book"
    return text
