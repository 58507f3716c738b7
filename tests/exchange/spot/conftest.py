"""The embedded exchange on the test's own event loop, on loopback, with keys under tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tui.exchange.endpoints import Endpoints


async def _start_sim(keys_dir: Path, *, run_market: bool, **kwargs: Any) -> Any:
    from tui.sim.server import SimServer

    server = SimServer(
        host="127.0.0.1", port=0, seed=1, keys_dir=keys_dir, run_market=run_market, backfill_hours=1, **kwargs
    )
    await server.start()
    return server


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "demo-keys"


@pytest.fixture
async def sim(keys_dir: Path) -> AsyncIterator[object]:
    """A running simulator with its synthetic market moving."""
    server = await _start_sim(keys_dir, run_market=True)
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def quiet_sim(keys_dir: Path) -> AsyncIterator[object]:
    """A running simulator whose market only moves when a test trades."""
    server = await _start_sim(keys_dir, run_market=False)
    try:
        yield server
    finally:
        await server.stop()


def _endpoints_of(server: Any) -> Endpoints:
    return Endpoints(rest=server.rest_url, ws_api=server.ws_api_url, streams=server.stream_url)


@pytest.fixture
def endpoints_of() -> Callable[[Any], Endpoints]:
    """Endpoints of a running simulator."""
    return _endpoints_of


@pytest.fixture
async def limited_sim(keys_dir: Path) -> AsyncIterator[object]:
    """A simulator with tiny rate limits, so a 429 comes quickly."""
    from tui.sim.protocol.rate_limits import RateLimitConfig

    server = await _start_sim(keys_dir, run_market=False, rate_limits=RateLimitConfig.tiny(weight=60, orders=3))
    try:
        yield server
    finally:
        await server.stop()
