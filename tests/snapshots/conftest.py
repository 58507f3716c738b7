"""Snapshot fixtures: a fresh simulator per test on the fixed stage (tests/fixtures/stage.py).

Fresh, not shared per module: the dashboard only shows trades, a live book and moving tickers once
the market steps with the console watching, and a shot must not depend on which tests ran before
it (or on which xdist worker it landed). A fresh simulator costs ~0.5 s with one hour of backfill.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.pilot import fast_pilot_keys  # noqa: F401  (autouse fixture)
from tests.fixtures.stage import Stage, stage

# Market steps before the console connects (the 24h ticker and the last kline have something to
# show; two of them move the options venue too); the dashboard then watches more steps, so its
# tape fills and its book goes live.
WARM_UP_STEPS = 100
OPTIONS_WARM_UP_STEPS = 2


@pytest.fixture(scope="session")
def stage_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo-keys dir per session (per xdist worker): RSA key generation is slow."""
    return tmp_path_factory.mktemp("stage") / "demo-keys"


@pytest.fixture
def filmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage_keys: Path) -> Iterator[Stage]:
    """The stage, with BINANCE_TUI_HOME relative to a fresh cwd: the export screen shows the
    download path, and "home/downloads/..." reads the same on every run and every worker."""
    monkeypatch.chdir(tmp_path)
    with stage(Path("home"), keys_dir=stage_keys, backfill_hours=1, stream_tick_seconds=0.02) as s:
        s.step_now(WARM_UP_STEPS)
        s.step_now(OPTIONS_WARM_UP_STEPS, options=True)
        yield s
