"""Pure translation between Binance's Smart Order Routing wire shapes and `tui.domain.spot.sor` values. No I/O.

exchangeInfo `sors`, sor.order.place / sor.order.test requests and replies, and myAllocations rows
(web-socket-api.md, faqs/sor_faq.md). As in the other codecs, anything malformed raises ValueError naming the
field and the message type.
"""

from __future__ import annotations

from typing import Any

from tui.domain.money import ZERO
from tui.domain.spot.account import CommissionRates, OrderCommissionRates
from tui.domain.spot.orders import OrderRequest, OrderType
from tui.domain.spot.sor import Allocation, SorConfig, SorFill, SorOrderResult
from tui.exchange.spot.codec.orders import ack_order_id, order_commission_rates, order_from_wire, order_params
from tui.exchange.wire_readers import bool_field, decimal_field, expect_list, expect_object, field, int_field, str_field

SOR_ORDER_TYPES = (OrderType.LIMIT, OrderType.MARKET)


# --- exchange info -------------------------------------------------------------------------------


def sors_from_exchange_info(exchange_info: Any) -> tuple[SorConfig, ...]:
    """exchangeInfo `sors`: the SOR configurations (none when the field is absent: SOR unavailable)."""
    what = "exchangeInfo sors"
    info = expect_object(exchange_info, "exchangeInfo")
    configs: list[SorConfig] = []
    for raw in expect_list(field(info, "sors", what, []), what):
        entry = expect_object(raw, what)
        symbols = expect_list(field(entry, "symbols", what), what)
        if not all(isinstance(s, str) and s for s in symbols):
            raise ValueError(f"{what}: bad value for 'symbols': {symbols!r}")
        configs.append(SorConfig(base_asset=str_field(entry, "baseAsset", what), symbols=tuple(symbols)))
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
    return order_params(req)


# --- replies ---------------------------------------------------------------------------------------


def sor_fill_from_wire(d: Any) -> SorFill:
    what = "SOR fill"
    f = expect_object(d, what)
    alloc_id = int_field(f, "allocId", what, None)
    match_type = str_field(f, "matchType", what, None)
    if (alloc_id is None) != (match_type is None):
        raise ValueError(f"{what}: 'matchType' and 'allocId' come together")
    return SorFill(
        price=decimal_field(f, "price", what),
        qty=decimal_field(f, "qty", what),
        commission=decimal_field(f, "commission", what, ZERO),
        commission_asset=str_field(f, "commissionAsset", what, ""),
        trade_id=int_field(f, "tradeId", what),
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
    o = expect_object(result, what)
    return SorOrderResult(
        order=order_from_wire(o),
        fills=tuple(sor_fill_from_wire(f) for f in expect_list(field(o, "fills", what, []), f"{what} fills")),
        working_floor=str_field(o, "workingFloor", what, None),
        used_sor=bool_field(o, "usedSor", what, True),
    )


def sor_ack_order_id(result: Any) -> int | None:
    """The orderId of a sor.order.place reply in the ACK shape (ids and transactTime only), else None."""
    if isinstance(result, list) and len(result) == 1:
        result = result[0]
    return ack_order_id(result)


def _rates(d: Any, what: str) -> CommissionRates:
    r = expect_object(d, what)
    return CommissionRates(maker=decimal_field(r, "maker", what), taker=decimal_field(r, "taker", what))


def sor_commission_rates(d: Any) -> OrderCommissionRates:
    """sor.order.test with computeCommissionRates: standard and tax rates and the discount (the reply has
    no special rates; they come back as zero)."""
    return order_commission_rates(d, "sor.order.test commission rates")


def allocation_from_wire(d: Any) -> Allocation:
    """One row of myAllocations."""
    what = "myAllocations"
    a = expect_object(d, what)
    return Allocation(
        symbol=str_field(a, "symbol", what),
        allocation_id=int_field(a, "allocationId", what),
        allocation_type=str_field(a, "allocationType", what, "SOR"),
        order_id=int_field(a, "orderId", what),
        order_list_id=int_field(a, "orderListId", what, -1),
        price=decimal_field(a, "price", what),
        qty=decimal_field(a, "qty", what),
        quote_qty=decimal_field(a, "quoteQty", what),
        commission=decimal_field(a, "commission", what),
        commission_asset=str_field(a, "commissionAsset", what),
        time=int_field(a, "time", what),
        is_buyer=bool_field(a, "isBuyer", what),
        is_maker=bool_field(a, "isMaker", what, False),
        is_allocator=bool_field(a, "isAllocator", what, False),
    )


def allocations_from_wire(rows: Any) -> list[Allocation]:
    return [allocation_from_wire(r) for r in expect_list(rows, "myAllocations")]
