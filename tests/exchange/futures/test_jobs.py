"""JobManager's state machine against the in-test MockTransport venue (no simulator needed)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.exchange.futures.fake_venue import FakeVenue
from tests.exchange.futures.helpers import in_state, running, wait_for_job
from tui.domain.futures.exports import export_filename
from tui.exchange.futures.job_list import JobChange
from tui.exchange.futures.jobs import JobManager
from tui.exchange.futures.rest import FuturesExportClient, part_path
from tui.exchange.futures.store import JobStore
from tui.exchange.signing import HmacSigner

DAY = 86_400_000
T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z


@pytest.fixture
def venue() -> FakeVenue:
    return FakeVenue(polls_until_ready=2)


@pytest.fixture
async def client(venue: FakeVenue):
    c = FuturesExportClient("https://fapi.example.test", HmacSigner("key", "secret"), transport=venue.transport())
    yield c
    await c.aclose()


def _manager(client, tmp_path: Path, **kw) -> JobManager:
    kw.setdefault("poll_interval", 0.01)
    return JobManager(client, JobStore(tmp_path / "jobs.json"), tmp_path / "downloads", **kw)


async def test_happy_path_request_poll_download(venue: FakeVenue, client, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path)
    changes: list[JobChange] = []
    manager.subscribe(changes.append)
    assert manager.cost("orders").quota_left == 5 and manager.cost("orders").weight == 1000
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + 31 * DAY)
        assert job.state == "processing" and job.download_id == "1001" and job.avg_cost_ms == 7055
        done = await wait_for_job(manager, job.id, in_state("downloaded"))
    path = Path(done.file_path)
    assert path.name == "futures-orders-20250101-20250201-1001.csv"
    assert path.parent == tmp_path / "downloads"
    assert path.read_bytes() == venue.file_body
    assert done.bytes_done == done.bytes_total == len(venue.file_body) and done.progress == 1.0
    assert done.expiration_ms == venue.expiration_ms
    states = [c.job.state for c in changes]
    for state in ("requesting", "processing", "completed", "downloading", "downloaded"):
        assert state in states
    assert all(isinstance(c.jobs, tuple) for c in changes)
    assert len(venue.id_requests()) == 1
    assert manager.quota_used("orders") == 1 and manager.quota_left("orders") == 4
    assert manager.quota_left("trades") == 5


async def test_bad_range_raises_and_stores_nothing(venue: FakeVenue, client, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path)
    with pytest.raises(ValueError, match="one year"):
        await manager.submit("orders", T0, T0 + 400 * DAY)
    assert manager.jobs == () and venue.requests == []


async def test_refused_request_fails_once_and_is_never_retried(venue: FakeVenue, client, tmp_path: Path) -> None:
    venue.id_error = (400, {"code": -1003, "msg": "Too many requests; current limit is 5 ... per month."})
    manager = _manager(client, tmp_path)
    async with running(manager):
        job = await manager.submit("trades", T0, T0 + DAY)
        await asyncio.sleep(0.2)  # the loop runs many times; it must not ask again
    assert job.state == "failed" and job.failed_stage == "request"
    assert "quota" in job.error and "per month" in job.error
    assert len(venue.id_requests()) == 1
    assert manager.quota_left("trades") == 0  # the server said so
    assert manager.get(job.id).state == "failed"
    # an explicit user retry sends exactly one more
    venue.id_error = None
    again = await manager.retry_request(job.id)
    assert again.id == job.id and again.state == "processing"
    assert len(venue.id_requests()) == 2


async def test_connection_refused_is_not_counted_but_a_timeout_is(tmp_path: Path) -> None:
    import httpx

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    for handler, counted in ((refuse, 0), (stall, 1)):
        client = FuturesExportClient("https://x.test", HmacSigner("k", "s"), transport=httpx.MockTransport(handler))
        manager = _manager(client, tmp_path / handler.__name__)
        job = await manager.submit("orders", T0, T0 + DAY)
        await client.aclose()
        assert job.state == "failed" and job.error
        assert manager.quota_used("orders") == counted


async def test_poll_errors_back_off_and_recover(venue: FakeVenue, client, tmp_path: Path) -> None:
    venue.link_errors = [(503, {"code": -1001, "msg": "Internal error; unable to process your request."})] * 2
    manager = _manager(client, tmp_path, max_backoff=0.05)
    errors: list[str] = []
    manager.subscribe(lambda c: c.job.error and errors.append(c.job.error))
    async with running(manager):
        job = await manager.submit("transactions", T0, T0 + DAY)
        await wait_for_job(manager, job.id, in_state("downloaded"))
    assert any("trying again" in e for e in errors)
    assert len(venue.id_requests()) == 1


async def test_permanent_poll_error_fails_and_can_be_resumed(venue: FakeVenue, client, tmp_path: Path) -> None:
    venue.link_errors = [(400, {"code": -1130, "msg": "Data sent for parameter 'downloadId' is not valid."})] * 3
    manager = _manager(client, tmp_path, max_backoff=0.02)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        failed = await wait_for_job(manager, job.id, in_state("failed"))
        assert failed.failed_stage == "poll" and "downloadId" in failed.error
        with pytest.raises(ValueError):
            await manager.retry_request(job.id)  # a poll failure is no reason to spend quota
        manager.resume(job.id)
        await wait_for_job(manager, job.id, in_state("downloaded"))
    assert len(venue.id_requests()) == 1


async def test_restart_resumes_polling_a_stored_job(venue: FakeVenue, client, tmp_path: Path) -> None:
    first = _manager(client, tmp_path)
    job = await first.submit("orders", T0, T0 + DAY)  # run() never started: still processing
    await first.aclose()
    second = _manager(client, tmp_path)
    assert second.get(job.id).state == "processing"
    assert second.quota_used("orders") == 1  # the count survived too
    async with running(second):
        done = await wait_for_job(second, job.id, in_state("downloaded"))
    assert Path(done.file_path).read_bytes() == venue.file_body
    assert len(venue.id_requests()) == 1


async def test_restart_during_request_never_resends(venue: FakeVenue, client, tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.json")
    first = _manager(client, tmp_path)
    job = await first.submit("orders", T0, T0 + DAY)
    raw = json.loads(store.path.read_text())
    raw["jobs"][0].update(state="requesting", download_id="")
    store.path.write_text(json.dumps(raw))
    second = _manager(client, tmp_path)
    async with running(second):
        await asyncio.sleep(0.1)
    again = second.get(job.id)
    assert again.state == "failed" and again.failed_stage == "request" and "unknown" in again.error
    assert len(venue.id_requests()) == 1


async def test_dropped_download_resumes_with_range(venue: FakeVenue, client, tmp_path: Path) -> None:
    venue.drop_next_after = 20
    manager = _manager(client, tmp_path)
    changes: list[JobChange] = []
    manager.subscribe(changes.append)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        done = await wait_for_job(manager, job.id, in_state("downloaded"))
    assert Path(done.file_path).read_bytes() == venue.file_body
    files = venue.file_requests()
    assert len(files) == 2 and files[1].headers["Range"] == "bytes=20-"
    interrupted = [c.job for c in changes if "interrupted" in c.job.error]
    assert interrupted and interrupted[0].state == "downloading" and interrupted[0].bytes_done == 20


async def test_download_gives_up_after_attempts_keeps_bytes_and_resumes_on_request(
    venue: FakeVenue, client, tmp_path: Path
) -> None:
    manager = _manager(client, tmp_path, download_attempts=1)
    async with running(manager):
        venue.drop_next_after = 7
        job = await manager.submit("orders", T0, T0 + DAY)
        failed = await wait_for_job(manager, job.id, in_state("failed"))
        assert failed.failed_stage == "download" and failed.bytes_done == 7 and "resume" in failed.error
        assert part_path(Path(failed.file_path)).stat().st_size == 7
        done = await manager.download(job.id)
    assert done.state == "downloaded" and Path(done.file_path).read_bytes() == venue.file_body


async def test_restart_mid_download_resumes_the_part_file(venue: FakeVenue, client, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path, auto_download=False)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        job = await wait_for_job(manager, job.id, in_state("completed"))
    # as if the app died while downloading: a .part on disk and the job stored as "downloading"
    dest = tmp_path / "downloads" / export_filename(job)
    dest.parent.mkdir(parents=True)
    part_path(dest).write_bytes(venue.file_body[:9])
    store = JobStore(tmp_path / "jobs.json")
    state = store.load()
    store.save(
        tuple(j.with_changes(state="downloading", file_path=str(dest), bytes_done=9) for j in state.jobs), state.quota
    )
    again = _manager(client, tmp_path)
    async with running(again):
        await wait_for_job(again, job.id, in_state("downloaded"))
    assert dest.read_bytes() == venue.file_body
    assert venue.file_requests()[-1].headers["Range"] == "bytes=9-"


async def test_expired_link_marks_the_job_expired(venue: FakeVenue, client, tmp_path: Path) -> None:
    venue.file_status = 403
    manager = _manager(client, tmp_path)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        expired = await wait_for_job(manager, job.id, in_state("expired"))
    assert "expired" in expired.error and expired.url
    assert len(venue.id_requests()) == 1


async def test_link_past_its_expiry_is_not_fetched(venue: FakeVenue, client, tmp_path: Path) -> None:
    venue.expiration_ms = 1000  # long gone
    manager = _manager(client, tmp_path)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        await wait_for_job(manager, job.id, in_state("expired"))
    assert venue.file_requests() == []


async def test_remove_forgets_the_job_and_its_part(venue: FakeVenue, client, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path, download_attempts=1)
    removed: list[JobChange] = []
    unsubscribe = manager.subscribe(lambda c: c.removed and removed.append(c))
    async with running(manager):
        venue.drop_next_after = 5
        job = await manager.submit("orders", T0, T0 + DAY)
        failed = await wait_for_job(manager, job.id, in_state("failed"))
        manager.remove(job.id)
    assert manager.jobs == () and removed and removed[0].jobs == ()
    assert not part_path(Path(failed.file_path)).exists()
    assert JobStore(tmp_path / "jobs.json").load().jobs == ()
    unsubscribe()


async def test_subscriber_errors_do_not_break_the_manager(venue: FakeVenue, client, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path)
    manager.subscribe(lambda c: 1 / 0)
    job = await manager.submit("orders", T0, T0 + DAY)
    assert job.state == "processing"


def test_default_paths_follow_binance_tui_home(isolated_home: Path) -> None:
    from tui.config.paths import downloads_dir, export_jobs_path

    assert downloads_dir() == isolated_home / "downloads"
    assert export_jobs_path().is_relative_to(isolated_home)
    assert os.environ["BINANCE_TUI_HOME"] == str(isolated_home)


class FakeWallClock:
    def __init__(self, seconds: float) -> None:
        self.t = seconds

    def time(self) -> float:
        return self.t


async def test_unused_link_lapses_into_expired(venue: FakeVenue, client, tmp_path: Path) -> None:
    clock = FakeWallClock(1_800_000_000.0)
    venue.expiration_ms = int(clock.t * 1000) + 24 * 3_600_000
    manager = _manager(client, tmp_path, auto_download=False, clock=clock)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        job = await wait_for_job(manager, job.id, in_state("completed"))
        assert job.expires_in_ms(int(clock.t * 1000)) == 24 * 3_600_000
        clock.t += 24 * 3600
        await wait_for_job(manager, job.id, in_state("expired"))
    assert venue.file_requests() == []


async def test_removing_a_job_mid_download_ends_the_wait_quietly(tmp_path: Path) -> None:
    import httpx

    gate = asyncio.Event()

    class SlowStream(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"abc"
            await gate.wait()
            yield b"def"

    venue = FakeVenue(polls_until_ready=1)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "files.example.test":
            return httpx.Response(200, headers={"Content-Length": "6"}, stream=SlowStream())
        return venue.handle(request)

    client = FuturesExportClient("https://f.test", HmacSigner("k", "s"), transport=httpx.MockTransport(handler))
    manager = _manager(client, tmp_path, auto_download=False)
    async with running(manager):
        job = await manager.submit("orders", T0, T0 + DAY)
        await wait_for_job(manager, job.id, in_state("completed"))
        waiter = asyncio.create_task(manager.download(job.id))
        await wait_for_job(manager, job.id, lambda j: j.bytes_done == 3)
        manager.remove(job.id)
        result = await asyncio.wait_for(waiter, 2)
    await client.aclose()
    assert result.id == job.id and manager.get(job.id) is None


async def test_malformed_link_fails_instead_of_looping(venue: FakeVenue, client, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path)
    job = await manager.submit("orders", T0, T0 + DAY)
    store = manager.store
    state = store.load()
    store.save(tuple(j.with_changes(state="completed", url="http://[bad") for j in state.jobs), state.quota)
    again = _manager(client, tmp_path)
    async with running(again):
        failed = await wait_for_job(again, job.id, in_state("failed"))
    assert failed.failed_stage == "download" and failed.error.startswith("Download")
    assert len(venue.requests) <= 2 + again.download_attempts  # a bounded number of tries, no busy loop
