"""Smart Order Routing in the engine (faqs/sor_faq.md): an order for one symbol that takes the best
prices across every book of its SOR configuration, paid for in the order symbol's own quote asset.

A SOR configuration is a base asset and the symbols that trade it against interchangeable quote assets
(stablecoins pegged 1:1 to the US dollar); with the default symbols, BTC on BTCUSDT and BTCUSDC.

How a SOR order runs (`place_sor_order`):
1. It is checked like any order of its symbol (LIMIT or MARKET only), then routed: the levels its
   price allows, of every book in the configuration, are planned best price first (its own book
   first on a tie). FOK: all of it, or nothing.
2. The SOR allocator (an internal taker account) trades each planned level on its book, so the makers
   there see ordinary trades. The order is filled by one *allocation* per level: tradeId -1, matchType
   ONE_PARTY_TRADE_REPORT, an allocId (per order symbol, from 0). The account pays or receives the
   order symbol's quote asset; the allocator absorbs the 1:1 difference between the quote assets.
3. What is left of a LIMIT GTC order rests on the order's own book; IOC, FOK and MARKET remainders
   expire.

Events: OrderUpdated(NEW) for the order; per allocation, the allocator's trade on its book (the makers'
BookLevelChanged, TradeExecuted, OrderUpdated(TRADE)) then the order's OrderUpdated(TRADE); then
BookLevelChanged if the remainder rests, or OrderUpdated(EXPIRED); conditional orders those trades
fired; BalancesChanged. The order's own updates are `SorOrderUpdated`, which carry the SOR fields of
its executionReports (match type, allocation, working floor).

Not modelled: self-trade prevention between an allocation and the account's own resting orders on the
routed books (the allocator is a different account), and `usedSor` / `workingFloor` in later queries of
the order (order.status); they appear in the placement reply and in the order's own events.

`place_sor_order` takes the `Engine` (its public `state`, `matcher` and `sor` ledger, and `publish` for
the events); the steps below it act on what they are given. The allocations live in the engine's
`SorLedger` (`engine.sor`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from tui.domain.money import ZERO
from tui.sim.spot.matching.accounts import Account
from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.errors import INSUFFICIENT, SimError, rejected
from tui.sim.spot.matching.events import Fill, OrderSnapshot, OrderUpdated, SymbolSpec
from tui.sim.spot.matching.intake import prepare
from tui.sim.spot.matching.matcher import Matcher, finish_off_book, rest
from tui.sim.spot.matching.orders import BUY, Order, OrderParams
from tui.sim.spot.matching.state import EngineState

if TYPE_CHECKING:
    from tui.sim.spot.matching.engine import Engine

# Quote assets with a fixed 1:1 rate between them (sor_faq.md, "interchangeable quote assets").
INTERCHANGEABLE_QUOTES = ("USDT", "USDC")
SOR_ORDER_TYPES = ("LIMIT", "MARKET")
ONE_PARTY_TRADE_REPORT = "ONE_PARTY_TRADE_REPORT"
SOR_FLOOR, EXCHANGE_FLOOR = "SOR", "EXCHANGE"
# The "taker" prefix makes it an ephemeral account: it keeps no order or trade history (accounts.py).
ALLOCATOR = "taker-sor"
_ALLOCATOR_FUNDS = Decimal(10) ** 12
Route = list[tuple[str, Decimal, Decimal]]  # (book symbol, price, quantity) per level, best first


@dataclass(frozen=True)
class SorConfig:
    """One entry of exchangeInfo `sors`: a base asset and the symbols SOR routes across."""

    base_asset: str
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class Allocation:
    """One allocation (a transfer from the exchange filling part of a SOR order), as myAllocations shows it."""

    symbol: str  # the symbol the order was placed on
    allocation_id: int
    order_id: int
    order_list_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool = False
    is_allocator: bool = False
    allocation_type: str = "SOR"


@dataclass(frozen=True)
class SorResult:
    """What sor.order.place reports: the order, the allocations that filled it, and its working floor."""

    order: OrderSnapshot
    allocations: tuple[Allocation, ...]
    working_floor: str  # SOR, or EXCHANGE once the remainder rests on the order's own book


@dataclass(frozen=True)
class SorOrderUpdated(OrderUpdated):
    """An update of a SOR order: its executionReport also carries `k`, `uS` and, for a fill, `b` and `a`."""

    working_floor: str = SOR_FLOOR
    allocation: Allocation | None = None


class SorLedger:
    """Every account's allocations, and the allocation ids (one sequence per order symbol)."""

    def __init__(self) -> None:
        self._by_account: dict[str, list[Allocation]] = {}
        self._next_id: dict[str, int] = {}

    def next_id(self, symbol: str) -> int:
        allocation_id = self._next_id.get(symbol, 0)
        self._next_id[symbol] = allocation_id + 1
        return allocation_id

    def record(self, account_id: str, allocation: Allocation) -> None:
        self._by_account.setdefault(account_id, []).append(allocation)

    def allocations(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        from_allocation_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[Allocation]:
        """myAllocations, oldest first: the newest `limit` when only `end_time` bounds them, else the oldest."""
        picked = [
            a
            for a in self._by_account.get(account_id, [])
            if a.symbol == symbol
            and (order_id is None or a.order_id == order_id)
            and (from_allocation_id is None or a.allocation_id >= from_allocation_id)
            and (start_time is None or a.time >= start_time)
            and (end_time is None or a.time <= end_time)
        ]
        newest = end_time is not None and start_time is None and from_allocation_id is None and order_id is None
        return picked[-limit:] if newest else picked[:limit]


def sor_configs(specs: Mapping[str, SymbolSpec]) -> list[SorConfig]:
    """The SOR configurations of a set of symbols: per base asset, the symbols quoted in interchangeable
    assets, when there are at least two of them (in the order the specs list them)."""
    by_base: dict[str, list[str]] = {}
    for name, spec in specs.items():
        if spec.rules.quote_asset in INTERCHANGEABLE_QUOTES:
            by_base.setdefault(spec.rules.base_asset, []).append(name)
    return [SorConfig(base, tuple(names)) for base, names in by_base.items() if len(names) > 1]


def config_for(specs: Mapping[str, SymbolSpec], symbol: str) -> SorConfig:
    """The SOR configuration `symbol` belongs to (-1013 if none, as Binance answers)."""
    for config in sor_configs(specs):
        if symbol in config.symbols:
            return config
    raise SimError(-1013, "This symbol has no SOR.")


# -- placing --------------------------------------------------------------------------------------


def place_sor_order(
    eng: Engine,
    account_id: str,
    symbol: str,
    side: str,
    type: str,
    *,
    quantity: Decimal | None,
    price: Decimal | None = None,
    time_in_force: str | None = None,
    new_client_order_id: str | None = None,
    iceberg_qty: Decimal | None = None,
    stp_mode: str | None = None,
    strategy_id: int | None = None,
    strategy_type: int | None = None,
    test: bool = False,
) -> SorResult:
    """sor.order.place (or, with `test`, sor.order.test: every check, nothing placed)."""
    state = eng.state
    acct = state.account(account_id)
    spec = state.spec(symbol)
    if type not in SOR_ORDER_TYPES:
        raise SimError(-1116, "Invalid orderType.")
    config = config_for(eng.specs, symbol)
    params = OrderParams(
        side, type, quantity, None, price, time_in_force, new_client_order_id, None, None, iceberg_qty, stp_mode,
        strategy_id, strategy_type,
    )  # fmt: skip
    order = prepare(state, acct, spec, params, check_funds=False).order
    plan = _route(state, config, order)
    if order.tif == "FOK" and sum(q for _, _, q in plan) < order.orig_qty:
        plan = []
    _check_funds(state, acct, spec, order, plan)
    if test:
        rests = _rests(order) and sum(q for _, _, q in plan) < order.orig_qty
        return SorResult(order.snapshot(client_order_id=""), (), EXCHANGE_FLOOR if rests else SOR_FLOOR)
    effects = Effects(state, account_id)
    result = _run(eng.matcher, eng.sor, effects, acct, spec, order, plan)
    eng.publish(effects)
    return result


def _rests(order: Order) -> bool:
    """Whether what SOR leaves of the order goes on its own book (LIMIT GTC) rather than expiring."""
    return order.type == "LIMIT" and order.tif == "GTC"


def _route(state: EngineState, config: SorConfig, order: Order) -> Route:
    """(book symbol, price, quantity) to take, best price first across the configuration's books."""
    buy = order.side == BUY
    limit = None if order.type == "MARKET" else order.price
    names = [order.symbol, *(s for s in config.symbols if s != order.symbol)]  # own book wins a tie

    def levels(rank: int, name: str) -> Iterator[tuple[Decimal, int, str, Decimal]]:
        side = state.book(name).opposite(order.side)
        for p in side.walk():
            if limit is not None and (p > limit if buy else p < limit):
                return
            yield (p if buy else -p), rank, name, side.totals[p]

    plan: Route = []
    left = order.orig_qty
    for key, _rank, name, total in heapq.merge(*(levels(i, n) for i, n in enumerate(names))):
        if left <= 0:
            break
        qty = min(left, total)
        plan.append((name, key if buy else -key, qty))
        left -= qty
    return plan


def _check_funds(state: EngineState, acct: Account, spec: SymbolSpec, order: Order, plan: Route) -> None:
    """A MARKET buy must afford its route; anything else is checked as on its own book."""
    rules = spec.rules
    if order.side == BUY and order.type == "MARKET":
        if sum(p * q for _, p, q in plan) > acct.free.get(rules.quote_asset, ZERO):
            raise rejected(INSUFFICIENT)
        return
    price = order.price if order.type == "LIMIT" else None
    opposite = state.book(rules.symbol).opposite(order.side)
    acct.check_funds(rules, opposite, order.side == BUY, order.type, order.orig_qty, None, price)


def _run(
    matcher: Matcher,
    ledger: SorLedger,
    effects: Effects,
    acct: Account,
    spec: SymbolSpec,
    order: Order,
    plan: Route,
) -> SorResult:
    """Place the checked order: route it, then rest or expire what is left (the module docstring's steps)."""
    state = matcher.state
    rules = spec.rules
    now = order.time
    effects.touch(acct.account_id)
    state.assign_order_id(order)
    acct.track(order)
    if order.locks:
        effects.touch(acct.account_id, acct.lock_for(order, rules))
    # Where the order starts: at SOR if there is anything to route, else straight on its own book.
    _emit(effects, order, "NEW", None, now, SOR_FLOOR if plan or not _rests(order) else EXCHANGE_FLOOR)
    allocations: list[Allocation] = []
    for book_symbol, price, qty in plan:
        filled, quote = _take(matcher, effects, book_symbol, order, price, qty, now)
        if filled > 0:
            allocations.append(_allocate(ledger, effects, acct, spec, order, price, filled, quote, now))
    floor = SOR_FLOOR
    if order.remaining > 0 and _rests(order):
        floor = EXCHANGE_FLOOR
        rest(effects, state.book(rules.symbol), order, now)
    elif finish_off_book(effects, order, now):
        _emit(effects, order, "EXPIRED", None, now, SOR_FLOOR)
    for name in dict.fromkeys([rules.symbol, *(s for s, _, _ in plan)]):
        matcher.settle(name, now, effects)
    effects.touched_balances(now)
    return SorResult(order.snapshot(), tuple(allocations), floor)


def _take(
    matcher: Matcher, effects: Effects, book_symbol: str, order: Order, price: Decimal, qty: Decimal, now: int
) -> tuple[Decimal, Decimal]:
    """The allocator takes `qty` at `price` from `book_symbol` for `order`; (quantity, quote) it got.

    It then hands the base asset on (or takes it in) and settles in the order symbol's quote asset,
    so its own balance carries the 1:1 difference between the two quote assets."""
    state = matcher.state
    rules = state.rules(book_symbol)
    order_quote = state.rules(order.symbol).quote_asset
    allocator = _allocator(state)
    book = state.book(book_symbol)
    taker = Order.new(ALLOCATOR, book_symbol, order.side, "LIMIT", "IOC", price, qty, None, now, 0, "")
    taker.locks = False  # settles from its free balance, as a MARKET order does
    state.assign_order_id(taker)
    matcher.match(book, rules, taker, book.opposite(order.side), price, now, effects)
    filled, quote = taker.executed_qty, taker.cum_quote
    sign = 1 if order.side == BUY else -1
    allocator.credit(rules.base_asset, -sign * filled)
    allocator.credit(order_quote, sign * quote)
    return filled, quote


def _allocator(state: EngineState) -> Account:
    if not state.has_account(ALLOCATOR):
        assets = {a for s in state.specs.values() for a in (s.rules.base_asset, s.rules.quote_asset)}
        return state.open_account(ALLOCATOR, dict.fromkeys(sorted(assets), _ALLOCATOR_FUNDS), ZERO, ZERO)
    return state.account(ALLOCATOR)


def _allocate(
    ledger: SorLedger,
    effects: Effects,
    acct: Account,
    spec: SymbolSpec,
    order: Order,
    price: Decimal,
    qty: Decimal,
    quote: Decimal,
    now: int,
) -> Allocation:
    """Fill `qty` of the order by an allocation: settle it, record it, report it."""
    rules = spec.rules
    order.record_fill(qty, quote, now)
    commission, fee_asset = acct.settle(order, rules, qty, quote, False)
    effects.state.add_commission(fee_asset, commission)
    effects.touch(acct.account_id, rules.base_asset, rules.quote_asset)
    allocation = Allocation(
        rules.symbol, ledger.next_id(rules.symbol), order.order_id, order.order_list_id, price, qty, quote,
        commission, fee_asset, now, order.side == BUY,
    )  # fmt: skip
    if acct.keep_history:
        ledger.record(acct.account_id, allocation)
    fill = Fill(price, qty, quote, commission, fee_asset, -1, False, now)
    _emit(effects, order, "TRADE", fill, now, SOR_FLOOR, allocation)
    return allocation


def _emit(
    effects: Effects,
    order: Order,
    exec_type: str,
    fill: Fill | None,
    now: int,
    floor: str,
    allocation: Allocation | None = None,
) -> None:
    exec_id = effects.state.take_exec_id()
    snap = order.snapshot()
    effects.emit(SorOrderUpdated(order.account_id, snap, exec_type, fill, exec_id, now, None, floor, allocation))
