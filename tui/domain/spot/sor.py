"""Smart Order Routing (faqs/sor_faq.md) as immutable values: the SOR configurations exchangeInfo
publishes, the reply to an order placed with SOR, and the allocations that filled it.

An order placed with SOR is for one symbol, but takes the best prices across every book of its SOR
configuration (same base asset, interchangeable quote assets); the account always pays or receives
the quote asset of the order's own symbol. Fills taken that way are allocations, not trades.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tui.domain.money import ZERO
from tui.domain.spot.orders import Order, Side

ONE_PARTY_TRADE_REPORT = "ONE_PARTY_TRADE_REPORT"


@dataclass(frozen=True)
class SorConfig:
    """One entry of exchangeInfo `sors`: a base asset and the symbols SOR may route across."""

    base_asset: str
    symbols: tuple[str, ...]


def sor_config_for(configs: Iterable[SorConfig], symbol: str) -> SorConfig | None:
    """The SOR configuration `symbol` belongs to; None if orders on it cannot use SOR."""
    return next((c for c in configs if symbol in c.symbols), None)


def sor_symbols(configs: Iterable[SorConfig]) -> frozenset[str]:
    """Every symbol an order can be placed on with SOR."""
    return frozenset(s for c in configs for s in c.symbols)


@dataclass(frozen=True)
class SorFill:
    """One fill of a SOR order: an allocation (`match_type` ONE_PARTY_TRADE_REPORT, `trade_id` -1,
    `alloc_id`), or a trade on the order's own book (`trade_id` >= 0)."""

    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str
    trade_id: int
    match_type: str | None = None
    alloc_id: int | None = None

    @property
    def is_allocation(self) -> bool:
        return self.alloc_id is not None

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty


@dataclass(frozen=True)
class SorOrderResult:
    """What sor.order.place answered: the order, its fills, and where it last worked.

    `working_floor` is SOR while the router filled or expired it, EXCHANGE once it works on its own
    book; None (with no fills) when the reply was an ACK."""

    order: Order
    fills: tuple[SorFill, ...] = ()
    working_floor: str | None = None
    used_sor: bool = True

    @property
    def allocations(self) -> tuple[SorFill, ...]:
        return tuple(f for f in self.fills if f.is_allocation)

    @property
    def avg_price(self) -> Decimal:
        return self.order.avg_price


@dataclass(frozen=True)
class Allocation:
    """One allocation, as myAllocations reports it: a transfer from the exchange that filled part of
    a SOR order, in the order symbol's assets."""

    symbol: str
    allocation_id: int
    allocation_type: str
    order_id: int
    order_list_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool
    is_allocator: bool

    @property
    def side(self) -> Side:
        return Side.BUY if self.is_buyer else Side.SELL


def total_quote(fills: Iterable[SorFill]) -> Decimal:
    """What the fills cost (or brought in), in the order symbol's quote asset."""
    return sum((f.quote_qty for f in fills), ZERO)
