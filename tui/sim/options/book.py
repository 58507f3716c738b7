"""Options orders and a price-time priority book of resting LIMIT orders (one per series)."""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

ZERO = Decimal(0)
BUY, SELL = "BUY", "SELL"
ACCEPTED, PARTIALLY_FILLED, FILLED, CANCELLED, REJECTED = (
    "ACCEPTED",
    "PARTIALLY_FILLED",
    "FILLED",
    "CANCELLED",
    "REJECTED",
)
OPEN_STATUSES = frozenset({ACCEPTED, PARTIALLY_FILLED})
# ORDER_TRADE_UPDATE `s`: the seed shows a number; ours follows this order of the statuses.
STATUS_CODES = {ACCEPTED: 0, PARTIALLY_FILLED: 1, FILLED: 2, CANCELLED: 3, REJECTED: 4}


@dataclass
class Order:
    """An options order; mutable while open. `opening_qty` is the part that adds exposure (margined)."""

    id: int
    account: str
    symbol: str
    side: str
    type: str
    price: Decimal | None
    quantity: Decimal
    time_in_force: str
    reduce_only: bool
    client_order_id: str
    create_ms: int
    margin_per_unit: Decimal = ZERO
    opening_qty: Decimal = ZERO
    executed_qty: Decimal = ZERO
    executed_quote: Decimal = ZERO
    fee: Decimal = ZERO
    status: str = ACCEPTED
    update_ms: int = 0
    source: str = "API"

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def avg_price(self) -> Decimal:
        return self.executed_quote / self.executed_qty if self.executed_qty else ZERO

    @property
    def order_margin(self) -> Decimal:
        return self.margin_per_unit * min(self.remaining, self.opening_qty) if self.is_open else ZERO

    def snapshot(self) -> Order:
        return replace(self)


class Book:
    """Resting orders by price level; bids best-first is highest, asks lowest; FIFO within a level."""

    def __init__(self) -> None:
        self._levels: dict[str, dict[Decimal, deque[Order]]] = {BUY: {}, SELL: {}}
        self._prices: dict[str, list[Decimal]] = {BUY: [], SELL: []}  # ascending

    def add(self, order: Order) -> None:
        assert order.price is not None
        levels, prices = self._levels[order.side], self._prices[order.side]
        if order.price not in levels:
            levels[order.price] = deque()
            bisect.insort(prices, order.price)
        levels[order.price].append(order)

    def remove(self, order: Order) -> None:
        assert order.price is not None
        levels = self._levels[order.side]
        queue = levels.get(order.price)
        if queue is None:
            return
        try:
            queue.remove(order)
        except ValueError:
            return
        if not queue:
            del levels[order.price]
            prices = self._prices[order.side]
            prices.pop(bisect.bisect_left(prices, order.price))

    def best_prices(self, side: str) -> Iterator[Decimal]:
        """Prices of `side` from best to worst."""
        prices = self._prices[side]
        return iter(list(reversed(prices)) if side == BUY else list(prices))

    def orders_at(self, side: str, price: Decimal) -> deque[Order]:
        return self._levels[side].get(price, deque())

    def best(self, side: str) -> tuple[Decimal, Decimal] | None:
        prices = self._prices[side]
        if not prices:
            return None
        price = prices[-1] if side == BUY else prices[0]
        return price, sum((o.remaining for o in self._levels[side][price]), ZERO)

    def depth(self, side: str, limit: int) -> list[tuple[Decimal, Decimal]]:
        out: list[tuple[Decimal, Decimal]] = []
        for price in self.best_prices(side):
            if len(out) >= limit:
                break
            out.append((price, sum((o.remaining for o in self._levels[side][price]), ZERO)))
        return out

    def orders(self) -> Iterator[Order]:
        for side in (BUY, SELL):
            for queue in self._levels[side].values():
                yield from list(queue)
