"""The package as users get it: a wheel (pip or pipx, not an editable install) carries the themes, and
a console started from that wheel offers them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUR_THEMES = {"binance-dark", "binance-light", "high-contrast"}

# Runs in a fresh interpreter with only the unpacked wheel (and the venv's dependencies) on the path:
# the embedded exchange on loopback, the real app, and the theme names it registered.
CONSOLE = """
import asyncio, sys
import tui
from tui.app import make_app
from tui.config.settings import Settings
from tui.exchange.endpoints import Endpoints
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session
from tui.sim.server import SimServer

async def main() -> None:
    keys = sys.argv[1]
    server = SimServer(port=0, seed=3, keys_dir=keys, backfill_hours=1)
    await server.start()
    try:
        endpoints = Endpoints(rest=server.rest_url, ws_api=server.ws_api_url, streams=server.stream_url)
        app = make_app(Settings(endpoints=endpoints), Session(endpoints, load_demo_signer(keys, "ed25519")))
        async with app.run_test(size=(100, 30)):
            print("FILE", tui.__file__)
            print("THEMES", " ".join(sorted(app.available_themes)))
            print("THEME", app.theme)
    finally:
        await server.stop()

asyncio.run(main())
"""


def test_a_wheel_carries_the_themes_and_its_console_lists_them(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert {f"tui/bundled_themes/{name}.toml" for name in OUR_THEMES} <= set(names)

    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "BINANCE_TUI_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-c", CONSOLE, str(tmp_path / "keys")],
        cwd=tmp_path,  # not the checkout: `import tui` must find the wheel's copy
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=90,
    ).stdout
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert lines["FILE"].startswith(str(tmp_path / "site"))
    assert set(lines["THEMES"].split()) >= OUR_THEMES
    assert lines["THEME"].strip() == "binance-dark"
