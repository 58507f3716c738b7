"""Immutable values the Session hands to the UI: account snapshots and user-data events."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.domain.spot.account import Balance, CommissionRates
from tui.domain.spot.orders import Order, OrderList


@dataclass(frozen=True)
class AccountSnapshot:
    """`account.status`: balances, commission rates and whether the account may trade."""

    balances: tuple[Balance, ...]
    commission: CommissionRates
    can_trade: bool


@dataclass(frozen=True)
class OrderUpdate:
    """One `executionReport`: the order as it now stands plus what this execution did."""

    order: Order
    execution_type: str  # NEW, TRADE, CANCELED, REJECTED, EXPIRED, ...
    last_qty: Decimal
    last_price: Decimal
    commission: Decimal
    commission_asset: str | None
    reject_reason: str = "NONE"


@dataclass(frozen=True)
class BalancesUpdate:
    """`outboundAccountPosition`: absolute free/locked of the assets that (may have) changed."""

    balances: tuple[Balance, ...]


@dataclass(frozen=True)
class BalanceDelta:
    """`balanceUpdate`: a deposit, withdrawal or transfer changed `asset` by `delta`."""

    asset: str
    delta: Decimal


@dataclass(frozen=True)
class SessionReconnected:
    """The WS API connection dropped and is back (logged on, user data re-subscribed).

    Events may have been missed meanwhile: refetch open orders and balances.
    """


@dataclass(frozen=True)
class OrderListUpdate:
    """`listStatus`: an order list was placed, changed, rejected a leg or finished."""

    order_list: OrderList


UserEvent = OrderUpdate | OrderListUpdate | BalancesUpdate | BalanceDelta | SessionReconnected
