"""Regenerate the SVG screenshots in this folder from the embedded exchange.

    python screenshots/make_screenshots.py

Runs the real console against a simulator on loopback and saves one SVG per screen, driven by
Textual's pilot. Repeatable: it films on the same fixed stage as the snapshot tests (tests/fixtures/stage.py: seed,
theme, and a wall clock frozen by `time-machine` and moved only by market steps), so prices, dates,
trade times and export ranges are the same on every run. Needs the `screenshots` extra:
`pip install -e '.[screenshots]'`.
Demo keys go to a throwaway directory, so no secret is on screen.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.fixtures.pilot import wait_until  # noqa: E402
from tests.fixtures.stage import SIZE, THEME, stage  # noqa: E402
from tui.domain.spot.orders import ListKind  # noqa: E402
from tui.screens.exports.jobs import ExportScreen  # noqa: E402
from tui.screens.options.desk import OptionsScreen  # noqa: E402
from tui.screens.spot.list_form import ListFormScreen  # noqa: E402
from tui.screens.spot.order_form import OrderFormScreen  # noqa: E402
from tui.widgets.exports.jobs import ExportJobsTable  # noqa: E402
from tui.widgets.options.chain import OptionChainTable  # noqa: E402
from tui.widgets.spot.trades_tape import TradesTape  # noqa: E402

MARKET_STEPS = 200  # synthetic market steps (20 s of market time) before the dashboard shot
SETTLE = 2.5  # seconds for every timer-driven stream (tickers: 1 s, klines: 2 s) to show the last step


async def _until(pilot, predicate) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, predicate, timeout=20.0, what="the screen")


async def main() -> None:
    # A fixed home (not a random temp name), because the export screen shows the download path.
    home = Path(tempfile.gettempdir()) / "binance-tui-screenshots"
    shutil.rmtree(home, ignore_errors=True)
    with stage(home) as filmed:
        clock = filmed.clock
        try:
            app = filmed.make_app()
            async with app.run_test(size=SIZE) as pilot:
                # Steps once the book's snapshot is in (so after the stream subscription), then
                # waits until the dashboard shows the simulator's last step.
                await filmed.open_dashboard(pilot, MARKET_STEPS)
                await _until(pilot, lambda: len(app.dashboard.query_one(TradesTape).trades) >= 15)
                app.save_screenshot("dashboard.svg", path=str(HERE))
                for theme in ("binance-light", "high-contrast"):
                    app.theme = theme
                    await pilot.pause(0.3)
                    app.save_screenshot(f"dashboard-{theme}.svg", path=str(HERE))
                app.theme = THEME
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
                await filmed.step(pilot, 10, options=True)
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
