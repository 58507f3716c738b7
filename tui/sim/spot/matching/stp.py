"""Self-trade prevention in the engine (stp_faq.md): what a match between two orders of one account
does instead of trading, by the taker's mode, and the record of it (`PreventedMatch`).

Called by the `Matcher` with the call's `Effects` and the engine's `OrderLists` (a leg that a prevented
match completes may end its list).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tui.domain.money import ZERO
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.accounts import Account
from tui.sim.spot.matching.book import Book, BookSide
from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.events import PreventedMatch
from tui.sim.spot.matching.orders import Order

if TYPE_CHECKING:
    from tui.sim.spot.matching.order_lists import OrderLists


def prevent(
    effects: Effects,
    lists: OrderLists,
    book: Book,
    rules: SymbolRules,
    taker: Order,
    maker: Order,
    opposite: BookSide,
    price: Decimal,
    now: int,
) -> PreventedMatch:
    """Self-trade prevention by the taker's mode; the orders' accounts are the same."""
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
    acct = effects.state.account(taker.account_id)
    if acct.keep_history:
        acct.prevented.append(match)
    effects.touch(taker.account_id)
    if maker_q > 0:
        shown = maker.display
        _expire_part(effects, acct, rules, maker, maker_q, match, now)
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
        effects.level_changed(book, rules.symbol, opposite.name, price, total, now)
        effects.order_updated(maker, "TRADE_PREVENTION", None, now, match)
        if maker.remaining == 0:
            lists.sync(maker, now, effects)
    if taker_q > 0:
        _expire_part(effects, acct, rules, taker, taker_q, match, now)
        effects.order_updated(taker, "TRADE_PREVENTION", None, now, match)
    return match


def _expire_part(
    effects: Effects, acct: Account, rules: SymbolRules, order: Order, qty: Decimal, match: PreventedMatch,
    now: int,
) -> None:  # fmt: skip
    order.prevented_qty += qty
    order.prevented_match_id = match.match_id
    order.update_time = now
    effects.touch(acct.account_id, acct.release(order, rules, qty))
    if order.remaining == 0:
        order.status = "EXPIRED_IN_MATCH"
        order.is_working = False
        effects.touch(acct.account_id, acct.close(order, rules))
