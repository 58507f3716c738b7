"""The options matching engine: orders, price-time matching, positions, margins, settlement.

Synchronous like the spot engine: each public call validates (raising `ApiError` with the venue's
code and message), mutates state, then hands the events it produced to the listeners in order.
The events are `events`; margins and what an account can spend are `margin`.

Error codes (Binance's futures/options families): -1121 invalid symbol, -1102 missing parameter,
-1111 price/quantity off the tick/step grid, -1115/-1116/-1117 bad timeInForce/type/side,
-4003 quantity below the minimum, -4016/-4024 limit price above highPriceLimit/below lowPriceLimit,
-2018 balance insufficient, -2022 reduceOnly rejected, -4116 duplicate clientOrderId,
-2013 order does not exist, -1130 bad parameter value.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from decimal import Decimal

from tui.sim.options.book import (
    BUY,
    CANCELLED,
    FILLED,
    PARTIALLY_FILLED,
    SELL,
    ZERO,
    Book,
    Order,
)
from tui.sim.options.events import AccountEvent, Event, OrderEvent, Trade, TradeEvent
from tui.sim.options.instruments import Catalog, Instrument
from tui.sim.options.ledger import Account, Position, fee_for
from tui.sim.options.margin import AccountSummary, account_summary, margin_per_unit, reducible
from tui.sim.options.pricing import Marks
from tui.sim.protocol.errors import ApiError, bad_symbol, invalid_param, mandatory

MAX_HISTORY = 1000
ORDER_TYPES = ("LIMIT", "MARKET")
TIME_IN_FORCE = ("GTC", "IOC", "FOK")


class OptionsEngine:
    """Books and accounts of the listed series. `marks` values them against the live index."""

    def __init__(
        self,
        catalog: Catalog,
        marks: Marks,
        clock_ms: Callable[[], int],
        maker_fee: Decimal = Decimal("0.0002"),
        taker_fee: Decimal = Decimal("0.0003"),
    ) -> None:
        self.catalog = catalog
        self.marks = marks
        self.clock_ms = clock_ms
        self.maker_fee, self.taker_fee = maker_fee, taker_fee
        self.books: dict[str, Book] = {}
        self.accounts: dict[str, Account] = {}
        self.open_orders_by_id: dict[int, Order] = {}
        self.history: dict[str, deque[Order]] = {}
        self.settled: dict[str, tuple[Instrument, Decimal]] = {}
        self._listeners: list[Callable[[Event], None]] = []
        self._pending: list[Event] = []
        self._touched: dict[str, set[str]] = {}
        self._order_ids = itertools.count(4611875134427365377)
        self._trade_ids = itertools.count(1)
        self._transfer_ids = itertools.count(1)

    # -- plumbing ---------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _touch(self, account: str, symbol: str | None = None) -> None:
        symbols = self._touched.setdefault(account, set())
        if symbol is not None:
            symbols.add(symbol)

    def _flush(self, now: int) -> None:
        for account, symbols in self._touched.items():
            self._pending.append(AccountEvent(account, tuple(sorted(symbols)), now))
        self._touched = {}
        events, self._pending = self._pending, []
        for ev in events:
            for listener in list(self._listeners):
                listener(ev)

    def open_account(self, account_id: str, balance: Decimal, *, system: bool = False) -> Account:
        acct = self.accounts.get(account_id)
        if acct is None:
            acct = self.accounts[account_id] = Account(account_id, balance, system)
        return acct

    def account(self, account_id: str) -> Account:
        return self.accounts.get(account_id) or self.open_account(account_id, ZERO)

    def instrument(self, symbol: str) -> Instrument:
        inst = self.catalog.get(symbol)
        if inst is None or symbol not in self.books:
            raise bad_symbol()
        return inst

    def list_instruments(self, instruments: list[Instrument]) -> None:
        for inst in instruments:
            self.books.setdefault(inst.symbol, Book())

    # -- views ------------------------------------------------------------------------------------

    def reducible(self, acct: Account, symbol: str) -> Decimal:
        """|position| not already promised to open orders that would close it."""
        return reducible(acct, symbol, self.open_orders_by_id.values())

    def summary(self, account_id: str) -> AccountSummary:
        return account_summary(self.account(account_id), self.catalog, self.marks, self.open_orders_by_id.values())

    def positions(self, account_id: str, symbol: str | None = None) -> list[tuple[Instrument, Position]]:
        acct = self.account(account_id)
        out = []
        for sym, pos in sorted(acct.positions.items()):
            inst = self.catalog.get(sym)
            if inst is not None and pos.quantity != 0 and (symbol is None or sym == symbol):
                out.append((inst, pos))
        return out

    def find_order(self, account_id: str, symbol: str, order_id: int | None, client_id: str | None) -> Order:
        if order_id is None and client_id is None:
            raise mandatory("orderId")
        candidates = [o for o in self.open_orders_by_id.values() if o.account == account_id]
        candidates += list(reversed(self.history.get(account_id, ())))
        for o in candidates:
            if o.symbol != symbol:
                continue
            if (order_id is not None and o.id == order_id) or (order_id is None and o.client_order_id == client_id):
                return o
        raise ApiError(-2013, "Order does not exist.")

    def open_orders(self, account_id: str, symbol: str | None = None) -> list[Order]:
        return sorted(
            (o for o in self.open_orders_by_id.values() if o.account == account_id and symbol in (None, o.symbol)),
            key=lambda o: o.id,
        )

    def closed_orders(self, account_id: str, symbol: str | None = None) -> list[Order]:
        return [o for o in self.history.get(account_id, ()) if symbol in (None, o.symbol)]

    # -- trading ----------------------------------------------------------------------------------

    def place(
        self,
        account_id: str,
        symbol: str,
        side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None = None,
        time_in_force: str | None = None,
        reduce_only: bool = False,
        client_order_id: str = "",
    ) -> tuple[Order, Order]:
        """Place and match one order; returns (snapshot at acceptance, snapshot after matching)."""
        now = self.clock_ms()
        inst = self.instrument(symbol)
        acct = self.account(account_id)
        if side not in (BUY, SELL):
            raise ApiError(-1117, "Invalid side.")
        if order_type not in ORDER_TYPES:
            raise ApiError(-1116, "Invalid orderType.")
        tif = time_in_force or "GTC"
        if tif not in TIME_IN_FORCE:
            raise ApiError(-1115, "Invalid timeInForce.")
        if quantity % inst.qty_step != 0:
            raise ApiError(-1111, "Precision is over the maximum defined for this asset.")
        if quantity < inst.qty_step:
            raise ApiError(-4003, f"Quantity less than minimum quantity {inst.qty_step}.")
        info = self.marks.of(inst, now)
        if order_type == "LIMIT":
            if price is None:
                raise mandatory("price")
            if price <= 0 or price % inst.tick != 0:
                raise ApiError(-1111, f"Price is not a multiple of tick size {inst.tick}.")
            if price > info.high_limit:
                raise ApiError(-4016, f"Limit price can't be higher than {info.high_limit}.")
            if price < info.low_limit:
                raise ApiError(-4024, f"Limit price can't be lower than {info.low_limit}.")
        else:
            price, tif = None, "IOC"
        if client_order_id and any(
            o.client_order_id == client_order_id for o in self.open_orders_by_id.values() if o.account == account_id
        ):
            raise ApiError(-4116, "ClientOrderId is duplicated.")
        pos = acct.positions.get(symbol)
        closes = pos is not None and pos.quantity != 0 and (pos.quantity > 0) == (side == SELL)
        capacity = self.reducible(acct, symbol) if closes else ZERO
        if reduce_only and quantity > capacity:
            raise ApiError(-2022, "ReduceOnly Order is rejected.")
        opening = ZERO if reduce_only else max(quantity - capacity, ZERO)
        per_unit = margin_per_unit(inst, side, price, info.high_limit, info.index, self.taker_fee)
        if not acct.system and per_unit * opening > self.summary(account_id).available:
            raise ApiError(-2018, "Balance is insufficient.")
        order = Order(
            next(self._order_ids),
            account_id,
            symbol,
            side,
            order_type,
            price,
            quantity,
            tif,
            reduce_only,
            client_order_id,
            now,
            per_unit,
            opening,
            update_ms=now,
        )
        ack = order.snapshot()
        self.open_orders_by_id[order.id] = order
        self._pending.append(OrderEvent(ack, now))
        self._touch(account_id)
        limit_px = price if price is not None else (info.high_limit if side == BUY else info.low_limit)
        book = self.books[symbol]
        if tif != "FOK" or self._fillable(book, side, limit_px) >= quantity:
            self._match(inst, book, order, limit_px, info.index, now)
        if order.remaining == 0:
            self._close(order, FILLED, now)
        elif tif == "GTC":
            book.add(order)
        else:
            self._close(order, CANCELLED, now)
        self._flush(now)
        return ack, order.snapshot()

    def _fillable(self, book: Book, side: str, limit_px: Decimal) -> Decimal:
        opp = SELL if side == BUY else BUY
        total = ZERO
        for px in book.best_prices(opp):
            if (px > limit_px) if side == BUY else (px < limit_px):
                break
            total += sum((o.remaining for o in book.orders_at(opp, px)), ZERO)
        return total

    def _match(self, inst: Instrument, book: Book, taker: Order, limit_px: Decimal, index: Decimal, now: int) -> None:
        opp = SELL if taker.side == BUY else BUY
        for px in book.best_prices(opp):
            if (px > limit_px) if taker.side == BUY else (px < limit_px):
                break
            queue = book.orders_at(opp, px)
            while queue and taker.remaining > 0:
                maker = queue[0]
                qty = min(maker.remaining, taker.remaining)
                self._trade(inst, maker, taker, px, qty, index, now)
                if maker.remaining == 0:
                    book.remove(maker)
                    self._close(maker, FILLED, now)
            if taker.remaining == 0:
                break

    def _trade(
        self, inst: Instrument, maker: Order, taker: Order, price: Decimal, qty: Decimal, index: Decimal, now: int
    ) -> None:
        premium = price * qty
        for order, rate in ((maker, self.maker_fee), (taker, self.taker_fee)):
            acct = self.accounts[order.account]
            fee = fee_for(price, qty, index, rate)
            signed = qty if order.side == BUY else -qty
            acct.bill(-premium if order.side == BUY else premium, "CONTRACT", now)
            acct.bill(-fee, "FEE", now)
            pos = acct.position(order.symbol)
            pos.apply(signed, price)
            if pos.quantity == 0:
                del acct.positions[order.symbol]
            order.executed_qty += qty
            order.executed_quote += premium
            order.fee += fee
            order.update_ms = now
            order.status = FILLED if order.remaining == 0 else PARTIALLY_FILLED
            self._touch(order.account, order.symbol)
        buy, sell = (maker, taker) if maker.side == BUY else (taker, maker)
        trade = Trade(
            next(self._trade_ids), inst.symbol, price, qty, now, 1 if taker.side == BUY else -1, buy.id, sell.id
        )
        self._pending.append(OrderEvent(maker.snapshot(), now, now))
        self._pending.append(OrderEvent(taker.snapshot(), now, now))
        self._pending.append(TradeEvent(trade))

    def _close(self, order: Order, status: str, now: int) -> None:
        order.status = status
        order.update_ms = now
        self.open_orders_by_id.pop(order.id, None)
        acct = self.accounts[order.account]
        if status == CANCELLED:
            self._pending.append(OrderEvent(order.snapshot(), now))
        self._touch(order.account)
        if not acct.system:
            self.history.setdefault(order.account, deque(maxlen=MAX_HISTORY)).append(order)

    def cancel(self, account_id: str, symbol: str, order_id: int | None, client_id: str | None) -> Order:
        now = self.clock_ms()
        self.instrument(symbol)
        order = self.find_order(account_id, symbol, order_id, client_id)
        if not order.is_open:
            raise ApiError(-2013, "Order does not exist.")
        self.books[symbol].remove(order)
        self._close(order, CANCELLED, now)
        self._flush(now)
        return order.snapshot()

    def cancel_all(self, account_id: str, symbol: str) -> list[Order]:
        now = self.clock_ms()
        self.instrument(symbol)
        done = []
        for order in self.open_orders(account_id, symbol):
            self.books[symbol].remove(order)
            self._close(order, CANCELLED, now)
            done.append(order.snapshot())
        self._flush(now)
        return done

    # -- funds and settlement ---------------------------------------------------------------------

    def transfer(self, account_id: str, currency: str, kind: str, amount: Decimal) -> int:
        now = self.clock_ms()
        if currency != "USDT":
            raise invalid_param("currency")
        if kind not in ("IN", "OUT"):
            raise invalid_param("type")
        if amount <= 0:
            raise invalid_param("amount")
        acct = self.account(account_id)
        if kind == "OUT" and amount > self.summary(account_id).available:
            raise ApiError(-2018, "Balance is insufficient.")
        acct.bill(amount if kind == "IN" else -amount, "TRANSFER", now)
        self._touch(account_id)
        self._flush(now)
        return next(self._transfer_ids)

    def settle(self, inst: Instrument, index: Decimal) -> None:
        """Expiry: cancel the series' orders, pay intrinsic value against `index`, delist the book."""
        now = self.clock_ms()
        book = self.books.pop(inst.symbol, None)
        if book is not None:
            for order in list(book.orders()):
                self._close(order, CANCELLED, now)
        payout = inst.contract.intrinsic(index)
        for acct in self.accounts.values():
            pos = acct.positions.pop(inst.symbol, None)
            if pos is None:
                continue
            acct.bill(payout * pos.quantity, "CONTRACT", now)
            self._touch(acct.id, inst.symbol)
        self.settled[inst.symbol] = (inst, index)
        self.marks.forget(inst.symbol)
        self._flush(now)
