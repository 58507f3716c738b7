"""A tiny in-test stand-in for the futures export endpoints, served through httpx.MockTransport.

Only for unit-level tests of the client and the job manager; the integration tests use the real
simulator. It records every request so tests can count download-id requests.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

PATHS = {"/fapi/v1/order/asyn": "orders", "/fapi/v1/trade/asyn": "trades", "/fapi/v1/income/asyn": "transactions"}
FILE_HOST = "https://files.example.test"


class _DroppingStream(httpx.AsyncByteStream):
    def __init__(self, data: bytes, drop_after: int) -> None:
        self.data = data
        self.drop_after = drop_after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data[: self.drop_after]
        raise httpx.ReadError("connection reset by peer")


@dataclass
class FakeVenue:
    """Download ids become ready after `polls_until_ready` polls; files are served with Range support."""

    polls_until_ready: int = 1
    file_body: bytes = b"symbol,side,qty,price\nBTCUSDT,BUY,1,100\nETHUSDT,SELL,2,50\n"
    expiration_ms: int = 4_102_444_800_000  # 2100-01-01
    id_error: tuple[int, dict] | None = None  # (status, body) answer to download-id requests
    link_errors: list[tuple[int, dict]] = field(default_factory=list)  # answered first, one per poll
    file_status: int | None = None  # e.g. 403 to expire the link
    drop_next_after: int | None = None  # drop the next file transfer after n bytes
    honour_range: bool = True
    requests: list[httpx.Request] = field(default_factory=list)
    polls: dict[str, int] = field(default_factory=dict)
    next_id: int = 1000

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def id_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path in PATHS]

    def file_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "files.example.test"]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        headers = {"X-MBX-USED-WEIGHT-1M": str(10 * len(self.requests))}
        if path in PATHS:
            if self.id_error is not None:
                status, body = self.id_error
                return httpx.Response(status, json=body, headers=headers)
            self.next_id += 1
            return httpx.Response(
                200, json={"avgCostTimestampOfLast30d": 7055, "downloadId": str(self.next_id)}, headers=headers
            )
        if path.endswith("/id") and path[:-3] in PATHS:
            if self.link_errors:
                status, body = self.link_errors.pop(0)
                return httpx.Response(status, json=body, headers=headers)
            download_id = request.url.params["downloadId"]
            n = self.polls[download_id] = self.polls.get(download_id, 0) + 1
            if n < self.polls_until_ready:
                body = {
                    "downloadId": download_id,
                    "status": "processing",
                    "url": "",
                    "notified": False,
                    "expirationTimestamp": -1,
                    "isExpired": None,
                }
            else:
                body = {
                    "downloadId": download_id,
                    "status": "completed",
                    "url": f"{FILE_HOST}/exports/{download_id}.csv?sig=abc",
                    "notified": True,
                    "expirationTimestamp": self.expiration_ms,
                    "isExpired": None,
                }
            return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)
        if request.url.host == "files.example.test":
            return self._file(request)
        return httpx.Response(404, json={"code": -1000, "msg": "no such path"})

    def _file(self, request: httpx.Request) -> httpx.Response:
        if self.file_status is not None:
            return httpx.Response(self.file_status, text="<Error>AccessDenied</Error>")
        data = self.file_body
        start = 0
        status = 200
        headers = {}
        rng = request.headers.get("Range")
        if rng and self.honour_range:
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            if start >= len(data):
                return httpx.Response(416, headers={"Content-Range": f"bytes */{len(data)}"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        headers["Content-Length"] = str(len(body))
        if self.drop_next_after is not None:
            drop, self.drop_next_after = self.drop_next_after, None
            return httpx.Response(status, headers=headers, stream=_DroppingStream(body, drop))
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))  # not pre-read, like a socket
