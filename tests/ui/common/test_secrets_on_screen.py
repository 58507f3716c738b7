"""A canary secret must never reach the screen or a screenshot, whatever the console shows."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.ui.spot.test_dashboard import _ready
from tui.app import make_app
from tui.config.settings import Settings
from tui.exchange.endpoints import Endpoints
from tui.exchange.signing import HmacSigner
from tui.exchange.spot.session import Session


async def test_hmac_secret_never_on_screen_or_in_screenshots(sim, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys = json.loads((tmp_path / "keys" / "demo-keys.json").read_text())
    secret = keys["hmac"]["secretKey"]  # the sim knows this one, so the canary is a key that really works
    endpoints = Endpoints(
        rest=sim.rest_url, ws_api=sim.ws_api_url, streams=sim.stream_url, futures_rest=sim.futures_rest_url
    )
    app = make_app(
        Settings(endpoints=endpoints), Session(endpoints, HmacSigner(keys["hmac"]["apiKey"], secret)), venue="canary"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        for keys_pressed in ((), ("question_mark",), ("escape", "e"), ("escape", "h")):
            await pilot.press(*keys_pressed)
            await pilot.pause(0.5)
            svg = app.export_screenshot()
            assert secret not in svg and secret.lower() not in svg.lower()
        path = Path(app.save_screenshot(path=str(tmp_path)))
        assert secret not in path.read_text()
    log = Path(os.environ["BINANCE_TUI_HOME"])
    for file in log.rglob("*.log"):
        assert secret not in file.read_text()
