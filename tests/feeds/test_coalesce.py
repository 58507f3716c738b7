"""The shared publish loop: many marks in one period publish once, nothing marked publishes nothing."""

from __future__ import annotations

import asyncio

from tui.feeds.coalesce import HEARTBEAT, Coalescer


class Recorder:
    """A stand-in feed: its publish() records what changed, as a real feed's would post it."""

    def __init__(self) -> None:
        self.published: list[frozenset[str]] = []
        self.changes = Coalescer(self.publish, hz=20)

    def publish(self) -> None:
        if changed := self.changes.take():
            self.published.append(changed)


async def test_a_burst_of_marks_publishes_once_with_every_kind() -> None:
    feed = Recorder()
    async with feed.changes.running():
        for _ in range(1000):
            feed.changes.mark("book")
        feed.changes.mark("trades", "ticker")
        await asyncio.sleep(0.2)
    assert feed.published == [frozenset({"book", "trades", "ticker"})]


async def test_the_loop_stops_with_the_block_and_quiet_feeds_publish_nothing() -> None:
    feed = Recorder()
    async with feed.changes.running():
        await asyncio.sleep(0.15)
    feed.changes.mark("book")
    await asyncio.sleep(0.15)
    assert feed.published == []


async def test_heartbeat_republishes_state_that_moves_without_events() -> None:
    feed = Recorder()
    feed.changes.heartbeat_s = 0.1
    async with feed.changes.running():
        await asyncio.sleep(0.45)
    assert len(feed.published) >= 2
    assert all(changed == {HEARTBEAT} for changed in feed.published)
