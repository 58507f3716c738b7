"""The simulator on the test's loop with a clock the test can push forward (for listenKey expiry),
and the options client signed with the demo HMAC key, following that same clock."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui.exchange.key_files import load_demo_signer
from tui.exchange.options.rest import OptionsRestClient
from tui.exchange.signing import Signer


@dataclass
class SimClock:
    """Wall time plus an offset the test can advance; the sim and the client both read it."""

    offset_ms: int = 0

    def __call__(self) -> int:
        return time.time_ns() // 1_000_000 + self.offset_ms

    def now_ms(self) -> int:
        return self()

    def advance(self, ms: int) -> None:
        self.offset_ms += ms


@pytest.fixture
def sim_clock() -> SimClock:
    return SimClock()


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "demo-keys"


@pytest.fixture
async def sim(keys_dir: Path, sim_clock: SimClock) -> AsyncIterator[Any]:
    """A quiet simulator (the options maker quotes, nobody trades unless a test does)."""
    from tui.sim.server import SimServer

    server = SimServer(
        host="127.0.0.1", port=0, seed=1, keys_dir=keys_dir, run_market=False, backfill_hours=0, clock_ms=sim_clock
    )
    server.options.streams.tick_seconds = 0.05  # pushes and listenKey expiry checks every 50 ms
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def signer(sim: Any, keys_dir: Path) -> Signer:
    return load_demo_signer(keys_dir, "hmac")


@pytest.fixture
async def rest(sim: Any, signer: Signer, sim_clock: SimClock) -> AsyncIterator[OptionsRestClient]:
    async with OptionsRestClient(sim.options_rest_url, signer, clock=sim_clock, timeout=5) as client:
        yield client


@pytest.fixture
async def series(rest: OptionsRestClient) -> str:
    """A listed call with quotes on both sides, nearest the money of the first expiry at least two
    days out (so pushing the clock an hour forward never crosses its expiry)."""
    return (await _near_money(rest, "CALL"))[0]


@pytest.fixture
async def other_series(rest: OptionsRestClient) -> str:
    """A put of the same expiry as `series`."""
    return (await _near_money(rest, "PUT"))[0]


async def _near_money(rest: OptionsRestClient, side: str) -> list[str]:
    info = await rest.option_info()
    index = await rest.index_price("BTCUSDT")
    later = (await rest.server_time()) + 2 * 86_400_000
    chosen = [s for s in info if s.underlying == "BTCUSDT" and s.side.value == side and s.expiry_ms > later]
    first = min(s.expiry_ms for s in chosen)
    return [s.symbol for s in sorted((s for s in chosen if s.expiry_ms == first), key=lambda s: abs(s.strike - index))]
