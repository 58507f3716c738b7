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

The pieces live next door: `events` (the frozen values handed out), `orders` (an order's mutable state
and parameter rules), `book` (price-time priority sides), `accounts` (balances, locking, commissions).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from tui.domain.money import ZERO, floor_to_step
from tui.sim.spot.filters import SymbolRules, filter_failure, first_failure
from tui.sim.spot.matching import pegs
from tui.sim.spot.matching.accounts import Account
from tui.sim.spot.matching.amend import amend_keep_priority
from tui.sim.spot.matching.book import Book, BookSide, Level
from tui.sim.spot.matching.errors import SimError, rejected, unknown_order
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
from tui.sim.spot.matching.order_lists import OrderLists
from tui.sim.spot.matching.orders import (
    BUY,
    CONDITIONAL_TYPES,
    ICEBERG_TYPES,
    OPEN_STATUSES,
    STP_MODES,
    Order,
    OrderParams,
    stop_reached,
    validate_params,
)
from tui.sim.spot.matching.sor import SorLedger
from tui.sim.spot.matching.stp import prevent
from tui.sim.spot.matching.triggers import run_triggers

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

log = logging.getLogger(__name__)

_EXPIRY_REASONS = {"IOC": "UNFILLED_IOC_QUANTITY_EXPIRED", "FOK": "UNFILLED_FOK_ORDER_EXPIRED"}


