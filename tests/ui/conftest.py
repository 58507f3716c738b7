"""Pilot-test fixtures: a real simulator on the test's loop and an app wired to it over sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.fixtures.pilot import fast_pilot_keys  # noqa: F401  (autouse fixture)
from tui.app import TradingApp, make_app
from tui.config.settings import Settings
from tui.exchange.endpoints import Endpoints
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session
from tui.sim.server import SimServer


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[SimServer]:
    server = SimServer(port=0, seed=11, keys_dir=tmp_path / "keys", futures_job_delay_ms=300, backfill_hours=4)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def make_trading_app(sim: SimServer, tmp_path: Path) -> Callable[..., TradingApp]:
    def factory(key_type: str = "ed25519") -> TradingApp:
        endpoints = Endpoints(
            rest=sim.rest_url,
            ws_api=sim.ws_api_url,
            streams=sim.stream_url,
            futures_rest=sim.futures_rest_url,
            options_rest=sim.options_rest_url,
            options_streams=sim.options_stream_url,
        )
        session = Session(endpoints, load_demo_signer(tmp_path / "keys", key_type))
        return make_app(Settings(endpoints=endpoints), session, venue="test sim")

    return factory
