"""The export job list: ask for a download id once, poll its link, download the file, survive restarts.

`JobManager` is what the UI talks to. It owns one loop, `run()`, that hands processing jobs to the
`LinkPoller`, completed ones to `Downloads` and marks links that lapsed unused; the list itself
(persisted by a `JobStore`, published to subscribers as `JobChange`s holding immutable snapshots)
is a `JobList`. It never sends a download-id request by itself: only `submit()` and
`retry_request()` do, once each, because Binance rations them per month. Polling links and fetching
files are free of quota, so those are retried with backoff.
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
from typing import Protocol

from tui.domain.futures.exports import DownloadIdResult, ExportJob, validate_kind, validate_range
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.futures.downloads import Downloads, FileSource
from tui.exchange.futures.job_list import LINK_EXPIRED_TEXT, JobChange, JobList, Subscriber, WallClock
from tui.exchange.futures.link_polling import LinkPoller, LinkSource
from tui.exchange.futures.rest import (
    DOWNLOAD_ID_WEIGHT,
    DOWNLOAD_LINK_WEIGHT,
    FUTURES_WEIGHT_LIMIT_1M,
    is_quota_exhausted,
    part_path,
)
from tui.exchange.futures.store import JobStore

log = logging.getLogger(__name__)

DEFAULT_MONTHLY_QUOTA = 5


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


class ExportClient(LinkSource, FileSource, Protocol):
    async def request_download_id(self, kind: str, start_ms: int, end_ms: int) -> DownloadIdResult: ...


class JobManager:
    """The export jobs of one account. Start `run()` as a worker; stop it by cancelling, then `aclose()`."""

    def __init__(
        self,
        client: ExportClient,
        store: JobStore,
        downloads_dir: Path,
        *,
        poll_interval: float = 2.0,
        clock: WallClock = _time,
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
        self._wake = asyncio.Event()
        self._list = JobList(store, clock, monthly_quota)
        self._poller = LinkPoller(client, self._list, self._wake, poll_interval=poll_interval, max_backoff=max_backoff)
        self._downloads = Downloads(
            client,
            self._list,
            self.downloads_dir,
            self._wake,
            retry_interval=poll_interval,
            max_backoff=max_backoff,
            attempts=download_attempts,
        )
        interrupted = [j for j in self._list.jobs if j.state == "requesting"]
        for job in interrupted:
            # The previous run stopped while the request was in flight. Whether it used quota is
            # unknown, and asking again could waste one: leave the decision to the user.
            self._list.update(
                job.id,
                state="failed",
                failed_stage="request",
                error="The app stopped while asking for the download id, so whether it was granted is "
                "unknown. It was not sent again; retry only if this month's quota allows.",
            )

    # -- reading -------------------------------------------------------------------------------

    @property
    def warning(self) -> str:
        """Set when the stored list could not be read (it was moved aside) or saved; show it once."""
        return self._list.warning

    @property
    def jobs(self) -> tuple[ExportJob, ...]:
        """All jobs, newest first."""
        return self._list.jobs

    def get(self, job_id: str) -> ExportJob | None:
        return self._list.get(job_id)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(JobChange)` after every change; returns a function that unsubscribes."""
        return self._list.subscribe(callback)

    def quota_used(self, kind: str) -> int:
        return self._list.quota_used(kind)

    def quota_left(self, kind: str) -> int:
        return self._list.quota_left(kind)

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
        now = self._list.now_ms()
        job = ExportJob(
            id=uuid.uuid4().hex,
            kind=kind,
            start_ms=int(start_ms),
            end_ms=int(end_ms),
            created_ms=now,
            state="requesting",
            updated_ms=now,
        )
        self._list.put(job)
        return await self._request(job)

    async def retry_request(self, job_id: str) -> ExportJob:
        """Ask again for a download id for a job whose request failed or whose link expired.

        Only for an explicit user action: this spends one of the month's download ids.
        """
        job = self._list.require(job_id)
        if not (job.state == "expired" or (job.state == "failed" and job.failed_stage == "request")):
            raise ValueError("only a job whose request failed or whose link expired can be requested again")
        job = self._list.update(
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
            job = self._list.update(job_id, file_path="")
        return await self._request(job)

    def resume(self, job_id: str) -> ExportJob:
        """Continue a job that failed while polling or downloading (no quota is spent)."""
        job = self._list.require(job_id)
        if job.state != "failed" or job.failed_stage == "request":
            raise ValueError("only a job that failed while polling or downloading can be resumed")
        self._poller.forget(job_id)
        self._downloads.reset(job_id)
        state = "downloading" if job.url else "processing"
        return self._list.update(job_id, state=state, failed_stage="", error="")

    async def download(self, job_id: str) -> ExportJob:
        """Download (or resume downloading) a job's file now and wait for the outcome."""
        job = self._list.require(job_id)
        task = self._downloads.task(job_id)
        if task is None:
            if not job.url or job.state not in ("completed", "downloading", "failed", "downloaded"):
                raise ValueError("this job has no download link yet")
            self._downloads.reset(job_id)
            task = self._downloads.start(job_id)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and not (current is not None and current.cancelling()):
                # the download was stopped (job removed, manager closed), not our caller
                return self._list.get(job_id) or self._list.removed(job_id) or job
            raise

    def remove(self, job_id: str) -> ExportJob | None:
        """Forget a job (stopping its download and deleting its `.part`); a downloaded file stays."""
        job = self._list.pop(job_id)
        if job is None:
            return None
        self._downloads.forget(job_id)
        self._poller.forget(job_id)
        if job.file_path and job.state != "downloaded":
            with contextlib.suppress(OSError):
                part_path(Path(job.file_path)).unlink(missing_ok=True)
        self._list.save()
        self._list.notify(JobChange(job=job, jobs=self.jobs, removed=True))
        return job

    # -- the loop ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Poll processing jobs, download completed ones, resume interrupted ones. Runs until cancelled."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._wake.clear()  # before the scan, so a wake-up during it is not lost
                now = loop.time()
                for job_id in self._list.ids():
                    job = self._list.get(job_id)  # re-read: an await below may have changed or removed it
                    if job is None:
                        continue
                    if self._link_lapsed(job):
                        self._downloads.unschedule(job_id)
                        self._list.update(job_id, state="expired", error=LINK_EXPIRED_TEXT)
                    elif self._poller.due(job, now):
                        await self._poller.poll(job_id)
                    elif self._downloads.due(job, now, auto_download=self.auto_download):
                        self._downloads.start(job_id)
                due = [t for t in (*self._poller.next_times(), *self._downloads.next_times()) if t > now]
                timeout = min([self.poll_interval, *(t - loop.time() for t in due)])
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
                # races with the event being set, and then run() would never stop.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(0.01, timeout)):
                        await self._wake.wait()
        finally:
            self._downloads.cancel_all()

    def _link_lapsed(self, job: ExportJob) -> bool:
        """A link we hold but have not used up has passed its expiry time (no download running)."""
        waiting = job.state in ("completed", "downloading") or (
            job.state == "failed" and job.failed_stage == "download"
        )
        return (
            waiting
            and not self._downloads.running(job.id)
            and job.expiration_ms > 0
            and self._list.now_ms() >= job.expiration_ms
        )

    async def aclose(self) -> None:
        """Stop downloads in progress (their `.part` files stay for the next run) and save."""
        await self._downloads.aclose()
        self._list.save()

    # -- the download-id request ---------------------------------------------------------------

    async def _request(self, job: ExportJob) -> ExportJob:
        try:
            result = await self.client.request_download_id(job.kind, job.start_ms, job.end_ms)
        except ExchangeError as exc:
            return self._request_failed(job, exc)
        except Exception as exc:  # never lose the job over an unexpected failure
            log.exception("download-id request failed")
            return self._list.update(
                job.id, state="failed", failed_stage="request", error=f"{type(exc).__name__}: {exc}"
            )
        self._list.count_request(job.kind)
        self._poller.schedule_first(job.id)
        job = self._list.update(
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
            self._list.count_request(job.kind)  # it may have reached Binance and used quota
            error = (
                f"No clear answer to the download-id request ({exc.msg}). It may have been granted and "
                "used quota; it was not sent again."
            )
        elif isinstance(exc, RateLimited):
            error = f"Rate limited by Binance (HTTP {exc.status}): {exc.msg}"
        elif is_quota_exhausted(exc):
            self._list.quota_exhausted(job.kind)
            error = f"Monthly download quota used up: {exc.msg}"
        else:
            error = f"Binance refused the request: {exc.msg} ({exc.code})"
        return self._list.update(job.id, state="failed", failed_stage="request", error=error)
