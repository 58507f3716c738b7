"""JobStore: JSON persistence, atomic writes, and a corrupt file moved aside instead of a crash."""

from __future__ import annotations

import json
from pathlib import Path

from tui.domain.futures.exports import ExportJob
from tui.exchange.futures.store import JobStore


def _job(**kw) -> ExportJob:
    base = dict(id="j1", kind="orders", start_ms=1, end_ms=2, created_ms=3, state="processing", download_id="99")
    return ExportJob(**{**base, **kw})


def test_round_trip(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "d" / "jobs.json")
    jobs = (_job(), _job(id="j2", state="downloaded", bytes_total=None, file_path="/x.csv"))
    store.save(jobs, {"2025-01": {"orders": 2}})
    loaded = JobStore(store.path).load()
    assert loaded.jobs == jobs
    assert loaded.quota == {"2025-01": {"orders": 2}}
    assert [p.name for p in store.path.parent.iterdir()] == ["jobs.json"]  # no temp file left


def test_missing_file_is_an_empty_list(tmp_path: Path) -> None:
    state = JobStore(tmp_path / "none.json").load()
    assert state.jobs == () and state.quota == {}


def test_corrupt_file_is_moved_aside_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    path.write_text("{not json")
    store = JobStore(path)
    state = store.load()
    assert state.jobs == ()
    assert "moved to" in store.warning
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("jobs.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert not path.exists()
    store.save((_job(),), {})  # and the store keeps working
    assert JobStore(path).load().jobs == (_job(),)


def test_wrong_shape_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": "nope"}))
    store = JobStore(path)
    assert store.load().jobs == ()
    assert store.warning


def test_unreadable_entries_are_skipped_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    good = _job().to_json()
    path.write_text(
        json.dumps(
            {"jobs": [good, {"id": "x", "state": "weird"}, 5, {**good, "id": "j3", "future_field": 1}], "quota": []}
        )
    )
    store = JobStore(path)
    state = store.load()
    assert [j.id for j in state.jobs] == ["j1", "j3"]
    assert "2 unreadable" in store.warning
    assert state.quota == {}
