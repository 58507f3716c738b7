"""One account's money and history: free and locked balances, funds checks, locking for resting
orders, settling fills with commissions, and the orders and trades its queries report.

Accounts whose id starts with "mm" or "taker" (the synthetic market) keep no closed orders or trades,
so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal

from tui.domain.money import ZERO
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.book import BookSide
from tui.sim.spot.matching.errors import INSUFFICIENT, SimError, rejected
from tui.sim.spot.matching.events import AccountTrade, Amendment, PreventedMatch
from tui.sim.spot.matching.orders import BUY, Order

EPHEMERAL_PREFIXES = ("mm", "taker")
Balances = dict[str, tuple[Decimal, Decimal]]  # asset -> (free, locked)


@dataclass
class Account:
    maker: Decimal  # commission rates
    taker: Decimal
    keep_history: bool
    free: dict[str, Decimal] = field(default_factory=dict)
    locked: dict[str, Decimal] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)  # all kept orders (open ones at least)
    open_ids: dict[str, int] = field(default_factory=dict)  # client order id -> order id, open orders
    last_client_ids: dict[tuple[str, str], int] = field(default_factory=dict)  # (symbol, cid) -> latest
    trades: list[AccountTrade] = field(default_factory=list)
    prevented: list[PreventedMatch] = field(default_factory=list)  # myPreventedMatches
    amendments: list[Amendment] = field(default_factory=list)  # order.amendments
    account_id: str = ""

    @classmethod
    def open(cls, account_id: str, maker: Decimal, taker: Decimal) -> Account:
        return cls(maker, taker, not account_id.startswith(EPHEMERAL_PREFIXES), account_id=account_id)

    # -- balances --------------------------------------------------------------------------------

    def set_free(self, balances: Mapping[str, Decimal]) -> None:
        for asset, amount in balances.items():
            self.free[asset] = Decimal(amount)
            self.locked.setdefault(asset, ZERO)

    def balances(self, assets: Iterable[str] | None = None) -> Balances:
        """(free, locked) of the given assets (default: all the account has seen), sorted by asset."""
        names = sorted(set(self.free) | set(self.locked) if assets is None else assets)
        return {a: (self.free.get(a, ZERO), self.locked.get(a, ZERO)) for a in names}

    def credit(self, asset: str, delta: Decimal) -> None:
        """Deposit (delta > 0) or withdraw (delta < 0) free balance."""
        new = self.free.get(asset, ZERO) + delta
        if new < 0:
            raise rejected(INSUFFICIENT)
        self.free[asset] = new
        self.locked.setdefault(asset, ZERO)

    def check_funds(
        self,
        rules: SymbolRules,
        opposite: BookSide,
        buy: bool,
        type: str,
        quantity: Decimal,
        quote_order_qty: Decimal | None,
        price: Decimal | None,
    ) -> None:
        """Reject an order the free balance cannot pay for (a MARKET buy is priced against the book)."""
        if buy:
            if type in ("STOP_LOSS", "TAKE_PROFIT"):
                need = ZERO  # priced, and checked, only when it triggers
            elif type != "MARKET":
                assert price is not None  # LIMIT-like orders always carry one
                need = price * quantity
            elif quote_order_qty is not None:
                need = quote_order_qty
            else:
                need = opposite.cost(quantity)[1]
            have = self.free.get(rules.quote_asset, ZERO)
        else:
            need, have = quantity, self.free.get(rules.base_asset, ZERO)
        if need > have:
            raise rejected(INSUFFICIENT)

    def lock_need(self, order: Order, rules: SymbolRules) -> tuple[str, Decimal]:
        """(asset, amount) a locking order reserves for what it has left."""
        if order.side == BUY:
            return rules.quote_asset, order.price * order.remaining
        return rules.base_asset, order.remaining

    def can_lock(self, order: Order, rules: SymbolRules) -> bool:
        asset, amount = self.lock_need(order, rules)
        return amount <= self.free.get(asset, ZERO)

    def move_to_locked(self, asset: str, amount: Decimal) -> None:
        """Hold `amount` of free `asset` aside (negative: give it back)."""
        self.free[asset] = self.free.get(asset, ZERO) - amount
        self.locked[asset] = self.locked.get(asset, ZERO) + amount

    def lock_for(self, order: Order, rules: SymbolRules) -> str:
        """Move what a resting-capable order may spend from free to locked; return the asset."""
        asset, amount = self.lock_need(order, rules)
        self.free[asset] -= amount
        self.locked[asset] = self.locked.get(asset, ZERO) + amount
        order.locked = amount
        return asset

    def release(self, order: Order, rules: SymbolRules, qty: Decimal) -> str | None:
        """Unlock what `qty` of a locking order reserved (quantity that will now never execute); the asset
        whose balance changed, None if none."""
        if not order.locks or qty <= 0:
            return None
        amount = order.price * qty if order.side == BUY else qty
        amount = min(amount, order.locked)
        asset = rules.quote_asset if order.side == BUY else rules.base_asset
        self.locked[asset] -= amount
        self.free[asset] += amount
        order.locked -= amount
        return asset

    def settle(
        self, order: Order, rules: SymbolRules, qty: Decimal, quote: Decimal, is_maker: bool
    ) -> tuple[Decimal, str]:
        """Move the money of one fill of `order`; return (commission, commission asset).

        The commission is taken from what the order receives, rounded up to the asset's precision.
        """
        base_a, quote_a = rules.base_asset, rules.quote_asset
        rate = self.maker if is_maker else self.taker
        if order.side == BUY:
            if order.locks:
                reserved = order.price * qty
                self.locked[quote_a] -= reserved
                order.locked -= reserved
                self.free[quote_a] += reserved - quote
            else:
                self.free[quote_a] -= quote
            commission = (qty * rate).quantize(Decimal(1).scaleb(-rules.base_asset_precision), ROUND_UP)
            self.free[base_a] = self.free.get(base_a, ZERO) + qty - commission
            self.locked.setdefault(base_a, ZERO)
            return commission, base_a
        if order.locks:
            self.locked[base_a] -= qty
            order.locked -= qty
        else:
            self.free[base_a] -= qty
        commission = (quote * rate).quantize(Decimal(1).scaleb(-rules.quote_asset_precision), ROUND_UP)
        self.free[quote_a] = self.free.get(quote_a, ZERO) + quote - commission
        self.locked.setdefault(quote_a, ZERO)
        return commission, quote_a

    # -- orders ----------------------------------------------------------------------------------

    def track(self, order: Order) -> None:
        """Remember a new open order under its id and client order id."""
        self.orders[order.order_id] = order
        self.open_ids[order.client_order_id] = order.order_id
        self.last_client_ids[(order.symbol, order.client_order_id)] = order.order_id

    def rename(self, order: Order, new_client_order_id: str) -> None:
        """Give an open order a new client order id (amend); the old one is free again."""
        self.open_ids.pop(order.client_order_id, None)
        order.client_order_id = new_client_order_id
        self.open_ids[new_client_order_id] = order.order_id
        self.last_client_ids[(order.symbol, new_client_order_id)] = order.order_id

    def unlock(self, order: Order, rules: SymbolRules) -> str | None:
        """Give back everything the order still locks; the asset whose balance changed, None if none."""
        if not order.locked:
            return None
        asset = rules.quote_asset if order.side == BUY else rules.base_asset
        self.locked[asset] -= order.locked
        self.free[asset] += order.locked
        order.locked = ZERO
        return asset

    def close(self, order: Order, rules: SymbolRules) -> str | None:
        """The order is done: `unlock` it (returning the same) and forget it if the account keeps no history."""
        asset = self.unlock(order, rules)
        self.open_ids.pop(order.client_order_id, None)
        if not self.keep_history:
            self.orders.pop(order.order_id, None)
            self.last_client_ids.pop((order.symbol, order.client_order_id), None)
        return asset

    def find(self, symbol: str, order_id: int | None, client_id: str | None) -> Order | None:
        """The order with `order_id`, else the latest with client id `client_id`, if it is of `symbol`."""
        if order_id is not None:
            order = self.orders.get(order_id)
        elif client_id is not None:
            oid = self.last_client_ids.get((symbol, client_id))
            order = self.orders.get(oid) if oid is not None else None
        else:
            raise SimError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!")
        if order is None or order.symbol != symbol:
            return None
        if client_id is not None and order.client_order_id != client_id:
            return None
        return order

    def count_open(self, symbol: str, types: tuple[str, ...]) -> int:
        """Open orders of `symbol` whose type is one of `types` (for MAX_NUM_ALGO_ORDERS)."""
        return sum(1 for o in self.open_orders(symbol) if o.type in types)

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        """Open orders (of `symbol`, or all), by order id."""
        picked = (self.orders[oid] for oid in sorted(self.open_ids.values()))
        return [o for o in picked if symbol is None or o.symbol == symbol]

    def order_history(
        self, symbol: str, order_id: int | None, start_time: int | None, end_time: int | None, limit: int
    ) -> list[Order]:
        """Orders of one symbol, oldest first: from `order_id` on, else the most recent `limit`."""
        picked = [
            o
            for o in self.orders.values()
            if o.symbol == symbol
            and (order_id is None or o.order_id >= order_id)
            and (start_time is None or o.time >= start_time)
            and (end_time is None or o.time <= end_time)
        ]
        picked.sort(key=lambda o: o.order_id)
        return picked[:limit] if order_id is not None or start_time is not None else picked[-limit:]

    def trade_history(
        self,
        symbol: str,
        order_id: int | None,
        start_time: int | None,
        end_time: int | None,
        from_id: int | None,
        limit: int,
    ) -> list[AccountTrade]:
        """Trades of one symbol, oldest first: from `from_id` on, else the most recent `limit`."""
        picked = [
            t
            for t in self.trades
            if t.symbol == symbol
            and (order_id is None or t.order_id == order_id)
            and (from_id is None or t.id >= from_id)
            and (start_time is None or t.time >= start_time)
            and (end_time is None or t.time <= end_time)
        ]
        return picked[:limit] if from_id is not None or start_time is not None else picked[-limit:]
