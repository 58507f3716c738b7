"""Futures history export: request a file (after showing its cost), watch the job, open the result.

The screen only asks and shows; the app's `JobManager` worker does the polling and downloading, so
jobs keep going when this screen is closed and resume after a restart. Its changes reach the screen
through the `ExportJobsFeed` (tui/feeds/exports.py), which the screen runs as a worker while open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from tui.domain.futures.exports import ExportJob
from tui.exchange.errors import ExchangeError
from tui.exchange.futures.jobs import JobManager
from tui.feeds.exports import ExportJobsFeed
from tui.messages import ExportJobsChanged
from tui.screens.common.confirm import ConfirmScreen
from tui.widgets.exports.jobs import ExportJobsTable

KIND_LABELS = {"orders": "order history", "trades": "trade history", "transactions": "transaction history"}
DAY_MS = 24 * 3600 * 1000
MAX_RANGE_DAYS = 365


def parse_range(start_text: str, end_text: str) -> tuple[int, int]:
    """Dates as YYYY-MM-DD (UTC) -> [start 00:00, end 24:00) in ms; ValueError with a plain message."""
    try:
        start = datetime.strptime(start_text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"Start date must look like 2025-01-31 (got {start_text!r}).") from None
    try:
        end = datetime.strptime(end_text.strip(), "%Y-%m-%d").replace(tzinfo=UTC) + timedelta(days=1)
    except ValueError:
        raise ValueError(f"End date must look like 2025-01-31 (got {end_text!r}).") from None
    if end <= start:
        raise ValueError("The end date must be on or after the start date.")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise ValueError("Binance exports at most one year at a time: shorten the range.")
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000) - 1


class ExportScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "request", "Request export", priority=True),
        Binding("o", "open_file", "Open file"),
        Binding("d", "download", "Download"),
        Binding("r", "retry", "Retry request"),
        Binding("x", "remove", "Remove job"),
    ]

    DEFAULT_CSS = """
    ExportScreen { layout: vertical; }
    ExportScreen #export-form { height: auto; padding: 0 1; border: round $panel-lighten-2; }
    ExportScreen #export-form > Horizontal { height: 1; }
    ExportScreen #export-form Label { padding: 0 1; }
    ExportScreen #kind { width: 16; }
    ExportScreen .date { width: 14; }
    ExportScreen #form-error { color: $error; height: auto; }
    ExportScreen #jobs-panel { height: 1fr; border: round $panel-lighten-2; }
    ExportScreen #job-detail { height: auto; min-height: 2; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, manager: JobManager) -> None:
        super().__init__()
        self.manager = manager
        self.jobs_feed = ExportJobsFeed(manager, self.post_message)

    def compose(self) -> ComposeResult:
        today = datetime.now(UTC).date()
        with Vertical(id="export-form"):
            with Horizontal():
                yield Label("Export")
                yield Select(
                    [(KIND_LABELS[k], k) for k in KIND_LABELS],
                    value="orders",
                    allow_blank=False,
                    compact=True,
                    id="kind",
                )
                yield Label("from")
                yield Input(
                    (today - timedelta(days=30)).isoformat(),
                    restrict=r"[0-9-]*",
                    compact=True,
                    classes="date",
                    id="start",
                )
                yield Label("to")
                yield Input(today.isoformat(), restrict=r"[0-9-]*", compact=True, classes="date", id="end")
                yield Label(" ")
                yield Button("Request… [ctrl+s]", compact=True, variant="primary", id="request")
            yield Static(id="form-error")
        with Vertical(id="jobs-panel"):
            yield ExportJobsTable(id="jobs")
            yield Static(id="job-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-form").border_title = "USD-M futures history export"
        self.query_one("#jobs-panel").border_title = "Jobs (kept across restarts)"
        self.run_jobs_feed()
        if self.manager.warning:
            self.notify(self.manager.warning, severity="warning", timeout=10)
        self._show(self.manager.jobs)
        self.set_interval(0.25, self._tick)
        self.query_one(ExportJobsTable).focus()

    @work(exclusive=True, group="export-jobs-feed", exit_on_error=False)
    async def run_jobs_feed(self) -> None:
        await self.jobs_feed.run()

    def on_export_jobs_changed(self, message: ExportJobsChanged) -> None:
        self._show(message.jobs)

    def _tick(self) -> None:
        table = self.query_one(ExportJobsTable)
        table.tick += 1
        if any(job.active for job in table.jobs.values()):
            self._show(self.manager.jobs)

    def _show(self, jobs: tuple[ExportJob, ...]) -> None:
        self.query_one(ExportJobsTable).show(jobs)
        self._show_detail()

    @on(ExportJobsTable.RowHighlighted)
    def _show_detail(self) -> None:
        job = self.query_one(ExportJobsTable).selected_job
        detail = self.query_one("#job-detail", Static)
        if job is None:
            detail.update("No exports yet: choose a type and dates above, then ctrl+s.")
            return
        text = Text()
        text.append(f"{KIND_LABELS[job.kind]} · download id {job.download_id or '–'}")
        if job.avg_cost_ms:
            text.append(f" · usually ready in ~{job.avg_cost_ms // 1000} s")
        if job.file_path:
            text.append(f"\nfile: {job.file_path}")
        if job.error:
            text.append(f"\n✕ {job.error}", style="bold")
        detail.update(text)

    # -- requesting --------------------------------------------------------------------------------
    @on(Button.Pressed, "#request")
    def _request_pressed(self) -> None:
        self.action_request()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_request()

    def action_request(self) -> None:
        kind = str(self.query_one("#kind", Select).value)
        error = self.query_one("#form-error", Static)
        try:
            start_ms, end_ms = parse_range(self.query_one("#start", Input).value, self.query_one("#end", Input).value)
        except ValueError as exc:
            error.update(f"✕ {exc}")
            self.app.bell()
            return
        error.update("")
        cost = self.manager.cost(kind)
        if cost.quota_left <= 0:
            error.update(
                f"✕ This month's {cost.monthly_quota} {KIND_LABELS[kind]} exports are used up (as counted here)."
            )
            return
        used = f"{cost.used_weight_1m} used" if cost.used_weight_1m is not None else "usage not known yet"
        start = datetime.fromtimestamp(start_ms / 1000, UTC).date()
        end = datetime.fromtimestamp(end_ms / 1000, UTC).date()
        question = (
            f"Request the futures {KIND_LABELS[kind]} from {start} to {end} (UTC)?\n\n"
            f"Cost: request weight {cost.weight} of {cost.weight_limit_1m}/min ({used}); "
            f"then {cost.poll_weight} per status check.\n"
            f"Quota: {cost.quota_left} of {cost.monthly_quota} such requests left this month.\n"
            "Binance rations these per month, so it is sent once and never retried on its own."
        )
        if not cost.fits_weight:
            question += (
                "\n\n⚠ The last minute's weight is high: this may be refused with 429; waiting a minute is safer."
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self.submit(kind, start_ms, end_ms)

        self.app.push_screen(ConfirmScreen(question, title="Request export", confirm_label="Request"), answered)

    @work(group="export-request", exit_on_error=False)
    async def submit(self, kind: str, start_ms: int, end_ms: int) -> None:
        job = await self.manager.submit(kind, start_ms, end_ms)
        if job.state == "failed":
            self.notify(job.error, title="Export request failed", severity="error", timeout=10)
        else:
            self.notify(f"Download id {job.download_id}: waiting for the file…", title="Export requested")

    # -- job actions ---------------------------------------------------------------------------------
    def _selected(self) -> ExportJob | None:
        job = self.query_one(ExportJobsTable).selected_job
        if job is None:
            self.notify("No job selected.", severity="warning")
        return job

    def action_open_file(self) -> None:
        job = self._selected()
        if job is None:
            return
        if job.state != "downloaded" or not job.file_path:
            self.notify(f"The file is not downloaded yet (state: {job.state}).", severity="warning")
            return
        from tui.screens.exports.csv_table import CsvTableScreen

        try:
            screen = CsvTableScreen.from_file(
                job.file_path, title=f"{KIND_LABELS[job.kind]} · {job.file_path.rsplit('/', 1)[-1]}"
            )
        except (OSError, ValueError) as exc:
            self.notify(f"Cannot open {job.file_path}: {exc}", severity="error", timeout=10)
            return
        self.app.push_screen(screen)

    @work(group="export-action", exit_on_error=False)
    async def action_download(self) -> None:
        job = self._selected()
        if job is None:
            return
        if job.state not in ("completed", "failed", "downloading") or not job.url:
            self.notify(f"Nothing to download yet (state: {job.state}).", severity="warning")
            return
        try:
            await self.manager.download(job.id)
        except (ExchangeError, ValueError, OSError) as exc:
            self.notify(str(exc), title="Download failed", severity="error", timeout=10)

    def action_retry(self) -> None:
        job = self._selected()
        if job is None:
            return
        if not (job.state == "expired" or (job.state == "failed" and job.failed_stage == "request")):
            self.notify(
                "Only a failed download-id request or an expired link needs a new request; "
                "polling and downloads retry by themselves.",
                severity="warning",
            )
            return
        cost = self.manager.cost(job.kind)

        def answered(yes: bool | None) -> None:
            if yes:
                self._retry(job.id)

        question = f"Send the download-id request again?\nIt costs weight {cost.weight} and one of the {cost.quota_left} requests left this month."
        self.app.push_screen(ConfirmScreen(question, title="Retry export request", confirm_label="Retry"), answered)

    @work(group="export-action", exit_on_error=False)
    async def _retry(self, job_id: str) -> None:
        job = await self.manager.retry_request(job_id)
        if job.state == "failed":
            self.notify(job.error, title="Export request failed", severity="error", timeout=10)

    def action_remove(self) -> None:
        job = self._selected()
        if job is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.manager.remove(job.id)

        kept = f"\nThe downloaded file stays at {job.file_path}." if job.file_path else ""
        self.app.push_screen(
            ConfirmScreen(
                f"Remove this {job.kind} export from the list?{kept}", title="Remove job", confirm_label="Remove"
            ),
            answered,
        )

    def on_worker_state_changed(self, event) -> None:  # type: ignore[no-untyped-def]
        self.app.report_worker(event)  # type: ignore[attr-defined]
