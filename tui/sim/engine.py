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

from tui.domain.filters import SymbolRules, check_order
from tui.domain.money import ZERO, floor_to_step

from .accounts import Account
from .book import Book, BookSide, Level
from .errors import SimError, rejected, unknown_order
from .events import (
    AccountTrade,
    BalancesChanged,
    BookLevelChanged,
    EngineEvent,
    Fill,
    Listener,
    OrderSnapshot,
    OrderUpdated,
    PlaceResult,
    PreventedMatch,
    SymbolSpec,
    TradeExecuted,
)
from .orders import (
    BUY,
    CONDITIONAL_TYPES,
    ICEBERG_TYPES,
    OPEN_STATUSES,
    STP_MODES,
    Order,
    stop_reached,
    validate_params,
)

__all__ = [
    "AccountTrade",
    "BalancesChanged",
    "BookLevelChanged",
    "Engine",
    "EngineEvent",
    "Fill",
    "Listener",
    "OrderSnapshot",
    "OrderUpdated",
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
        test: bool = False,
    ) -> PlaceResult:
        acct = self._account(account_id)
        spec = self._spec(symbol)
        rules = spec.rules
        book = self._books[symbol]
        validate_params(side, type, quantity, quote_order_qty, price, time_in_force, stop_price, trailing_delta)
        if type not in rules.order_types:
            raise SimError(-1116, "Invalid orderType.")
        if strategy_type is not None and strategy_type < 1_000_000:
            raise SimError(-1134, "strategyType was less than 1000000.")
        stp = stp_mode or rules.default_stp_mode
        if stp not in STP_MODES:
            raise SimError(-1130, "Data sent for parameter 'selfTradePreventionMode' is not valid.")
        if stp not in rules.allowed_stp_modes:
            raise SimError(-1013, "This symbol does not allow the specified self-trade prevention mode.")
        if trailing_delta is not None and not rules.allow_trailing_stop:
            raise rejected("Trailing stop orders are not supported for this symbol.")
        if iceberg_qty is not None and not rules.iceberg_allowed:
            raise rejected("Iceberg orders are not supported for this symbol.")
        checked = check_order(
            rules,
            order_type=type,
            price=price,
            quantity=quantity,
            quote_order_qty=quote_order_qty,
            reference_price=self.reference_price(symbol),
            side=side,
            stop_price=stop_price,
            trailing_delta=trailing_delta,
            iceberg_qty=iceberg_qty,
        )
        if not checked.ok:
            raise SimError(-1013, f"Filter failure: {checked.failures[0].filter}")
        conditional = type in CONDITIONAL_TYPES
        if conditional and 0 < rules.max_num_algo_orders <= acct.count_open(symbol, CONDITIONAL_TYPES):
            raise SimError(-1013, "Filter failure: MAX_NUM_ALGO_ORDERS")
        if new_client_order_id and new_client_order_id in acct.open_ids:
            raise rejected("Duplicate order sent.")
        if iceberg_qty is not None:
            if type not in ICEBERG_TYPES or (time_in_force or "GTC") != "GTC":
                raise rejected("Unsupported order combination")
            assert quantity is not None
            if iceberg_qty >= quantity:
                raise rejected("IcebergQty exceeds QTY.")
        buy = side == BUY
        opposite = book.opposite(side)
        if type == "LIMIT_MAKER":
            best = opposite.best()
            assert price is not None
            if best is not None and (best <= price if buy else best >= price):
                raise rejected("Order would immediately match and take.")
        last = book.last_price
        if stop_price is not None and last is not None and stop_reached(side, type, stop_price, last):
            raise rejected("Order would trigger immediately.")
        if type == "MARKET" and quote_order_qty is not None:
            quantity, exhausted = opposite.plan_quote(quote_order_qty, rules.step_size)
            if quantity <= 0:
                if not opposite.prices:
                    raise rejected("Order book liquidity is less than symbol minimum quantity.")
                raise rejected("Order book liquidity is less than `LOT_SIZE` filter minimum quantity.")
        else:
            exhausted = False
        assert quantity is not None
        acct.check_funds(rules, opposite, buy, type, quantity, quote_order_qty, price)

        now = self.clock_ms()
        tif = time_in_force or "GTC"
        order_id = 0 if test else self._next_order_id
        cid = "" if test else new_client_order_id or f"sim{order_id:019d}"
        order = Order.new(account_id, symbol, side, type, tif, price, quantity, quote_order_qty, now, order_id, cid)
        order.stop_price = stop_price if stop_price is not None else ZERO
        order.trailing_delta = trailing_delta or 0
        order.iceberg_qty = iceberg_qty if iceberg_qty is not None else ZERO
        order.stp_mode = stp
        order.strategy_id, order.strategy_type = strategy_id, strategy_type
        order.pending = conditional
        if test:
            return PlaceResult(order.snapshot(), ())

        self._next_order_id += 1
        acct.track(order)
        changed: dict[str, set[str]] = {account_id: set()}
        if order.locks:
            changed[account_id].add(acct.lock_for(order, rules))
        fills: list[Fill] = []
        prevented: list[PreventedMatch] = []
        if conditional:
            order.start_trailing(book.last_price, now)
            book.stops.append(order)
            self._emit_order(order, "NEW", None, now)
        else:
            self._emit_order(order, "NEW", None, now)
            self._execute(book, rules, order, now, fills, prevented, changed, exhausted)
            self._run_triggers(book, rules, now, changed)
        for acct_id, assets in changed.items():
            if assets:
                self._emit_balances(acct_id, assets, now)
        result = PlaceResult(order.snapshot(), tuple(fills), tuple(prevented))
        self._flush()
        return result

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

    # -- orders: conditional ---------------------------------------------------------------------

    def _run_triggers(self, book: Book, rules: SymbolRules, now: int, changed: dict[str, set[str]]) -> None:
        """Show every trade price, in order, to the waiting conditional orders; work the ones that fire.

        Fired orders go to work after the order that traded has finished matching (it holds the book
        meanwhile), oldest trigger first; their own trades are shown to the rest in turn.
        """
        while book.trade_prices:
            prices, book.trade_prices = book.trade_prices, []
            fired: list[Order] = []
            for price in prices:
                hit = [o for o in book.stops if o.observe(price, now)]
                if hit:
                    fired.extend(hit)
                    book.stops = [o for o in book.stops if o not in hit]
            for order in fired:
                self._trigger(book, rules, order, now, changed)
        if not book.stops:
            book.trade_prices.clear()

    def _trigger(self, book: Book, rules: SymbolRules, order: Order, now: int, changed: dict[str, set[str]]) -> None:
        acct = self._accounts[order.account_id]
        changed.setdefault(order.account_id, set())
        order.pending = False
        order.update_time = now
        if not order.locks:  # a BUY stop-market order: can the account pay for it now?
            cost = book.opposite(order.side).cost(order.remaining)[1]
            if cost > acct.free.get(rules.quote_asset, ZERO):
                order.status, order.expiry_reason, order.is_working = "EXPIRED", "REJECTED", False
                acct.close(order, rules, changed[order.account_id])
                self._emit_order(order, "EXPIRED", None, now)
                return
        order.working_time = now
        order.is_working = True
        self._emit_order(order, "NEW", None, now)
        self._execute(book, rules, order, now, [], [], changed)

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
                prevented.append(self._prevent(book, rules, taker, maker, opposite, price, now, changed))
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
            fills.append(taker_fill)

    def _prevent(
        self,
        book: Book,
        rules: SymbolRules,
        taker: Order,
        maker: Order,
        opposite: BookSide,
        price: Decimal,
        now: int,
        changed: dict[str, set[str]],
    ) -> PreventedMatch:
        """Self-trade prevention by the taker's mode (stp_faq.md); the orders' accounts are the same."""
        mode = taker.stp_mode
        would_trade = min(taker.remaining, maker.display)
        if mode == "EXPIRE_TAKER":
            taker_q, maker_q = taker.remaining, ZERO
        elif mode == "EXPIRE_MAKER":
            taker_q, maker_q = ZERO, maker.remaining
        elif mode == "EXPIRE_BOTH":
            taker_q, maker_q = taker.remaining, maker.remaining
        else:  # DECREMENT (and TRANSFER, which within one account behaves the same)
            taker_q = maker_q = min(taker.remaining, maker.remaining)
        match = PreventedMatch(
            book.next_prevented_id, rules.symbol, mode, taker.order_id, maker.order_id, price,
            would_trade, taker_q, maker_q, now,
        )  # fmt: skip
        book.next_prevented_id += 1
        acct = self._accounts[taker.account_id]
        assets = changed.setdefault(taker.account_id, set())
        if maker_q > 0:
            shown = maker.display
            self._expire_part(acct, rules, maker, maker_q, match, now, assets)
            level = opposite.levels[price]
            if maker.remaining == 0:
                level.popleft()
                gone = shown
            else:
                maker.display = min(maker.display, maker.remaining)
                if maker.display == 0:
                    level.popleft()
                    maker.display = maker.visible_part()
                    opposite.add(maker)
                    gone = shown
                else:
                    gone = shown - maker.display
            total = opposite.reduce(price, gone)
            self._level_changed(book, rules.symbol, opposite.name, price, total, now)
            self._emit_order(maker, "TRADE_PREVENTION", None, now, match)
        if taker_q > 0:
            self._expire_part(acct, rules, taker, taker_q, match, now, assets)
            self._emit_order(taker, "TRADE_PREVENTION", None, now, match)
        return match

    def _expire_part(
        self, acct: Account, rules: SymbolRules, order: Order, qty: Decimal, match: PreventedMatch, now: int,
        assets: set[str],
    ) -> None:  # fmt: skip
        order.prevented_qty += qty
        order.prevented_match_id = match.match_id
        order.update_time = now
        acct.release(order, rules, qty, assets)
        if order.remaining == 0:
            order.status = "EXPIRED_IN_MATCH"
            order.is_working = False
            acct.close(order, rules, assets)

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
        order = acct.find(symbol, order_id, orig_client_order_id)
        if order is None or order.status not in OPEN_STATUSES:
            raise unknown_order()
        snap = self._cancel(acct, order, new_client_order_id, self.clock_ms())
        self._flush()
        return snap

    def cancel_all(self, account_id: str, symbol: str) -> list[OrderSnapshot]:
        acct = self._account(account_id)
        self._spec(symbol)
        orders = acct.open_orders(symbol)
        if not orders:
            raise unknown_order()
        now = self.clock_ms()
        snaps = [self._cancel(acct, order, None, now) for order in orders]
        self._flush()
        return snaps

    def _cancel(self, acct: Account, order: Order, new_client_order_id: str | None, now: int) -> OrderSnapshot:
        rules = self.specs[order.symbol].rules
        book = self._books[order.symbol]
        if order.pending:
            book.stops.remove(order)
        else:
            side = book.side(order.side)
            side.levels[order.price].remove(order)
            total = side.reduce(order.price, order.display)
            self._level_changed(book, order.symbol, side.name, order.price, total, now)
        order.status = "CANCELED"
        order.update_time = now
        order.is_working = False
        changed: set[str] = set()
        acct.close(order, rules, changed)
        cancel_id = new_client_order_id or f"cxl{self._next_exec_id:019d}"
        snap = order.snapshot(client_order_id=cancel_id, orig_client_order_id=order.client_order_id)
        exec_id = self._next_exec_id
        self._next_exec_id += 1
        self._emit(OrderUpdated(order.account_id, snap, "CANCELED", None, exec_id, now))
        if changed:
            self._emit_balances(order.account_id, changed, now)
        return snap