class Engine:
    """Books, accounts and matching for a set of symbols. See the module docstring for the event order."""

    def __init__(self, specs: Iterable[SymbolSpec], clock_ms: Callable[[], int]) -> None:
        self.specs: dict[str, SymbolSpec] = {s.symbol: s for s in specs}
        self.clock_ms = clock_ms
        self._books = {name: Book() for name in self.specs}
        self._accounts: dict[str, Account] = {}
        self._listeners: list[Listener] = []
        self._pending: list[EngineEvent] = []
        self._next_order_id = 1
        self._next_trade_id = 1
        self._next_exec_id = 1
        self.commissions: dict[str, Decimal] = {}  # collected fees per asset (for accounting checks)
        self._lists = OrderLists(self)
        self.sor = SorLedger()  # allocations of Smart Order Routing (see `sor`)

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
            acct = self._accounts[account_id] = Account.open(account_id, maker_rate, taker_rate)
        acct.maker, acct.taker = maker_rate, taker_rate
        acct.set_free(balances)

    def has_account(self, account_id: str) -> bool:
        return account_id in self._accounts

    def _account(self, account_id: str) -> Account:
        try:
            return self._accounts[account_id]
        except KeyError:
            raise SimError(-2015, "Invalid API-key, IP, or permissions for action.", 401) from None

    def balances(self, account_id: str) -> dict[str, tuple[Decimal, Decimal]]:
        return self._account(account_id).balances()

    def commission_rates(self, account_id: str) -> tuple[Decimal, Decimal]:
        acct = self._account(account_id)
        return acct.maker, acct.taker

    def credit(self, account_id: str, asset: str, delta: Decimal) -> None:
        """Deposit (delta > 0) or withdraw (delta < 0) free balance."""
        self._account(account_id).credit(asset, delta)
        self._emit_balances(account_id, {asset}, self.clock_ms())
        self._flush()

    def _emit_balances(self, account_id: str, assets: Iterable[str], now: int) -> None:
        snap = self._accounts[account_id].balances(assets)
        self._emit(BalancesChanged(account_id, MappingProxyType(snap), now))

    # -- market views ----------------------------------------------------------------------------

    def _spec(self, symbol: str) -> SymbolSpec:
        spec = self.specs.get(symbol)
        if spec is None:
            raise SimError(-1121, "Invalid symbol.")
        return spec

    def depth(self, symbol: str, limit: int = 100) -> tuple[int, list[Level], list[Level]]:
        self._spec(symbol)
        book = self._books[symbol]
        return book.update_id, book.bids.top(limit), book.asks.top(limit)

    def update_id(self, symbol: str) -> int:
        self._spec(symbol)
        return self._books[symbol].update_id

    def last_price(self, symbol: str) -> Decimal | None:
        self._spec(symbol)
        return self._books[symbol].last_price

    def best_bid_ask(self, symbol: str) -> tuple[Level | None, Level | None]:
        self._spec(symbol)
        return self._books[symbol].best_bid_ask()

    def reference_price(self, symbol: str) -> Decimal | None:
        """Last trade price, else the mid, else None: what MARKET notional checks are made against."""
        return self._books[symbol].reference_price()

    # -- orders: queries -------------------------------------------------------------------------

    def get_order(
        self, account_id: str, symbol: str, *, order_id: int | None = None, orig_client_order_id: str | None = None
    ) -> OrderSnapshot:
        acct = self._account(account_id)
        self._spec(symbol)
        order = acct.find(symbol, order_id, orig_client_order_id)
        if order is None:
            raise SimError(-2013, "Order does not exist.")
        return order.snapshot()

    def open_orders(self, account_id: str, symbol: str | None = None) -> list[OrderSnapshot]:
        acct = self._account(account_id)
        if symbol is not None:
            self._spec(symbol)
        return [o.snapshot() for o in acct.open_orders(symbol)]

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
        return [o.snapshot() for o in acct.order_history(symbol, order_id, start_time, end_time, limit)]

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
        return acct.trade_history(symbol, order_id, start_time, end_time, from_id, limit)

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
        acct = self._account(account_id)
        spec = self._spec(symbol)
        order, exhausted = self._prepare(
            acct, spec, OrderParams(side, type, quantity, quote_order_qty, price, time_in_force, new_client_order_id,
                                    stop_price, trailing_delta, iceberg_qty, stp_mode, strategy_id, strategy_type,
                                    peg_price_type, peg_offset_type, peg_offset_value),
        )  # fmt: skip
        if test:
            return PlaceResult(order.snapshot(client_order_id=""), ())
        now = order.time
        changed: dict[str, set[str]] = {account_id: set()}
        fills: list[Fill] = []
        prevented: list[PreventedMatch] = []
        self._submit(order, now, fills, prevented, changed, exhausted)
        self._settle(self._books[symbol], spec.rules, now, changed)
        self._emit_changed_balances(changed, now)
        result = PlaceResult(order.snapshot(), tuple(fills), tuple(prevented))
        self._flush()
        return result

    def _prepare(
        self, acct: Account, spec: SymbolSpec, p: OrderParams, *, check_funds: bool = True
    ) -> tuple[Order, bool]:
        """Validate one order request (raising Binance's error) and build the order, id not yet given.

        Returns the order and whether a quoteOrderQty MARKET order will run out of book."""
        rules = spec.rules
        book = self._books[rules.symbol]
        side, type, quantity, price = p.side, p.type, p.quantity, p.price
        pegged = p.peg_price_type is not None
        validate_params(
            side, type, quantity, p.quote_order_qty, price, p.time_in_force, p.stop_price, p.trailing_delta, pegged
        )
        if type not in rules.order_types:
            raise SimError(-1116, "Invalid orderType.")
        pegs.validate_peg(rules, p)
        if p.strategy_type is not None and p.strategy_type < 1_000_000:
            raise SimError(-1134, "strategyType was less than 1000000.")
        stp = p.stp_mode or rules.default_stp_mode
        if stp not in STP_MODES:
            raise SimError(-1130, "Data sent for parameter 'selfTradePreventionMode' is not valid.")
        if stp not in rules.allowed_stp_modes:
            raise SimError(-1013, "This symbol does not allow the specified self-trade prevention mode.")
        if p.trailing_delta is not None and not rules.allow_trailing_stop:
            raise rejected("Trailing stop orders are not supported for this symbol.")
        if p.iceberg_qty is not None and not rules.iceberg_allowed:
            raise rejected("Iceberg orders are not supported for this symbol.")
        failed = first_failure(
            rules,
            order_type=type,
            side=side,
            price=price,
            quantity=quantity,
            quote_order_qty=p.quote_order_qty,
            reference_price=self.reference_price(rules.symbol),
            stop_price=p.stop_price,
            trailing=p.trailing_delta,
            iceberg_qty=p.iceberg_qty,
            pegged=pegged,
        )
        if failed is not None:
            raise filter_failure(failed)
        conditional = type in CONDITIONAL_TYPES
        if conditional and 0 < rules.max_num_algo_orders <= acct.count_open(rules.symbol, CONDITIONAL_TYPES):
            raise SimError(-1013, "Filter failure: MAX_NUM_ALGO_ORDERS")
        if p.client_order_id and p.client_order_id in acct.open_ids:
            raise rejected("Duplicate order sent.")
        if p.iceberg_qty is not None:
            if type not in ICEBERG_TYPES or (p.time_in_force or "GTC") != "GTC":
                raise rejected("Unsupported order combination")
            assert quantity is not None
            if p.iceberg_qty >= quantity:
                raise rejected("IcebergQty exceeds QTY.")
        buy = side == BUY
        opposite = book.opposite(side)
        if pegged and not conditional:  # a stop-limit order takes its peg when it fires (`triggers`)
            price = pegs.entry_price(book, rules, p)
        if type == "LIMIT_MAKER":
            best = opposite.best()
            assert price is not None
            if best is not None and (best <= price if buy else best >= price):
                raise rejected("Order would immediately match and take.")
        last = book.last_price
        if p.stop_price is not None and last is not None and stop_reached(side, type, p.stop_price, last):
            raise rejected("Order would trigger immediately.")
        exhausted = False
        if type == "MARKET" and p.quote_order_qty is not None:
            quantity, exhausted = opposite.plan_quote(p.quote_order_qty, rules.step_size)
            if quantity <= 0:
                if not opposite.prices:
                    raise rejected("Order book liquidity is less than symbol minimum quantity.")
                raise rejected("Order book liquidity is less than `LOT_SIZE` filter minimum quantity.")
        assert quantity is not None
        if check_funds:
            funds_price = ZERO if pegged and price is None else price  # a pegged stop-limit: priced when it fires
            acct.check_funds(rules, opposite, buy, type, quantity, p.quote_order_qty, funds_price)
        now = self.clock_ms()
        order = Order.new(
            acct.account_id, rules.symbol, side, type, p.time_in_force or "GTC", price, quantity, p.quote_order_qty,
            now, 0, p.client_order_id or "",
        )  # fmt: skip
        order.stop_price = p.stop_price if p.stop_price is not None else ZERO
        order.trailing_delta = p.trailing_delta or 0
        order.iceberg_qty = p.iceberg_qty if p.iceberg_qty is not None else ZERO
        order.stp_mode = stp
        order.strategy_id, order.strategy_type = p.strategy_id, p.strategy_type
        order.pending = conditional
        pegs.mark(order, p, None if conditional else price)
        return order, exhausted

    def _new_id(self, order: Order) -> None:
        order.order_id = self._next_order_id
        self._next_order_id += 1
        order.client_order_id = order.client_order_id or f"sim{order.order_id:019d}"

    def _submit(
        self,
        order: Order,
        now: int,
        fills: list[Fill],
        prevented: list[PreventedMatch],
        changed: dict[str, set[str]],
        exhausted: bool = False,
        *,
        lock: bool = True,
    ) -> None:
        """Give a prepared order its id and put it to work (or, if conditional, to wait for its trigger)."""
        acct = self._accounts[order.account_id]
        rules = self.specs[order.symbol].rules
        book = self._books[order.symbol]
        if not order.order_id:
            self._new_id(order)
        acct.track(order)
        assets = changed.setdefault(order.account_id, set())
        if order.locks and lock:
            assets.add(acct.lock_for(order, rules))
        if order.pending:
            order.start_trailing(book.last_price, now)
            book.stops.append(order)
            self._emit_order(order, "NEW", None, now)
        else:
            self._emit_order(order, "NEW", None, now)
            self._execute(book, rules, order, now, fills, prevented, changed, exhausted)

    def _settle(self, book: Book, rules: SymbolRules, now: int, changed: dict[str, set[str]]) -> None:
        """After an order has matched: fire the conditional orders its trades reached and start the order
        list legs its fills released, until nothing more moves."""
        while True:
            run_triggers(self, book, rules, now, changed)
            if not self._lists.run_deferred(now, changed):
                break

    def _emit_changed_balances(self, changed: dict[str, set[str]], now: int) -> None:
        for acct_id, assets in changed.items():
            if assets:
                self._emit_balances(acct_id, assets, now)

    def _execute(
        self,
        book: Book,
        rules: SymbolRules,
        order: Order,
        now: int,
        fills: list[Fill],
        prevented: list[PreventedMatch],
        changed: dict[str, set[str]],
        exhausted: bool = False,
    ) -> None:
        """Match a working order against the book, then rest what is left or expire it."""
        acct = self._accounts[order.account_id]
        opposite = book.opposite(order.side)
        market = order.executes_as_market
        limit = None if market else order.price
        if order.tif != "FOK" or opposite.available(limit) >= order.remaining:
            self._match(book, rules, order, opposite, limit, now, fills, prevented, changed)
        if order.status == "EXPIRED_IN_MATCH":
            order.is_working = False
            acct.close(order, rules, changed[order.account_id])
        elif order.remaining > 0 and not market and order.tif == "GTC":
            own_side = book.side(order.side)
            order.is_working = True
            order.display = order.visible_part()
            total = own_side.add(order)
            self._level_changed(book, rules.symbol, own_side.name, order.price, total, now)
        else:
            # IOC/FOK/MARKET leftovers expire; so does a quoteOrderQty order that ran out of book
            expired = order.remaining > 0 or exhausted
            if expired:
                order.status = "EXPIRED"
                order.update_time = now
                order.expiry_reason = _EXPIRY_REASONS.get(order.tif, "INSUFFICIENT_LIQUIDITY")
            order.is_working = False
            acct.close(order, rules, changed[order.account_id])
            if expired:
                self._emit_order(order, "EXPIRED", None, now)
        if order.order_list_id >= 0:
            self._lists.sync(order, now, changed)

    # -- events ----------------------------------------------------------------------------------

    def _emit_order(
        self, order: Order, exec_type: str, fill: Fill | None, now: int, prevented: PreventedMatch | None = None
    ) -> None:
        exec_id = self._next_exec_id
        self._next_exec_id += 1
        self._emit(OrderUpdated(order.account_id, order.snapshot(), exec_type, fill, exec_id, now, prevented))

    def _level_changed(self, book: Book, symbol: str, side: str, price: Decimal, qty: Decimal, now: int) -> None:
        book.update_id += 1
        self._emit(BookLevelChanged(symbol, book.update_id, side, price, qty, now))

    # -- matching --------------------------------------------------------------------------------

    def _match(
        self,
        book: Book,
        rules: SymbolRules,
        taker: Order,
        opposite: BookSide,
        limit: Decimal | None,
        now: int,
        fills: list[Fill],
        prevented: list[PreventedMatch],
        changed: dict[str, set[str]],
    ) -> None:
        taker_acct = self._accounts[taker.account_id]
        while taker.remaining > 0 and opposite.prices:
            price = opposite.best()
            assert price is not None
            if limit is not None and (price > limit if taker.side == BUY else price < limit):
                break
            level = opposite.levels[price]
            maker = level[0]
            if maker.account_id == taker.account_id and taker.stp_mode != "NONE":
                prevented.append(prevent(self, book, rules, taker, maker, opposite, price, now, changed))
                continue
            qty = min(taker.remaining, maker.display)
            if not taker.locks and taker.side == BUY:
                # settles from free balance: never spend more than is there (STP can push it down the book)
                qty = min(qty, floor_to_step(taker_acct.free.get(rules.quote_asset, ZERO) / price, rules.step_size))
                if qty <= 0:
                    break
            taker_fill, maker_fill = self._trade(book, rules, taker, maker, price, qty, now, changed)
            maker.display -= qty
            if maker.remaining == 0:
                level.popleft()
            elif maker.display == 0:  # an iceberg's visible part is used up: show the next one, at the back
                level.popleft()
                maker.display = maker.visible_part()
                opposite.add(maker)
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
                self._accounts[maker.account_id].close(maker, rules, changed[maker.account_id])
            if maker.order_list_id >= 0:
                self._lists.sync(maker, now, changed)
            fills.append(taker_fill)

    def _trade(
        self,
        book: Book,
        rules: SymbolRules,
        taker: Order,
        maker: Order,
        price: Decimal,
        qty: Decimal,
        now: int,
        changed: dict[str, set[str]],
    ) -> tuple[Fill, Fill]:
        """Fill `qty` at `price` between the two orders (maker first); return (taker fill, maker fill)."""
        trade_id = self._next_trade_id
        self._next_trade_id += 1
        quote = price * qty
        book.last_price = price
        if book.stops:
            book.trade_prices.append(price)
        fills: list[Fill] = []
        for order, is_maker in ((maker, True), (taker, False)):
            acct = self._accounts[order.account_id]
            order.record_fill(qty, quote, now)
            commission, fee_asset = acct.settle(order, rules, qty, quote, is_maker)
            if order.order_list_id >= 0:
                self._lists.on_fill(order, qty, commission, fee_asset, changed)
            self.commissions[fee_asset] = self.commissions.get(fee_asset, ZERO) + commission
            changed.setdefault(order.account_id, set()).update((rules.base_asset, rules.quote_asset))
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

    # -- order lists, amendments, prevented matches --------------------------------------------------

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
        acct = self._account(account_id)
        spec = self._spec(symbol)
        return self._lists.place(acct, spec, kind, legs, working=working, list_client_order_id=list_client_order_id)

    def cancel_order_list(
        self,
        account_id: str,
        symbol: str,
        *,
        order_list_id: int | None = None,
        list_client_order_id: str | None = None,
        new_client_order_id: str | None = None,
    ) -> OrderListSnapshot:
        acct = self._account(account_id)
        self._spec(symbol)
        lst = self._lists.find(account_id, order_list_id, list_client_order_id)
        if lst.symbol != symbol or (order_list_id is not None and list_client_order_id not in (None, lst.client_id)):
            raise SimError(-2011, "Unknown order list sent.")
        snap = self._lists.cancel(acct, lst.list_id, new_client_order_id, self.clock_ms())
        self._flush()
        return snap

    def get_order_list(
        self, account_id: str, *, order_list_id: int | None = None, list_client_order_id: str | None = None
    ) -> OrderListSnapshot:
        self._account(account_id)
        return self._lists.find(account_id, order_list_id, list_client_order_id).snapshot()

    def open_order_lists(self, account_id: str) -> list[OrderListSnapshot]:
        self._account(account_id)
        return self._lists.open_lists(account_id)

    def all_order_lists(
        self,
        account_id: str,
        *,
        from_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[OrderListSnapshot]:
        self._account(account_id)
        return self._lists.history(account_id, from_id, start_time, end_time, limit)

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
        return amend_keep_priority(
            self, account_id, symbol, new_qty, order_id=order_id, orig_client_order_id=orig_client_order_id,
            new_client_order_id=new_client_order_id,
        )  # fmt: skip

    def order_amendments(
        self, account_id: str, symbol: str, order_id: int, *, from_execution_id: int | None = None, limit: int = 500
    ) -> list[Amendment]:
        acct = self._account(account_id)
        self._spec(symbol)
        if acct.find(symbol, order_id, None) is None:
            raise SimError(-2013, "Order does not exist.")
        picked = [
            a
            for a in acct.amendments
            if a.symbol == symbol
            and a.order_id == order_id
            and (from_execution_id is None or a.execution_id >= from_execution_id)
        ]
        return picked[:limit]

    def prevented_matches(
        self,
        account_id: str,
        symbol: str,
        *,
        prevented_match_id: int | None = None,
        order_id: int | None = None,
        from_prevented_match_id: int | None = None,
        limit: int = 500,
    ) -> list[PreventedMatch]:
        """myPreventedMatches: by preventedMatchId, or by orderId (from fromPreventedMatchId on)."""
        acct = self._account(account_id)
        self._spec(symbol)
        mine = [m for m in acct.prevented if m.symbol == symbol]
        if prevented_match_id is not None:
            return [m for m in mine if m.match_id == prevented_match_id]
        return [
            m
            for m in mine
            if order_id in (m.taker_order_id, m.maker_order_id)
            and (from_prevented_match_id is None or m.match_id >= from_prevented_match_id)
        ][:limit]

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
        """Cancel one order; a leg of an order list cancels the whole list (see `cancel_order_list`)."""
        acct = self._account(account_id)
        self._spec(symbol)
        order = acct.find(symbol, order_id, orig_client_order_id)
        if order is None or order.status not in OPEN_STATUSES:
            raise unknown_order()
        now = self.clock_ms()
        if order.order_list_id >= 0:
            done = self._lists.cancel(acct, order.order_list_id, new_client_order_id, now)
            self._flush()
            return next(o for o in done.orders if o.order_id == order.order_id)
        changed: set[str] = set()
        snap = self._remove(acct, order, now, changed, new_client_order_id=new_client_order_id)
        if changed:
            self._emit_balances(account_id, changed, now)
        self._flush()
        return snap

    def cancel_all(self, account_id: str, symbol: str) -> list[OrderSnapshot]:
        """Cancel every open order of `symbol`, order lists included; the canceled orders."""
        singles, lists = self.cancel_open(account_id, symbol)
        return singles + [o for lst in lists for o in lst.orders]

    def cancel_open(self, account_id: str, symbol: str) -> tuple[list[OrderSnapshot], list[OrderListSnapshot]]:
        """openOrders.cancelAll: (canceled single orders, canceled order lists), in order id order."""
        acct = self._account(account_id)
        self._spec(symbol)
        orders = acct.open_orders(symbol)
        if not orders:
            raise unknown_order()
        now = self.clock_ms()
        singles: list[OrderSnapshot] = []
        lists: list[OrderListSnapshot] = []
        changed: set[str] = set()
        for order in orders:
            if order.status not in OPEN_STATUSES:
                continue  # a leg of a list canceled above
            if order.order_list_id >= 0:
                lists.append(self._lists.cancel(acct, order.order_list_id, None, now))
            else:
                singles.append(self._remove(acct, order, now, changed))
        if changed:
            self._emit_balances(account_id, changed, now)
        self._flush()
        return singles, lists

    def _remove(
        self,
        acct: Account,
        order: Order,
        now: int,
        changed: set[str],
        *,
        status: str = "CANCELED",
        reason: str = "",
        new_client_order_id: str | None = None,
    ) -> OrderSnapshot:
        """Take an open order off the book (or out of waiting) as CANCELED, or EXPIRED for `reason`."""
        rules = self.specs[order.symbol].rules
        book = self._books[order.symbol]
        if order.list_waiting:
            order.list_waiting = False
        elif order.pending:
            book.stops.remove(order)
        else:
            side = book.side(order.side)
            side.levels[order.price].remove(order)
            total = side.reduce(order.price, order.display)
            self._level_changed(book, order.symbol, side.name, order.price, total, now)
        order.status = status
        order.expiry_reason = reason
        order.update_time = now
        order.is_working = False
        acct.close(order, rules, changed)
        if status == "CANCELED":
            cancel_id = new_client_order_id or f"cxl{self._next_exec_id:019d}"
            snap = order.snapshot(client_order_id=cancel_id, orig_client_order_id=order.client_order_id)
        else:
            snap = order.snapshot()
        exec_id = self._next_exec_id
        self._next_exec_id += 1
        self._emit(OrderUpdated(order.account_id, snap, status, None, exec_id, now))
        return snap
