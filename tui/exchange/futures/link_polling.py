"""Polling the download link of processing export jobs until the file is ready, backing off on failures.

Polls are free of quota, so a failed one is retried with exponential backoff; a permanent refusal
(a 4xx that is not a rate limit or a transient code) stops the job after three tries. Polling never
asks for a new download id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Protocol

from tui.domain.futures.exports import DownloadLink, ExportJob
from tui.exchange.errors import ExchangeError, RateLimited
from tui.exchange.futures.job_list import LINK_EXPIRED_TEXT, JobList

MAX_POLL_INTERVAL = 30.0
# Binance codes that a moment later may well not recur: timestamp outside recvWindow, server busy.
_TRANSIENT_CODES = {-1000, -1001, -1003, -1006, -1007, -1008, -1021}


class LinkSource(Protocol):
    async def download_link(self, kind: str, download_id: str) -> DownloadLink: ...


class LinkPoller:
    """When to poll each processing job next, and one poll's outcome written to the job list."""

    def __init__(
        self, client: LinkSource, jobs: JobList, wake: asyncio.Event, *, poll_interval: float, max_backoff: float
    ) -> None:
        self.client = client
        self.jobs = jobs
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._wake = wake
        self._next_poll: dict[str, float] = {}
        self._failures: dict[str, int] = {}

    def schedule_first(self, job_id: str) -> None:
        """A download id was just granted: the first poll is one interval away."""
        self._next_poll[job_id] = asyncio.get_running_loop().time() + self.poll_interval

    def due(self, job: ExportJob, now: float) -> bool:
        return job.state == "processing" and self._next_poll.get(job.id, 0.0) <= now

    def next_times(self) -> Iterable[float]:
        return self._next_poll.values()

    def forget(self, job_id: str) -> None:
        """Drop the schedule and failure count of `job_id` (resumed, removed)."""
        self._next_poll.pop(job_id, None)
        self._failures.pop(job_id, None)

    async def poll(self, job_id: str) -> None:
        job = self.jobs.require(job_id)
        loop = asyncio.get_running_loop()
        try:
            link = await self.client.download_link(job.kind, job.download_id)
        except Exception as exc:
            self._failed(job_id, exc)
            return
        self._failures.pop(job_id, None)
        current = self.jobs.get(job_id)
        if current is None or current.state != "processing":
            return  # removed or changed while the poll was in flight
        now_ms = self.jobs.now_ms()
        if link.expired_at(now_ms):
            self._next_poll.pop(job_id, None)
            self.jobs.update(job_id, state="expired", error=LINK_EXPIRED_TEXT)
            return
        if link.completed and link.url:
            self._next_poll.pop(job_id, None)
            self.jobs.update(job_id, state="completed", url=link.url, expiration_ms=link.expiration_ms, error="")
            self._wake.set()
            return
        elapsed_s = current.elapsed_ms(now_ms) / 1000
        delay = min(max(self.poll_interval, elapsed_s / 10), max(self.poll_interval, MAX_POLL_INTERVAL))
        self._next_poll[job_id] = loop.time() + delay
        if current.error:
            self.jobs.update(job_id, error="")

    def _failed(self, job_id: str, exc: Exception) -> None:
        if self.jobs.get(job_id) is None:
            return
        failures = self._failures.get(job_id, 0) + 1
        self._failures[job_id] = failures
        permanent = (
            isinstance(exc, ExchangeError)
            and not isinstance(exc, RateLimited)
            and 400 <= exc.status < 500
            and exc.code not in _TRANSIENT_CODES
        )
        text = exc.msg if isinstance(exc, ExchangeError) else f"{type(exc).__name__}: {exc}"
        if permanent and failures >= 3:
            self._next_poll.pop(job_id, None)
            self.jobs.update(
                job_id, state="failed", failed_stage="poll", error=f"Checking the download link failed: {text}"
            )
            return
        delay = min(self.poll_interval * 2**failures, self.max_backoff)
        if isinstance(exc, RateLimited) and exc.retry_after_ms:
            delay = max(delay, (exc.retry_after_ms - self.jobs.now_ms()) / 1000)
        self._next_poll[job_id] = asyncio.get_running_loop().time() + delay
        self.jobs.update(job_id, error=f"Checking the download link failed ({text}); trying again in {delay:.0f} s")
