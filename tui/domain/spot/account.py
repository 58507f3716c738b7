"""Our account as immutable values: balances, commission rates (account, per order, per trade),
our own fills (myTrades) and the unfilled-order counts of the ORDERS rate limits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.domain.spot.orders import Side


@dataclass(frozen=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class CommissionRates:
    maker: Decimal
    taker: Decimal


@dataclass(frozen=True)
class OrderCommissionRates:
    """What order.test with computeCommissionRates says an order would pay."""

    standard: CommissionRates
    special: CommissionRates
    tax: CommissionRates
    discount_enabled_for_account: bool
    discount_enabled_for_symbol: bool
    discount_asset: str
    discount: Decimal


@dataclass(frozen=True)
class AccountTrade:
    """One of our own fills, as myTrades reports it (with the commission it cost)."""

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
    order_list_id: int = -1

    @property
    def side(self) -> Side:
        return Side.BUY if self.is_buyer else Side.SELL


@dataclass(frozen=True)
class TradeCommissionRates:
    """Commission rates by role (maker/taker) and by side (buyer/seller); a trade pays the sum that applies."""

    maker: Decimal
    taker: Decimal
    buyer: Decimal
    seller: Decimal


@dataclass(frozen=True)
class AccountCommission:
    """account.commission: what the account pays on one symbol."""

    symbol: str
    standard: TradeCommissionRates
    special: TradeCommissionRates
    tax: TradeCommissionRates
    discount_enabled_for_account: bool
    discount_enabled_for_symbol: bool
    discount_asset: str
    discount: Decimal  # standard commission is reduced by this rate when paid in `discount_asset`


_INTERVAL_LETTER = {"SECOND": "s", "MINUTE": "m", "HOUR": "h", "DAY": "d"}


@dataclass(frozen=True)
class UnfilledOrderCount:
    """account.rateLimits.orders: orders placed in the current window of one ORDERS limit."""

    interval: str  # SECOND, MINUTE, HOUR, DAY
    interval_num: int
    limit: int
    count: int

    @property
    def window(self) -> str:
        """`10s`, `1d`: the window as a person reads it."""
        return f"{self.interval_num}{_INTERVAL_LETTER.get(self.interval, self.interval.lower())}"

    @property
    def fraction(self) -> float:
        return self.count / self.limit if self.limit > 0 else 0.0
