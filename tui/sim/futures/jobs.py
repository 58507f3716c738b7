"""Asynchronous export jobs ("download ids") and the per-account monthly quota on them.

A job is created by `GET /fapi/v1/{order,trade,income}/asyn`, reports `processing` until
`created + delay`, then `completed` with a link valid for 24 hours. Quotas count successful
download-id requests per (account, kind, calendar month in UTC), as Binance's "N times per month".
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from tui.sim.protocol.errors import ApiError

LINK_TTL_MS = 24 * 3_600_000
AVG_COST_WINDOW_MS = 30 * 86_400_000
DEFAULT_MONTHLY_QUOTA = 5
DEFAULT_JOB_DELAY_MS = 3_000


class ExportKind(StrEnum):
    """What an export job lists; the value is the path segment (`/fapi/v1/<value>/asyn`)."""

    ORDER = "order"
    TRADE = "trade"
    INCOME = "income"

    @property
    def label(self) -> str:
        return {"order": "order history", "trade": "trade history", "income": "transaction history"}[self.value]

    @property
    def file_stem(self) -> str:
        return {
            "order": "Futures_Order_History",
            "trade": "Futures_Trade_History",
            "income": "Futures_Transaction_History",
        }[self.value]


def quota_limit_exceeded(kind: ExportKind, limit: int, resets_ms: int) -> ApiError:
    resets = datetime.fromtimestamp(resets_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return ApiError(
        -1003,
        f"Too many requests; current limit is {limit} {kind.label} download id requests per month. "
        f"The limit resets at {resets} UTC.",
    )


def unknown_download_id() -> ApiError:
    return ApiError(-1130, "Data sent for parameter 'downloadId' is not valid.")


def month_bounds(ms: int) -> tuple[str, int]:
    """('YYYY-MM', start of the next month in ms) for the UTC month containing `ms`."""
    d = datetime.fromtimestamp(ms / 1000, UTC)
    nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=UTC)
    return f"{d.year:04d}-{d.month:02d}", int(nxt.timestamp() * 1000)


@dataclass
class DownloadJob:
    """One export: its range, when it completes, the secret token in its link, and its file once written."""

    download_id: str
    account: str
    kind: ExportKind
    start_ms: int
    end_ms: int
    created_ms: int
    ready_ms: int
    token: str
    path: Path | None = None
    expired_early: bool = False

    @property
    def expiration_ms(self) -> int:
        return self.ready_ms + LINK_TTL_MS

    def completed(self, now: int) -> bool:
        return now >= self.ready_ms

    def expired(self, now: int) -> bool:
        return self.completed(now) and (self.expired_early or now > self.expiration_ms)

    @property
    def file_name(self) -> str:
        return f"{self.kind.file_stem}_{self.download_id}.csv"


class DownloadJobs:
    """All export jobs of the venue, by id and by link token, and the quota bookkeeping."""

    def __init__(
        self,
        clock_ms: Callable[[], int],
        *,
        delay_ms: int = DEFAULT_JOB_DELAY_MS,
        monthly_quota: int | Mapping[str, int] = DEFAULT_MONTHLY_QUOTA,
    ) -> None:
        self.clock_ms = clock_ms
        self.delay_ms = delay_ms
        if isinstance(monthly_quota, int):
            self.quota = dict.fromkeys(ExportKind, monthly_quota)
        else:
            self.quota = {k: monthly_quota.get(k.value, DEFAULT_MONTHLY_QUOTA) for k in ExportKind}
        self._jobs: dict[str, DownloadJob] = {}
        self._by_token: dict[str, DownloadJob] = {}
        self._used: dict[tuple[str, ExportKind, str], int] = {}
        self._seq = itertools.count()

    def used(self, account: str, kind: ExportKind, now: int | None = None) -> int:
        month, _ = month_bounds(self.clock_ms() if now is None else now)
        return self._used.get((account, kind, month), 0)

    def create(self, account: str, kind: ExportKind, start_ms: int, end_ms: int) -> DownloadJob:
        """A new job; -1003 if the account has used this month's quota for `kind`."""
        now = self.clock_ms()
        month, next_month = month_bounds(now)
        key = (account, kind, month)
        limit = self.quota[kind]
        if self._used.get(key, 0) >= limit:
            raise quota_limit_exceeded(kind, limit, next_month)
        self._used[key] = self._used.get(key, 0) + 1
        download_id = str((now << 18) + next(self._seq) % (1 << 18))
        while download_id in self._jobs:
            download_id = str(int(download_id) + 1)
        job = DownloadJob(
            download_id,
            account,
            kind,
            start_ms,
            min(end_ms, now),  # nothing after the request exists yet
            now,
            now + self.delay_ms,
            secrets.token_hex(16),
        )
        self._jobs[download_id] = job
        self._by_token[job.token] = job
        return job

    def find(self, account: str, kind: ExportKind, download_id: str) -> DownloadJob:
        """The account's job of `kind` with this id; -1130 for anything else."""
        job = self._jobs.get(download_id)
        if job is None or job.account != account or job.kind is not kind:
            raise unknown_download_id()
        return job

    def get(self, download_id: str) -> DownloadJob | None:
        return self._jobs.get(download_id)

    def by_token(self, token: str) -> DownloadJob | None:
        return self._by_token.get(token)

    def all(self) -> list[DownloadJob]:
        return list(self._jobs.values())

    def avg_cost_ms(self, account: str, kind: ExportKind) -> int:
        """`avgCostTimestampOfLast30d`: mean processing time of the account's recent jobs of `kind`."""
        now = self.clock_ms()
        costs = [
            j.ready_ms - j.created_ms
            for j in self._jobs.values()
            if j.account == account and j.kind is kind and j.completed(now) and now - j.created_ms <= AVG_COST_WINDOW_MS
        ]
        return sum(costs) // len(costs) if costs else self.delay_ms
