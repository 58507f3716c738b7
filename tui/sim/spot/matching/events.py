"""Immutable values that cross the engine's boundary: the symbol specs it is built from, the order and
trade snapshots its queries return, and the events it delivers to listeners.

The engine keeps its own mutable state (`orders.Order`, `accounts.Account`); everything here is frozen
so listeners and callers can hold on to it safely.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tui.sim.spot.filters import SymbolRules

DEFAULT_MAX_NUM_ORDER_LISTS = 20
DEFAULT_MAX_NUM_ORDER_AMENDS = 10


@dataclass(frozen=True)
class SymbolSpec:
    """One tradable symbol of the simulator."""

    rules: SymbolRules
    max_num_order_lists: int = (
        DEFAULT_MAX_NUM_ORDER_LISTS  # MAX_NUM_ORDER_LISTS: open order lists per account and symbol
    )
    max_num_order_amends: int = DEFAULT_MAX_NUM_ORDER_AMENDS  # MAX_NUM_ORDER_AMENDS: amendments of one order

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
    order_list_id: int = -1  # the order list it is a leg of; -1 if none
    # Pegged orders (pegged_orders.md): `price` above is then the price as sent (0 if none).
    peg_price_type: str = ""  # PRIMARY_PEG / MARKET_PEG; "" if not pegged
    peg_offset_value: int | None = None  # PRICE_LEVEL offset, if one was requested
    pegged_price: Decimal | None = None  # the price the order works at, once determined


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


@dataclass(frozen=True)
class OrderListSnapshot:
    """An order list (OCO, OTO, OTOCO, OPO, OPOCO) and its legs as they stand."""

    account_id: str
    order_list_id: int
    kind: str  # OCO, OTO, OTOCO, OPO, OPOCO
    contingency_type: str  # OCO or OTO (OTOCO, OPO and OPOCO report OTO)
    list_status_type: str  # RESPONSE, EXEC_STARTED, UPDATED, ALL_DONE
    list_order_status: str  # EXECUTING, ALL_DONE, REJECT
    list_client_order_id: str
    transaction_time: int
    symbol: str
    orders: tuple[OrderSnapshot, ...]
    reject_reason: str = "NONE"


@dataclass(frozen=True)
class PlaceListResult:
    order_list: OrderListSnapshot
    fills: Mapping[int, tuple[Fill, ...]]  # order id -> its fills while the list was placed


@dataclass(frozen=True)
class ListStatusChanged:
    """A `listStatus` user event: the list was placed, changed, rejected something, or finished."""

    account_id: str
    order_list: OrderListSnapshot
    time: int


@dataclass(frozen=True)
class Amendment:
    """One order.amend.keepPriority, as order.amendments reports it."""

    symbol: str
    order_id: int
    execution_id: int
    orig_client_order_id: str
    new_client_order_id: str
    orig_qty: Decimal
    new_qty: Decimal
    time: int


@dataclass(frozen=True)
class AmendResult:
    order: OrderSnapshot  # client id: the new one; orig_client_order_id: the one before
    execution_id: int
    transact_time: int
    order_list: OrderListSnapshot | None


EngineEvent = BookLevelChanged | TradeExecuted | OrderUpdated | BalancesChanged | ListStatusChanged
Listener = Callable[[EngineEvent], None]
