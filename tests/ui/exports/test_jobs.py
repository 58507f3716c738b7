"""Futures export from the console: request, watch the job complete, open the file as a table."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.fixtures.pilot import wait_for_screen, wait_until
from tui.domain.futures.exports import ExportJob
from tui.exchange.futures.jobs import JobChange
from tui.messages import ExportJobsChanged
from tui.screens.common.confirm import ConfirmScreen
from tui.screens.exports.csv_table import CsvTableScreen
from tui.screens.exports.jobs import ExportScreen, parse_range
from tui.widgets.exports.jobs import ExportJobsTable


async def _open_export(pilot, app) -> ExportScreen:  # type: ignore[no-untyped-def]
    await pilot.press("e")
    await wait_for_screen(pilot, ExportScreen, ready="#start")
    return app.screen


async def _set(pilot, screen, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    box = screen.query_one(f"#{field}", Input)
    box.value = value
    await pilot.pause()


async def test_request_export_watch_it_complete_and_open_the_table(make_trading_app, sim, isolated_home: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(pilot, app)
        await _set(pilot, screen, "start", "2026-10-01")
        await _set(pilot, screen, "end", "2026-10-31")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="cost confirmation")
        question = app.screen.question
        assert "weight 1000" in question and "5 of 5" in question and "never retried" in question
        await pilot.press("y")
        table = screen.query_one(ExportJobsTable)
        await wait_until(
            pilot,
            lambda: table.jobs and next(iter(table.jobs.values())).state == "downloaded",
            timeout=20,
            what="job downloaded",
        )
        job = next(iter(table.jobs.values()))
        assert Path(job.file_path).parent == isolated_home / "downloads"
        start_ms, end_ms = parse_range("2026-10-01", "2026-10-31")
        expected = sim.futures.history.orders(start_ms, end_ms)
        assert expected, "the simulated account has orders in October"
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, CsvTableScreen), what="table view")
        csv_screen = app.screen
        grid = csv_screen.query_one(DataTable)
        assert grid.row_count == len(expected)
        assert [str(c.label) for c in grid.columns.values()][:3] == ["Date(UTC)", "Order No", "Symbol"]
        # Sort by Order No descending (second press on the same column), then filter by symbol.
        grid.move_cursor(column=1)
        await pilot.press("s", "s")
        ids = [int(r[1]) for r in csv_screen.view.rows]
        assert ids == sorted(ids, reverse=True)
        await pilot.press("slash")
        await pilot.press(*"symbol=ETHUSDT", "enter")
        await pilot.pause()
        assert 0 < grid.row_count < len(expected)
        assert all(r[2] == "ETHUSDT" for r in csv_screen.view.rows)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="back to the job list")


async def test_bad_range_is_refused_before_anything_is_sent(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(pilot, app)
        await _set(pilot, screen, "start", "2024-01-01")
        await _set(pilot, screen, "end", "2025-06-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "one year" in str(screen.query_one("#form-error").render())
        assert sim.futures.jobs.all() == []


async def test_jobs_survive_a_restart(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(pilot, app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.query_one(ExportJobsTable).jobs, what="job listed")
    again = make_trading_app()
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(pilot, again)
        table = screen.query_one(ExportJobsTable)
        await wait_until(
            pilot,
            lambda: table.jobs and next(iter(table.jobs.values())).state == "downloaded",
            timeout=20,
            what="resumed job downloaded",
        )
        assert len(sim.futures.jobs.all()) == 1  # resumed, not requested again


async def test_a_burst_of_job_changes_is_handled_once_with_the_latest(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    handled: dict[int, ExportJobsChanged] = {}  # by identity: the message bubbles screen -> app

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, ExportJobsChanged):
            handled[id(message)] = message

    app = make_trading_app()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        screen = await _open_export(pilot, app)
        feed = screen.jobs_feed
        await wait_until(pilot, lambda: handled, what="the feed's first list")
        await pilot.pause(0.2)
        handled.clear()
        # The manager's changes reach the queue faster than the screen handles them: the feed
        # publishes after each one (no await in between), as it would under a slow screen.
        lists = []
        for n in range(1, 31):
            job = ExportJob(f"job-{n}", "orders", 0, 86_400_000, n, "failed", error=f"attempt {n}")
            lists.append((job,))
            feed.on_change(JobChange(job, (job,)))
            feed.publish()
        await pilot.pause(0.2)
        assert [m.jobs for m in handled.values()] == [lists[-1]]
        assert list(screen.query_one(ExportJobsTable).jobs) == ["job-30"]
