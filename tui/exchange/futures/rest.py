"""USD-M futures history exports: download ids, download links, and fetching the file.

Binance prepares order, trade and transaction (income) history as a file in the background. One
SIGNED request (`GET /fapi/v1/{order,trade,income}/asyn`, weight 1000) asks for it and returns a
`downloadId`; a second one (`.../asyn/id`, weight 10) reports `processing` until the file is ready,
then a pre-signed `url` that stays valid for 24 hours. Download-id requests are rationed per month,
so this client sends each one exactly once and never retries it; polling the link is cheap and may
be repeated by the caller.

Signing and error mapping are `tui.exchange.http.BinanceHttp`'s (the query string signed as sent,
`signature` last). The API key travels in `X-MBX-APIKEY` on signed requests only, never to the
file host. What the answers mean (`DownloadIdResult`, `DownloadLink`) and which ranges may be asked
for live in `tui.domain.futures.exports`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from tui.domain.futures.exports import DownloadIdResult, DownloadLink, validate_kind, validate_range
from tui.exchange.clock import Clock
from tui.exchange.errors import ExchangeError
from tui.exchange.http import BinanceHttp, Security
from tui.exchange.signing import Signer

DOWNLOAD_ID_PATHS = {
    "orders": "/fapi/v1/order/asyn",
    "trades": "/fapi/v1/trade/asyn",
    "transactions": "/fapi/v1/income/asyn",
}
DOWNLOAD_ID_WEIGHT = 1000
"""Request weight of one download-id request (any kind)."""
DOWNLOAD_LINK_WEIGHT = 10
"""Request weight of one download-link poll (any kind)."""
FUTURES_WEIGHT_LIMIT_1M = 2400
"""Binance's usual USD-M REQUEST_WEIGHT limit per minute per IP; one download-id request is 1000 of it."""

# Client-side codes for failures that happen on the file host, which speaks HTTP, not Binance codes.
LINK_EXPIRED_CODE = -10001
DOWNLOAD_FAILED_CODE = -10002


class LinkExpired(ExchangeError):
    """The file host refused the link (403/410): it expired; a new download id is needed."""

    def __init__(self, status: int) -> None:
        super().__init__(
            LINK_EXPIRED_CODE,
            f"The download link has expired (HTTP {status}); request a new download id to get the file.",
            status,
        )


class DownloadInterrupted(ExchangeError):
    """The transfer stopped before the whole file arrived; the `.part` file is kept for resuming."""

    def __init__(self, detail: str, bytes_done: int, bytes_total: int | None, status: int = 0) -> None:
        super().__init__(DOWNLOAD_FAILED_CODE, detail, status)
        self.bytes_done = bytes_done
        self.bytes_total = bytes_total


def part_path(dest: Path) -> Path:
    """Where a partial download of `dest` is kept: the same name plus `.part`."""
    return dest.with_name(dest.name + ".part")


