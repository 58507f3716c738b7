"""The futures venue's history-export API over real sockets: download ids, links, files, limits."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sim.futures.conftest import DAY_MS, JOB_DELAY_MS, START_MS, Clock, Fapi
from tui.sim.futures.history import FuturesHistory
from tui.sim.futures.records import INCOME_HEADER, ORDER_HEADER, TRADE_HEADER
from tui.sim.server import SimServer

HEADERS = {"order": ORDER_HEADER, "trade": TRADE_HEADER, "income": INCOME_HEADER}
MINUTE_MS = 60_000


def rows_of(sim: SimServer, kind: str, start: int, end: int) -> list[list[str]]:
    history = sim.futures.history
    records: list[Any] = {"order": history.orders, "trade": history.trades, "income": history.incomes}[kind](start, end)
    return [r.csv_row() for r in records]


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


async def completed_link(fapi: Fapi, clock: Clock, kind: str = "order", days: int = 10) -> dict[str, Any]:
    r = await fapi.create(kind, START_MS - days * DAY_MS, START_MS - DAY_MS)
    assert r.status_code == 200, r.text
    clock.advance(JOB_DELAY_MS)
    link = await fapi.link(kind, r.json()["downloadId"])
    assert link.json()["status"] == "completed"
    return link.json()


def error(r: httpx.Response) -> tuple[int, int, str]:
    body = r.json()
    assert set(body) == {"code", "msg"}
    return r.status_code, body["code"], body["msg"]


# -- the happy path ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["order", "trade", "income"])
async def test_processing_then_completed_file_matches_history(
    fsim: SimServer, fapi: Fapi, clock: Clock, kind: str
) -> None:
    start, end = START_MS - 40 * DAY_MS, START_MS - 3 * DAY_MS
    r = await fapi.create(kind, start, end)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["avgCostTimestampOfLast30d", "downloadId"]
    assert isinstance(body["avgCostTimestampOfLast30d"], int) and body["avgCostTimestampOfLast30d"] >= 0
    download_id = body["downloadId"]
    assert isinstance(download_id, str) and download_id.isdigit()

    r = await fapi.link(kind, download_id)
    assert r.status_code == 200
    assert r.json() == {
        "downloadId": download_id,
        "status": "processing",
        "url": "",
        "notified": False,
        "expirationTimestamp": -1,
        "isExpired": None,
    }

    clock.advance(JOB_DELAY_MS)
    link = (await fapi.link(kind, download_id)).json()
    assert list(link) == ["downloadId", "status", "url", "notified", "expirationTimestamp", "isExpired"]
    assert link["downloadId"] == download_id and link["status"] == "completed" and link["notified"] is True
    assert link["isExpired"] is None
    assert link["expirationTimestamp"] == START_MS + JOB_DELAY_MS + 24 * 3_600_000
    assert link["url"].startswith(fsim.futures_rest_url + "/")

    f = await fapi.http.get(link["url"])
    assert f.status_code == 200
    assert int(f.headers["Content-Length"]) == len(f.content)
    assert f.headers["Accept-Ranges"] == "bytes"
    rows = parse_csv(f.content)
    assert rows[0] == list(HEADERS[kind])
    expected = rows_of(fsim, kind, start, end)
    assert len(expected) > 20
    assert rows[1:] == expected


async def test_history_is_deterministic_and_within_range() -> None:
    opened = START_MS - START_MS % DAY_MS - 365 * DAY_MS
    a, b, other = FuturesHistory(7, opened), FuturesHistory(7, opened), FuturesHistory(8, opened)
    start, end = START_MS - 20 * DAY_MS + 12_345, START_MS - 5 * DAY_MS
    assert a.csv_bytes("trade", start, end) == b.csv_bytes("trade", start, end)
    assert a.csv_bytes("trade", start, end) != other.csv_bytes("trade", start, end)
    incomes = a.incomes(opened - 30 * DAY_MS, START_MS)
    assert all(opened <= r.time_ms <= START_MS for r in incomes)
    assert {r.income_type for r in incomes} == {"REALIZED_PNL", "COMMISSION", "FUNDING_FEE", "TRANSFER"}
    assert all(start <= r.time_ms <= end for r in a.orders(start, end))
    assert {r.symbol for r in a.orders(start, end)} == {"BTCUSDT", "ETHUSDT"}


async def test_file_stops_at_request_time(fsim: SimServer, fapi: Fapi, clock: Clock) -> None:
    r = await fapi.create("income", START_MS - 2 * DAY_MS, START_MS + 30 * DAY_MS)
    clock.advance(JOB_DELAY_MS)
    link = (await fapi.link("income", r.json()["downloadId"])).json()
    rows = parse_csv((await fapi.http.get(link["url"])).content)[1:]
    assert rows == rows_of(fsim, "income", START_MS - 2 * DAY_MS, START_MS)


async def test_public_ping_and_time(fapi: Fapi, clock: Clock) -> None:
    ping = await fapi.http.get(f"{fapi.base}/fapi/v1/ping")
    assert ping.status_code == 200 and ping.json() == {}
    t = await fapi.http.get(f"{fapi.base}/fapi/v1/time")
    assert t.json() == {"serverTime": clock()}
    assert t.headers["X-MBX-USED-WEIGHT-1M"] == "2"


# -- links and files -----------------------------------------------------------------------------


async def test_link_expires_after_24_hours(fapi: Fapi, clock: Clock) -> None:
    link = await completed_link(fapi, clock)
    clock.now = link["expirationTimestamp"]
    assert (await fapi.link("order", link["downloadId"])).json()["isExpired"] is None
    assert (await fapi.http.get(link["url"])).status_code == 200
    clock.advance(1)
    again = (await fapi.link("order", link["downloadId"])).json()
    assert again["isExpired"] is True and again["status"] == "completed" and again["url"] == link["url"]
    f = await fapi.http.get(link["url"])
    assert f.status_code == 403
    assert "AccessDenied" in f.text and "Request has expired" in f.text


async def test_expire_links_hook(fsim: SimServer, fapi: Fapi, clock: Clock) -> None:
    link = await completed_link(fapi, clock)
    fsim.futures.expire_links(link["downloadId"])
    assert (await fapi.link("order", link["downloadId"])).json()["isExpired"] is True
    assert (await fapi.http.get(link["url"])).status_code == 403


async def test_unknown_file_is_404(fapi: Fapi, clock: Clock) -> None:
    link = await completed_link(fapi, clock)
    r = await fapi.http.get(link["url"].rsplit("/", 2)[0] + "/deadbeef/x.csv")
    assert r.status_code == 404 and "NoSuchKey" in r.text


async def test_range_requests_resume_a_download(fapi: Fapi, clock: Clock) -> None:
    link = await completed_link(fapi, clock, days=30)
    full = (await fapi.http.get(link["url"])).content
    size = len(full)
    head = await fapi.http.get(link["url"], headers={"Range": "bytes=0-99"})
    assert head.status_code == 206
    assert head.headers["Content-Range"] == f"bytes 0-99/{size}" and head.headers["Content-Length"] == "100"
    tail = await fapi.http.get(link["url"], headers={"Range": "bytes=100-"})
    assert tail.status_code == 206 and tail.headers["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert head.content + tail.content == full
    suffix = await fapi.http.get(link["url"], headers={"Range": "bytes=-10"})
    assert suffix.content == full[-10:]
    beyond = await fapi.http.get(link["url"], headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"


async def test_drop_next_download_cuts_the_body_once(fsim: SimServer, fapi: Fapi, clock: Clock) -> None:
    link = await completed_link(fapi, clock, days=30)
    full = (await fapi.http.get(link["url"])).content
    fsim.futures.drop_next_download_after(1000)
    received = bytearray()
    with pytest.raises(httpx.RemoteProtocolError):
        async with fapi.http.stream("GET", link["url"]) as r:
            assert int(r.headers["Content-Length"]) == len(full)
            async for chunk in r.aiter_raw():
                received += chunk
    assert bytes(received) == full[:1000]
    rest = await fapi.http.get(link["url"], headers={"Range": f"bytes={len(received)}-"})
    assert rest.status_code == 206 and bytes(received) + rest.content == full
    assert (await fapi.http.get(link["url"])).content == full  # the hook fires once


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code", "fragment"),
    [
        ({"endTime": START_MS}, -1102, "'startTime'"),
        ({"startTime": START_MS - DAY_MS}, -1102, "'endTime'"),
        ({"startTime": "", "endTime": START_MS}, -1102, "'startTime'"),
        ({"startTime": "yesterday", "endTime": START_MS}, -1102, "'startTime'"),
        ({"startTime": START_MS - DAY_MS, "endTime": -5}, -1102, "'endTime'"),
        ({"startTime": START_MS, "endTime": START_MS - 1}, -1023, "Start time is greater than end time."),
        ({"startTime": START_MS - 365 * DAY_MS - 1, "endTime": START_MS}, -1127, "More than 1 year"),
    ],
)
async def test_invalid_time_ranges(
    fsim: SimServer, fapi: Fapi, params: dict[str, Any], code: int, fragment: str
) -> None:
    r = await fapi.get("/fapi/v1/trade/asyn", params)
    status, got, msg = error(r)
    assert (status, got) == (400, code) and fragment in msg
    assert fsim.futures.jobs.all() == []


async def test_exactly_one_year_is_allowed(fapi: Fapi) -> None:
    r = await fapi.create("income", START_MS - 365 * DAY_MS, START_MS)
    assert r.status_code == 200


@pytest.mark.parametrize("fsim_options", [{"futures_monthly_quota": 2, "futures_weight_limit": 100_000}], indirect=True)
async def test_monthly_quota_per_kind(fsim: SimServer, fapi: Fapi, clock: Clock) -> None:
    for _ in range(2):
        assert (await fapi.create("order", START_MS - DAY_MS, START_MS)).status_code == 200
    assert (await fapi.create("order", START_MS, START_MS - 1)).json()["code"] == -1023  # invalid: no quota used
    status, code, msg = error(await fapi.create("order", START_MS - DAY_MS, START_MS))
    assert (status, code) == (400, -1003)
    assert "2 order history download id requests per month" in msg and "2024-07-01 00:00:00 UTC" in msg
    assert (await fapi.create("trade", START_MS - DAY_MS, START_MS)).status_code == 200  # kinds count apart
    clock.now = 1_719_792_000_000  # 2024-07-01 00:00:00 UTC: a new month
    assert (await fapi.create("order", START_MS - DAY_MS, START_MS)).status_code == 200


async def test_unknown_and_missing_download_id(fapi: Fapi, clock: Clock) -> None:
    status, code, msg = error(await fapi.link("order", "123456789"))
    assert (status, code) == (400, -1130) and "downloadId" in msg
    status, code, msg = error(await fapi.get("/fapi/v1/order/asyn/id", {}))
    assert (code, msg) == (-1102, "Mandatory parameter 'downloadId' was not sent, was empty/null, or malformed.")
    r = await fapi.create("order", START_MS - DAY_MS, START_MS)
    assert error(await fapi.link("trade", r.json()["downloadId"]))[1] == -1130  # an order id is not a trade id


async def test_bad_signature_and_keys(fapi: Fapi, clock: Clock) -> None:
    query = fapi.signed_query({"startTime": START_MS - DAY_MS, "endTime": START_MS})
    tampered = query.replace(f"startTime={START_MS - DAY_MS}", f"startTime={START_MS - 2 * DAY_MS}")
    assert error(await fapi.get("/fapi/v1/order/asyn", query=tampered)) == (
        400,
        -1022,
        "Signature for this request is not valid.",
    )
    # the rest on the weight-10 link route, to stay under 2400 per minute
    path = "/fapi/v1/order/asyn/id"
    query = fapi.signed_query({"downloadId": "1"})
    unsigned = f"downloadId=1&timestamp={clock()}"
    assert error(await fapi.get(path, query=unsigned))[1] == -1102
    assert error(await fapi.get(path, query=query, api_key="Nope0123"))[:2] == (401, -2015)
    assert error(await fapi.http.get(f"{fapi.base}{path}?{query}"))[:2] == (401, -2014)
    old = fapi.signed_query({"downloadId": "1"}, timestamp=clock() - 10_000)
    assert error(await fapi.get(path, query=old))[1] == -1021
    assert error(await fapi.get(path, query=query))[1] == -1130  # the same request, signed right


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
async def test_asymmetric_keys_are_accepted(fapi: Fapi, key_type: str) -> None:
    r = await fapi.get("/fapi/v1/income/asyn", {"startTime": START_MS - DAY_MS, "endTime": START_MS}, key_type)
    assert r.status_code == 200, r.text


async def test_weight_accounting(fapi: Fapi, clock: Clock) -> None:
    clock.now = START_MS - START_MS % MINUTE_MS + 1_000  # early in a minute bucket
    r = await fapi.create("order", START_MS - DAY_MS, START_MS)
    assert r.headers["X-MBX-USED-WEIGHT-1M"] == "1000"
    r = await fapi.link("order", r.json()["downloadId"])
    assert r.headers["X-MBX-USED-WEIGHT-1M"] == "1010"
    r = await fapi.create("trade", START_MS - DAY_MS, START_MS)
    assert r.headers["X-MBX-USED-WEIGHT-1M"] == "2010"
    r = await fapi.create("income", START_MS - DAY_MS, START_MS)
    assert r.status_code == 429
    assert r.json()["code"] == -1003 and "2400 requests per minute" in r.json()["msg"]
    assert int(r.headers["Retry-After"]) == 59
    assert r.headers["X-MBX-USED-WEIGHT-1M"] == "3010"
    clock.advance(MINUTE_MS)
    r = await fapi.create("income", START_MS - DAY_MS, START_MS)
    assert r.status_code == 200 and r.headers["X-MBX-USED-WEIGHT-1M"] == "1000"


# -- standalone ----------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_cli_json_includes_futures_rest(tmp_path: Path) -> None:
    env = {**os.environ, "BINANCE_TUI_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sim", "--json", "--port", "0", "--keys-dir", str(tmp_path / "keys")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        url = info["futures_rest"]
        assert url.startswith("http://127.0.0.1:") and url != info["rest"]
        r = httpx.get(f"{url}/fapi/v1/time", timeout=5)
        assert r.status_code == 200 and isinstance(r.json()["serverTime"], int)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
