"""The publish half every feed shares: remember what changed, publish the latest at a bounded rate.

A feed applies each event to its own state and calls `Coalescer.mark(kind)`; while `running()`, the
coalescer calls the feed's `publish()` at most `PUBLISH_HZ` times a second, and `publish()` takes
the kinds changed since the last call (`take()`) and posts one snapshot message per kind. So a burst
of thousands of frames costs the UI a handful of redraws, and what it shows is always the latest.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from textual.message import Message

Post = Callable[[Message], object]  # how a feed hands a message to the screen or app that runs it
PUBLISH_HZ = 10
HEARTBEAT = "heartbeat"  # the kind marked every `heartbeat_s`, for state that moves without events


class Coalescer:
    """The kinds of state a feed changed since it last published, and the loop that publishes them."""

    def __init__(self, publish: Callable[[], None], hz: float = PUBLISH_HZ, heartbeat_s: float | None = None) -> None:
        self._publish = publish
        self.period = 1 / hz
        self.heartbeat_s = heartbeat_s
        self._changed: set[str] = set()

    def mark(self, *kinds: str) -> None:
        """Record that these kinds of state changed; the next publish posts them."""
        self._changed.update(kinds)

    def take(self) -> frozenset[str]:
        """The kinds changed since the last `take()`, forgetting them (called from `publish()`)."""
        changed, self._changed = frozenset(self._changed), set()
        return changed

    async def publish_loop(self) -> None:
        """Call `publish()` every period until cancelled; marks `HEARTBEAT` every `heartbeat_s`."""
        loop = asyncio.get_running_loop()
        last_beat = loop.time()
        while True:
            await asyncio.sleep(self.period)
            if self.heartbeat_s is not None and loop.time() - last_beat >= self.heartbeat_s:
                last_beat = loop.time()
                self.mark(HEARTBEAT)
            self._publish()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the publish loop for the duration of the block (the feed's `run()`), then stop it."""
        task = asyncio.create_task(self.publish_loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
