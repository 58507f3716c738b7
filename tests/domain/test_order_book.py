"""The local order book procedure: DepthSync (domain) and LocalOrderBook (its I/O around it).

The property test plays a random book evolution as a diff stream: the client joins the stream at a
random event, asks for a snapshot after a random number of buffered events, gets the server's book as
of a random later moment, and must end with exactly the true book. Dropping an event must force a
resync that again ends with the true book.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.domain.order_book import DepthDiff, DepthSnapshot, DepthSync, SyncState
from tui.exchange.spot.local_book import LocalOrderBook

PRICES = [Decimal(p) for p in ("99.5", "99.6", "99.7", "99.8", "99.9", "100.1", "100.2", "100.3", "100.4")]
QTYS = [Decimal(q) for q in ("0", "0", "0.5", "1", "2.25", "10")]


@dataclass
class Market:
    """The true book and the diff events that built it."""

    diffs: list[DepthDiff] = field(default_factory=list)
    states: list[tuple[int, dict[Decimal, Decimal], dict[Decimal, Decimal]]] = field(default_factory=list)

    def snapshot_after(self, index: int) -> DepthSnapshot:
        last_id, bids, asks = self.states[index]
        return DepthSnapshot(last_id, tuple(sorted(bids.items(), reverse=True)), tuple(sorted(asks.items())))

    @property
    def final(self) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
        return self.states[-1][1], self.states[-1][2]


levels = st.lists(st.tuples(st.sampled_from(PRICES), st.sampled_from(QTYS)), max_size=4)
events = st.lists(st.tuples(st.integers(0, 3), levels, levels), min_size=3, max_size=40)


def build_market(raw: list[tuple[int, list, list]]) -> Market:
    market = Market()
    bids: dict[Decimal, Decimal] = {}
    asks: dict[Decimal, Decimal] = {}
    last = 0
    for span, b, a in raw:
        first, final = last + 1, last + 1 + span
        for side, changes in ((bids, b), (asks, a)):
            for price, qty in changes:
                if qty:
                    side[price] = qty
                else:
                    side.pop(price, None)
        market.diffs.append(DepthDiff(first, final, tuple(b), tuple(a)))
        market.states.append((final, dict(bids), dict(asks)))
        last = final
    return market


def assert_book_equals(sync: DepthSync, market: Market) -> None:
    bids, asks = market.final
    assert sync.live
    assert sync.book.bids == bids
    assert sync.book.asks == asks
    assert sync.book.last_update_id == market.states[-1][0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=events, data=st.data())
def test_sync_ends_equal_to_true_book(raw: list, data: st.DataObject) -> None:
    market = build_market(raw)
    n = len(market.diffs)
    join = data.draw(st.integers(0, n - 2), label="first event received")
    received = data.draw(st.integers(1, n - join), label="events buffered before the snapshot")
    server_at = data.draw(st.integers(join + received - 1, n - 1), label="snapshot taken after event")
    sync = DepthSync()
    for diff in market.diffs[join : join + received]:
        assert sync.on_diff(diff) is False
        assert sync.needs_snapshot
    if join > 0 and data.draw(st.booleans(), label="first snapshot is stale"):
        stale = data.draw(st.integers(0, join - 1))
        if market.states[stale][0] < market.diffs[join].first_update_id:
            assert sync.on_snapshot(market.snapshot_after(stale)) is False
            assert sync.needs_snapshot
    assert sync.on_snapshot(market.snapshot_after(server_at)) is True
    for diff in market.diffs[join + received :]:
        sync.on_diff(diff)
    assert_book_equals(sync, market)
    assert sync.resyncs == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=events.filter(lambda r: len(r) >= 5), data=st.data())
def test_dropped_event_forces_resync_and_ends_equal(raw: list, data: st.DataObject) -> None:
    market = build_market(raw)
    n = len(market.diffs)
    sync = DepthSync()
    sync.on_diff(market.diffs[0])
    assert sync.on_snapshot(market.snapshot_after(0))
    dropped = data.draw(st.integers(1, n - 2), label="dropped event")
    for diff in market.diffs[1:dropped]:
        sync.on_diff(diff)
    assert sync.live
    # Event `dropped` never arrives; the next one reveals the gap.
    assert sync.on_diff(market.diffs[dropped + 1]) is False
    assert sync.needs_snapshot and sync.resyncs == 1
    assert not sync.book.bids and not sync.book.asks  # nothing stale is shown
    buffered = data.draw(st.integers(dropped + 1, n - 1), label="last event before the snapshot")
    for diff in market.diffs[dropped + 2 : buffered + 1]:
        sync.on_diff(diff)
    server_at = data.draw(st.integers(buffered, n - 1), label="snapshot taken after event")
    assert sync.on_snapshot(market.snapshot_after(server_at))
    for diff in market.diffs[buffered + 1 :]:
        sync.on_diff(diff)
    assert_book_equals(sync, market)


def test_reset_forgets_everything() -> None:
    market = build_market([(0, [(PRICES[0], QTYS[3])], [(PRICES[6], QTYS[3])])] * 3)
    sync = DepthSync()
    sync.on_diff(market.diffs[0])
    sync.on_snapshot(market.snapshot_after(0))
    assert sync.live and sync.book.bids
    sync.reset()
    assert sync.state is SyncState.WAITING_FOR_EVENTS and not sync.book.bids and not sync.book.asks


# --- LocalOrderBook: the I/O around DepthSync ---------------------------------------------------


class FakeRest:
    """Serves snapshots of `market` as of `market_index`, counting calls; can lag or fail."""

    def __init__(self, market: Market) -> None:
        self.market = market
        self.at = 0
        self.calls = 0
        self.lagging = 0  # serve this many stale snapshots first
        self.in_flight = 0
        self.max_in_flight = 0

    async def depth(self, symbol: str, limit: int = 1000) -> DepthSnapshot:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.001)
            if self.lagging:
                self.lagging -= 1
                return DepthSnapshot(0, (), ())
            return self.market.snapshot_after(self.at)
        finally:
            self.in_flight -= 1


def _wire(diff: DepthDiff) -> dict:
    return {
        "e": "depthUpdate",
        "U": diff.first_update_id,
        "u": diff.final_update_id,
        "b": [[str(p), str(q)] for p, q in diff.bids],
        "a": [[str(p), str(q)] for p, q in diff.asks],
    }


def _market() -> Market:
    raw = []
    for i in range(30):
        price_b, price_a = PRICES[i % 5], PRICES[5 + i % 4]
        raw.append((i % 3, [(price_b, QTYS[2 + i % 4])], [(price_a, QTYS[i % 6])]))
    return build_market(raw)


async def test_local_book_fetches_once_and_retries_stale_snapshot() -> None:
    market = _market()
    rest = FakeRest(market)
    rest.lagging = 2  # first two snapshots are older than the first event
    book = LocalOrderBook("BTCUSDT", rest, retry_delay=0.001)  # type: ignore[arg-type]
    for i, diff in enumerate(market.diffs[:5]):
        rest.at = i
        await book.on_diff(_wire(diff))
    assert book.state == "syncing"
    await book.wait_live(2)
    assert rest.max_in_flight == 1 and rest.calls == 3
    for i, diff in enumerate(market.diffs[5:], start=5):
        rest.at = i
        await book.on_diff(_wire(diff))
    assert book.state == "live"
    assert (book.book.bids, book.book.asks) == market.final


async def test_local_book_gap_and_reconnect() -> None:
    market = _market()
    rest = FakeRest(market)
    book = LocalOrderBook("BTCUSDT", rest, retry_delay=0.001)  # type: ignore[arg-type]
    await book.on_diff(_wire(market.diffs[0]))
    await book.wait_live(2)
    for diff in market.diffs[1:10]:
        await book.on_diff(_wire(diff))
    # Gap: event 10 is lost.
    rest.at = 14
    for diff in market.diffs[11:15]:
        await book.on_diff(_wire(diff))
    assert book.resyncs == 1
    await book.wait_live(2)
    # Reconnect: everything is dropped at once, nothing stale survives.
    book.on_reconnect()
    assert book.state == "syncing" and not book.book.bids and not book.book.asks
    rest.at = 29
    for diff in market.diffs[20:]:
        await book.on_diff(_wire(diff))
    await book.wait_live(2)
    assert (book.book.bids, book.book.asks) == market.final
    # A malformed event is treated like a gap, not skipped.
    await book.on_diff({"e": "depthUpdate", "U": "x"})
    assert book.state == "syncing" and book.bad_events == 1
    await book.close()


@pytest.mark.parametrize("limit", [5, 1000])
async def test_local_book_passes_limit(limit: int) -> None:
    seen: list[int] = []

    class Rest:
        async def depth(self, symbol: str, limit: int = 1000) -> DepthSnapshot:
            seen.append(limit)
            return DepthSnapshot(10, (), ())

    book = LocalOrderBook("X", Rest(), snapshot_limit=limit)  # type: ignore[arg-type]
    await book.on_diff({"U": 5, "u": 11, "b": [], "a": []})
    await book.wait_live(1)
    assert seen == [limit]
