"""The simulator's matching engine: Binance spot order semantics on an in-memory book.

One `Engine` holds every symbol's book and every account's balances, orders and trades. It is
synchronous and deterministic: each public call validates (raising `SimError` with Binance's code and
message), mutates state, then delivers the events it produced to the subscribed listeners, in order,
before returning. Listeners therefore always see a consistent engine.

Event order for one `place_order` call:
    OrderUpdated(NEW) for the new order;
    per fill: BookLevelChanged (maker's level), TradeExecuted, OrderUpdated(TRADE) maker, then taker;
    BookLevelChanged for the remainder if it rests on the book;
    OrderUpdated(EXPIRED) if an IOC/FOK/MARKET remainder expires;
    BalancesChanged for the taker's account, then for each maker account in order of first fill.
`cancel_order`: BookLevelChanged, OrderUpdated(CANCELED), BalancesChanged.

Conventions: order, trade and execution ids are per engine and strictly increasing; `update_id(symbol)`
grows by exactly one per BookLevelChanged of that symbol. Accounts whose id starts with "mm" or "taker"
(the synthetic market) keep no closed orders or trades, so memory stays bounded.
"""

from __future__ import annotations

import bisect
import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from types import MappingProxyType

from tui.domain.filters import SymbolRules, check_order
from tui.domain.money import ZERO, floor_to_step

log = logging.getLogger(__name__)

BUY, SELL = "BUY", "SELL"
_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET")
_TIFS = ("GTC", "IOC", "FOK")
_OPEN = ("NEW", "PARTIALLY_FILLED")
_EPHEMERAL_PREFIXES = ("mm", "taker")


class SimError(Exception):
    """A Binance error: code, msg, HTTP-like status."""

    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.status = status


def _mandatory(name: str) -> SimError:
    return SimError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def _not_required(name: str) -> SimError:
    return SimError(-1106, f"Parameter '{name}' sent when not required.")


def _rejected(msg: str) -> SimError:
    return SimError(-2010, msg)


INSUFFICIENT = "Account has insufficient balance for requested action."


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


@dataclass(frozen=True)
class PlaceResult:
    order: OrderSnapshot
    fills: tuple[Fill, ...]


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


@dataclass(frozen=True)
class BalancesChanged:
    account_id: str
    balances: Mapping[str, tuple[Decimal, Decimal]]  # asset -> (free, locked), changed assets only
    time: int


EngineEvent = BookLevelChanged | TradeExecuted | OrderUpdated | BalancesChanged
Listener = Callable[[EngineEvent], None]


class _Order:
    """The engine's mutable order state."""

    __slots__ = (
        "account_id",
        "client_order_id",
        "cum_quote",
        "executed_qty",
        "is_working",
        "locked",
        "order_id",
        "orig_qty",
        "orig_quote_qty",
        "price",
        "side",
        "status",
        "symbol",
        "tif",
        "time",
        "type",
        "update_time",
        "working_time",
    )

    def __init__(self, **kw: object) -> None:
        for name in self.__slots__:
            setattr(self, name, kw.get(name))

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty  # type: ignore[no-any-return]

    @property
    def locks(self) -> bool:
        return self.type != "MARKET"  # type: ignore[no-any-return]

    def snapshot(self, client_order_id: str | None = None, orig_client_order_id: str = "") -> OrderSnapshot:
        return OrderSnapshot(
            account_id=self.account_id,
            symbol=self.symbol,
            order_id=self.order_id,
            client_order_id=client_order_id if client_order_id is not None else self.client_order_id,
            side=self.side,
            type=self.type,
            time_in_force=self.tif,
            price=self.price,
            orig_qty=self.orig_qty,
            executed_qty=self.executed_qty,
            cum_quote_qty=self.cum_quote,
            orig_quote_order_qty=self.orig_quote_qty,
            status=self.status,
            time=self.time,
            update_time=self.update_time,
            working_time=self.working_time,
            is_working=self.is_working,
            orig_client_order_id=orig_client_order_id,
        )


