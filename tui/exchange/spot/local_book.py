"""A local order book kept in sync from the diff stream plus REST snapshots.

`DepthSync` (domain) decides; this class does the I/O it asks for: whenever the sync needs a
snapshot, one fetch runs (never two at once), retried while the snapshot is older than the buffered
events. `on_reconnect()` throws the book away, so no level from before a reconnect survives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from tui.domain.order_book import DepthSync, OrderBook, SyncState
from tui.exchange.errors import ExchangeError
from tui.exchange.spot.codec.depth import depth_diff_from_stream
from tui.exchange.spot.rest import RestClient

log = logging.getLogger(__name__)


class LocalOrderBook:
    """One symbol's book. Feed it every `<symbol>@depth` payload via `on_diff`."""

    def __init__(
        self,
        symbol: str,
        rest: RestClient,
        *,
        snapshot_limit: int = 1000,
        retry_delay: float = 0.2,
        max_retry_delay: float = 5.0,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.symbol = symbol
        self.rest = rest
        self.snapshot_limit = snapshot_limit
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.on_change = on_change
        self.sync = DepthSync()
        self.snapshots_fetched = 0
        self.bad_events = 0
        self._fetch: asyncio.Task[None] | None = None
        self._live = asyncio.Event()

    @property
    def book(self) -> OrderBook:
        return self.sync.book

    @property
    def state(self) -> str:
        """ "live" when the book can be shown, otherwise "syncing"."""
        return "live" if self.sync.live else "syncing"

    @property
    def resyncs(self) -> int:
        return self.sync.resyncs

    async def on_diff(self, data: Any) -> bool:
        """Feed one depthUpdate payload; returns True if the visible book changed.

        Awaitable for the feed's convenience; it never waits on I/O (a snapshot fetch, when
        needed, runs in its own task). `feed_diff` is the same thing, synchronous.
        """
        return self.feed_diff(data)

    def feed_diff(self, data: Any) -> bool:
        """Synchronous `on_diff`."""
        try:
            diff = depth_diff_from_stream(data)
        except ValueError as exc:
            # Skipping a bad event would silently corrupt the book: treat it as a gap instead.
            self.bad_events += 1
            log.warning("%s: malformed depth event (%s); resyncing", self.symbol, exc)
            self.on_reconnect()
            return False
        was_live = self.sync.live
        changed = self.sync.on_diff(diff)
        if was_live and not self.sync.live:
            log.info("%s: gap in depth updates; fetching a new snapshot", self.symbol)
            self._live.clear()
            self._notify()
        if self.sync.needs_snapshot:
            self._ensure_fetch()
        if changed:
            self._notify()
        return changed

    def on_reconnect(self) -> None:
        """The stream reconnected (or lost events): discard everything and start over."""
        self._cancel_fetch()
        self.sync.reset()
        self._live.clear()
        self._notify()

    async def wait_live(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._live.wait(), timeout)

    async def close(self) -> None:
        task = self._cancel_fetch()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _notify(self) -> None:
        if self.on_change is not None:
            try:
                self.on_change()
            except Exception:
                log.exception("order book change callback failed")

    def _cancel_fetch(self) -> asyncio.Task[None] | None:
        task, self._fetch = self._fetch, None
        if task is not None and not task.done():
            task.cancel()
        return task

    def _ensure_fetch(self) -> None:
        if self._fetch is None or self._fetch.done():
            self._fetch = asyncio.create_task(self._fetch_until_synced(), name=f"snapshot:{self.symbol}")

    async def _fetch_until_synced(self) -> None:
        delay = self.retry_delay
        while self.sync.state is SyncState.WAITING_FOR_SNAPSHOT:
            try:
                snap = await self.rest.depth(self.symbol, self.snapshot_limit)
            except (ExchangeError, ValueError) as exc:
                log.warning("%s: depth snapshot failed (%s); retrying in %.1f s", self.symbol, exc, delay)
                await asyncio.sleep(delay)
                delay = min(self.max_retry_delay, delay * 2)
                continue
            self.snapshots_fetched += 1
            if self.sync.on_snapshot(snap):
                self._live.set()
                self._notify()
                return
            if self.sync.state is SyncState.WAITING_FOR_SNAPSHOT:
                # Snapshot older than the buffered events (lastUpdateId < U): fetch again shortly.
                await asyncio.sleep(delay)
                delay = min(self.max_retry_delay, delay * 2)
