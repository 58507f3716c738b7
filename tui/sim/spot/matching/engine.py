"""The simulator's matching engine: Binance spot order semantics on an in-memory book.

One `Engine` holds every symbol's book and every account's balances, orders and trades. It is
synchronous and deterministic: each public call validates (raising `SimError` with Binance's code and
message), mutates state, then delivers the events it produced to the subscribed listeners, in order,
before returning. Listeners therefore always see a consistent engine.

Event order for one `place_order` call:
    OrderUpdated(NEW) for the new order;
    per fill: BookLevelChanged (maker's level), TradeExecuted, OrderUpdated(TRADE) maker, then taker;
    per self-trade prevented (the taker's STP mode is not NONE and the maker is the same account):
        BookLevelChanged if the maker lost quantity, OrderUpdated(TRADE_PREVENTION) maker, then taker
        (each only if that order lost quantity);
    BookLevelChanged for the remainder if it rests on the book;
    OrderUpdated(EXPIRED) if an IOC/FOK/MARKET remainder expires;
    then, for each conditional order those trades fired (oldest trigger first): OrderUpdated(NEW) with
        the order now working, and the same sequence for its own matching (which may fire more);
    BalancesChanged for the taker's account, then for each other account in order of first change.
A conditional order (STOP_LOSS, TAKE_PROFIT and their _LIMIT forms) only emits OrderUpdated(NEW) when
placed: it waits off the book, not working, until a trade price reaches its stop or its trailing rule
fires (`Order.observe`), then works as a MARKET (or LIMIT) order. An iceberg shows `icebergQty` at a
time; when that part is filled the next one joins the back of its price level.
A pegged order (`pegs`) takes its limit price from the book when it enters it: at placement, or when
its stop fires; it then works as an ordinary limit order at that price.
`cancel_order`: BookLevelChanged (unless the order was off the book), OrderUpdated(CANCELED),
BalancesChanged.

Conventions: order, trade and execution ids are per engine and strictly increasing; `update_id(symbol)`
grows by exactly one per BookLevelChanged of that symbol. Accounts whose id starts with "mm" or "taker"
(the synthetic market) keep no closed orders or trades, so memory stays bounded.
The pieces live next door, each with an explicit interface: `state` (books, accounts, id sequences,
clock: `EngineState`), `effects` (the events and touched balances of one call: `Effects`), `intake`
(checking a request and building its order), `matcher` (matching, resting, expiring, then what the
trades released), `removal` (canceling / expiring an open order), `order_lists`, `amend`, `stp`,
`triggers`, `pegs`, `sor`; `queries` (the read side, `EngineQueries`); `events` (the frozen values
handed out), `orders` (an order's mutable state and parameter rules), `book` (price-time priority
sides), `accounts` (balances, locking, commissions). The symbols' rules and filters are
`tui.sim.spot.filters`.

Each acting call here makes one `Effects`, passes it to the parts, and publishes it at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from tui.sim.spot.matching import amend
from tui.sim.spot.matching.effects import Effects, deliver
from tui.sim.spot.matching.errors import SimError, unknown_order
from tui.sim.spot.matching.events import (
    AccountTrade,
    Amendment,
    AmendResult,
    BalancesChanged,
    BookLevelChanged,
    EngineEvent,
    Fill,
    Listener,
    ListStatusChanged,
    OrderListSnapshot,
    OrderSnapshot,
    OrderUpdated,
    PlaceListResult,
    PlaceResult,
    PreventedMatch,
    SymbolSpec,
    TradeExecuted,
)
from tui.sim.spot.matching.intake import prepare
from tui.sim.spot.matching.matcher import Matcher
from tui.sim.spot.matching.order_lists import OrderLists
from tui.sim.spot.matching.orders import OPEN_STATUSES, OrderParams
from tui.sim.spot.matching.queries import EngineQueries
from tui.sim.spot.matching.removal import remove_order
from tui.sim.spot.matching.sor import SorLedger
from tui.sim.spot.matching.state import EngineState

__all__ = [
    "AccountTrade",
    "AmendResult",
    "Amendment",
    "BalancesChanged",
    "BookLevelChanged",
    "Engine",
    "EngineEvent",
    "Fill",
    "ListStatusChanged",
    "Listener",
    "OrderListSnapshot",
    "OrderParams",
    "OrderSnapshot",
    "OrderUpdated",
    "PlaceListResult",
    "PlaceResult",
    "PreventedMatch",
    "SimError",
    "SymbolSpec",
    "TradeExecuted",
]


class Engine(EngineQueries):
    """Books, accounts and matching for a set of symbols. See the module docstring for the event order.

    The queries come from `EngineQueries`; the calls here act, then deliver their events."""

    def __init__(self, specs: Iterable[SymbolSpec], clock_ms: Callable[[], int]) -> None:
        state = EngineState(specs, clock_ms)
        super().__init__(state, OrderLists(state))
        self.matcher = Matcher(state, self.lists)
        self.specs = state.specs
        self.clock_ms = clock_ms
        self.commissions = state.commissions  # collected fees per asset (for accounting checks)
        self.sor = SorLedger()  # allocations of Smart Order Routing (see `sor`)
        self._listeners: list[Listener] = []

    # -- listeners -------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, effects: Effects) -> None:
        """Deliver a call's events to the listeners, in order (the last step of every acting call)."""
        events, effects.events = effects.events, []
        deliver(events, self._listeners)

    def _effects(self, account_id: str | None = None) -> Effects:
        return Effects(self.state, account_id)

    # -- accounts --------------------------------------------------------------------------------

    def open_account(
        self,
        account_id: str,
        balances: Mapping[str, Decimal],
        maker_rate: Decimal = Decimal("0.001"),
        taker_rate: Decimal = Decimal("0.001"),
    ) -> None:
        """Create an account (or, if it exists, set its rates and the free balance of the given assets)."""
        self.state.open_account(account_id, balances, maker_rate, taker_rate)

    def credit(self, account_id: str, asset: str, delta: Decimal) -> None:
        """Deposit (delta > 0) or withdraw (delta < 0) free balance."""
        self.state.account(account_id).credit(asset, delta)
        effects = self._effects()
        effects.balances_changed(account_id, {asset}, self.clock_ms())
        self.publish(effects)

    # -- orders ----------------------------------------------------------------------------------

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
        stop_price: Decimal | None = None,
        trailing_delta: int | None = None,
        iceberg_qty: Decimal | None = None,
        stp_mode: str | None = None,
        strategy_id: int | None = None,
        strategy_type: int | None = None,
        peg_price_type: str | None = None,
        peg_offset_type: str | None = None,
        peg_offset_value: int | None = None,
        test: bool = False,
    ) -> PlaceResult:
        acct = self.state.account(account_id)
        spec = self.state.spec(symbol)
        prepared = prepare(
            self.state, acct, spec, OrderParams(side, type, quantity, quote_order_qty, price, time_in_force,
                                                new_client_order_id, stop_price, trailing_delta, iceberg_qty, stp_mode,
                                                strategy_id, strategy_type, peg_price_type, peg_offset_type,
                                                peg_offset_value),
        )  # fmt: skip
        order = prepared.order
        if test:
            return PlaceResult(order.snapshot(client_order_id=""), ())
        now = order.time
        effects = self._effects(account_id)
        done = self.matcher.submit(order, now, effects, prepared.exhausted)
        self.matcher.settle(symbol, now, effects)
        effects.touched_balances(now)
        result = PlaceResult(order.snapshot(), tuple(done.fills), tuple(done.prevented))
        self.publish(effects)
        return result

    def amend_keep_priority(
        self,
        account_id: str,
        symbol: str,
        new_qty: Decimal,
        *,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        new_client_order_id: str | None = None,
    ) -> AmendResult:
        """Lower an open order's quantity without losing its queue place (see `amend`)."""
        effects = self._effects()
        result = amend.amend_keep_priority(
            effects, self.lists, account_id, symbol, new_qty, order_id=order_id,
            orig_client_order_id=orig_client_order_id, new_client_order_id=new_client_order_id,
        )  # fmt: skip
        self.publish(effects)
        return result

    def cancel_order(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        new_client_order_id: str | None = None,
    ) -> OrderSnapshot:
        """Cancel one order; a leg of an order list cancels the whole list (see `cancel_order_list`)."""
        acct = self.state.account_for(account_id, symbol)
        order = acct.find(symbol, order_id, orig_client_order_id)
        if order is None or order.status not in OPEN_STATUSES:
            raise unknown_order()
        now = self.clock_ms()
        effects = self._effects()
        if order.order_list_id >= 0:
            done = self.lists.cancel(effects, acct, order.order_list_id, new_client_order_id, now)
            self.publish(effects)
            return next(o for o in done.orders if o.order_id == order.order_id)
        snap, freed = remove_order(effects, order, now, new_client_order_id=new_client_order_id)
        effects.touch(account_id, freed)
        effects.touched_balances(now)
        self.publish(effects)
        return snap

    def cancel_all(self, account_id: str, symbol: str) -> list[OrderSnapshot]:
        """Cancel every open order of `symbol`, order lists included; the canceled orders."""
        singles, lists = self.cancel_open(account_id, symbol)
        return singles + [o for lst in lists for o in lst.orders]

    def cancel_open(self, account_id: str, symbol: str) -> tuple[list[OrderSnapshot], list[OrderListSnapshot]]:
        """openOrders.cancelAll: (canceled single orders, canceled order lists), in order id order."""
        acct = self.state.account_for(account_id, symbol)
        orders = acct.open_orders(symbol)
        if not orders:
            raise unknown_order()
        now = self.clock_ms()
        effects = self._effects()
        singles: list[OrderSnapshot] = []
        lists: list[OrderListSnapshot] = []
        changed: set[str] = set()  # of the single orders: one BalancesChanged at the end
        for order in orders:
            if order.status not in OPEN_STATUSES:
                continue  # a leg of a list canceled above
            if order.order_list_id >= 0:
                lists.append(self.lists.cancel(effects, acct, order.order_list_id, None, now))
            else:
                snap, freed = remove_order(effects, order, now)
                singles.append(snap)
                changed.update([freed] if freed else [])
        if changed:
            effects.balances_changed(account_id, changed, now)
        self.publish(effects)
        return singles, lists

    # -- order lists -----------------------------------------------------------------------------

    def place_order_list(
        self,
        account_id: str,
        symbol: str,
        kind: str,
        legs: list[OrderParams],
        *,
        working: OrderParams | None = None,
        list_client_order_id: str | None = None,
    ) -> PlaceListResult:
        """Place an OCO (`legs` = [above, below]), OTO (`working` + [pending]), OTOCO (`working` + [above,
        below]) or their OPO forms (pending quantity None). See `order_lists`."""
        acct = self.state.account(account_id)
        spec = self.state.spec(symbol)
        effects = self._effects(account_id)
        result = self.lists.place(
            self.matcher, effects, acct, spec, kind, legs, working=working, list_client_order_id=list_client_order_id
        )
        self.publish(effects)
        return result

    def cancel_order_list(
        self,
        account_id: str,
        symbol: str,
        *,
        order_list_id: int | None = None,
        list_client_order_id: str | None = None,
        new_client_order_id: str | None = None,
    ) -> OrderListSnapshot:
        acct = self.state.account_for(account_id, symbol)
        lst = self.lists.find(account_id, order_list_id, list_client_order_id)
        if lst.symbol != symbol or (order_list_id is not None and list_client_order_id not in (None, lst.client_id)):
            raise SimError(-2011, "Unknown order list sent.")
        effects = self._effects()
        snap = self.lists.cancel(effects, acct, lst.list_id, new_client_order_id, self.clock_ms())
        self.publish(effects)
        return snap