class _Side:
    """One side of a book: FIFO queues per price plus aggregated totals."""

    __slots__ = ("levels", "name", "prices", "totals")

    def __init__(self, name: str) -> None:
        self.name = name  # "BID" / "ASK"
        self.prices: list[Decimal] = []  # ascending
        self.levels: dict[Decimal, deque[_Order]] = {}
        self.totals: dict[Decimal, Decimal] = {}

    def best(self) -> Decimal | None:
        if not self.prices:
            return None
        return self.prices[-1] if self.name == "BID" else self.prices[0]

    def walk(self) -> Iterable[Decimal]:
        """Prices from best to worst."""
        return reversed(self.prices) if self.name == "BID" else iter(self.prices)

    def add(self, order: _Order) -> Decimal:
        price = order.price
        if price not in self.levels:
            bisect.insort(self.prices, price)
            self.levels[price] = deque()
            self.totals[price] = ZERO
        self.levels[price].append(order)
        self.totals[price] += order.remaining
        return self.totals[price]

    def reduce(self, price: Decimal, qty: Decimal) -> Decimal:
        total = self.totals[price] - qty
        if total == 0 and not self.levels[price]:
            del self.totals[price], self.levels[price]
            self.prices.pop(bisect.bisect_left(self.prices, price))
        else:
            self.totals[price] = total
        return total


class _Book:
    __slots__ = ("asks", "bids", "last_price", "update_id")

    def __init__(self) -> None:
        self.bids = _Side("BID")
        self.asks = _Side("ASK")
        self.update_id = 0
        self.last_price: Decimal | None = None


@dataclass
class _Account:
    maker: Decimal
    taker: Decimal
    keep_history: bool
    free: dict[str, Decimal] = field(default_factory=dict)
    locked: dict[str, Decimal] = field(default_factory=dict)
    orders: dict[int, _Order] = field(default_factory=dict)  # all kept orders (open ones at least)
    open_ids: dict[str, int] = field(default_factory=dict)  # client order id -> order id, open orders
    last_client_ids: dict[tuple[str, str], int] = field(default_factory=dict)  # (symbol, cid) -> latest
    trades: list[AccountTrade] = field(default_factory=list)


