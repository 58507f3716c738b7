"""A futures history export as data: the job the list shows and the store keeps, the answers to a
download-id request and a link poll, the kinds and ranges that may be asked for, and file names."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

STATES = ("requesting", "processing", "completed", "downloading", "downloaded", "failed", "expired")
"""requesting: download-id request in flight; processing: polling the link; completed: link ready;
downloading: fetching the file; downloaded: file on disk; failed: stopped with `error` (nothing is
retried by itself from here); expired: the link (or id) expired, a new download id is needed."""
ACTIVE_STATES = ("requesting", "processing", "completed", "downloading")
KINDS = ("orders", "trades", "transactions")
"""What can be exported: order, trade and transaction (income) history."""
MAX_RANGE_MS = 365 * 24 * 60 * 60 * 1000
"""startTime and endTime may be at most one year apart."""
LINK_VALIDITY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class ExportJob:
    """One export as the user sees it. Immutable: every change makes a new snapshot."""

    id: str
    kind: str  # "orders", "trades" or "transactions"
    start_ms: int
    end_ms: int
    created_ms: int
    state: str
    download_id: str = ""
    url: str = ""
    expiration_ms: int = -1
    file_path: str = ""
    bytes_done: int = 0
    bytes_total: int | None = None
    error: str = ""  # plain message for the user; kept until the next success
    updated_ms: int = 0
    avg_cost_ms: int = 0  # how long Binance took for such files lately (from the download-id answer)
    failed_stage: str = ""  # "request", "poll" or "download" when state is "failed"

    def with_changes(self, **changes: Any) -> ExportJob:
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def progress(self) -> float | None:
        """Downloaded share 0..1, or None when the size is unknown."""
        if self.state == "downloaded":
            return 1.0
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)

    def elapsed_ms(self, now_ms: int) -> int:
        """Time since the job was created (for the spinner line while it is active)."""
        return max(0, now_ms - self.created_ms)

    def expires_in_ms(self, now_ms: int) -> int | None:
        """Time left on the download link, or None when there is no link yet."""
        if self.expiration_ms <= 0:
            return None
        return self.expiration_ms - now_ms

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> ExportJob:
        if not isinstance(data, dict):
            raise ValueError("job entry is not an object")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        job = cls(**values)
        if not isinstance(job.id, str) or not job.id:
            raise ValueError("job has no id")
        if job.state not in STATES:
            raise ValueError(f"job {job.id} has unknown state {job.state!r}")
        for name in ("start_ms", "end_ms", "created_ms", "expiration_ms", "bytes_done", "updated_ms", "avg_cost_ms"):
            if not isinstance(getattr(job, name), int):
                raise ValueError(f"job {job.id}: {name} is not an integer")
        return job


def export_filename(job: ExportJob, url: str = "") -> str:
    """`futures-orders-20250101-20250201-<downloadId>.csv` (extension from the link when it has one)."""
    start = time.strftime("%Y%m%d", time.gmtime(job.start_ms / 1000))
    end = time.strftime("%Y%m%d", time.gmtime(job.end_ms / 1000))
    ident = "".join(c for c in job.download_id if c.isalnum() or c in "-_") or job.id[:12]
    suffix = ".csv"
    path = (url or job.url).split("?", 1)[0].lower()
    for known in (".csv", ".zip", ".gz", ".xlsx"):
        if path.endswith(known):
            suffix = known
    return f"futures-{job.kind}-{start}-{end}-{ident}{suffix}"


@dataclass(frozen=True)
class DownloadIdResult:
    """Answer to a download-id request: the id and how long such files took lately (ms)."""

    download_id: str
    avg_cost_ms: int


@dataclass(frozen=True)
class DownloadLink:
    """Answer to a download-link poll. `expiration_ms` is -1 while processing."""

    download_id: str
    status: str  # "processing" or "completed"
    url: str
    expiration_ms: int
    notified: bool
    is_expired: bool | None

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def expired_at(self, now_ms: int) -> bool:
        """True when the link is known to be unusable at `now_ms`."""
        if self.is_expired:
            return True
        return self.completed and self.expiration_ms > 0 and now_ms >= self.expiration_ms


def validate_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown export type {kind!r}; expected one of: {', '.join(KINDS)}")
    return kind


def validate_range(start_ms: int, end_ms: int) -> None:
    """Raise ValueError with a plain message unless start < end and they are at most a year apart."""
    if isinstance(start_ms, bool) or isinstance(end_ms, bool):
        raise ValueError("start and end must be epoch milliseconds")
    try:
        start, end = int(start_ms), int(end_ms)
    except (TypeError, ValueError):
        raise ValueError("start and end must be epoch milliseconds") from None
    if start < 0 or end < 0:
        raise ValueError("start and end must not be negative")
    if end <= start:
        raise ValueError("the end of the range must be after its start")
    if end - start > MAX_RANGE_MS:
        raise ValueError("the range may span at most one year (365 days)")
