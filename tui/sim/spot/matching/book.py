"""One symbol's order book: price-time priority queues per side, with aggregated level totals.

The book only holds resting orders and answers questions about liquidity; matching, balances and
events are the engine's business.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable
from decimal import Decimal

from tui.domain.money import ZERO, floor_to_step
from tui.sim.spot.matching.orders import Order

Level = tuple[Decimal, Decimal]  # (price, total quantity)


class BookSide:
    """One side of a book: FIFO queues per price plus aggregated totals."""

    __slots__ = ("levels", "name", "prices", "totals")

    def __init__(self, name: str) -> None:
        self.name = name  # "BID" / "ASK"
        self.prices: list[Decimal] = []  # ascending
        self.levels: dict[Decimal, deque[Order]] = {}
        self.totals: dict[Decimal, Decimal] = {}

    def best(self) -> Decimal | None:
        if not self.prices:
            return None
        return self.prices[-1] if self.name == "BID" else self.prices[0]

    def walk(self) -> Iterable[Decimal]:
        """Prices from best to worst."""
        return reversed(self.prices) if self.name == "BID" else iter(self.prices)

    def top(self, limit: int) -> list[Level]:
        """The best `limit` levels, best first."""
        prices = self.prices[::-1][:limit] if self.name == "BID" else self.prices[:limit]
        return [(p, self.totals[p]) for p in prices]

    def add(self, order: Order) -> Decimal:
        """Queue `order` (its visible `display` quantity) at its price; return the level's new total."""
        price = order.price
        if price not in self.levels:
            bisect.insort(self.prices, price)
            self.levels[price] = deque()
            self.totals[price] = ZERO
        self.levels[price].append(order)
        self.totals[price] += order.display
        return self.totals[price]

    def reduce(self, price: Decimal, qty: Decimal) -> Decimal:
        """Take `qty` off the level's total (dropping the level once empty); return the new total."""
        total = self.totals[price] - qty
        if total == 0 and not self.levels[price]:
            del self.totals[price], self.levels[price]
            self.prices.pop(bisect.bisect_left(self.prices, price))
        else:
            self.totals[price] = total
        return total

    def available(self, limit: Decimal | None) -> Decimal:
        """Quantity a taker could take without going past `limit` (None: the whole side)."""
        total = ZERO
        for p in self.walk():
            if limit is not None and (p > limit if self.name == "ASK" else p < limit):
                break
            total += self.totals[p]
        return total

    def cost(self, qty: Decimal) -> tuple[Decimal, Decimal]:
        """(quantity fillable, quote value) of taking `qty` from this side."""
        left, value = qty, ZERO
        for p in self.walk():
            q = min(left, self.totals[p])
            value += q * p
            left -= q
            if left <= 0:
                break
        return qty - left, value

    def plan_quote(self, quote: Decimal, step: Decimal) -> tuple[Decimal, bool]:
        """Quantity a quoteOrderQty MARKET order will fill, and whether the side ran out first."""
        qty = ZERO
        left = quote
        for p in self.walk():
            affordable = floor_to_step(left / p, step)
            if affordable < self.totals[p]:
                return qty + affordable, False
            qty += self.totals[p]
            left -= self.totals[p] * p
        return qty, left > 0


class Book:
    """Both sides of one symbol's book, its depth update id and last trade price, plus the conditional
    orders waiting off-book for a trigger and the trade prices they have yet to see."""

    __slots__ = ("asks", "bids", "last_price", "next_prevented_id", "stops", "trade_prices", "update_id")

    def __init__(self) -> None:
        self.bids = BookSide("BID")
        self.asks = BookSide("ASK")
        self.update_id = 0
        self.last_price: Decimal | None = None
        self.stops: list[Order] = []  # pending conditional orders, oldest first
        self.trade_prices: list[Decimal] = []  # trades since the stops last looked (only kept if any wait)
        self.next_prevented_id = 0  # preventedMatchId, per symbol

    def side(self, order_side: str) -> BookSide:
        """The side an order of `order_side` ("BUY" / "SELL") rests on."""
        return self.bids if order_side == "BUY" else self.asks

    def opposite(self, order_side: str) -> BookSide:
        """The side an order of `order_side` ("BUY" / "SELL") takes from."""
        return self.asks if order_side == "BUY" else self.bids

    def best_bid_ask(self) -> tuple[Level | None, Level | None]:
        bid, ask = self.bids.best(), self.asks.best()
        return (
            (bid, self.bids.totals[bid]) if bid is not None else None,
            (ask, self.asks.totals[ask]) if ask is not None else None,
        )

    def reference_price(self) -> Decimal | None:
        """Last trade price, else the mid, else None: what MARKET notional checks are made against."""
        if self.last_price is not None:
            return self.last_price
        bid, ask = self.bids.best(), self.asks.best()
        if bid is not None and ask is not None:
            return (bid + ask) / 2
        return bid if bid is not None else ask
