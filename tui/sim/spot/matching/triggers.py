"""Conditional orders in the engine: showing trade prices to the orders waiting off the book and putting
the ones that fire to work (stop / take-profit, plain or trailing; `Order.observe` decides when).

Functions of the `Engine` rather than methods, so the matching core stays one readable module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.domain.money import ZERO
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.book import Book
from tui.sim.spot.matching.orders import OPEN_STATUSES, Order
from tui.sim.spot.matching.pegs import peg_at_trigger

if TYPE_CHECKING:
    from tui.sim.spot.matching.engine import Engine


def run_triggers(eng: Engine, book: Book, rules: SymbolRules, now: int, changed: dict[str, set[str]]) -> None:
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
                trigger(eng, book, rules, order, now, changed)
    if not book.stops:
        book.trade_prices.clear()


def trigger(eng: Engine, book: Book, rules: SymbolRules, order: Order, now: int, changed: dict[str, set[str]]) -> None:
    """Put a fired conditional order to work (an OCO leg first expires its partner and takes the lock)."""
    acct = eng._accounts[order.account_id]
    assets = changed.setdefault(order.account_id, set())
    order.pending = False
    order.update_time = now
    if order.order_list_id >= 0:
        eng._lists.leg_activated(order, now, changed)
    if order.peg_price_type:  # a pegged stop-limit order takes its price now (`pegs`)
        reason = peg_at_trigger(book, rules, order, acct, assets)
        if reason:
            _reject(eng, order, rules, now, assets, reason)
            return
    if not order.locks:  # a BUY stop-market order: can the account pay for it now?
        cost = book.opposite(order.side).cost(order.remaining)[1]
        if cost > acct.free.get(rules.quote_asset, ZERO):
            _reject(eng, order, rules, now, assets)
            return
    elif order.locked == 0 and order.remaining > 0:  # an order-list leg that held nothing while waiting
        if not acct.can_lock(order, rules):
            _reject(eng, order, rules, now, assets)
            return
        assets.add(acct.lock_for(order, rules))
    order.working_time = now
    order.is_working = True
    eng._emit_order(order, "NEW", None, now)
    eng._execute(book, rules, order, now, [], [], changed)


def _reject(
    eng: Engine, order: Order, rules: SymbolRules, now: int, assets: set[str], reason: str = "REJECTED"
) -> None:
    order.status, order.expiry_reason, order.is_working = "EXPIRED", reason, False
    eng._accounts[order.account_id].close(order, rules, assets)
    eng._emit_order(order, "EXPIRED", None, now)
    eng._lists.sync(order, now, {order.account_id: assets})
