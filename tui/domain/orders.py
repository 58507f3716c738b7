"""Orders, balances, trades, klines and tickers as immutable values."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .money import ZERO


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"
    MARKET = "MARKET"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED", "PENDING_NEW"})


def new_client_order_id() -> str:
    """A fresh newClientOrderId (Binance allows ^[.A-Z:/a-z0-9_-]{1,36}$).

    Every order gets one before it is sent, so an order whose response was lost can still be
    found with order.status(origClientOrderId) instead of being guessed at or sent twice.
    """
    return "tui-" + secrets.token_hex(12)


@dataclass(frozen=True)
class OrderRequest:
    """What a person asked to send; validated by the form, signed and sent by the session."""

    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None
    price: Decimal | None = None
    time_in_force: TimeInForce | None = None
    client_order_id: str | None = None


@dataclass(frozen=True)
class Order:
    """An order as the exchange last reported it."""

    symbol: str
    order_id: int
    client_order_id: str
    side: str
    type: str
    status: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote_qty: Decimal
    time_in_force: str
    time: int
    update_time: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def avg_price(self) -> Decimal:
        return self.cum_quote_qty / self.executed_qty if self.executed_qty else ZERO


@dataclass(frozen=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class Trade:
    """One public trade print."""

    trade_id: int
    price: Decimal
    qty: Decimal
    time: int
    buyer_is_maker: bool

    @property
    def aggressor(self) -> Side:
        """The side that took liquidity: a buyer-maker print was a sell hitting the bid."""
        return Side.SELL if self.buyer_is_maker else Side.BUY


@dataclass(frozen=True)
class Kline:
    open_time: int
    close_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    closed: bool = True


@dataclass(frozen=True)
class Ticker24h:
    symbol: str
    last_price: Decimal
    price_change: Decimal
    price_change_percent: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal
    quote_volume: Decimal


@dataclass(frozen=True)
class CommissionRates:
    maker: Decimal
    taker: Decimal


def estimate_fee(notional: Decimal, rate: Decimal) -> Decimal:
    """Commission in quote terms for a fill of `notional` at `rate` (e.g. 0.001 = 0.1 %)."""
    return notional * rate
