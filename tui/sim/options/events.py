"""What the options engine tells its listeners, in call order: `OrderEvent` for every order change
(accepted, each fill, cancel), `TradeEvent` for every public trade, `AccountEvent` once per touched
account at the end of the call."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.sim.options.book import Order


@dataclass(frozen=True)
class Trade:
    id: int
    symbol: str
    price: Decimal
    qty: Decimal
    time: int
    side: int  # taker side: 1 buy, -1 sell
    buy_order: int
    sell_order: int


@dataclass(frozen=True)
class OrderEvent:
    order: Order  # a snapshot
    time: int
    trade_time: int = 0


@dataclass(frozen=True)
class TradeEvent:
    trade: Trade


@dataclass(frozen=True)
class AccountEvent:
    account: str
    symbols: tuple[str, ...]  # series whose position changed
    time: int


Event = OrderEvent | TradeEvent | AccountEvent
