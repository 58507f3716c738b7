"""Regenerate the SVG screenshots in this folder from the embedded exchange.

    python screenshots/make_screenshots.py

Runs the real console against a simulator on loopback and saves one SVG per screen, driven by
Textual's pilot. Repeatable: the simulator's market has a fixed seed and is stepped by this script a
fixed number of times (not by a timer), and the wall clock of the whole process (simulator and
console alike) is frozen at FIXED_START via `time-machine` and moved only by this script (100 ms per
market step), so prices, dates, trade times and export ranges are the same on every run. (asyncio
runs on the monotonic clock, which is not frozen, so the app's timers and waits still work.) Needs the `screenshots` extra: `pip install -e '.[screenshots]'`.
Demo keys go to a throwaway directory, so no secret is on screen.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tui.app import make_app  # noqa: E402
from tui.config.settings import Settings  # noqa: E402
from tui.domain.spot.orders import ListKind  # noqa: E402
from tui.exchange.endpoints import Endpoints  # noqa: E402
from tui.exchange.key_files import load_demo_signer  # noqa: E402
from tui.exchange.spot.session import Session  # noqa: E402
from tui.screens.exports.jobs import ExportScreen  # noqa: E402
from tui.screens.options.desk import OptionsScreen  # noqa: E402
from tui.screens.spot.list_form import ListFormScreen  # noqa: E402
from tui.screens.spot.order_form import OrderFormScreen  # noqa: E402
from tui.sim.server import SimServer  # noqa: E402
from tui.widgets.exports.jobs import ExportJobsTable  # noqa: E402
from tui.widgets.options.chain import OptionChainTable  # noqa: E402
from tui.widgets.spot.order_book import OrderBookView  # noqa: E402
from tui.widgets.spot.trades_tape import TradesTape  # noqa: E402

SEED = 7
SIZE = (120, 40)
FIXED_START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
MARKET_STEPS = 200  # synthetic market steps (20 s of market time) before the dashboard shot


STEP = timedelta(milliseconds=100)
SETTLE = 2.5  # seconds for every timer-driven stream (tickers: 1 s, klines: 2 s) to show the last step


async def _until(pilot, predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("screen did not get ready")
        await pilot.pause(0.1)


async def _step_market(pilot, server: SimServer, clock, steps: int) -> None:  # type: ignore[no-untyped-def]
    """Advance the clock and both synthetic markets by `steps`, letting the console take in each step."""
    for _ in range(steps):
        clock.shift(STEP)
        now = server.clock_ms()
        server.market.step(now)
        server.options.step(now)
        await pilot.pause(0.02)


async def main() -> None:
    # A fixed home (not a random temp name), because the export screen shows the download path.
    home = Path(tempfile.gettempdir()) / "binance-tui-screenshots"
    shutil.rmtree(home, ignore_errors=True)
    with time_machine.travel(FIXED_START, tick=False) as clock:
        home.mkdir()
        os.environ["BINANCE_TUI_HOME"] = str(home)
        keys = home / "keys"
        server = SimServer(port=0, seed=SEED, keys_dir=keys, futures_job_delay_ms=500, run_market=False)
        await server.start()
        try:
            endpoints = Endpoints(
                rest=server.rest_url,
                ws_api=server.ws_api_url,
                streams=server.stream_url,
                futures_rest=server.futures_rest_url,
                options_rest=server.options_rest_url,
                options_streams=server.options_stream_url,
            )
            app = make_app(
                Settings(endpoints=endpoints),
                Session(endpoints, load_demo_signer(keys, "ed25519")),
                venue="embedded sim",
            )
            async with app.run_test(size=SIZE) as pilot:
                book = app.dashboard.query_one(OrderBookView)
                # The snapshot arrives after the stream subscription (the local-book procedure), so
                # from here on every step reaches the console; the first diff makes the book live.
                await _until(pilot, lambda: book.snapshot is not None)
                await _step_market(pilot, server, clock, MARKET_STEPS)
                await pilot.pause(SETTLE)
                await _until(pilot, lambda: book.snapshot is not None and book.snapshot.state == "live")
                await _until(pilot, lambda: len(app.dashboard.query_one(TradesTape).trades) >= 15)
                app.save_screenshot("dashboard.svg", path=str(HERE))
                for theme in ("binance-light", "high-contrast"):
                    app.theme = theme
                    await pilot.pause(0.3)
                    app.save_screenshot(f"dashboard-{theme}.svg", path=str(HERE))
                app.theme = "binance-dark"
                await pilot.pause(0.3)
                await pilot.press("b")
                await _until(pilot, lambda: isinstance(app.screen, OrderFormScreen))
                await pilot.press(*"0.01")
                await pilot.pause(0.3)
                app.save_screenshot("order-form.svg", path=str(HERE))
                await pilot.press("escape", "l")
                await _until(pilot, lambda: isinstance(app.screen, ListFormScreen))
                await pilot.press("f3")  # OCO -> OTO: a working order and a pending one
                await _until(pilot, lambda: app.screen.kind is ListKind.OTO)
                await pilot.press(*"58000", "tab", *"0.01")
                await pilot.pause(0.3)
                app.save_screenshot("order-list.svg", path=str(HERE))
                await pilot.press("escape", "question_mark")
                await pilot.pause(0.5)
                app.save_screenshot("help.svg", path=str(HERE))
                await pilot.press("escape", "e")
                await _until(pilot, lambda: isinstance(app.screen, ExportScreen))
                await pilot.press("ctrl+s")
                await pilot.pause(0.3)
                await pilot.press("y")
                table = app.screen.query_one(ExportJobsTable)
                clock.shift(timedelta(seconds=1))  # past the venue's job delay, the same on every run
                await _until(pilot, lambda: any(j.state == "downloaded" for j in table.jobs.values()))
                app.save_screenshot("export.svg", path=str(HERE))
                await pilot.press("o")
                await pilot.pause(0.5)
                app.save_screenshot("export-table.svg", path=str(HERE))
                await pilot.press("escape", "escape", "o")
                await _until(pilot, lambda: isinstance(app.screen, OptionsScreen))
                chain = app.screen.query_one(OptionChainTable)
                await _step_market(pilot, server, clock, 10)
                await _until(
                    pilot,
                    lambda: (
                        chain.chain is not None and all(r.call and r.call.delta is not None for r in chain.chain.rows)
                    ),
                )
                await pilot.pause(SETTLE)
                app.save_screenshot("options.svg", path=str(HERE))
                await pilot.press("escape", "h")
                await pilot.pause(2.0)
                app.save_screenshot("history.svg", path=str(HERE))
        finally:
            await server.stop()
            shutil.rmtree(home, ignore_errors=True)
    names = (
        "dashboard.svg",
        "dashboard-binance-light.svg",
        "dashboard-high-contrast.svg",
        "order-form.svg",
        "order-list.svg",
        "help.svg",
    )
    for name in (*names, "export.svg", "export-table.svg", "options.svg", "history.svg"):
        print(HERE / name)


if __name__ == "__main__":
    asyncio.run(main())
