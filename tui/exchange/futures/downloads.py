"""Fetching the files of completed export jobs into the downloads dir, resuming and retrying with backoff.

One task per job. Progress is written to the job list as it comes, published at most every
`PROGRESS_NOTIFY_S` and saved every `PROGRESS_SAVE_S`. An interrupted transfer keeps its `.part`
file and is resumed after a backoff, up to `attempts` times; an expired link ends the job as
"expired" (a new download id is the user's decision, never taken here).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as _time
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from tui.domain.futures.exports import ExportJob, export_filename
from tui.exchange.errors import ExchangeError
from tui.exchange.futures.job_list import LINK_EXPIRED_TEXT, JobChange, JobList
from tui.exchange.futures.rest import DownloadInterrupted, LinkExpired, ProgressCallback, part_path

log = logging.getLogger(__name__)

PROGRESS_NOTIFY_S = 0.1
PROGRESS_SAVE_S = 1.0


class FileSource(Protocol):
    async def download_file(self, url: str, dest: Path, *, on_progress: ProgressCallback | None = None) -> Path: ...


class Downloads:
    """The running download tasks, when each job's next attempt is due, and what an attempt did."""

    def __init__(
        self,
        client: FileSource,
        jobs: JobList,
        downloads_dir: Path,
        wake: asyncio.Event,
        *,
        retry_interval: float,
        max_backoff: float,
        attempts: int,
    ) -> None:
        self.client = client
        self.jobs = jobs
        self.downloads_dir = Path(downloads_dir)
        self.retry_interval = retry_interval
        self.max_backoff = max_backoff
        self.attempts = attempts
        self._wake = wake
        self._tasks: dict[str, asyncio.Task[ExportJob]] = {}
        self._next_attempt: dict[str, float] = {}
        self._failures: dict[str, int] = {}

    def task(self, job_id: str) -> asyncio.Task[ExportJob] | None:
        return self._tasks.get(job_id)

    def running(self, job_id: str) -> bool:
        return job_id in self._tasks

    def due(self, job: ExportJob, now: float, *, auto_download: bool) -> bool:
        wanted = job.state == "downloading" or (job.state == "completed" and auto_download)
        return wanted and job.id not in self._tasks and self._next_attempt.get(job.id, 0.0) <= now

    def next_times(self) -> Iterable[float]:
        return self._next_attempt.values()

    def reset(self, job_id: str) -> None:
        """Forget earlier failures: the next attempt is a fresh start (resumed by the user)."""
        self._failures.pop(job_id, None)
        self._next_attempt.pop(job_id, None)

    def unschedule(self, job_id: str) -> None:
        self._next_attempt.pop(job_id, None)

    def forget(self, job_id: str) -> None:
        """Stop `job_id`'s download, if any, and drop its schedule (the job was removed)."""
        task = self._tasks.pop(job_id, None)
        if task is not None:
            task.cancel()
        self.reset(job_id)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()

    async def aclose(self) -> None:
        """Stop downloads in progress; their `.part` files stay for the next run."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def start(self, job_id: str) -> asyncio.Task[ExportJob]:
        task = asyncio.get_running_loop().create_task(self._download(job_id), name=f"export-download-{job_id}")
        self._tasks[job_id] = task

        def done(t: asyncio.Task[ExportJob]) -> None:
            if self._tasks.get(job_id) is t:
                del self._tasks[job_id]
            self._wake.set()

        task.add_done_callback(done)
        return task

    async def _download(self, job_id: str) -> ExportJob:
        jobs = self.jobs
        job = jobs.require(job_id)
        if job.expiration_ms > 0 and jobs.now_ms() >= job.expiration_ms:
            return jobs.update(job_id, state="expired", error=LINK_EXPIRED_TEXT)
        dest = Path(job.file_path) if job.file_path else self.downloads_dir / export_filename(job)
        part = part_path(dest)
        done_before = part.stat().st_size if part.exists() else 0
        job = jobs.update(
            job_id, state="downloading", file_path=str(dest), bytes_done=done_before, failed_stage="", error=""
        )
        last = {"notify": 0.0, "save": _time.monotonic()}

        def on_progress(done: int, total: int | None) -> None:
            current = jobs.record_progress(job_id, done, total)
            if current is None:
                return
            now = _time.monotonic()
            if now - last["notify"] >= PROGRESS_NOTIFY_S or (total is not None and done >= total):
                last["notify"] = now
                jobs.notify(JobChange(job=current, jobs=jobs.jobs))
            if now - last["save"] >= PROGRESS_SAVE_S:
                last["save"] = now
                jobs.save()

        try:
            await self.client.download_file(job.url, dest, on_progress=on_progress)
        except LinkExpired as exc:
            return jobs.update(job_id, state="expired", error=exc.msg)
        except (ExchangeError, OSError) as exc:
            return self._failed(job_id, dest, exc)
        except Exception as exc:  # e.g. a malformed URL: stop here rather than retry in a loop
            log.exception("export download failed")
            return jobs.update(
                job_id, state="failed", failed_stage="download", error=f"Download failed: {type(exc).__name__}: {exc}"
            )
        size = dest.stat().st_size
        self.reset(job_id)
        return jobs.update(job_id, state="downloaded", bytes_done=size, bytes_total=size, error="")

    def _failed(self, job_id: str, dest: Path, exc: Exception) -> ExportJob:
        part = part_path(dest)
        kept = part.stat().st_size if part.exists() else 0
        if isinstance(exc, OSError):
            return self.jobs.update(
                job_id,
                state="failed",
                failed_stage="download",
                bytes_done=kept,
                error=f"Could not write {dest}: {exc.strerror or exc}",
            )
        failures = self._failures.get(job_id, 0) + 1
        self._failures[job_id] = failures
        text = exc.msg if isinstance(exc, ExchangeError) else str(exc)
        total = exc.bytes_total if isinstance(exc, DownloadInterrupted) else None
        if total is None:
            known = self.jobs.get(job_id)
            total = known.bytes_total if known is not None else None
        if failures >= self.attempts:
            self._next_attempt.pop(job_id, None)
            return self.jobs.update(
                job_id,
                state="failed",
                failed_stage="download",
                bytes_done=kept,
                bytes_total=total,
                error=f"Download stopped: {text}. {kept} bytes are kept; resume to continue.",
            )
        delay = min(self.retry_interval * 2 ** (failures - 1), self.max_backoff)
        self._next_attempt[job_id] = asyncio.get_running_loop().time() + delay
        return self.jobs.update(
            job_id,
            state="downloading",
            bytes_done=kept,
            bytes_total=total,
            error=f"Download interrupted: {text}; resuming in {delay:.0f} s",
        )
