"""Immutable values that cross the engine's boundary: the symbol specs it is built from, the order and
trade snapshots its queries return, and the events it delivers to listeners.

The engine keeps its own mutable state (`orders.Order`, `accounts.Account`); everything here is frozen
so listeners and callers can hold on to it safely.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tui.domain.filters import SymbolRules


@dataclass(frozen=True)
class SymbolSpec:
    """One tradable symbol of the simulator."""

    rules: SymbolRules

    @property
    def symbol(self) -> str:
        return self.rules.symbol


@dataclass(frozen=True)
class Fill:
    """One fill from the point of view of one order (taker or maker)."""

    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    trade_id: int
    is_maker: bool
    time: int


@dataclass(frozen=True)
class OrderSnapshot:
    """Immutable view of an order; the engine keeps its own mutable state."""

    account_id: str
    symbol: str
    order_id: int
    client_order_id: str
    side: str
    type: str
    time_in_force: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote_qty: Decimal
    orig_quote_order_qty: Decimal
    status: str
    time: int
    update_time: int
    working_time: int
    is_working: bool
    orig_client_order_id: str = ""
    stop_price: Decimal = Decimal(0)  # 0: none
    iceberg_qty: Decimal = Decimal(0)  # 0: not an iceberg
    trailing_delta: int = 0  # BIPS; 0: not a trailing order
    trailing_time: int = -1  # when a trailing order started tracking; -1 not yet
    stp_mode: str = "NONE"
    strategy_id: int | None = None
    strategy_type: int | None = None
    prevented_qty: Decimal = Decimal(0)
    prevented_match_id: int | None = None  # the latest prevented match this order took part in
    expiry_reason: str = ""  # set once EXPIRED: UNFILLED_IOC_QUANTITY_EXPIRED, INSUFFICIENT_LIQUIDITY, REJECTED...
    book_qty: Decimal = Decimal(0)  # what it shows on the book now (an iceberg's visible part); 0 if off-book


@dataclass(frozen=True)
class PreventedMatch:
    """A match self-trade prevention stopped (stp_faq.md): who, where, and what each side lost."""

    match_id: int  # per symbol, from 0
    symbol: str
    mode: str  # the taker's STP mode, which decides
    taker_order_id: int
    maker_order_id: int
    price: Decimal
    qty: Decimal  # what would have traded
    taker_prevented: Decimal  # expired from the taker by this match (0: untouched)
    maker_prevented: Decimal
    time: int


@dataclass(frozen=True)
class PlaceResult:
    order: OrderSnapshot
    fills: tuple[Fill, ...]
    prevented: tuple[PreventedMatch, ...] = ()


@dataclass(frozen=True)
class AccountTrade:
    """One fill as `myTrades` reports it."""

    symbol: str
    id: int
    order_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool


@dataclass(frozen=True)
class BookLevelChanged:
    symbol: str
    update_id: int
    side: str  # "BID" / "ASK"
    price: Decimal
    qty: Decimal  # new total at that price; 0 = level gone
    time: int


@dataclass(frozen=True)
class TradeExecuted:
    symbol: str
    trade_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    time: int
    buyer_order_id: int
    seller_order_id: int
    buyer_is_maker: bool


@dataclass(frozen=True)
class OrderUpdated:
    account_id: str
    order: OrderSnapshot
    execution_type: str
    last_fill: Fill | None
    execution_id: int
    time: int
    prevented: PreventedMatch | None = None  # for execution type TRADE_PREVENTION


@dataclass(frozen=True)
class BalancesChanged:
    account_id: str
    balances: Mapping[str, tuple[Decimal, Decimal]]  # asset -> (free, locked), changed assets only
    time: int


EngineEvent = BookLevelChanged | TradeExecuted | OrderUpdated | BalancesChanged
Listener = Callable[[EngineEvent], None]
