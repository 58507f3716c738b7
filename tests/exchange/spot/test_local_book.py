"""LocalOrderBook against the simulator: sync, forced gaps, and stream reconnects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tui.exchange.spot.local_book import LocalOrderBook
from tui.exchange.spot.rest import RestClient
from tui.exchange.streams import RECONNECTED, StreamClient

SYMBOL = "BTCUSDT"
STREAM = "btcusdt@depth@100ms"
LIMIT = 1000


class Feed:
    """Streams -> book, as the UI's feed does it."""

    def __init__(self, sim: Any) -> None:
        self.rest = RestClient(sim.rest_url)
        self.client = StreamClient(sim.stream_url, [STREAM], reconnect_delay=0.05)
        self.book = LocalOrderBook(SYMBOL, self.rest, snapshot_limit=LIMIT, retry_delay=0.05)
        self.markers = 0
        self.task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        async for stream, data in self.client:
            if stream == RECONNECTED:
                self.markers += 1
                self.book.on_reconnect()
            elif stream == STREAM:
                await self.book.on_diff(data)

    async def close(self) -> None:
        await self.client.close()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.book.close()
        await self.rest.aclose()


@pytest.fixture
async def feed(sim: Any) -> AsyncIterator[Feed]:
    f = Feed(sim)
    yield f
    await f.close()


async def wait_equal(sim: Any, book: LocalOrderBook, timeout: float = 15.0) -> int:
    """Wait for a moment when the local book and the engine are at the same update id; compare then.

    Engine and client run on the same loop, so reading both without awaiting in between is atomic.
    """
    async with asyncio.timeout(timeout):
        while True:
            if book.state == "live":
                update_id, bids, asks = sim.engine.depth(SYMBOL, LIMIT)
                if update_id == book.book.last_update_id:
                    local_bids, local_asks = book.book.top(LIMIT)
                    assert local_bids == bids
                    assert local_asks == asks
                    assert not book.book.crossed
                    return update_id
            await asyncio.sleep(0.002)


async def test_syncs_and_equals_engine(sim: Any, feed: Feed) -> None:
    await feed.book.wait_live(10)
    first = await wait_equal(sim, feed.book)
    second = await wait_equal(sim, feed.book)  # still equal later, after more diffs
    assert second >= first
    assert feed.book.resyncs == 0


async def test_forced_gap_resyncs(sim: Any, feed: Feed) -> None:
    await feed.book.wait_live(10)
    await wait_equal(sim, feed.book)
    fetched = feed.book.snapshots_fetched
    dropped = sim.streams.dropped_depth_events
    for _ in range(5):
        before = len(dropped)
        sim.streams.drop_next_depth_events(1)
        async with asyncio.timeout(5):
            while len(dropped) == before:
                await asyncio.sleep(0.005)
        # A dropped event the last snapshot already covered is no gap at all; drop another then.
        if dropped[-1][2] > feed.book.book.last_update_id:
            break
    async with asyncio.timeout(10):
        while feed.book.resyncs == 0:
            await asyncio.sleep(0.01)
    await feed.book.wait_live(10)
    assert feed.book.snapshots_fetched > fetched
    await wait_equal(sim, feed.book)


async def test_stream_reconnect_leaves_no_stale_level(sim: Any, feed: Feed) -> None:
    await feed.book.wait_live(10)
    await wait_equal(sim, feed.book)
    # Mark the book with a level the exchange never had; a correct reconnect must drop it.
    ghost = sim.engine.depth(SYMBOL, 1)[1][0][0] / 2
    ghost = ghost.quantize(feed.book.book.best_bid or ghost)
    feed.book.book.bids[ghost] = ghost
    await sim.streams.close_all()
    async with asyncio.timeout(10):
        while feed.markers == 0:
            await asyncio.sleep(0.01)
    await feed.client.wait_live(10)
    await feed.book.wait_live(10)
    assert ghost not in feed.book.book.bids
    await wait_equal(sim, feed.book)
