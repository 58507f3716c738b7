"""Pilot-test fixtures: a real simulator on the test's loop and an app wired to it over sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import textual.app as textual_app
from textual._wait import wait_for_idle
from textual.widget import Widget

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


async def wait_until(pilot, predicate: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:  # type: ignore[no-untyped-def]
    """Let the app run until `predicate()` is truthy, failing with `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await pilot.pause(0.05)


async def type_into(pilot, widget: Widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Focus `widget` (once focus has really moved: `focus()` is applied later) and type `text`."""
    widget.focus()
    await wait_until(pilot, lambda: pilot.app.focused is widget, what=f"focus on {widget!r}")
    await pilot.press(*text)


async def _short_idle_wait(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    await wait_for_idle(min_sleep, min(max_sleep, 0.05))


@pytest.fixture(autouse=True)
def _fast_pilot_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cap the idle wait `Pilot.press` makes after every key at 50 ms (Textual's: 1 s).

    Textual waits until the process has been idle for a moment, or for a second. A console on a
    live market is never idle, so typing a price cost 10-30 s per test under load. Keys still go
    one by one through the driver with the loop turning between them; tests wait for outcomes
    with `wait_until`.
    """
    monkeypatch.setattr(textual_app, "wait_for_idle", _short_idle_wait)
