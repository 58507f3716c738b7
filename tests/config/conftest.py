"""Fixtures for config, profile and key tests: config files under the isolated home, a simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tui.config.paths import config_path
from tui.exchange.endpoints import Endpoints


@pytest.fixture(scope="session")
def sim_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo-keys dir for the session: RSA key generation is too slow to repeat per test."""
    return tmp_path_factory.mktemp("config-sim") / "demo-keys"


@pytest.fixture
async def sim(sim_keys: Path) -> AsyncIterator[object]:
    """The embedded exchange on the test's loop, market quiet."""
    from tui.sim.server import SimServer

    server = SimServer(host="127.0.0.1", port=0, seed=1, keys_dir=sim_keys, run_market=False, backfill_hours=1)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def sim_in_thread(sim_keys: Path) -> Iterator[object]:
    """The embedded exchange on its own thread, for code that runs its own event loop (the CLI)."""
    from tui.sim.server import SimServer

    server = SimServer(host="127.0.0.1", port=0, seed=1, keys_dir=sim_keys, run_market=False, backfill_hours=1)
    server.start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


def endpoints_of(server: object) -> Endpoints:
    return Endpoints(rest=server.rest_url, ws_api=server.ws_api_url, streams=server.stream_url)  # type: ignore[attr-defined]


def sim_profile_toml(name: str, server: object, key: str = "", *, flags: str = "") -> str:
    """A config profile pointing at `server`, with an optional key table body."""
    text = (
        f"[profiles.{name}]\n{flags}\n"
        f"[profiles.{name}.endpoints]\n"
        f'rest = "{server.rest_url}"\n'  # type: ignore[attr-defined]
        f'ws_api = "{server.ws_api_url}"\n'  # type: ignore[attr-defined]
        f'streams = "{server.stream_url}"\n'  # type: ignore[attr-defined]
    )
    if key:
        text += f"\n[profiles.{name}.key]\n{key}\n"
    return text


@pytest.fixture
def write_config() -> Callable[[str], Path]:
    """Write a config file (0600) at the isolated config path and return its path."""

    def write(text: str) -> Path:
        path = config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)
        return path

    return write
