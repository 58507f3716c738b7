"""The matching core: putting a checked order to work on its book, trade by trade, then resting or
expiring what is left, and afterwards the conditional orders and order-list legs its trades released.

`Matcher` acts on the `EngineState` it is given and reports through the `Effects` of the call; what
matching produced for the order itself (its fills, its prevented matches) comes back as an `Execution`.
Order lists react to their legs through the `OrderLists` the matcher is built with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from tui.domain.money import ZERO, floor_to_step
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.book import Book, BookSide
from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.events import AccountTrade, Fill, PreventedMatch, TradeExecuted
from tui.sim.spot.matching.orders import BUY, Order
from tui.sim.spot.matching.state import EngineState
from tui.sim.spot.matching.stp import prevent
from tui.sim.spot.matching.triggers import run_triggers

if TYPE_CHECKING:
    from tui.sim.spot.matching.order_lists import OrderLists

EXPIRY_REASONS = {"IOC": "UNFILLED_IOC_QUANTITY_EXPIRED", "FOK": "UNFILLED_FOK_ORDER_EXPIRED"}


@dataclass
class Execution:
    """What matching produced for one order: its fills and its prevented matches, in order."""

    fills: list[Fill] = field(default_factory=list)
    prevented: list[PreventedMatch] = field(default_factory=list)


def rest(effects: Effects, book: Book, order: Order, now: int) -> None:
    """Put what is left of a limit order on its side of the book (an iceberg shows its first part)."""
    own_side = book.side(order.side)
    order.display = order.visible_part()
    total = own_side.add(order)
    effects.level_changed(book, order.symbol, own_side.name, order.price, total, now)


def finish_off_book(effects: Effects, order: Order, now: int, exhausted: bool = False) -> bool:
    """An order that will not rest is done: what is left of it expires (as does a quoteOrderQty order
    that ran out of book). Whether it expired (the caller reports that)."""
    expired = order.remaining > 0 or exhausted
    if expired:
        order.status = "EXPIRED"
        order.update_time = now
        order.expiry_reason = EXPIRY_REASONS.get(order.tif, "INSUFFICIENT_LIQUIDITY")
    order.is_working = False
    state = effects.state
    effects.touch(order.account_id, state.account(order.account_id).close(order, state.rules(order.symbol)))
    return expired


class Matcher:
    """Matching of working orders against the books of one engine (see the engine's event order)."""

    def __init__(self, state: EngineState, lists: OrderLists) -> None:
        self.state = state
        self.lists = lists

    def submit(
        self, order: Order, now: int, effects: Effects, exhausted: bool = False, *, lock: bool = True
    ) -> Execution:
        """Give a prepared order its id (unless it has one) and put it to work, or, if conditional, to wait
        off the book for its trigger. `lock`: take what it needs from its account's free balance."""
        state = self.state
        acct = state.account(order.account_id)
        rules = state.rules(order.symbol)
        book = state.book(order.symbol)
        if not order.order_id:
            state.assign_order_id(order)
        acct.track(order)
        effects.touch(order.account_id)
        if order.locks and lock:
            effects.touch(order.account_id, acct.lock_for(order, rules))
        if order.pending:
            order.start_trailing(book.last_price, now)
            book.stops.append(order)
            effects.order_updated(order, "NEW", None, now)
            return Execution()
        effects.order_updated(order, "NEW", None, now)
        return self.execute(book, rules, order, now, effects, exhausted)

    def settle(self, symbol: str, now: int, effects: Effects) -> None:
        """After an order has matched on `symbol`'s book: fire the conditional orders its trades reached and
        start the order list legs its fills released, until nothing more moves."""
        book, rules = self.state.book(symbol), self.state.rules(symbol)
        while True:
            run_triggers(self, book, rules, now, effects)
            if not self.lists.run_deferred(self, now, effects):
                break

    def execute(
        self, book: Book, rules: SymbolRules, order: Order, now: int, effects: Effects, exhausted: bool = False
    ) -> Execution:
        """Match a working order against the book, then rest what is left or expire it."""
        acct = self.state.account(order.account_id)
        opposite = book.opposite(order.side)
        market = order.executes_as_market
        limit = None if market else order.price
        done = Execution()
        if order.tif != "FOK" or opposite.available(limit) >= order.remaining:
            done = self.match(book, rules, order, opposite, limit, now, effects)
        effects.touch(order.account_id)
        if order.status == "EXPIRED_IN_MATCH":
            order.is_working = False
            effects.touch(order.account_id, acct.close(order, rules))
        elif order.remaining > 0 and not market and order.tif == "GTC":
            order.is_working = True
            rest(effects, book, order, now)
        elif finish_off_book(effects, order, now, exhausted):
            effects.order_updated(order, "EXPIRED", None, now)
        if order.order_list_id >= 0:
            self.lists.sync(order, now, effects)
        return done

    def match(
        self,
        book: Book,
        rules: SymbolRules,
        taker: Order,
        opposite: BookSide,
        limit: Decimal | None,
        now: int,
        effects: Effects,
    ) -> Execution:
        """Trade `taker` against the opposite side, best price first, down to `limit` (None: any price)."""
        done = Execution()
        taker_acct = self.state.account(taker.account_id)
        while taker.remaining > 0 and opposite.prices:
            price = opposite.best()
            assert price is not None
            if limit is not None and (price > limit if taker.side == BUY else price < limit):
                break
            level = opposite.levels[price]
            maker = level[0]
            if maker.account_id == taker.account_id and taker.stp_mode != "NONE":
                done.prevented.append(prevent(effects, self.lists, book, rules, taker, maker, opposite, price, now))
                continue
            qty = min(taker.remaining, maker.display)
            if not taker.locks and taker.side == BUY:
                # settles from free balance: never spend more than is there (STP can push it down the book)
                qty = min(qty, floor_to_step(taker_acct.free.get(rules.quote_asset, ZERO) / price, rules.step_size))
                if qty <= 0:
                    break
            taker_fill, maker_fill = self._trade(book, rules, taker, maker, price, qty, now, effects)
            maker.display -= qty
            if maker.remaining == 0:
                level.popleft()
            elif maker.display == 0:  # an iceberg's visible part is used up: show the next one, at the back
                level.popleft()
                maker.display = maker.visible_part()
                opposite.add(maker)
            total = opposite.reduce(price, qty)
            effects.level_changed(book, rules.symbol, opposite.name, price, total, now)
            buyer, seller = (taker, maker) if taker.side == BUY else (maker, taker)
            effects.emit(
                TradeExecuted(
                    rules.symbol, taker_fill.trade_id, price, qty, taker_fill.quote_qty, now,
                    buyer.order_id, seller.order_id, buyer is maker,
                )
            )  # fmt: skip
            effects.order_updated(maker, "TRADE", maker_fill, now)
            effects.order_updated(taker, "TRADE", taker_fill, now)
            if maker.remaining == 0:
                effects.touch(maker.account_id, self.state.account(maker.account_id).close(maker, rules))
            if maker.order_list_id >= 0:
                self.lists.sync(maker, now, effects)
            done.fills.append(taker_fill)
        return done

    def _trade(
        self,
        book: Book,
        rules: SymbolRules,
        taker: Order,
        maker: Order,
        price: Decimal,
        qty: Decimal,
        now: int,
        effects: Effects,
    ) -> tuple[Fill, Fill]:
        """Fill `qty` at `price` between the two orders (maker first); return (taker fill, maker fill)."""
        trade_id = self.state.take_trade_id()
        quote = price * qty
        book.last_price = price
        if book.stops:
            book.trade_prices.append(price)
        fills: list[Fill] = []
        for order, is_maker in ((maker, True), (taker, False)):
            acct = self.state.account(order.account_id)
            order.record_fill(qty, quote, now)
            commission, fee_asset = acct.settle(order, rules, qty, quote, is_maker)
            if order.order_list_id >= 0:
                self.lists.on_fill(order, qty, commission, fee_asset, effects)
            self.state.add_commission(fee_asset, commission)
            effects.touch(order.account_id, rules.base_asset, rules.quote_asset)
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
