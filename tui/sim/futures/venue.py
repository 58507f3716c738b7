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
from typing import Any
from urllib.parse import parse_qsl, unquote

from aiohttp import web

from tui.sim.futures.files import FileSender, s3_error
from tui.sim.futures.history import DAY_MS, YEAR_MS, FuturesHistory, utc_text
from tui.sim.futures.jobs import DEFAULT_JOB_DELAY_MS, DEFAULT_MONTHLY_QUOTA, DownloadJob, DownloadJobs, ExportKind
from tui.sim.protocol.auth import KeyRegistry, check_timestamp, rest_payload
from tui.sim.protocol.errors import ApiError, bad_signature, mandatory
from tui.sim.protocol.rate_limits import Limit, RateLimitConfig, RateLimiter

FUTURES_WEIGHT_LIMIT = 2400
CREATE_WEIGHT = 1000
LINK_WEIGHT = 10
EXPORT_PREFIX = "/sim-export"

Handler = Callable[[web.Request], Any]


def _time_param(params: Mapping[str, str], name: str) -> int:
    value = params.get(name, "")
    if not value.isdigit() or len(value) > 19:
        raise mandatory(name)
    return int(value)


class FuturesVenue:
    """State and routes of the futures host: account history, export jobs, weights, file links."""

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
        self._sender = FileSender()

    # -- test hooks ------------------------------------------------------------------------------

    def drop_next_download_after(self, n_bytes: int) -> None:
        """Close the connection after `n_bytes` of the next file body (once)."""
        self._sender.drop_after = n_bytes

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
        routes = [
            web.get("/fapi/v1/ping", self._public(1, lambda p: {})),
            web.get("/fapi/v1/time", self._public(1, lambda p: {"serverTime": self.clock_ms()})),
            web.get(EXPORT_PREFIX + "/{token}/{name}", self._download),
        ]
        for kind in ExportKind:
            routes.append(web.get(f"/fapi/v1/{kind.value}/asyn", self._signed(CREATE_WEIGHT, self._creator(kind))))
            routes.append(web.get(f"/fapi/v1/{kind.value}/asyn/id", self._signed(LINK_WEIGHT, self._linker(kind))))
        app.add_routes(routes)
        return app

    def _creator(self, kind: ExportKind) -> Callable[[str, Mapping[str, str], web.Request], Any]:
        def create(account: str, params: Mapping[str, str], request: web.Request) -> dict[str, Any]:
            start = _time_param(params, "startTime")
            end = _time_param(params, "endTime")
            if end < start:
                raise ApiError(-1023, "Start time is greater than end time.")
            if end - start > YEAR_MS:
                raise ApiError(-1127, "More than 1 year between startTime and endTime.")
            avg = self.jobs.avg_cost_ms(account, kind)
            job = self.jobs.create(account, kind, start, end)
            return {"avgCostTimestampOfLast30d": avg, "downloadId": job.download_id}

        return create

    def _linker(self, kind: ExportKind) -> Callable[[str, Mapping[str, str], web.Request], Any]:
        def link(account: str, params: Mapping[str, str], request: web.Request) -> dict[str, Any]:
            download_id = params.get("downloadId", "")
            if not download_id:
                raise mandatory("downloadId")
            job = self.jobs.find(account, kind, download_id)
            now = self.clock_ms()
            if not job.completed(now):
                return {
                    "downloadId": job.download_id,
                    "status": "processing",
                    "url": "",
                    "notified": False,
                    "expirationTimestamp": -1,
                    "isExpired": None,
                }
            self._ensure_file(job)
            return {
                "downloadId": job.download_id,
                "status": "completed",
                "url": self.download_url(job, request),
                "notified": True,
                "expirationTimestamp": job.expiration_ms,
                "isExpired": True if job.expired(now) else None,
            }

        return link

    def download_url(self, job: DownloadJob, request: web.Request | None = None) -> str:
        base = self.base_url
        if base is None:
            assert request is not None
            base = f"{request.scheme}://{request.host}"
        return f"{base}{EXPORT_PREFIX}/{job.token}/{job.file_name}"

    def _ensure_file(self, job: DownloadJob) -> Path:
        if job.path is None or not job.path.exists():
            if self._data_dir is None:
                self._data_dir = Path(tempfile.mkdtemp(prefix="binance-sim-futures-"))
            self._data_dir.mkdir(parents=True, exist_ok=True)
            path = self._data_dir / f"{job.token}.csv"
            path.write_bytes(self.history.csv_bytes(job.kind.value, job.start_ms, job.end_ms))
            job.path = path
        return job.path

    async def _download(self, request: web.Request) -> web.StreamResponse:
        job = self.jobs.by_token(request.match_info["token"])
        now = self.clock_ms()
        if job is None or request.match_info["name"] != job.file_name or not job.completed(now):
            return s3_error(404, "NoSuchKey", "The specified key does not exist.")
        if job.expired(now):
            expired_at = min(job.expiration_ms, now) if job.expired_early else job.expiration_ms
            return s3_error(
                403,
                "AccessDenied",
                "Request has expired",
                Expires=utc_text(expired_at).replace(" ", "T") + "Z",
                ServerTime=utc_text(now).replace(" ", "T") + "Z",
            )
        return await self._sender.send(request, self._ensure_file(job), job.file_name)

    # -- request plumbing ------------------------------------------------------------------------

    def _charge(self, ip: str, weight: int) -> None:
        try:
            self.limiter.charge_weight(ip, weight)
        except ApiError as exc:
            limit = self.limiter.config.request_weight[0].limit
            exc.msg = (
                f"Too many requests; current limit is {limit} requests per minute. "
                "Please use the websocket for live updates to avoid polling the API."
            )
            raise

    def _reply(self, ip: str, body: Any, error: ApiError | None = None) -> web.Response:
        headers = self.limiter.weight_headers(ip)
        if error is None:
            return web.json_response(body, headers=headers)
        if error.status == 429 and error.data is not None:
            seconds = max(1, -(-(error.data["retryAfter"] - error.data["serverTime"]) // 1000))
            headers["Retry-After"] = str(seconds)
        return web.json_response({"code": error.code, "msg": error.msg}, status=error.status, headers=headers)

    def _public(self, weight: int, fn: Callable[[Mapping[str, str]], Any]) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            ip = request.remote or "127.0.0.1"
            try:
                self._charge(ip, weight)
                return self._reply(ip, fn(dict(request.query)))
            except ApiError as exc:
                return self._reply(ip, None, exc)

        return handler

    def _signed(self, weight: int, fn: Callable[[str, Mapping[str, str], web.Request], Any]) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            ip = request.remote or "127.0.0.1"
            try:
                self._charge(ip, weight)
                body = await request.text()
                params = {**dict(parse_qsl(body, keep_blank_values=True)), **dict(request.query)}
                account = self._authenticate(request, params, body)
                return self._reply(ip, fn(account, params, request))
            except ApiError as exc:
                return self._reply(ip, None, exc)

        return handler

    def _authenticate(self, request: web.Request, params: Mapping[str, str], body: str) -> str:
        key = self.registry.lookup(request.headers.get("X-MBX-APIKEY"), "USER_DATA")
        payload, signature = rest_payload(request.rel_url.raw_query_string, body)
        if not signature:
            raise mandatory("signature")
        if not key.verify(payload, unquote(signature)):
            raise bad_signature()
        check_timestamp(params, self.clock_ms())
        return key.account_id
