"""The export job list: ask for a download id once, poll its link, download the file, survive restarts.

`JobManager` owns the list (persisted by a `JobStore`) and one loop, `run()`, that polls processing
jobs, downloads completed ones into the downloads dir and resumes what a previous run left half done.
It never sends a download-id request by itself: only `submit()` and `retry_request()` do, once each,
because Binance rations them per month. Polling links and fetching files are free of quota, so
those are retried with backoff. Every change is published to subscribers as a `JobChange` holding
immutable snapshots; the UI turns those into messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as _time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.futures.rest import (
    DOWNLOAD_ID_WEIGHT,
    DOWNLOAD_LINK_WEIGHT,
    FUTURES_WEIGHT_LIMIT_1M,
    DownloadIdResult,
    DownloadInterrupted,
    DownloadLink,
    LinkExpired,
    ProgressCallback,
    is_quota_exhausted,
    part_path,
    validate_kind,
    validate_range,
)
from tui.exchange.futures.store import ACTIVE_STATES, STATES, ExportJob, JobStore, StoredState

__all__ = [
    "ACTIVE_STATES",
    "DEFAULT_MONTHLY_QUOTA",
    "STATES",
    "ExportJob",
    "JobChange",
    "JobManager",
    "JobStore",
    "RequestCost",
    "StoredState",
    "export_filename",
]

log = logging.getLogger(__name__)

DEFAULT_MONTHLY_QUOTA = 5
MAX_POLL_INTERVAL = 30.0
LINK_EXPIRED_TEXT = "The download link has expired; request a new download id to get the file."
PROGRESS_NOTIFY_S = 0.1
PROGRESS_SAVE_S = 1.0
# Binance codes that a moment later may well not recur: timestamp outside recvWindow, server busy.
_TRANSIENT_CODES = {-1000, -1001, -1003, -1006, -1007, -1008, -1021}


def export_filename(job: ExportJob, url: str = "") -> str:
    """`futures-orders-20250101-20250201-<downloadId>.csv` (extension from the link when it has one)."""
    start = _time.strftime("%Y%m%d", _time.gmtime(job.start_ms / 1000))
    end = _time.strftime("%Y%m%d", _time.gmtime(job.end_ms / 1000))
    ident = "".join(c for c in job.download_id if c.isalnum() or c in "-_") or job.id[:12]
    suffix = ".csv"
    path = (url or job.url).split("?", 1)[0].lower()
    for known in (".csv", ".zip", ".gz", ".xlsx"):
        if path.endswith(known):
            suffix = known
    return f"futures-{job.kind}-{start}-{end}-{ident}{suffix}"


@dataclass(frozen=True)
class JobChange:
    """What subscribers receive: the job that changed (or was removed) and the whole list after it."""

    job: ExportJob
    jobs: tuple[ExportJob, ...]
    removed: bool = False


@dataclass(frozen=True)
class RequestCost:
    """What a new export costs, for the confirmation dialog."""

    kind: str
    weight: int  # request weight of the download-id request
    poll_weight: int  # weight of each link poll
    quota_used: int  # download-id requests of this kind made (or maybe made) this month, as counted here
    quota_left: int
    monthly_quota: int
    used_weight_1m: int | None  # last X-MBX-USED-WEIGHT-1M seen, None before any request
    weight_limit_1m: int = FUTURES_WEIGHT_LIMIT_1M

    @property
    def fits_weight(self) -> bool:
        """False when the last reported usage plus this request would pass the per-minute limit
        (then Binance answers 429; wait for the minute to roll over)."""
        return (self.used_weight_1m or 0) + self.weight <= self.weight_limit_1m


class ExportClient(Protocol):
    async def request_download_id(self, kind: str, start_ms: int, end_ms: int) -> DownloadIdResult: ...
    async def download_link(self, kind: str, download_id: str) -> DownloadLink: ...
    async def download_file(self, url: str, dest: Path, *, on_progress: ProgressCallback | None = None) -> Path: ...


class _WallClock(Protocol):
    def time(self) -> float: ...


Subscriber = Callable[[JobChange], Any]


class JobManager:
    """The export jobs of one account. Start `run()` as a worker; stop it by cancelling, then `aclose()`."""

    def __init__(
        self,
        client: ExportClient,
        store: JobStore,
        downloads_dir: Path,
        *,
        poll_interval: float = 2.0,
        clock: _WallClock = _time,
        monthly_quota: int = DEFAULT_MONTHLY_QUOTA,
        max_backoff: float = 60.0,
        download_attempts: int = 5,
        auto_download: bool = True,
    ) -> None:
        self.client = client
        self.store = store
        self.downloads_dir = Path(downloads_dir)
        self.poll_interval = poll_interval
        self.clock = clock
        self.monthly_quota = monthly_quota
        self.max_backoff = max_backoff
        self.download_attempts = download_attempts
        self.auto_download = auto_download
        state = store.load()
        self.warning = store.warning
        """Set when the stored list could not be read (it was moved aside); show it once."""
        self._jobs: dict[str, ExportJob] = {job.id: job for job in state.jobs}
        self._quota: dict[str, dict[str, int]] = dict(state.quota or {})
        self._subscribers: list[Subscriber] = []
        self._wake = asyncio.Event()
        self._next_poll: dict[str, float] = {}
        self._poll_failures: dict[str, int] = {}
        self._next_download: dict[str, float] = {}
        self._download_failures: dict[str, int] = {}
        self._downloads: dict[str, asyncio.Task[ExportJob]] = {}
        self._removed: dict[str, ExportJob] = {}
        interrupted = [j for j in self._jobs.values() if j.state == "requesting"]
        for job in interrupted:
            # The previous run stopped while the request was in flight. Whether it used quota is
            # unknown, and asking again could waste one: leave the decision to the user.
            self._jobs[job.id] = job.with_changes(
                state="failed",
                failed_stage="request",
                error="The app stopped while asking for the download id, so whether it was granted is "
                "unknown. It was not sent again; retry only if this month's quota allows.",
                updated_ms=self._now_ms(),
            )
        if interrupted:
            self._save()

    # -- reading -------------------------------------------------------------------------------

    @property
    def jobs(self) -> tuple[ExportJob, ...]:
        """All jobs, newest first."""
        return tuple(sorted(self._jobs.values(), key=lambda j: (j.created_ms, j.id), reverse=True))

    def get(self, job_id: str) -> ExportJob | None:
        return self._jobs.get(job_id)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(JobChange)` after every change; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def quota_used(self, kind: str) -> int:
        return self._quota.get(self._month(), {}).get(kind, 0)

    def quota_left(self, kind: str) -> int:
        return max(0, self.monthly_quota - self.quota_used(kind))

    def cost(self, kind: str) -> RequestCost:
        """Weight and quota of one more download-id request of `kind`, for the confirmation step."""
        validate_kind(kind)
        return RequestCost(
            kind=kind,
            weight=DOWNLOAD_ID_WEIGHT,
            poll_weight=DOWNLOAD_LINK_WEIGHT,
            quota_used=self.quota_used(kind),
            quota_left=self.quota_left(kind),
            monthly_quota=self.monthly_quota,
            used_weight_1m=getattr(self.client, "used_weight_1m", None),
        )

    # -- user actions --------------------------------------------------------------------------

    async def submit(self, kind: str, start_ms: int, end_ms: int) -> ExportJob:
        """Create a job and send its download-id request exactly once.

        A bad kind or range raises ValueError before anything is stored or sent. Any failure of the
        request itself is stored on the job (state "failed", `error` in plain words) and returned.
        """
        validate_kind(kind)
        validate_range(start_ms, end_ms)
        now = self._now_ms()
        job = ExportJob(
            id=uuid.uuid4().hex,
            kind=kind,
            start_ms=int(start_ms),
            end_ms=int(end_ms),
            created_ms=now,
            state="requesting",
            updated_ms=now,
        )
        self._put(job)
        return await self._request(job)

    async def retry_request(self, job_id: str) -> ExportJob:
        """Ask again for a download id for a job whose request failed or whose link expired.

        Only for an explicit user action: this spends one of the month's download ids.
        """
        job = self._require(job_id)
        if not (job.state == "expired" or (job.state == "failed" and job.failed_stage == "request")):
            raise ValueError("only a job whose request failed or whose link expired can be requested again")
        job = self._update(
            job_id,
            state="requesting",
            download_id="",
            url="",
            expiration_ms=-1,
            bytes_done=0,
            bytes_total=None,
            error="",
            failed_stage="",
            avg_cost_ms=0,
        )
        if job.file_path:
            part_path(Path(job.file_path)).unlink(missing_ok=True)
            job = self._update(job_id, file_path="")
        return await self._request(job)

    def resume(self, job_id: str) -> ExportJob:
        """Continue a job that failed while polling or downloading (no quota is spent)."""
        job = self._require(job_id)
        if job.state != "failed" or job.failed_stage == "request":
            raise ValueError("only a job that failed while polling or downloading can be resumed")
        self._poll_failures.pop(job_id, None)
        self._download_failures.pop(job_id, None)
        self._next_poll.pop(job_id, None)
        self._next_download.pop(job_id, None)
        state = "downloading" if job.url else "processing"
        return self._update(job_id, state=state, failed_stage="", error="")

    async def download(self, job_id: str) -> ExportJob:
        """Download (or resume downloading) a job's file now and wait for the outcome."""
        job = self._require(job_id)
        task = self._downloads.get(job_id)
        if task is None:
            if not job.url or job.state not in ("completed", "downloading", "failed", "downloaded"):
                raise ValueError("this job has no download link yet")
            self._download_failures.pop(job_id, None)
            task = self._start_download(job_id)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and not (current is not None and current.cancelling()):
                # the download was stopped (job removed, manager closed), not our caller
                return self._jobs.get(job_id) or self._removed.get(job_id) or job
            raise

    def remove(self, job_id: str) -> ExportJob | None:
        """Forget a job (stopping its download and deleting its `.part`); a downloaded file stays."""
        job = self._jobs.pop(job_id, None)
        if job is None:
            return None
        self._removed[job_id] = job
        task = self._downloads.pop(job_id, None)
        if task is not None:
            task.cancel()
        for table in (self._next_poll, self._poll_failures, self._next_download, self._download_failures):
            table.pop(job_id, None)
        if job.file_path and job.state != "downloaded":
            with contextlib.suppress(OSError):
                part_path(Path(job.file_path)).unlink(missing_ok=True)
        self._save()
        self._notify(JobChange(job=job, jobs=self.jobs, removed=True))
        return job

    # -- the loop ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Poll processing jobs, download completed ones, resume interrupted ones. Runs until cancelled."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._wake.clear()  # before the scan, so a wake-up during it is not lost
                now = loop.time()
                for job_id in list(self._jobs):
                    job = self._jobs.get(job_id)  # re-read: an await below may have changed or removed it
                    if job is None:
                        continue
                    if self._link_lapsed(job):
                        self._next_download.pop(job_id, None)
                        self._update(job_id, state="expired", error=LINK_EXPIRED_TEXT)
                    elif job.state == "processing" and self._next_poll.get(job_id, 0.0) <= now:
                        await self._poll(job_id)
                    elif self._download_due(job, now):
                        self._start_download(job_id)
                due = [t for t in (*self._next_poll.values(), *self._next_download.values()) if t > now]
                timeout = min([self.poll_interval, *(t - loop.time() for t in due)])
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
                # races with the event being set, and then run() would never stop.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(0.01, timeout)):
                        await self._wake.wait()
        finally:
            for task in list(self._downloads.values()):
                task.cancel()

    def _link_lapsed(self, job: ExportJob) -> bool:
        """A link we hold but have not used up has passed its expiry time (no download running)."""
        waiting = job.state in ("completed", "downloading") or (
            job.state == "failed" and job.failed_stage == "download"
        )
        return (
            waiting and job.id not in self._downloads and job.expiration_ms > 0 and self._now_ms() >= job.expiration_ms
        )

    def _download_due(self, job: ExportJob, now: float) -> bool:
        wanted = job.state == "downloading" or (job.state == "completed" and self.auto_download)
        return wanted and job.id not in self._downloads and self._next_download.get(job.id, 0.0) <= now

    async def aclose(self) -> None:
        """Stop downloads in progress (their `.part` files stay for the next run) and save."""
        tasks = list(self._downloads.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._save()

    # -- steps ---------------------------------------------------------------------------------

    async def _request(self, job: ExportJob) -> ExportJob:
        try:
            result = await self.client.request_download_id(job.kind, job.start_ms, job.end_ms)
        except ExchangeError as exc:
            return self._request_failed(job, exc)
        except Exception as exc:  # never lose the job over an unexpected failure
            log.exception("download-id request failed")
            return self._update(job.id, state="failed", failed_stage="request", error=f"{type(exc).__name__}: {exc}")
        self._count_request(job.kind)
        self._next_poll[job.id] = asyncio.get_running_loop().time() + self.poll_interval
        job = self._update(
            job.id,
            state="processing",
            download_id=result.download_id,
            avg_cost_ms=result.avg_cost_ms,
            error="",
            failed_stage="",
        )
        self._wake.set()
        return job

    def _request_failed(self, job: ExportJob, exc: ExchangeError) -> ExportJob:
        unknown = getattr(exc, "outcome_unknown", isinstance(exc, (RequestTimeout, NotConnected)))
        if unknown:
            self._count_request(job.kind)  # it may have reached Binance and used quota
            error = (
                f"No clear answer to the download-id request ({exc.msg}). It may have been granted and "
                "used quota; it was not sent again."
            )
        elif isinstance(exc, RateLimited):
            error = f"Rate limited by Binance (HTTP {exc.status}): {exc.msg}"
        elif is_quota_exhausted(exc):
            counts = self._quota.setdefault(self._month(), {})
            counts[job.kind] = max(counts.get(job.kind, 0), self.monthly_quota)
            error = f"Monthly download quota used up: {exc.msg}"
        else:
            error = f"Binance refused the request: {exc.msg} ({exc.code})"
        return self._update(job.id, state="failed", failed_stage="request", error=error)

    async def _poll(self, job_id: str) -> None:
        job = self._jobs[job_id]
        loop = asyncio.get_running_loop()
        try:
            link = await self.client.download_link(job.kind, job.download_id)
        except Exception as exc:
            self._poll_failed(job_id, exc)
            return
        self._poll_failures.pop(job_id, None)
        job = self._jobs.get(job_id, job)
        if job_id not in self._jobs or job.state != "processing":
            return  # removed or changed while the poll was in flight
        now_ms = self._now_ms()
        if link.expired_at(now_ms):
            self._next_poll.pop(job_id, None)
            self._update(job_id, state="expired", error=LINK_EXPIRED_TEXT)
            return
        if link.completed and link.url:
            self._next_poll.pop(job_id, None)
            self._update(job_id, state="completed", url=link.url, expiration_ms=link.expiration_ms, error="")
            self._wake.set()
            return
        elapsed_s = job.elapsed_ms(now_ms) / 1000
        delay = min(max(self.poll_interval, elapsed_s / 10), max(self.poll_interval, MAX_POLL_INTERVAL))
        self._next_poll[job_id] = loop.time() + delay
        if job.error:
            self._update(job_id, error="")

    def _poll_failed(self, job_id: str, exc: Exception) -> None:
        if job_id not in self._jobs:
            return
        failures = self._poll_failures.get(job_id, 0) + 1
        self._poll_failures[job_id] = failures
        permanent = (
            isinstance(exc, ExchangeError)
            and not isinstance(exc, RateLimited)
            and 400 <= exc.status < 500
            and exc.code not in _TRANSIENT_CODES
        )
        text = exc.msg if isinstance(exc, ExchangeError) else f"{type(exc).__name__}: {exc}"
        if permanent and failures >= 3:
            self._next_poll.pop(job_id, None)
            self._update(
                job_id, state="failed", failed_stage="poll", error=f"Checking the download link failed: {text}"
            )
            return
        delay = min(self.poll_interval * 2**failures, self.max_backoff)
        if isinstance(exc, RateLimited) and exc.retry_after_ms:
            delay = max(delay, (exc.retry_after_ms - self._now_ms()) / 1000)
        self._next_poll[job_id] = asyncio.get_running_loop().time() + delay
        self._update(job_id, error=f"Checking the download link failed ({text}); trying again in {delay:.0f} s")

    def _start_download(self, job_id: str) -> asyncio.Task[ExportJob]:
        task = asyncio.get_running_loop().create_task(self._download(job_id), name=f"export-download-{job_id}")
        self._downloads[job_id] = task

        def done(t: asyncio.Task[ExportJob]) -> None:
            if self._downloads.get(job_id) is t:
                del self._downloads[job_id]
            self._wake.set()

        task.add_done_callback(done)
        return task

    async def _download(self, job_id: str) -> ExportJob:
        job = self._jobs[job_id]
        if job.expiration_ms > 0 and self._now_ms() >= job.expiration_ms:
            return self._update(job_id, state="expired", error=LINK_EXPIRED_TEXT)
        dest = Path(job.file_path) if job.file_path else self.downloads_dir / export_filename(job)
        part = part_path(dest)
        done_before = part.stat().st_size if part.exists() else 0
        job = self._update(
            job_id, state="downloading", file_path=str(dest), bytes_done=done_before, failed_stage="", error=""
        )
        last = {"notify": 0.0, "save": _time.monotonic()}

        def on_progress(done: int, total: int | None) -> None:
            current = self._jobs.get(job_id)
            if current is None:
                return
            self._jobs[job_id] = current.with_changes(bytes_done=done, bytes_total=total, updated_ms=self._now_ms())
            now = _time.monotonic()
            if now - last["notify"] >= PROGRESS_NOTIFY_S or (total is not None and done >= total):
                last["notify"] = now
                self._notify(JobChange(job=self._jobs[job_id], jobs=self.jobs))
            if now - last["save"] >= PROGRESS_SAVE_S:
                last["save"] = now
                self._save()

        try:
            await self.client.download_file(job.url, dest, on_progress=on_progress)
        except LinkExpired as exc:
            return self._update(job_id, state="expired", error=exc.msg)
        except (ExchangeError, OSError) as exc:
            return self._download_failed(job_id, dest, exc)
        except Exception as exc:  # e.g. a malformed URL: stop here rather than retry in a loop
            log.exception("export download failed")
            return self._update(
                job_id, state="failed", failed_stage="download", error=f"Download failed: {type(exc).__name__}: {exc}"
            )
        size = dest.stat().st_size
        self._download_failures.pop(job_id, None)
        self._next_download.pop(job_id, None)
        return self._update(job_id, state="downloaded", bytes_done=size, bytes_total=size, error="")

    def _download_failed(self, job_id: str, dest: Path, exc: Exception) -> ExportJob:
        part = part_path(dest)
        kept = part.stat().st_size if part.exists() else 0
        if isinstance(exc, OSError):
            return self._update(
                job_id,
                state="failed",
                failed_stage="download",
                bytes_done=kept,
                error=f"Could not write {dest}: {exc.strerror or exc}",
            )
        failures = self._download_failures.get(job_id, 0) + 1
        self._download_failures[job_id] = failures
        text = exc.msg if isinstance(exc, ExchangeError) else str(exc)
        total = exc.bytes_total if isinstance(exc, DownloadInterrupted) else None
        total = total if total is not None else self._jobs[job_id].bytes_total
        if failures >= self.download_attempts:
            self._next_download.pop(job_id, None)
            return self._update(
                job_id,
                state="failed",
                failed_stage="download",
                bytes_done=kept,
                bytes_total=total,
                error=f"Download stopped: {text}. {kept} bytes are kept; resume to continue.",
            )
        delay = min(self.poll_interval * 2 ** (failures - 1), self.max_backoff)
        self._next_download[job_id] = asyncio.get_running_loop().time() + delay
        return self._update(
            job_id,
            state="downloading",
            bytes_done=kept,
            bytes_total=total,
            error=f"Download interrupted: {text}; resuming in {delay:.0f} s",
        )

    # -- bookkeeping ---------------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self.clock.time() * 1000)

    def _month(self) -> str:
        return _time.strftime("%Y-%m", _time.gmtime(self.clock.time()))

    def _count_request(self, kind: str) -> None:
        month = self._month()
        counts = self._quota.setdefault(month, {})
        counts[kind] = counts.get(kind, 0) + 1
        # Only this month matters; keep last month's for reference, drop the rest.
        for key in sorted(self._quota)[:-2]:
            del self._quota[key]
        self._save()

    def _require(self, job_id: str) -> ExportJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(f"no export job {job_id!r}")
        return job

    def _put(self, job: ExportJob) -> None:
        self._jobs[job.id] = job
        self._save()
        self._notify(JobChange(job=job, jobs=self.jobs))

    def _update(self, job_id: str, **changes: Any) -> ExportJob:
        current = self._jobs.get(job_id)
        if current is None:  # removed while a step was in flight: report, store nothing
            removed = self._removed[job_id]
            return removed.with_changes(**changes, updated_ms=self._now_ms())
        job = current.with_changes(**changes, updated_ms=self._now_ms())
        self._jobs[job_id] = job
        self._save()
        self._notify(JobChange(job=job, jobs=self.jobs))
        return job

    def _save(self) -> None:
        try:
            self.store.save(self.jobs, self._quota)
        except OSError as exc:
            log.warning("could not save the export job list: %s", exc)
            self.warning = f"could not save the export job list: {exc}"

    def _notify(self, change: JobChange) -> None:
        for callback in list(self._subscribers):
            try:
                callback(change)
            except Exception:
                log.exception("export job subscriber failed")
