"""Export jobs as data, and the JSON file that keeps them (and the monthly quota count) across restarts.

The file is rewritten whole on every save, through a temporary file renamed over the old one, so a
crash leaves either the old list or the new one. A file that cannot be read is moved aside (never
deleted: it may be the only record of a download id that cost quota) and the store starts empty,
with `warning` saying where the old file went.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.domain.futures.exports import ExportJob

log = logging.getLogger(__name__)

FILE_VERSION = 1


@dataclass(frozen=True)
class StoredState:
    jobs: tuple[ExportJob, ...] = ()
    quota: dict[str, dict[str, int]] | None = None  # {"2025-01": {"orders": 2}}


class JobStore:
    """The job list and quota counts in one JSON file at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.warning: str = ""
        """Set when the file could not be read and was moved aside; for the UI to show once."""

    def load(self) -> StoredState:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return StoredState((), {})
        except OSError as exc:
            self.warning = f"could not read the export job list {self.path}: {exc}"
            log.warning("%s", self.warning)
            return StoredState((), {})
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or not isinstance(data.get("jobs", []), list):
                raise ValueError("not a job list")
        except ValueError as exc:
            self._move_aside(f"it is not a valid job list ({exc})")
            return StoredState((), {})
        jobs: list[ExportJob] = []
        skipped = 0
        for entry in data.get("jobs", []):
            try:
                jobs.append(ExportJob.from_json(entry))
            except (TypeError, ValueError) as exc:
                skipped += 1
                log.warning("skipping an unreadable export job in %s: %s", self.path, exc)
        if skipped:
            self.warning = f"{skipped} unreadable export job(s) in {self.path} were skipped"
        return StoredState(tuple(jobs), _clean_quota(data.get("quota")))

    def save(self, jobs: tuple[ExportJob, ...] | list[ExportJob], quota: dict[str, dict[str, int]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {"version": FILE_VERSION, "jobs": [j.to_json() for j in jobs], "quota": quota},
            indent=1,
            sort_keys=True,
        )
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _move_aside(self, why: str) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
            self.warning = f"the export job list could not be read: {why}; it was moved to {aside}"
        except OSError as exc:
            self.warning = f"the export job list could not be read: {why}; moving it aside failed: {exc}"
        log.warning("%s", self.warning)


def _clean_quota(value: Any) -> dict[str, dict[str, int]]:
    if not isinstance(value, dict):
        return {}
    clean: dict[str, dict[str, int]] = {}
    for month, counts in value.items():
        if isinstance(month, str) and isinstance(counts, dict):
            clean[month] = {k: int(v) for k, v in counts.items() if isinstance(k, str) and isinstance(v, int)}
    return clean
