"""The export client and job manager against the real simulator's futures venue, over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.exchange.futures.helpers import in_state, running, wait_for_job
from tui.exchange.errors import ExchangeError
from tui.exchange.futures.jobs import JobManager
from tui.exchange.futures.rest import FuturesExportClient, part_path
from tui.exchange.futures.store import JobStore
from tui.exchange.key_files import load_demo_signer

DAY = 86_400_000


async def _start(keys_dir: Path, **kw: Any) -> Any:
    server_mod = pytest.importorskip("tui.sim.server")
    if not hasattr(server_mod.SimServer, "futures_rest_url"):
        pytest.skip("the simulator has no futures venue yet")
    server = server_mod.SimServer(
        host="127.0.0.1", port=0, seed=1, keys_dir=keys_dir, run_market=False, backfill_hours=0, **kw
    )
    await server.start()
    return server


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # one set of demo keys for the module: generating RSA keys per test is most of a sim's start-up
    return tmp_path_factory.mktemp("sim") / "demo-keys"


@pytest.fixture
async def sim(keys_dir: Path) -> AsyncIterator[Any]:
    server = await _start(keys_dir, futures_job_delay_ms=150, futures_monthly_quota=2)
    try:
        yield server
    finally:
        await server.stop()


class CountingClient(FuturesExportClient):
    """The real client, counting the download-id requests that leave it."""

    id_requests = 0

    async def request_download_id(self, kind: str, start_ms: int, end_ms: int):  # type: ignore[no-untyped-def]
        self.id_requests += 1
        return await super().request_download_id(kind, start_ms, end_ms)


@pytest.fixture
async def client(sim: Any, keys_dir: Path) -> AsyncIterator[CountingClient]:
    c = CountingClient(sim.futures_rest_url, load_demo_signer(keys_dir, "hmac"))
    yield c
    await c.aclose()


def _manager(client: FuturesExportClient, tmp_path: Path, **kw: Any) -> JobManager:
    kw.setdefault("poll_interval", 0.05)
    kw.setdefault("monthly_quota", 2)
    return JobManager(client, JobStore(tmp_path / "jobs.json"), tmp_path / "downloads", **kw)


def _range(sim: Any, days: int = 30) -> tuple[int, int]:
    end = sim.clock_ms()
    return end - days * DAY, end


def _sim_file(sim: Any, download_id: str) -> bytes:
    job = sim.futures.jobs.get(download_id)
    assert job is not None and job.path is not None
    return job.path.read_bytes()


@pytest.mark.parametrize(
    ("kind", "key_type"),
    [("orders", "hmac"), ("trades", "hmac"), ("transactions", "hmac"), ("orders", "rsa"), ("trades", "ed25519")],
)
async def test_processing_completed_downloaded(
    sim: Any, keys_dir: Path, tmp_path: Path, kind: str, key_type: str
) -> None:
    async with FuturesExportClient(sim.futures_rest_url, load_demo_signer(keys_dir, key_type)) as client:
        manager = _manager(client, tmp_path)
        states: list[str] = []
        manager.subscribe(lambda c: states.append(c.job.state))
        async with running(manager):
            job = await manager.submit(kind, *_range(sim))
            assert job.state == "processing", job.error
            done = await wait_for_job(manager, job.id, in_state("downloaded"))
        assert client.used_weight_1m is not None and client.used_weight_1m >= 1000
    data = Path(done.file_path).read_bytes()
    assert data == _sim_file(sim, done.download_id)
    assert data.count(b"\n") > 1  # a header and some rows
    assert Path(done.file_path).name.startswith(f"futures-{kind}-") and done.download_id in done.file_path
    assert done.expiration_ms > sim.clock_ms()
    assert states.index("processing") < states.index("completed") < states.index("downloaded")


async def test_expired_link(sim: Any, client: CountingClient, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path, auto_download=False)
    async with running(manager):
        job = await manager.submit("orders", *_range(sim))
        job = await wait_for_job(manager, job.id, in_state("completed"))
        sim.futures.expire_links(job.download_id)
        expired = await manager.download(job.id)
    assert expired.state == "expired" and "expired" in expired.error.lower()
    assert manager.get(job.id).state == "expired" and client.id_requests == 1


async def test_expired_while_processing_is_reported_by_the_poll(
    sim: Any, client: CountingClient, tmp_path: Path
) -> None:
    manager = _manager(client, tmp_path)
    job = await manager.submit("trades", *_range(sim))
    await asyncio.sleep(0.2)  # ready on the venue, but nobody polled yet
    sim.futures.expire_links(job.download_id)
    async with running(manager):
        expired = await wait_for_job(manager, job.id, in_state("expired"))
    assert expired.download_id == job.download_id


async def test_quota_exceeded_is_plain_and_never_retried(keys_dir: Path, tmp_path: Path) -> None:
    sim = await _start(keys_dir, futures_job_delay_ms=150, futures_monthly_quota=1)
    client = CountingClient(sim.futures_rest_url, load_demo_signer(keys_dir, "hmac"))
    try:
        manager = _manager(client, tmp_path, auto_download=False, monthly_quota=1)
        async with running(manager):
            ok = await manager.submit("transactions", *_range(sim))
            assert ok.state == "processing"
            assert manager.quota_left("transactions") == 0
            refused = await manager.submit("transactions", *_range(sim))
            await asyncio.sleep(0.4)  # let the loop run; it must not ask again
        assert refused.state == "failed" and refused.failed_stage == "request"
        assert "Monthly download quota used up" in refused.error and "per month" in refused.error
        assert manager.get(refused.id).state == "failed"
        assert client.id_requests == 2
        assert len(sim.futures.jobs.all()) == 1
        # still in the list after a restart, with its message
        again = _manager(client, tmp_path, monthly_quota=1)
        assert again.get(refused.id).error == refused.error
        assert again.quota_left("transactions") == 0 and again.quota_left("orders") == 1
    finally:
        await client.aclose()
        await sim.stop()


async def test_weight_limit_429_is_plain_and_never_retried(sim: Any, client: CountingClient, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path, auto_download=False)
    async with running(manager):
        first = await manager.submit("orders", *_range(sim))
        second = await manager.submit("trades", *_range(sim))
        assert manager.cost("orders").fits_weight is False  # 2000 of 2400 used: one more would not fit
        third = await manager.submit("transactions", *_range(sim))
        await asyncio.sleep(0.3)
    assert (first.state, second.state) == ("processing", "processing")
    assert third.state == "failed" and "Rate limited" in third.error and "2400" in third.error
    assert client.id_requests == 3
    assert manager.quota_used("transactions") == 0  # refused, so no quota was spent


async def test_invalid_range(sim: Any, client: CountingClient, tmp_path: Path) -> None:
    manager = _manager(client, tmp_path)
    start, end = _range(sim)
    with pytest.raises(ValueError, match="after its start"):
        await manager.submit("orders", end, start)
    with pytest.raises(ValueError, match="one year"):
        await manager.submit("orders", end - 366 * DAY, end)
    assert manager.jobs == () and sim.futures.jobs.all() == []
    # the local rule matches the venue's: exactly 365 days is accepted
    ok = await manager.submit("orders", end - 365 * DAY, end)
    assert ok.state == "processing"


async def test_venue_rejects_what_the_client_would_not_send(sim: Any, client: CountingClient) -> None:
    with pytest.raises(ExchangeError) as info:
        await client._signed_get("/fapi/v1/order/asyn", {"startTime": 2000, "endTime": 1000})
    assert info.value.code == -1023
    with pytest.raises(ExchangeError) as info:
        await client.download_link("orders", "12345")
    assert info.value.code == -1130


async def test_restart_resumes_polling_a_stored_job(sim: Any, client: CountingClient, tmp_path: Path) -> None:
    first = _manager(client, tmp_path)
    job = await first.submit("orders", *_range(sim))
    await first.aclose()  # the app quits while the venue is still processing
    second = _manager(client, tmp_path)
    async with running(second):
        done = await wait_for_job(second, job.id, in_state("downloaded"))
    assert Path(done.file_path).read_bytes() == _sim_file(sim, job.download_id)
    assert client.id_requests == 1


async def test_dropped_download_resumes(sim: Any, client: CountingClient, tmp_path: Path) -> None:
    sim.futures.drop_next_download_after(100)
    manager = _manager(client, tmp_path)
    seen: list[str] = []
    manager.subscribe(lambda c: c.job.error and seen.append(c.job.error))
    async with running(manager):
        job = await manager.submit("trades", *_range(sim, 200))
        done = await wait_for_job(manager, job.id, in_state("downloaded"))
    assert Path(done.file_path).read_bytes() == _sim_file(sim, job.download_id)
    assert not part_path(Path(done.file_path)).exists()
    assert any("interrupted" in e for e in seen)


async def test_dropped_download_restarts_after_a_restart_of_the_app(
    sim: Any, client: CountingClient, tmp_path: Path
) -> None:
    sim.futures.drop_next_download_after(50)
    first = _manager(client, tmp_path, download_attempts=1)
    async with running(first):
        job = await first.submit("orders", *_range(sim, 200))
        failed = await wait_for_job(first, job.id, in_state("failed"))
    assert failed.failed_stage == "download" and failed.bytes_done == 50
    second = _manager(client, tmp_path)
    assert second.get(job.id).bytes_done == 50
    done = await second.download(job.id)
    await second.aclose()
    assert done.state == "downloaded"
    assert Path(done.file_path).read_bytes() == _sim_file(sim, job.download_id)


async def test_downloaded_file_opens_as_a_table(sim: Any, client: CountingClient, tmp_path: Path) -> None:
    csv_table = pytest.importorskip("tui.domain.futures.csv_table")
    manager = _manager(client, tmp_path)
    async with running(manager):
        job = await manager.submit("transactions", *_range(sim, 60))
        done = await wait_for_job(manager, job.id, in_state("downloaded"))
    table = csv_table.parse_csv(Path(done.file_path).read_text(encoding="utf-8"))
    assert table.headers[0] == "Date(UTC)" and len(table.rows) > 0
