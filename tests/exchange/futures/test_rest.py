"""FuturesExportClient against an in-test MockTransport: signing, parsing, errors, downloads."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from tests.exchange.futures.fake_venue import FILE_HOST, FakeVenue
from tui.domain.futures.exports import validate_range
from tui.exchange.errors import ExchangeError, RateLimited
from tui.exchange.futures.rest import (
    DOWNLOAD_ID_WEIGHT,
    DOWNLOAD_LINK_WEIGHT,
    DownloadInterrupted,
    FuturesExportClient,
    LinkExpired,
    part_path,
)
from tui.exchange.signing import Ed25519Signer, HmacSigner, RsaSigner, signed_query

# The SIGNED endpoint example of Binance's REST API docs (rest-api.md, "HMAC Keys").
DOC_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOC_PARAMS = {"symbol": "LTCBTC", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": 1, "price": "0.1"}
DAY = 86_400_000
T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z


class FixedClock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def now_ms(self) -> int:
        return self.ms


def test_hmac_query_matches_the_docs_example() -> None:
    query = signed_query(DOC_PARAMS, HmacSigner(DOC_API_KEY, DOC_SECRET), 1499827319559, 5000)
    assert query == (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
        "&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    )


def test_non_ascii_values_are_percent_encoded_before_signing() -> None:
    params = {**DOC_PARAMS, "symbol": "１２３４５６"}
    query = signed_query(params, HmacSigner(DOC_API_KEY, DOC_SECRET), 1499827319559, 5000)
    assert query.startswith("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY")
    assert query.endswith("&signature=e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3")


def test_rsa_and_ed25519_signatures_are_base64_and_url_encoded() -> None:
    rsa_key = generate_private_key(public_exponent=65537, key_size=2048)
    ed_key = Ed25519PrivateKey.generate()
    for signer, verify in (
        (
            RsaSigner("k", rsa_key),
            lambda sig, data: rsa_key.public_key().verify(sig, data, padding.PKCS1v15(), hashes.SHA256()),
        ),
        (Ed25519Signer("k", ed_key), lambda sig, data: ed_key.public_key().verify(sig, data)),
    ):
        query = signed_query({"downloadId": "545923594199212032"}, signer, 1, None)
        payload, encoded = query.split("&signature=")
        assert payload == "downloadId=545923594199212032&timestamp=1"
        assert "+" not in encoded and "/" not in encoded and "=" not in encoded
        verify(base64.b64decode(unquote(encoded)), payload.encode())


def test_range_validation() -> None:
    validate_range(T0, T0 + 365 * DAY)
    with pytest.raises(ValueError, match="after its start"):
        validate_range(T0, T0)
    with pytest.raises(ValueError, match="after its start"):
        validate_range(T0 + 1, T0)
    with pytest.raises(ValueError, match="one year"):
        validate_range(T0, T0 + 365 * DAY + 1)


def _client(venue: FakeVenue, **kw) -> FuturesExportClient:
    return FuturesExportClient(
        "https://fapi.example.test", HmacSigner(DOC_API_KEY, DOC_SECRET), transport=venue.transport(), **kw
    )


@pytest.mark.parametrize(
    ("kind", "path"),
    [("orders", "/fapi/v1/order/asyn"), ("trades", "/fapi/v1/trade/asyn"), ("transactions", "/fapi/v1/income/asyn")],
)
async def test_request_download_id_is_signed_and_parsed(kind: str, path: str) -> None:
    venue = FakeVenue()
    async with _client(venue, clock=FixedClock(1499827319559)) as client:
        result = await client.request_download_id(kind, T0, T0 + DAY)
        assert result.download_id == "1001" and result.avg_cost_ms == 7055
        assert client.used_weight_1m == 10
    (req,) = venue.requests
    assert req.url.path == path
    assert req.headers["X-MBX-APIKEY"] == DOC_API_KEY
    query = req.url.query.decode()
    payload, signature = query.split("&signature=")
    assert payload == f"startTime={T0}&endTime={T0 + DAY}&recvWindow=5000&timestamp=1499827319559"
    assert signature == HmacSigner(DOC_API_KEY, DOC_SECRET).sign(payload)
    assert DOWNLOAD_ID_WEIGHT == 1000 and DOWNLOAD_LINK_WEIGHT == 10


async def test_bad_range_is_refused_before_sending() -> None:
    venue = FakeVenue()
    async with _client(venue) as client:
        with pytest.raises(ValueError):
            await client.request_download_id("orders", T0, T0 - 1)
        with pytest.raises(ValueError, match="unknown export type"):
            await client.request_download_id("fills", T0, T0 + 1)
    assert venue.requests == []


async def test_download_link_processing_then_completed() -> None:
    venue = FakeVenue(polls_until_ready=2)
    async with _client(venue, recv_window=None) as client:
        first = await client.download_link("trades", "77")
        second = await client.download_link("trades", "77")
    assert (first.status, first.url, first.expiration_ms, first.is_expired) == ("processing", "", -1, None)
    assert second.completed and second.url.startswith(FILE_HOST) and second.expiration_ms == venue.expiration_ms
    assert venue.requests[0].url.path == "/fapi/v1/trade/asyn/id"
    assert "recvWindow" not in venue.requests[0].url.query.decode()


async def test_errors_map_to_exchange_errors() -> None:
    venue = FakeVenue(id_error=(400, {"code": -1130, "msg": "Data sent for parameter 'startTime' is not valid."}))
    async with _client(venue) as client:
        with pytest.raises(ExchangeError) as info:
            await client.request_download_id("orders", T0, T0 + DAY)
        assert (info.value.code, info.value.status) == (-1130, 400)
        venue.id_error = (429, {"code": -1003, "msg": "Too many requests"})
        with pytest.raises(RateLimited):
            await client.request_download_id("orders", T0, T0 + DAY)
    assert len(venue.id_requests()) == 2  # one each: nothing is retried


# -- downloads ---------------------------------------------------------------------------------


async def test_download_writes_the_file_atomically(tmp_path: Path) -> None:
    venue = FakeVenue()
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "out" / "x.csv"
    async with _client(venue) as client:
        await client.download_file(f"{FILE_HOST}/f.csv", dest, on_progress=lambda d, t: seen.append((d, t)))
    assert dest.read_bytes() == venue.file_body
    assert not part_path(dest).exists()
    assert seen[-1] == (len(venue.file_body), len(venue.file_body))
    assert "X-MBX-APIKEY" not in venue.requests[0].headers  # the key never goes to the file host


async def test_download_resumes_a_part_file_with_range(tmp_path: Path) -> None:
    venue = FakeVenue()
    dest = tmp_path / "x.csv"
    part_path(dest).write_bytes(venue.file_body[:10])
    async with _client(venue) as client:
        await client.download_file(f"{FILE_HOST}/f.csv", dest)
    assert venue.requests[0].headers["Range"] == "bytes=10-"
    assert dest.read_bytes() == venue.file_body


async def test_download_restarts_when_the_server_ignores_range(tmp_path: Path) -> None:
    venue = FakeVenue(honour_range=False)
    dest = tmp_path / "x.csv"
    part_path(dest).write_bytes(b"garbage-garbage")
    async with _client(venue) as client:
        await client.download_file(f"{FILE_HOST}/f.csv", dest)
    assert dest.read_bytes() == venue.file_body


async def test_complete_part_file_is_accepted_on_416(tmp_path: Path) -> None:
    venue = FakeVenue()
    dest = tmp_path / "x.csv"
    part_path(dest).write_bytes(venue.file_body)
    async with _client(venue) as client:
        await client.download_file(f"{FILE_HOST}/f.csv", dest)
    assert dest.read_bytes() == venue.file_body


async def test_dropped_download_keeps_the_part_and_resumes(tmp_path: Path) -> None:
    venue = FakeVenue(drop_next_after=12)
    dest = tmp_path / "x.csv"
    async with _client(venue) as client:
        with pytest.raises(DownloadInterrupted) as info:
            await client.download_file(f"{FILE_HOST}/f.csv", dest)
        assert info.value.bytes_done == 12 and info.value.bytes_total == len(venue.file_body)
        assert part_path(dest).read_bytes() == venue.file_body[:12] and not dest.exists()
        await client.download_file(f"{FILE_HOST}/f.csv", dest)
    assert venue.requests[-1].headers["Range"] == "bytes=12-"
    assert dest.read_bytes() == venue.file_body


async def test_short_body_is_not_accepted(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "100"}, stream=httpx.ByteStream(b"abc"))

    dest = tmp_path / "x.csv"
    client = FuturesExportClient(
        "https://fapi.example.test", HmacSigner("k", "s"), transport=httpx.MockTransport(handler)
    )
    async with client:
        with pytest.raises(DownloadInterrupted, match="3 of 100"):
            await client.download_file(f"{FILE_HOST}/f.csv", dest)
    assert not dest.exists()


@pytest.mark.parametrize("status", [403, 410])
async def test_expired_link(tmp_path: Path, status: int) -> None:
    venue = FakeVenue(file_status=status)
    async with _client(venue) as client:
        with pytest.raises(LinkExpired, match="expired"):
            await client.download_file(f"{FILE_HOST}/f.csv", tmp_path / "x.csv")
