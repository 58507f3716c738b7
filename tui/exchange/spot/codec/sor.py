"""Pure translation between Binance's Smart Order Routing wire shapes and `tui.domain.spot.sor` values. No I/O.

exchangeInfo `sors`, sor.order.place / sor.order.test requests and replies, and myAllocations rows
(web-socket-api.md, faqs/sor_faq.md). As in `codec`, anything malformed raises ValueError naming the
field and the message type.
"""

from __future__ import annotations

from typing import Any

from tui.domain.money import ZERO
from tui.domain.spot.orders import CommissionRates, OrderCommissionRates, OrderRequest, OrderType
from tui.domain.spot.sor import Allocation, SorConfig, SorFill, SorOrderResult
from tui.exchange.spot.codec import orders as codec
from tui.exchange.spot.codec.orders import _bool, _dec, _get, _int, _list, _obj, _str

SOR_ORDER_TYPES = (OrderType.LIMIT, OrderType.MARKET)


# --- exchange info -------------------------------------------------------------------------------


def sors_from_exchange_info(exchange_info: Any) -> tuple[SorConfig, ...]:
    """exchangeInfo `sors`: the SOR configurations (none when the field is absent: SOR unavailable)."""
    what = "exchangeInfo sors"
    info = _obj(exchange_info, "exchangeInfo")
    configs: list[SorConfig] = []
    for raw in _list(_get(info, "sors", what, []), what):
        entry = _obj(raw, what)
        symbols = _list(_get(entry, "symbols", what), what)
        if not all(isinstance(s, str) and s for s in symbols):
            raise ValueError(f"{what}: bad value for 'symbols': {symbols!r}")
        configs.append(SorConfig(base_asset=_str(entry, "baseAsset", what), symbols=tuple(symbols)))
    return tuple(configs)


# --- requests --------------------------------------------------------------------------------------


def sor_order_params(req: OrderRequest) -> dict[str, Any]:
    """Wire params for sor.order.place / sor.order.test (unsigned). SOR takes LIMIT and MARKET orders by
    quantity only, so a request it cannot express raises ValueError before anything is sent."""
    if req.type not in SOR_ORDER_TYPES:
        raise ValueError(f"SOR order: {req.type} is not supported (LIMIT and MARKET only)")
    if req.quote_order_qty is not None:
        raise ValueError("SOR order: quoteOrderQty is not supported")
    if req.stop_price is not None or req.trailing_delta is not None:
        raise ValueError("SOR order: stopPrice and trailingDelta are not supported")
    if req.quantity is None:
        raise ValueError("SOR order: quantity is required")
    return codec.order_params(req)


# --- replies ---------------------------------------------------------------------------------------


def sor_fill_from_wire(d: Any) -> SorFill:
    what = "SOR fill"
    f = _obj(d, what)
    alloc_id = _int(f, "allocId", what, None)
    match_type = _str(f, "matchType", what, None)
    if (alloc_id is None) != (match_type is None):
        raise ValueError(f"{what}: 'matchType' and 'allocId' come together")
    return SorFill(
        price=_dec(f, "price", what),
        qty=_dec(f, "qty", what),
        commission=_dec(f, "commission", what, ZERO),
        commission_asset=_str(f, "commissionAsset", what, ""),
        trade_id=_int(f, "tradeId", what),
        match_type=match_type,
        alloc_id=alloc_id,
    )


def sor_order_from_wire(result: Any) -> SorOrderResult:
    """sor.order.place in the RESULT or FULL shape: the WS API answers a one-element list, REST an object."""
    what = "sor.order.place"
    if isinstance(result, list):
        if len(result) != 1:
            raise ValueError(f"{what}: expected one order, got {len(result)}")
        result = result[0]
    o = _obj(result, what)
    return SorOrderResult(
        order=codec.order_from_wire(o),
        fills=tuple(sor_fill_from_wire(f) for f in _list(_get(o, "fills", what, []), f"{what} fills")),
        working_floor=_str(o, "workingFloor", what, None),
        used_sor=_bool(o, "usedSor", what, True),
    )


def sor_ack_order_id(result: Any) -> int | None:
    """The orderId of a sor.order.place reply in the ACK shape (ids and transactTime only), else None."""
    if isinstance(result, list) and len(result) == 1:
        result = result[0]
    return codec.ack_order_id(result)


def _rates(d: Any, what: str) -> CommissionRates:
    r = _obj(d, what)
    return CommissionRates(maker=_dec(r, "maker", what), taker=_dec(r, "taker", what))


def sor_commission_rates(d: Any) -> OrderCommissionRates:
    """sor.order.test with computeCommissionRates: standard and tax rates and the discount (the reply has
    no special rates; they come back as zero)."""
    return codec.order_commission_rates(d, "sor.order.test commission rates")


def allocation_from_wire(d: Any) -> Allocation:
    """One row of myAllocations."""
    what = "myAllocations"
    a = _obj(d, what)
    return Allocation(
        symbol=_str(a, "symbol", what),
        allocation_id=_int(a, "allocationId", what),
        allocation_type=_str(a, "allocationType", what, "SOR"),
        order_id=_int(a, "orderId", what),
        order_list_id=_int(a, "orderListId", what, -1),
        price=_dec(a, "price", what),
        qty=_dec(a, "qty", what),
        quote_qty=_dec(a, "quoteQty", what),
        commission=_dec(a, "commission", what),
        commission_asset=_str(a, "commissionAsset", what),
        time=_int(a, "time", what),
        is_buyer=_bool(a, "isBuyer", what),
        is_maker=_bool(a, "isMaker", what, False),
        is_allocator=_bool(a, "isAllocator", what, False),
    )


def allocations_from_wire(rows: Any) -> list[Allocation]:
    return [allocation_from_wire(r) for r in _list(rows, "myAllocations")]
