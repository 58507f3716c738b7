"""The offset between our wall clock and the exchange's, so SIGNED timestamps land inside recvWindow.

Each sample is one `time` round trip: the server's time is assumed to have been read at the midpoint
of send and receive. The sample with the lowest round-trip time is the least ambiguous, so of a few
samples that one wins.

`Clock` is the one protocol every client takes for `timestamp`; `WallClock` is the unsynced default.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    """Whatever tells a client the time to put in `timestamp` (epoch ms): a ServerClock, a test's fake."""

    def now_ms(self) -> int: ...


class WallClock:
    """This machine's clock, unadjusted; the default when no ServerClock has been synced."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


def _local_ms() -> float:
    return time.time_ns() / 1_000_000


@dataclass(frozen=True)
class ClockSample:
    offset_ms: float
    rtt_ms: float


class ServerClock:
    """Estimated server time; `now_ms()` is what goes into `timestamp`."""

    def __init__(self, local_ms: Callable[[], float] = _local_ms) -> None:
        self._local_ms = local_ms
        self.offset_ms = 0.0
        self.rtt_ms: float | None = None
        self.synced = False

    def now_ms(self) -> int:
        """Current server time in epoch milliseconds, as far as we can tell."""
        return int(self._local_ms() + self.offset_ms)

    @staticmethod
    def sample(sent_ms: float, server_ms: float, received_ms: float) -> ClockSample:
        rtt = max(0.0, received_ms - sent_ms)
        return ClockSample(offset_ms=server_ms - (sent_ms + received_ms) / 2, rtt_ms=rtt)

    def apply(self, samples: list[ClockSample]) -> None:
        """Adopt the offset of the sample with the lowest round-trip time."""
        if not samples:
            return
        best = min(samples, key=lambda s: s.rtt_ms)
        self.offset_ms = best.offset_ms
        self.rtt_ms = best.rtt_ms
        self.synced = True

    async def sync(self, server_time: Callable[[], Awaitable[int]], samples: int = 3) -> None:
        """Measure `samples` round trips of `server_time()` (returns epoch ms) and apply the best."""
        taken: list[ClockSample] = []
        for _ in range(max(1, samples)):
            sent = self._local_ms()
            server = await server_time()
            taken.append(self.sample(sent, float(server), self._local_ms()))
        self.apply(taken)

    def __repr__(self) -> str:
        return f"ServerClock(offset_ms={self.offset_ms:.1f}, rtt_ms={self.rtt_ms})"