class Engine:
    """Books, accounts and matching for a set of symbols. See the module docstring for the event order."""

    def __init__(self, specs: Iterable[SymbolSpec], clock_ms: Callable[[], int]) -> None:
        self.specs: dict[str, SymbolSpec] = {s.symbol: s for s in specs}
        self.clock_ms = clock_ms
        self._books = {name: _Book() for name in self.specs}
        self._accounts: dict[str, _Account] = {}
        self._listeners: list[Listener] = []
        self._pending: list[EngineEvent] = []
        self._next_order_id = 1
        self._next_trade_id = 1
        self._next_exec_id = 1
        self.commissions: dict[str, Decimal] = {}  # collected fees per asset (for accounting checks)

    # -- listeners -------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: EngineEvent) -> None:
        self._pending.append(event)

    def _flush(self) -> None:
        events, self._pending = self._pending, []
        for event in events:
            for listener in tuple(self._listeners):
                try:
                    listener(event)
                except Exception:  # a broken listener must not corrupt the engine or other listeners
                    log.exception("engine listener failed on %s", type(event).__name__)

    # -- accounts --------------------------------------------------------------------------------

    def open_account(
        self,
        account_id: str,
        balances: Mapping[str, Decimal],
        maker_rate: Decimal = Decimal("0.001"),
        taker_rate: Decimal = Decimal("0.001"),
    ) -> None:
        """Create an account (or, if it exists, set its rates and the free balance of the given assets)."""
        acct = self._accounts.get(account_id)
        if acct is None:
            acct = _Account(maker_rate, taker_rate, not account_id.startswith(_EPHEMERAL_PREFIXES))
            self._accounts[account_id] = acct
        acct.maker, acct.taker = maker_rate, taker_rate
        for asset, amount in balances.items():
            acct.free[asset] = Decimal(amount)
            acct.locked.setdefault(asset, ZERO)

    def has_account(self, account_id: str) -> bool:
        return account_id in self._accounts

    def _account(self, account_id: str) -> _Account:
        try:
            return self._accounts[account_id]
        except KeyError:
            raise SimError(-2015, "Invalid API-key, IP, or permissions for action.", 401) from None

    def balances(self, account_id: str) -> dict[str, tuple[Decimal, Decimal]]:
        acct = self._account(account_id)
        assets = sorted(set(acct.free) | set(acct.locked))
        return {a: (acct.free.get(a, ZERO), acct.locked.get(a, ZERO)) for a in assets}

    def commission_rates(self, account_id: str) -> tuple[Decimal, Decimal]:
        acct = self._account(account_id)
        return acct.maker, acct.taker

    def credit(self, account_id: str, asset: str, delta: Decimal) -> None:
        """Deposit (delta > 0) or withdraw (delta < 0) free balance."""
        acct = self._account(account_id)
        new = acct.free.get(asset, ZERO) + delta
        if new < 0:
            raise _rejected(INSUFFICIENT)
        acct.free[asset] = new
        acct.locked.setdefault(asset, ZERO)
        self._emit_balances(account_id, {asset}, self.clock_ms())
        self._flush()

    def _emit_balances(self, account_id: str, assets: Iterable[str], now: int) -> None:
        acct = self._accounts[account_id]
        snap = {a: (acct.free.get(a, ZERO), acct.locked.get(a, ZERO)) for a in sorted(assets)}
        self._emit(BalancesChanged(account_id, MappingProxyType(snap), now))

    # -- market views ----------------------------------------------------------------------------

    def _spec(self, symbol: str) -> SymbolSpec:
        spec = self.specs.get(symbol)
        if spec is None:
            raise SimError(-1121, "Invalid symbol.")
        return spec

    def depth(
        self, symbol: str, limit: int = 100
    ) -> tuple[int, list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        self._spec(symbol)
        book = self._books[symbol]
        bids = [(p, book.bids.totals[p]) for p in book.bids.prices[::-1][:limit]]
        asks = [(p, book.asks.totals[p]) for p in book.asks.prices[:limit]]
        return book.update_id, bids, asks

    def update_id(self, symbol: str) -> int:
        self._spec(symbol)
        return self._books[symbol].update_id

    def last_price(self, symbol: str) -> Decimal | None:
        self._spec(symbol)
        return self._books[symbol].last_price

    def best_bid_ask(self, symbol: str) -> tuple[tuple[Decimal, Decimal] | None, tuple[Decimal, Decimal] | None]:
        self._spec(symbol)
        book = self._books[symbol]
        bid, ask = book.bids.best(), book.asks.best()
        return (
            (bid, book.bids.totals[bid]) if bid is not None else None,
            (ask, book.asks.totals[ask]) if ask is not None else None,
        )

    def reference_price(self, symbol: str) -> Decimal | None:
        """Last trade price, else the mid, else None: what MARKET notional checks are made against."""
        book = self._books[symbol]
        if book.last_price is not None:
            return book.last_price
        bid, ask = book.bids.best(), book.asks.best()
        if bid is not None and ask is not None:
            return (bid + ask) / 2
        return bid if bid is not None else ask

    # -- orders: queries -------------------------------------------------------------------------

    def _find(self, acct: _Account, symbol: str, order_id: int | None, client_id: str | None) -> _Order | None:
        if order_id is not None:
            order = acct.orders.get(order_id)
        elif client_id is not None:
            oid = acct.last_client_ids.get((symbol, client_id))
            order = acct.orders.get(oid) if oid is not None else None
        else:
            raise SimError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!")
        if order is None or order.symbol != symbol:
            return None
        if client_id is not None and order.client_order_id != client_id:
            return None
        return order

    def get_order(
        self, account_id: str, symbol: str, *, order_id: int | None = None, orig_client_order_id: str | None = None
    ) -> OrderSnapshot:
        acct = self._account(account_id)
        self._spec(symbol)
        order = self._find(acct, symbol, order_id, orig_client_order_id)
        if order is None:
            raise SimError(-2013, "Order does not exist.")
        return order.snapshot()

    def open_orders(self, account_id: str, symbol: str | None = None) -> list[OrderSnapshot]:
        acct = self._account(account_id)
        if symbol is not None:
            self._spec(symbol)
        return [
            o.snapshot()
            for oid in sorted(acct.open_ids.values())
            if (o := acct.orders[oid]).symbol == symbol or symbol is None
        ]

    def open_order_ids(self, account_id: str, symbol: str | None = None) -> set[int]:
        """Ids of the open orders (cheaper than `open_orders` for the synthetic market)."""
        acct = self._account(account_id)
        return {oid for oid in acct.open_ids.values() if symbol is None or acct.orders[oid].symbol == symbol}

    def all_orders(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[OrderSnapshot]:
        """Orders of one symbol, oldest first: from `order_id` on, else the most recent `limit`."""
        acct = self._account(account_id)
        self._spec(symbol)
        picked = [
            o
            for o in acct.orders.values()
            if o.symbol == symbol
            and (order_id is None or o.order_id >= order_id)
            and (start_time is None or o.time >= start_time)
            and (end_time is None or o.time <= end_time)
        ]
        picked.sort(key=lambda o: o.order_id)
        picked = picked[:limit] if order_id is not None or start_time is not None else picked[-limit:]
        return [o.snapshot() for o in picked]

    def my_trades(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[AccountTrade]:
        """Trades of one symbol, oldest first: from `from_id` on, else the most recent `limit`."""
        acct = self._account(account_id)
        self._spec(symbol)
        picked = [
            t
            for t in acct.trades
            if t.symbol == symbol
            and (order_id is None or t.order_id == order_id)
            and (from_id is None or t.id >= from_id)
            and (start_time is None or t.time >= start_time)
            and (end_time is None or t.time <= end_time)
        ]
        return picked[:limit] if from_id is not None or start_time is not None else picked[-limit:]

    # -- orders: placing -------------------------------------------------------------------------

    def place_order(
        self,
        account_id: str,
        symbol: str,
        side: str,
        type: str,
        *,
        quantity: Decimal | None = None,
        quote_order_qty: Decimal | None = None,
        price: Decimal | None = None,
        time_in_force: str | None = None,
        new_client_order_id: str | None = None,
        test: bool = False,
    ) -> PlaceResult:
        acct = self._account(account_id)
        spec = self._spec(symbol)
        rules = spec.rules
        book = self._books[symbol]
        self._validate_params(side, type, quantity, quote_order_qty, price, time_in_force)
        if type not in rules.order_types:
            raise SimError(-1116, "Invalid orderType.")
        checked = check_order(
            rules,
            order_type=type,
            price=price,
            quantity=quantity,
            quote_order_qty=quote_order_qty,
            reference_price=self.reference_price(symbol),
        )
        if not checked.ok:
            raise SimError(-1013, f"Filter failure: {checked.failures[0].filter}")
        if new_client_order_id and new_client_order_id in acct.open_ids:
            raise _rejected("Duplicate order sent.")
        buy = side == BUY
        opposite = book.asks if buy else book.bids
        if type == "LIMIT_MAKER":
            best = opposite.best()
            assert price is not None
            if best is not None and (best <= price if buy else best >= price):
                raise _rejected("Order would immediately match and take.")
        if type == "MARKET" and quote_order_qty is not None:
            quantity, exhausted = self._plan_quote(opposite, quote_order_qty, rules.step_size)
            if quantity <= 0:
                if not opposite.prices:
                    raise _rejected("Order book liquidity is less than symbol minimum quantity.")
                raise _rejected("Order book liquidity is less than `LOT_SIZE` filter minimum quantity.")
        else:
            exhausted = False
        assert quantity is not None
        self._check_balance(acct, rules, opposite, buy, type, quantity, quote_order_qty, price)

        now = self.clock_ms()
        tif = time_in_force or "GTC"
        if test:
            order = self._new_order(account_id, symbol, side, type, tif, price, quantity, quote_order_qty, now, 0, "")
            return PlaceResult(order.snapshot(), ())

        order_id = self._next_order_id
        self._next_order_id += 1
        cid = new_client_order_id or f"sim{order_id:019d}"
        order = self._new_order(
            account_id, symbol, side, type, tif, price, quantity, quote_order_qty, now, order_id, cid
        )
        acct.orders[order_id] = order
        acct.open_ids[cid] = order_id
        acct.last_client_ids[(symbol, cid)] = order_id
        changed: dict[str, set[str]] = {account_id: set()}
        if order.locks:
            asset, amount = (rules.quote_asset, price * quantity) if buy else (rules.base_asset, quantity)  # type: ignore[operator]
            acct.free[asset] -= amount
            acct.locked[asset] = acct.locked.get(asset, ZERO) + amount
            order.locked = amount
            changed[account_id].add(asset)
        self._emit_order(order, "NEW", None, now)

        fills: list[Fill] = []
        limit = price if type in ("LIMIT", "LIMIT_MAKER") else None
        if tif != "FOK" or self._available(opposite, limit) >= quantity:
            self._match(book, rules, order, opposite, limit, now, fills, changed)
        if order.remaining > 0 and type != "MARKET" and tif == "GTC":
            side_book = book.bids if buy else book.asks
            total = side_book.add(order)
            self._level_changed(book, symbol, side_book.name, order.price, total, now)
        else:
            # IOC/FOK/MARKET leftovers expire; so does a quoteOrderQty order that ran out of book
            expired = order.remaining > 0 or exhausted
            if expired:
                order.status = "EXPIRED"
                order.update_time = now
            order.is_working = False
            self._close(acct, order, changed[account_id], rules)
            if expired:
                self._emit_order(order, "EXPIRED", None, now)
        for acct_id, assets in changed.items():
            if assets:
                self._emit_balances(acct_id, assets, now)
        result = PlaceResult(order.snapshot(), tuple(fills))
        self._flush()
        return result

    @staticmethod
    def _validate_params(
        side: str,
        type: str,
        quantity: Decimal | None,
        quote_order_qty: Decimal | None,
        price: Decimal | None,
        tif: str | None,
    ) -> None:
        if side not in (BUY, SELL):
            raise SimError(-1117, "Invalid side.")
        if type not in _TYPES:
            raise SimError(-1116, "Invalid orderType.")
        if tif is not None and tif not in _TIFS and type == "LIMIT":
            raise SimError(-1115, "Invalid timeInForce.")
        if type == "LIMIT":
            if tif is None:
                raise _mandatory("timeInForce")
            if quantity is None:
                raise _mandatory("quantity")
            if price is None:
                raise _mandatory("price")
            if quote_order_qty is not None:
                raise _not_required("quoteOrderQty")
        elif type == "LIMIT_MAKER":
            if quantity is None:
                raise _mandatory("quantity")
            if price is None:
                raise _mandatory("price")
            if tif is not None:
                raise _not_required("timeInForce")
            if quote_order_qty is not None:
                raise _not_required("quoteOrderQty")
        else:
            if quantity is None and quote_order_qty is None:
                raise SimError(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!")
            if quantity is not None and quote_order_qty is not None:
                raise _not_required("quoteOrderQty")
            if tif is not None:
                raise _not_required("timeInForce")
            if price is not None:
                raise _not_required("price")

    @staticmethod
    def _plan_quote(opposite: _Side, quote: Decimal, step: Decimal) -> tuple[Decimal, bool]:
        """Quantity a quoteOrderQty MARKET order will fill, and whether the book ran out first."""
        qty = ZERO
        left = quote
        for p in opposite.walk():
            affordable = floor_to_step(left / p, step)
            if affordable < opposite.totals[p]:
                return qty + affordable, False
            qty += opposite.totals[p]
            left -= opposite.totals[p] * p
        return qty, left > 0

    @staticmethod
    def _available(opposite: _Side, limit: Decimal | None) -> Decimal:
        total = ZERO
        for p in opposite.walk():
            if limit is not None and (p > limit if opposite.name == "ASK" else p < limit):
                break
            total += opposite.totals[p]
        return total

    @staticmethod
    def _cost(opposite: _Side, qty: Decimal) -> tuple[Decimal, Decimal]:
        """(quantity fillable, quote value) of taking `qty` from the book."""
        left, value = qty, ZERO
        for p in opposite.walk():
            q = min(left, opposite.totals[p])
            value += q * p
            left -= q
            if left <= 0:
                break
        return qty - left, value

    def _check_balance(
        self,
        acct: _Account,
        rules: SymbolRules,
        opposite: _Side,
        buy: bool,
        type: str,
        quantity: Decimal,
        quote_order_qty: Decimal | None,
        price: Decimal | None,
    ) -> None:
        if buy:
            if type != "MARKET":
                need = price * quantity  # type: ignore[operator]
            elif quote_order_qty is not None:
                need = quote_order_qty
            else:
                need = self._cost(opposite, quantity)[1]
            have = acct.free.get(rules.quote_asset, ZERO)
        else:
            need, have = quantity, acct.free.get(rules.base_asset, ZERO)
        if need > have:
            raise _rejected(INSUFFICIENT)

    @staticmethod
    def _new_order(
        account_id: str,
        symbol: str,
        side: str,
        type: str,
        tif: str,
        price: Decimal | None,
        quantity: Decimal,
        quote_order_qty: Decimal | None,
        now: int,
        order_id: int,
        cid: str,
    ) -> _Order:
        rests = type != "MARKET" and tif == "GTC"
        return _Order(
            account_id=account_id,
            symbol=symbol,
            order_id=order_id,
            client_order_id=cid,
            side=side,
            type=type,
            tif=tif,
            price=price if price is not None else ZERO,
            orig_qty=quantity,
            executed_qty=ZERO,
            cum_quote=ZERO,
            orig_quote_qty=quote_order_qty if quote_order_qty is not None else ZERO,
            status="NEW",
            time=now,
            update_time=now,
            working_time=now if rests else -1,
            is_working=rests,
            locked=ZERO,
        )

    def _emit_order(self, order: _Order, exec_type: str, fill: Fill | None, now: int, **snap: str) -> None:
        exec_id = self._next_exec_id
        self._next_exec_id += 1
        self._emit(OrderUpdated(order.account_id, order.snapshot(**snap), exec_type, fill, exec_id, now))

    def _level_changed(self, book: _Book, symbol: str, side: str, price: Decimal, qty: Decimal, now: int) -> None:
        book.update_id += 1
        self._emit(BookLevelChanged(symbol, book.update_id, side, price, qty, now))

    def _close(self, acct: _Account, order: _Order, changed: set[str], rules: SymbolRules) -> None:
        """Release what the order still locks and forget it if the account keeps no history."""
        if order.locked:
            asset = rules.quote_asset if order.side == BUY else rules.base_asset
            acct.locked[asset] -= order.locked
            acct.free[asset] += order.locked
            order.locked = ZERO
            changed.add(asset)
        acct.open_ids.pop(order.client_order_id, None)
        if not acct.keep_history:
            acct.orders.pop(order.order_id, None)
            acct.last_client_ids.pop((order.symbol, order.client_order_id), None)

    def _match(
        self,
        book: _Book,
        rules: SymbolRules,
        taker: _Order,
        opposite: _Side,
        limit: Decimal | None,
        now: int,
        fills: list[Fill],
        changed: dict[str, set[str]],
    ) -> None:
        while taker.remaining > 0 and opposite.prices:
            price = opposite.best()
            assert price is not None
            if limit is not None and (price > limit if taker.side == BUY else price < limit):
                break
            level = opposite.levels[price]
            maker = level[0]
            qty = min(taker.remaining, maker.remaining)
            taker_fill, maker_fill = self._trade(book, rules, taker, maker, price, qty, now, changed)
            if maker.remaining == 0:
                level.popleft()
            total = opposite.reduce(price, qty)
            self._level_changed(book, rules.symbol, opposite.name, price, total, now)
            buyer, seller = (taker, maker) if taker.side == BUY else (maker, taker)
            self._emit(
                TradeExecuted(
                    rules.symbol, taker_fill.trade_id, price, qty, taker_fill.quote_qty, now,
                    buyer.order_id, seller.order_id, buyer is maker,
                )
            )  # fmt: skip
            self._emit_order(maker, "TRADE", maker_fill, now)
            self._emit_order(taker, "TRADE", taker_fill, now)
            if maker.remaining == 0:
                self._close(self._accounts[maker.account_id], maker, changed[maker.account_id], rules)
            fills.append(taker_fill)

    def _trade(
        self,
        book: _Book,
        rules: SymbolRules,
        taker: _Order,
        maker: _Order,
        price: Decimal,
        qty: Decimal,
        now: int,
        changed: dict[str, set[str]],
    ) -> tuple[Fill, Fill]:
        trade_id = self._next_trade_id
        self._next_trade_id += 1
        quote = price * qty
        book.last_price = price
        base_a, quote_a = rules.base_asset, rules.quote_asset
        fills: list[Fill] = []
        for order, is_maker in ((maker, True), (taker, False)):
            acct = self._accounts[order.account_id]
            rate = acct.maker if is_maker else acct.taker
            order.executed_qty += qty
            order.cum_quote += quote
            order.update_time = now
            order.status = "FILLED" if order.remaining == 0 else "PARTIALLY_FILLED"
            if order.remaining == 0:
                order.is_working = False
            if order.side == BUY:
                if order.locks:
                    reserved = order.price * qty
                    acct.locked[quote_a] -= reserved
                    order.locked -= reserved
                    acct.free[quote_a] += reserved - quote
                else:
                    acct.free[quote_a] -= quote
                commission = (qty * rate).quantize(Decimal(1).scaleb(-rules.base_asset_precision), ROUND_UP)
                acct.free[base_a] = acct.free.get(base_a, ZERO) + qty - commission
                acct.locked.setdefault(base_a, ZERO)
                fee_asset = base_a
            else:
                if order.locks:
                    acct.locked[base_a] -= qty
                    order.locked -= qty
                else:
                    acct.free[base_a] -= qty
                commission = (quote * rate).quantize(Decimal(1).scaleb(-rules.quote_asset_precision), ROUND_UP)
                acct.free[quote_a] = acct.free.get(quote_a, ZERO) + quote - commission
                acct.locked.setdefault(quote_a, ZERO)
                fee_asset = quote_a
            self.commissions[fee_asset] = self.commissions.get(fee_asset, ZERO) + commission
            changed.setdefault(order.account_id, set()).update((base_a, quote_a))
            fill = Fill(price, qty, quote, commission, fee_asset, trade_id, is_maker, now)
            fills.append(fill)
            if acct.keep_history:
                acct.trades.append(
                    AccountTrade(
                        rules.symbol, trade_id, order.order_id, price, qty, quote,
                        commission, fee_asset, now, order.side == BUY, is_maker,
                    )
                )  # fmt: skip
        maker_fill, taker_fill = fills
        return taker_fill, maker_fill

    # -- orders: canceling -----------------------------------------------------------------------

    def cancel_order(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        new_client_order_id: str | None = None,
    ) -> OrderSnapshot:
        acct = self._account(account_id)
        self._spec(symbol)
        order = self._find(acct, symbol, order_id, orig_client_order_id)
        if order is None or order.status not in _OPEN:
            raise SimError(-2011, "Unknown order sent.")
        snap = self._cancel(acct, order, new_client_order_id, self.clock_ms())
        self._flush()
        return snap

    def cancel_all(self, account_id: str, symbol: str) -> list[OrderSnapshot]:
        acct = self._account(account_id)
        self._spec(symbol)
        orders = [acct.orders[oid] for oid in sorted(acct.open_ids.values()) if acct.orders[oid].symbol == symbol]
        if not orders:
            raise SimError(-2011, "Unknown order sent.")
        now = self.clock_ms()
        snaps = [self._cancel(acct, order, None, now) for order in orders]
        self._flush()
        return snaps

    def _cancel(self, acct: _Account, order: _Order, new_client_order_id: str | None, now: int) -> OrderSnapshot:
        rules = self.specs[order.symbol].rules
        book = self._books[order.symbol]
        side = book.bids if order.side == BUY else book.asks
        side.levels[order.price].remove(order)
        total = side.reduce(order.price, order.remaining)
        self._level_changed(book, order.symbol, side.name, order.price, total, now)
        order.status = "CANCELED"
        order.update_time = now
        order.is_working = False
        changed: set[str] = set()
        self._close(acct, order, changed, rules)
        cancel_id = new_client_order_id or f"cxl{self._next_exec_id:019d}"
        snap = order.snapshot(client_order_id=cancel_id, orig_client_order_id=order.client_order_id)
        exec_id = self._next_exec_id
        self._next_exec_id += 1
        self._emit(OrderUpdated(order.account_id, snap, "CANCELED", None, exec_id, now))
        if changed:
            self._emit_balances(order.account_id, changed, now)
        return snap
