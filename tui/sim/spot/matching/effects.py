"""`Effects`: what one engine call does, collected in order while it runs, then published.

The engine makes one per public call and hands it to every part that acts; the parts add events
to it (instead of appending to lists they were passed) and say which balances they touched. The
engine then adds a BalancesChanged per touched account and delivers the events to its listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import MappingProxyType

from tui.sim.spot.matching.book import Book
from tui.sim.spot.matching.events import (
    BalancesChanged,
    BookLevelChanged,
    EngineEvent,
    Fill,
    Listener,
    OrderUpdated,
    PreventedMatch,
)
from tui.sim.spot.matching.orders import Order
from tui.sim.spot.matching.state import EngineState

log = logging.getLogger(__name__)


class Effects:
    """The events of one engine call, in order, and the assets it touched per account (in order of first
    touch: the acting account is registered first, so its BalancesChanged comes first)."""

    def __init__(self, state: EngineState, first_account: str | None = None) -> None:
        self.state = state
        self.events: list[EngineEvent] = []
        self.touched: dict[str, set[str]] = {}
        if first_account is not None:
            self.assets(first_account)

    def emit(self, event: EngineEvent) -> None:
        self.events.append(event)

    def assets(self, account_id: str) -> set[str]:
        """The assets of `account_id` touched so far: the set to add to (the `Account` methods take it)."""
        return self.touched.setdefault(account_id, set())

    def touch(self, account_id: str, *assets: str | None) -> None:
        """Note that these assets of the account changed (None: none did); the account counts as touched
        from now on, which fixes where its BalancesChanged comes."""
        touched = self.assets(account_id)
        touched.update(a for a in assets if a is not None)

    def order_updated(
        self, order: Order, exec_type: str, fill: Fill | None, now: int, prevented: PreventedMatch | None = None
    ) -> None:
        """An execution of `order` (its snapshot now), with the next execution id."""
        exec_id = self.state.take_exec_id()
        self.emit(OrderUpdated(order.account_id, order.snapshot(), exec_type, fill, exec_id, now, prevented))

    def level_changed(self, book: Book, symbol: str, side: str, price: Decimal, qty: Decimal, now: int) -> None:
        """A price level's new total; the book's update id grows by one."""
        book.update_id += 1
        self.emit(BookLevelChanged(symbol, book.update_id, side, price, qty, now))

    def balances_changed(self, account_id: str, assets: Iterable[str], now: int) -> None:
        """BalancesChanged for these assets of the account, now (not waiting for the end of the call)."""
        snap = self.state.account(account_id).balances(assets)
        self.emit(BalancesChanged(account_id, MappingProxyType(snap), now))

    def touched_balances(self, now: int) -> None:
        """BalancesChanged for every account with touched assets, in order of first touch."""
        for account_id, assets in self.touched.items():
            if assets:
                self.balances_changed(account_id, assets, now)
        self.touched = {}


def deliver(events: Sequence[EngineEvent], listeners: Sequence[Listener]) -> None:
    """Hand each event, in order, to each listener; a broken listener must not stop the others."""
    for event in events:
        for listener in tuple(listeners):
            try:
                listener(event)
            except Exception:
                log.exception("engine listener failed on %s", type(event).__name__)
