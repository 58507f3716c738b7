"""`FuturesVenue`: the USD-M futures host (`fapi`) of the simulator, serving the history-export API.

Routes (all GET; USER_DATA ones signed like Binance's REST: `X-MBX-APIKEY` header, HMAC-SHA256 hex /
RSA / Ed25519 base64 `signature` over the query string then the body, `timestamp` + `recvWindow`):

| route                                   | weight | returns                                           |
|-----------------------------------------|--------|---------------------------------------------------|
| /fapi/v1/ping, /fapi/v1/time            | 1      | `{}`, `{"serverTime": ms}`                        |
| /fapi/v1/{order,trade,income}/asyn      | 1000   | `{"avgCostTimestampOfLast30d": int, "downloadId": str}` |
| /fapi/v1/{order,trade,income}/asyn/id   | 10     | `{"downloadId", "status", "url", "notified", "expirationTimestamp", "isExpired"}` |
| /sim-export/{token}/{file}.csv          | -      | the CSV (Range requests, Content-Length)          |

Link semantics: while processing, `status` "processing", `url` "", `notified` false,
`expirationTimestamp` -1, `isExpired` null; once done, "completed", the file URL, true, completion time
+ 24 h, and `isExpired` null (as Binance's example shows) until the link expires, then true; the file
URL then answers 403 with an S3-style `AccessDenied` / "Request has expired" XML body.

Errors (`{"code", "msg"}`, HTTP 400 unless noted). Codes are Binance's futures codes; where Binance
documents no specific one, the closest:
- weight: REQUEST_WEIGHT 2400 per minute per IP, `X-MBX-USED-WEIGHT-1M` on every reply; past it
  HTTP 429 + `Retry-After`, -1003 "Too many requests; current limit is 2400 requests per minute. ...".
- monthly download-id quota (per account and kind, calendar month UTC; Binance documents "N times per
  month" but no error for it): -1003 TOO_MANY_REQUESTS, chosen as the only futures code about request
  counts, with HTTP 400 rather than 429 because waiting a minute does not help and an IP is not being
  throttled: "Too many requests; current limit is 5 order history download id requests per month. The
  limit resets at YYYY-MM-DD HH:MM:SS UTC." The request is refused before a job exists; no retry helps.
- startTime/endTime missing or not a non-negative integer: -1102 "Mandatory parameter 'startTime' was
  not sent, was empty/null, or malformed."
- endTime < startTime: -1023 "Start time is greater than end time." (futures START_TIME_GREATER_THAN_END_TIME)
- endTime - startTime > 365 days: -1127 "More than 1 year between startTime and endTime."
- downloadId missing: -1102; unknown (or another account's, or another kind's): -1130 "Data sent for
  parameter 'downloadId' is not valid."
- auth: -2014 / -2015 (HTTP 401), -1102 (no signature), -1022 bad signature, -1021 timestamp.

Invalid requests do not use up quota; weight is charged for every request, as Binance does.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from aiohttp import web

from tui.sim.futures.files import FileSender
from tui.sim.futures.history import DAY_MS, YEAR_MS, FuturesHistory
from tui.sim.futures.jobs import DEFAULT_JOB_DELAY_MS, DEFAULT_MONTHLY_QUOTA, DownloadJob, DownloadJobs
from tui.sim.futures.rest import EXPORT_PREFIX, FuturesRest
from tui.sim.protocol.auth import KeyRegistry
from tui.sim.protocol.rate_limits import Limit, RateLimitConfig, RateLimiter

FUTURES_WEIGHT_LIMIT = 2400


class FuturesVenue:
    """State of the futures host: account history, export jobs, weights, file links; its routes are
    `rest.FuturesRest`."""

    def __init__(
        self,
        *,
        registry: KeyRegistry,
        clock_ms: Callable[[], int],
        seed: int = 1,
        job_delay_ms: int = DEFAULT_JOB_DELAY_MS,
        monthly_quota: int | Mapping[str, int] = DEFAULT_MONTHLY_QUOTA,
        weight_limit: int = FUTURES_WEIGHT_LIMIT,
        data_dir: Path | None = None,
    ) -> None:
        self.registry = registry
        self.clock_ms = clock_ms
        self.seed = seed
        now = clock_ms()
        self.history = FuturesHistory(seed, now - now % DAY_MS - YEAR_MS)
        self.jobs = DownloadJobs(clock_ms, delay_ms=job_delay_ms, monthly_quota=monthly_quota)
        self.limiter = RateLimiter(
            RateLimitConfig(request_weight=(Limit("REQUEST_WEIGHT", "MINUTE", 1, weight_limit),)), clock_ms
        )
        self.base_url: str | None = None  # set by the server once bound; else taken from each request
        self._data_dir = data_dir
        self._own_data_dir = data_dir is None
        self.file_sender = FileSender()

    # -- test hooks ------------------------------------------------------------------------------

    def drop_next_download_after(self, n_bytes: int) -> None:
        """Close the connection after `n_bytes` of the next file body (once)."""
        self.file_sender.drop_after = n_bytes

    def expire_links(self, download_id: str | None = None) -> None:
        """Expire the link of one job (or of every job) now, as if its 24 hours had passed."""
        for job in self.jobs.all():
            if download_id is None or job.download_id == download_id:
                job.expired_early = True

    def close(self) -> None:
        """Delete the files this venue wrote (if it made its own directory)."""
        if self._own_data_dir and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    # -- routes ----------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.add_routes(FuturesRest(self).routes())
        return app

    def download_url(self, job: DownloadJob, request: web.Request | None = None) -> str:
        base = self.base_url
        if base is None:
            assert request is not None
            base = f"{request.scheme}://{request.host}"
        return f"{base}{EXPORT_PREFIX}/{job.token}/{job.file_name}"

    def export_file(self, job: DownloadJob) -> Path:
        """The job's CSV on disk, written on first use."""
        if job.path is None or not job.path.exists():
            if self._data_dir is None:
                self._data_dir = Path(tempfile.mkdtemp(prefix="binance-sim-futures-"))
            self._data_dir.mkdir(parents=True, exist_ok=True)
            path = self._data_dir / f"{job.token}.csv"
            path.write_bytes(self.history.csv_bytes(job.kind.value, job.start_ms, job.end_ms))
            job.path = path
        return job.path
