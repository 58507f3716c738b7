"""The export job list of one account: jobs and monthly quota counts, saved and published on every change.

Every change goes through `update()` (or `put()`), which stores a new immutable snapshot, saves the
whole list with the `JobStore` and tells subscribers with a `JobChange`. A job removed while one of
its steps was in flight is kept aside, so the step can still report what happened without the job
coming back.
"""

from __future__ import annotations

import contextlib
import logging
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tui.domain.futures.exports import ExportJob
from tui.exchange.futures.store import JobStore

log = logging.getLogger(__name__)

LINK_EXPIRED_TEXT = "The download link has expired; request a new download id to get the file."


@dataclass(frozen=True)
class JobChange:
    """What subscribers receive: the job that changed (or was removed) and the whole list after it."""

    job: ExportJob
    jobs: tuple[ExportJob, ...]
    removed: bool = False


class WallClock(Protocol):
    """Seconds since the epoch (`time.time`); jobs are stamped and months counted with it."""

    def time(self) -> float: ...


Subscriber = Callable[[JobChange], Any]


class JobList:
    """The jobs and quota counts, persisted by `store` and published to subscribers."""

    def __init__(self, store: JobStore, clock: WallClock, monthly_quota: int) -> None:
        self.store = store
        self.clock = clock
        self.monthly_quota = monthly_quota
        state = store.load()
        self.warning = store.warning
        """Set when the stored list could not be read (it was moved aside) or saved; show it once."""
        self._jobs: dict[str, ExportJob] = {job.id: job for job in state.jobs}
        self._quota: dict[str, dict[str, int]] = dict(state.quota or {})
        self._subscribers: list[Subscriber] = []
        self._removed: dict[str, ExportJob] = {}

    # -- reading -------------------------------------------------------------------------------

    @property
    def jobs(self) -> tuple[ExportJob, ...]:
        """All jobs, newest first."""
        return tuple(sorted(self._jobs.values(), key=lambda j: (j.created_ms, j.id), reverse=True))

    def ids(self) -> list[str]:
        return list(self._jobs)

    def get(self, job_id: str) -> ExportJob | None:
        return self._jobs.get(job_id)

    def removed(self, job_id: str) -> ExportJob | None:
        return self._removed.get(job_id)

    def require(self, job_id: str) -> ExportJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(f"no export job {job_id!r}")
        return job

    def now_ms(self) -> int:
        return int(self.clock.time() * 1000)

    # -- changing ------------------------------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(JobChange)` after every change; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def put(self, job: ExportJob) -> None:
        self._jobs[job.id] = job
        self.save()
        self.notify(JobChange(job=job, jobs=self.jobs))

    def update(self, job_id: str, **changes: Any) -> ExportJob:
        current = self._jobs.get(job_id)
        if current is None:  # removed while a step was in flight: report, store nothing
            removed = self._removed[job_id]
            return removed.with_changes(**changes, updated_ms=self.now_ms())
        job = current.with_changes(**changes, updated_ms=self.now_ms())
        self._jobs[job_id] = job
        self.save()
        self.notify(JobChange(job=job, jobs=self.jobs))
        return job

    def record_progress(self, job_id: str, done: int, total: int | None) -> ExportJob | None:
        """Note download progress without saving or publishing (the caller rations both)."""
        current = self._jobs.get(job_id)
        if current is None:
            return None
        job = current.with_changes(bytes_done=done, bytes_total=total, updated_ms=self.now_ms())
        self._jobs[job_id] = job
        return job

    def pop(self, job_id: str) -> ExportJob | None:
        """Take a job off the list (kept aside for steps still in flight); saved by the caller."""
        job = self._jobs.pop(job_id, None)
        if job is not None:
            self._removed[job_id] = job
        return job

    def save(self) -> None:
        try:
            self.store.save(self.jobs, self._quota)
        except OSError as exc:
            log.warning("could not save the export job list: %s", exc)
            self.warning = f"could not save the export job list: {exc}"

    def notify(self, change: JobChange) -> None:
        for callback in list(self._subscribers):
            try:
                callback(change)
            except Exception:
                log.exception("export job subscriber failed")

    # -- the monthly download-id quota ---------------------------------------------------------

    def month(self) -> str:
        return _time.strftime("%Y-%m", _time.gmtime(self.clock.time()))

    def quota_used(self, kind: str) -> int:
        return self._quota.get(self.month(), {}).get(kind, 0)

    def quota_left(self, kind: str) -> int:
        return max(0, self.monthly_quota - self.quota_used(kind))

    def count_request(self, kind: str) -> None:
        """One more download-id request of `kind` sent (or maybe sent) this month."""
        month = self.month()
        counts = self._quota.setdefault(month, {})
        counts[kind] = counts.get(kind, 0) + 1
        # Only this month matters; keep last month's for reference, drop the rest.
        for key in sorted(self._quota)[:-2]:
            del self._quota[key]
        self.save()

    def quota_exhausted(self, kind: str) -> None:
        """Binance says this month's quota of `kind` is used up, whatever we counted."""
        counts = self._quota.setdefault(self.month(), {})
        counts[kind] = max(counts.get(kind, 0), self.monthly_quota)