def _absolute_url(url: str, base_url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("/"):
        return base_url + url
    return "https://" + url  # Binance's own examples leave the scheme out


ProgressCallback = Callable[[int, int | None], None]


class FuturesExportClient(BinanceHttp):
    """Download ids, links and files for USD-M futures history. Close it with `aclose()`."""

    def __init__(
        self,
        base_url: str,
        signer: Signer,
        *,
        clock: Clock | None = None,
        recv_window: int | None = 5000,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url, signer=signer, clock=clock, recv_window=recv_window, timeout=timeout, transport=transport
        )
        self.signer: Signer = signer

    async def _signed_get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        body = await self.request("GET", path, params, security=Security.SIGNED)
        if not isinstance(body, dict):
            raise ExchangeError(-1006, f"GET {path}: unexpected response (not a JSON object)", 200)
        return body

    async def request_download_id(self, kind: str, start_ms: int, end_ms: int) -> DownloadIdResult:
        """Ask for an export of `kind` over [start_ms, end_ms]. Weight 1000, rationed per month.

        Sent exactly once: on a timeout or dropped connection the outcome is unknown and the error
        says so; retrying is the user's decision.
        """
        validate_kind(kind)
        validate_range(start_ms, end_ms)
        body = await self._signed_get(DOWNLOAD_ID_PATHS[kind], {"startTime": int(start_ms), "endTime": int(end_ms)})
        try:
            download_id = str(body["downloadId"])
            avg = int(body.get("avgCostTimestampOfLast30d") or 0)
        except (KeyError, TypeError, ValueError):
            raise ExchangeError(-1006, "download id response has no downloadId", 200) from None
        if not download_id:
            raise ExchangeError(-1006, "download id response has an empty downloadId", 200)
        return DownloadIdResult(download_id=download_id, avg_cost_ms=avg)

    async def download_link(self, kind: str, download_id: str) -> DownloadLink:
        """Poll the status of `download_id`. Weight 10; safe to repeat."""
        validate_kind(kind)
        if not download_id:
            raise ValueError("download id is empty")
        body = await self._signed_get(DOWNLOAD_ID_PATHS[kind] + "/id", {"downloadId": download_id})
        status = str(body.get("status") or "")
        if status not in ("processing", "completed"):
            raise ExchangeError(-1006, f"download link response has an unknown status {status!r}", 200)
        try:
            expiration = int(body.get("expirationTimestamp", -1) if body.get("expirationTimestamp") is not None else -1)
        except (TypeError, ValueError):
            expiration = -1
        is_expired = body.get("isExpired")
        return DownloadLink(
            download_id=str(body.get("downloadId") or download_id),
            status=status,
            url=str(body.get("url") or ""),
            expiration_ms=expiration,
            notified=bool(body.get("notified")),
            is_expired=None if is_expired is None else bool(is_expired),
        )

    # -- the file ------------------------------------------------------------------------------

    async def download_file(self, url: str, dest: Path, *, on_progress: ProgressCallback | None = None) -> Path:
        """Stream `url` into `dest`, resuming a previous `.part` file when the server allows it.

        Bytes go to `part_path(dest)`; a `.part` left by an interrupted transfer is continued with
        `Range: bytes=N-` (restarted from zero if the server answers 200). The size is checked
        against Content-Length / Content-Range, then the file is renamed into place atomically.
        `on_progress(done, total)` is called after every chunk (total None when unknown).
        Raises LinkExpired on 403/410, DownloadInterrupted when the transfer stops early (the
        `.part` is kept), ExchangeError for other HTTP errors.
        """
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = part_path(dest)
        target = _absolute_url(url, self.base_url)
        for _attempt in range(2):  # the second pass only after a 416 on a stale .part
            offset = part.stat().st_size if part.exists() else 0
            # identity: byte offsets (Range, Content-Length) must refer to the file itself
            headers = {"Accept-Encoding": "identity"}
            if offset:
                headers["Range"] = f"bytes={offset}-"
            done = offset
            total: int | None = None
            try:
                async with self.stream("GET", target, headers) as resp:
                    if resp.status_code in (403, 410):
                        raise LinkExpired(resp.status_code)
                    if resp.status_code == 416 and offset:
                        complete = _range_total(resp.headers.get("Content-Range"))
                        if complete is not None and complete == offset:
                            break  # the .part already holds the whole file
                        part.unlink(missing_ok=True)
                        continue
                    if resp.status_code >= 400:
                        raise ExchangeError(
                            DOWNLOAD_FAILED_CODE,
                            f"the file host answered HTTP {resp.status_code} {resp.reason_phrase}".strip(),
                            resp.status_code,
                        )
                    if resp.status_code == 206 and offset:
                        start = _range_start(resp.headers.get("Content-Range"))
                        if start != offset:
                            raise DownloadInterrupted(
                                "the file host answered a different range than asked; retrying from the start",
                                0,
                                None,
                                206,
                            )
                        total = _range_total(resp.headers.get("Content-Range"))
                        mode = "ab"
                    else:  # 200: the server ignored Range (or there was none): start over
                        done = 0
                        length = resp.headers.get("Content-Length")
                        total = int(length) if length and length.isdigit() else None
                        mode = "wb"
                    if on_progress is not None:
                        on_progress(done, total)
                    with part.open(mode) as fh:
                        async for chunk in resp.aiter_raw():  # raw: offsets must match the bytes sent
                            fh.write(chunk)
                            done += len(chunk)
                            if on_progress is not None:
                                on_progress(done, total)
                        fh.flush()
                        os.fsync(fh.fileno())
            except DownloadInterrupted as exc:
                if exc.bytes_done == 0:
                    part.unlink(missing_ok=True)
                raise
            except httpx.TimeoutException:
                raise DownloadInterrupted(
                    f"the download stalled (no data within {self._timeout:g} s) at {done} bytes", done, total
                ) from None
            except httpx.TransportError as exc:
                raise DownloadInterrupted(
                    f"the connection dropped during the download at {done} bytes ({type(exc).__name__})", done, total
                ) from None
            if total is not None and done != total:
                raise DownloadInterrupted(f"the download ended early: {done} of {total} bytes", done, total)
            break
        else:
            raise DownloadInterrupted("the file host refused to resume the download", 0, None, 416)
        os.replace(part, dest)
        return dest


def is_quota_exhausted(exc: ExchangeError) -> bool:
    """The monthly download-id quota is used up: -1003 without a 429 (waiting a minute will not help)."""
    return exc.code == -1003 and exc.status not in (418, 429)


def _range_start(content_range: str | None) -> int | None:
    # "bytes 100-199/200"
    if not content_range or not content_range.startswith("bytes "):
        return None
    spec = content_range[6:].split("/", 1)[0]
    first = spec.split("-", 1)[0]
    return int(first) if first.isdigit() else None


def _range_total(content_range: str | None) -> int | None:
    # "bytes 100-199/200" or "bytes */200"
    if not content_range or "/" not in content_range:
        return None
    total = content_range.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None
