"""The export job list: state with a spinner while active, elapsed time, link expiry, progress bar."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.domain.futures.exports import ACTIVE_STATES, STATES, ExportJob

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
BAR_CELLS = 12
# Wide enough for every state (a spinner and a space before the active ones), so the columns stay put
# whichever states the table happened to show: it sees only the latest list, not every step.
STATE_WIDTH = max(max(len(s) for s in STATES), 2 + max(len(s) for s in ACTIVE_STATES))


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def _duration(ms: int) -> str:
    seconds = max(0, ms // 1000)
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def progress_bar(job: ExportJob) -> str:
    """A text bar (no colour needed to read it) with the percentage or the bytes so far."""
    share = job.progress
    if share is None:
        return f"{job.bytes_done:,} B" if job.bytes_done else ""
    filled = round(share * BAR_CELLS)
    return "█" * filled + "░" * (BAR_CELLS - filled) + f" {share:4.0%}"


def describe_state(job: ExportJob, tick: int) -> str:
    word = job.state
    return f"{SPINNER[tick % len(SPINNER)]} {word}" if job.active else word


def describe_expiry(job: ExportJob, now_ms: int) -> str:
    left = job.expires_in_ms(now_ms)
    if left is None:
        return "–"
    if left <= 0 or job.state == "expired":
        return "expired"
    return f"in {_duration(left)}"


class ExportJobsTable(DataTable[str]):
    """Rows keyed by job id; `show()` redraws in place, keeping the cursor on the same job."""

    DEFAULT_CSS = "ExportJobsTable { height: 1fr; }"
    COLUMNS = ("Type", "Range (UTC)", "State", "Elapsed", "Link expires", "Progress", "File")

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.jobs: dict[str, ExportJob] = {}
        self.tick = 0

    def on_mount(self) -> None:
        for name in self.COLUMNS:
            self.add_column(name, key=name, width=STATE_WIDTH if name == "State" else None)

    @property
    def selected_job(self) -> ExportJob | None:
        if not self.jobs or not (0 <= self.cursor_row < self.row_count):
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return self.jobs.get(key or "")

    def show(self, jobs: tuple[ExportJob, ...], now_ms: int | None = None) -> None:
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        selected = self.selected_job
        self.jobs = {job.id: job for job in jobs}
        self.clear()
        for job in jobs:
            self.add_row(
                job.kind,
                f"{_date(job.start_ms)} → {_date(job.end_ms)}",
                describe_state(job, self.tick),
                _duration(job.elapsed_ms(now_ms)) if job.active else "",
                describe_expiry(job, now_ms),
                progress_bar(job),
                job.file_path.rsplit("/", 1)[-1] if job.file_path else "",
                key=job.id,
            )
        if selected is not None and selected.id in self.jobs:
            self.move_cursor(row=self.get_row_index(selected.id))
