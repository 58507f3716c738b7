"""Conditional orders in the engine: showing trade prices to the orders waiting off the book and putting
the ones that fire to work (stop / take-profit, plain or trailing; `Order.observe` decides when).

Called by the `Matcher` once an order has matched; a fired order is matched by that same matcher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.domain.money import ZERO
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.book import Book
from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.orders import OPEN_STATUSES, Order
from tui.sim.spot.matching.pegs import peg_at_trigger

if TYPE_CHECKING:
    from tui.sim.spot.matching.matcher import Matcher


def run_triggers(matcher: Matcher, book: Book, rules: SymbolRules, now: int, effects: Effects) -> None:
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
            if order.status in OPEN_STATUSES:  # an OCO partner that fired first may have expired it
                trigger(matcher, book, rules, order, now, effects)
    if not book.stops:
        book.trade_prices.clear()


def trigger(matcher: Matcher, book: Book, rules: SymbolRules, order: Order, now: int, effects: Effects) -> None:
    """Put a fired conditional order to work (an OCO leg first expires its partner and takes the lock)."""
    acct = matcher.state.account(order.account_id)
    effects.touch(order.account_id)
    order.pending = False
    order.update_time = now
    if order.order_list_id >= 0:
        matcher.lists.leg_activated(order, now, effects)
    if order.peg_price_type:  # a pegged stop-limit order takes its price now (`pegs`)
        reason = peg_at_trigger(book, rules, order)
        if reason:
            _reject(matcher, order, rules, now, effects, reason)
            return
        if order.side == "BUY":  # it locks again below, at the pegged price
            effects.touch(order.account_id, acct.unlock(order, rules))
    if not order.locks:  # a BUY stop-market order: can the account pay for it now?
        cost = book.opposite(order.side).cost(order.remaining)[1]
        if cost > acct.free.get(rules.quote_asset, ZERO):
            _reject(matcher, order, rules, now, effects)
            return
    elif order.locked == 0 and order.remaining > 0:  # an order-list leg that held nothing while waiting
        if not acct.can_lock(order, rules):
            _reject(matcher, order, rules, now, effects)
            return
        effects.touch(order.account_id, acct.lock_for(order, rules))
    order.working_time = now
    order.is_working = True
    effects.order_updated(order, "NEW", None, now)
    matcher.execute(book, rules, order, now, effects)


def _reject(
    matcher: Matcher, order: Order, rules: SymbolRules, now: int, effects: Effects, reason: str = "REJECTED"
) -> None:
    order.status, order.expiry_reason, order.is_working = "EXPIRED", reason, False
    effects.touch(order.account_id, matcher.state.account(order.account_id).close(order, rules))
    effects.order_updated(order, "EXPIRED", None, now)
    matcher.lists.sync(order, now, effects)
