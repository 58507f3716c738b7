"""A local order book and the sans-I/O procedure that keeps it in sync with Binance's diff stream.

`DepthSync` implements "How to manage a local order book correctly" (web-socket-streams.md) as a pure
state machine: the caller feeds it diff events and snapshots and does whatever I/O it asks for
(`needs_snapshot`). Any gap discards the book and starts over, so no stale level can survive.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

Level = tuple[Decimal, Decimal]


class OrderBook:
    """Price levels on both sides plus the update id the book corresponds to."""

    __slots__ = ("asks", "bids", "last_update_id")

    def __init__(self) -> None:
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.last_update_id = 0

    def load_snapshot(self, last_update_id: int, bids: Iterable[Level], asks: Iterable[Level]) -> None:
        self.bids = {p: q for p, q in bids if q > 0}
        self.asks = {p: q for p, q in asks if q > 0}
        self.last_update_id = last_update_id

    def clear(self) -> None:
        self.bids.clear()
        self.asks.clear()
        self.last_update_id = 0

    def set_levels(self, bids: Iterable[Level], asks: Iterable[Level]) -> None:
        """Set absolute quantities; zero removes the level (the diff update rule)."""
        for side, levels in ((self.bids, bids), (self.asks, asks)):
            for price, qty in levels:
                if qty:
                    side[price] = qty
                else:
                    side.pop(price, None)

    def top(self, depth: int) -> tuple[list[Level], list[Level]]:
        """Best `depth` bids (high to low) and asks (low to high)."""
        bids = heapq.nlargest(depth, self.bids.items())
        asks = heapq.nsmallest(depth, self.asks.items())
        return bids, asks

    @property
    def best_bid(self) -> Decimal | None:
        return max(self.bids) if self.bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return min(self.asks) if self.asks else None

    @property
    def crossed(self) -> bool:
        bid, ask = self.best_bid, self.best_ask
        return bid is not None and ask is not None and bid >= ask


@dataclass(frozen=True)
class DepthDiff:
    """One `depthUpdate` event: levels changed between first (U) and final (u) update ids."""

    first_update_id: int
    final_update_id: int
    bids: Sequence[Level]
    asks: Sequence[Level]


@dataclass(frozen=True)
class DepthSnapshot:
    last_update_id: int
    bids: Sequence[Level]
    asks: Sequence[Level]


class SyncState(Enum):
    WAITING_FOR_EVENTS = "buffering"  # no diff seen yet
    WAITING_FOR_SNAPSHOT = "syncing"  # buffering diffs, a snapshot is needed
    LIVE = "live"


class DepthSync:
    """Keeps an `OrderBook` correct from a diff stream plus REST snapshots.

    Protocol: call `on_diff` for every event and `on_snapshot` for every snapshot fetched. Whenever
    `needs_snapshot` is true the caller must fetch one (the first time, and after every gap).
    `resyncs` counts how often the book was discarded because of a gap.
    """

    def __init__(self, max_buffer: int = 10_000) -> None:
        self.book = OrderBook()
        self.state = SyncState.WAITING_FOR_EVENTS
        self.resyncs = 0
        self._buffer: list[DepthDiff] = []
        self._first_buffered_u = 0
        self._max_buffer = max_buffer

    @property
    def needs_snapshot(self) -> bool:
        return self.state is SyncState.WAITING_FOR_SNAPSHOT

    @property
    def live(self) -> bool:
        return self.state is SyncState.LIVE

    def reset(self) -> None:
        """Forget everything (e.g. after the stream reconnected): back to step 1."""
        self.book.clear()
        self._buffer.clear()
        self.state = SyncState.WAITING_FOR_EVENTS

    def on_diff(self, diff: DepthDiff) -> bool:
        """Feed one event; returns True if the visible book changed."""
        if self.state is SyncState.LIVE:
            book = self.book
            if diff.final_update_id <= book.last_update_id:
                return False  # stale: already contained in what we have
            if diff.first_update_id > book.last_update_id + 1:
                self._restart(diff)  # missed events: discard the book, start over
                return False
            book.set_levels(diff.bids, diff.asks)
            book.last_update_id = diff.final_update_id
            return True
        if self.state is SyncState.WAITING_FOR_EVENTS:
            self._first_buffered_u = diff.first_update_id
            self.state = SyncState.WAITING_FOR_SNAPSHOT
        if self._buffer and diff.first_update_id > self._buffer[-1].final_update_id + 1:
            # A gap inside the buffer itself: only events from here on can be trusted.
            self._buffer.clear()
            self._first_buffered_u = diff.first_update_id
        self._buffer.append(diff)
        if len(self._buffer) > self._max_buffer:
            del self._buffer[: len(self._buffer) - self._max_buffer]
            self._first_buffered_u = self._buffer[0].first_update_id
        return False

    def on_snapshot(self, snap: DepthSnapshot) -> bool:
        """Apply a fetched snapshot; returns True if the book is now live.

        A snapshot older than the first buffered event (lastUpdateId < U) is refused; the caller
        fetches again (step 4 of the procedure).
        """
        if self.state is not SyncState.WAITING_FOR_SNAPSHOT:
            return self.state is SyncState.LIVE
        if snap.last_update_id < self._first_buffered_u:
            return False
        pending = [d for d in self._buffer if d.final_update_id > snap.last_update_id]
        self._buffer.clear()
        if pending and pending[0].first_update_id > snap.last_update_id + 1:
            # The snapshot is older than what we kept buffered: fetch again.
            self._buffer = pending
            self._first_buffered_u = pending[0].first_update_id
            return False
        self.book.load_snapshot(snap.last_update_id, snap.bids, snap.asks)
        self.state = SyncState.LIVE
        for diff in pending:
            if self.on_diff(diff) is False and self.state is not SyncState.LIVE:
                return False
        return self.state is SyncState.LIVE

    def _restart(self, diff: DepthDiff) -> None:
        self.resyncs += 1
        self.book.clear()
        self._buffer = [diff]
        self._first_buffered_u = diff.first_update_id
        self.state = SyncState.WAITING_FOR_SNAPSHOT
