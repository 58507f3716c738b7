"""REST routes of the futures host (`fapi`): ping, time, the history-export endpoints
(`/fapi/v1/{order,trade,income}/asyn[/id]`) and the export files, with Binance's request weights,
`X-MBX-USED-WEIGHT-1M` headers and USER_DATA signing. What they answer is described in `venue`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from aiohttp import web

from tui.sim.futures.files import s3_error
from tui.sim.futures.history import YEAR_MS
from tui.sim.futures.jobs import ExportKind
from tui.sim.futures.records import utc_text
from tui.sim.protocol.auth import check_timestamp, rest_payload
from tui.sim.protocol.errors import ApiError, bad_signature, mandatory

if TYPE_CHECKING:
    from tui.sim.futures.venue import FuturesVenue

CREATE_WEIGHT = 1000
LINK_WEIGHT = 10
EXPORT_PREFIX = "/sim-export"

Handler = Callable[[web.Request], Any]


def _time_param(params: Mapping[str, str], name: str) -> int:
    value = params.get(name, "")
    if not value.isdigit() or len(value) > 19:
        raise mandatory(name)
    return int(value)


class FuturesRest:
    """The futures host's routes over one `FuturesVenue`."""

    def __init__(self, venue: FuturesVenue) -> None:
        self.v = venue

    def routes(self) -> list[web.RouteDef]:
        routes = [
            web.get("/fapi/v1/ping", self._public(1, lambda p: {})),
            web.get("/fapi/v1/time", self._public(1, lambda p: {"serverTime": self.v.clock_ms()})),
            web.get(EXPORT_PREFIX + "/{token}/{name}", self._download),
        ]
        for kind in ExportKind:
            routes.append(web.get(f"/fapi/v1/{kind.value}/asyn", self._signed(CREATE_WEIGHT, self._creator(kind))))
            routes.append(web.get(f"/fapi/v1/{kind.value}/asyn/id", self._signed(LINK_WEIGHT, self._linker(kind))))
        return routes

    def _creator(self, kind: ExportKind) -> Callable[[str, Mapping[str, str], web.Request], Any]:
        def create(account: str, params: Mapping[str, str], request: web.Request) -> dict[str, Any]:
            start = _time_param(params, "startTime")
            end = _time_param(params, "endTime")
            if end < start:
                raise ApiError(-1023, "Start time is greater than end time.")
            if end - start > YEAR_MS:
                raise ApiError(-1127, "More than 1 year between startTime and endTime.")
            avg = self.v.jobs.avg_cost_ms(account, kind)
            job = self.v.jobs.create(account, kind, start, end)
            return {"avgCostTimestampOfLast30d": avg, "downloadId": job.download_id}

        return create

    def _linker(self, kind: ExportKind) -> Callable[[str, Mapping[str, str], web.Request], Any]:
        def link(account: str, params: Mapping[str, str], request: web.Request) -> dict[str, Any]:
            download_id = params.get("downloadId", "")
            if not download_id:
                raise mandatory("downloadId")
            job = self.v.jobs.find(account, kind, download_id)
            now = self.v.clock_ms()
            if not job.completed(now):
                return {
                    "downloadId": job.download_id,
                    "status": "processing",
                    "url": "",
                    "notified": False,
                    "expirationTimestamp": -1,
                    "isExpired": None,
                }
            self.v.export_file(job)
            return {
                "downloadId": job.download_id,
                "status": "completed",
                "url": self.v.download_url(job, request),
                "notified": True,
                "expirationTimestamp": job.expiration_ms,
                "isExpired": True if job.expired(now) else None,
            }

        return link

    async def _download(self, request: web.Request) -> web.StreamResponse:
        job = self.v.jobs.by_token(request.match_info["token"])
        now = self.v.clock_ms()
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
        return await self.v.file_sender.send(request, self.v.export_file(job), job.file_name)

    # -- request plumbing ------------------------------------------------------------------------

    def _charge(self, ip: str, weight: int) -> None:
        try:
            self.v.limiter.charge_weight(ip, weight)
        except ApiError as exc:
            limit = self.v.limiter.config.request_weight[0].limit
            exc.msg = (
                f"Too many requests; current limit is {limit} requests per minute. "
                "Please use the websocket for live updates to avoid polling the API."
            )
            raise

    def _reply(self, ip: str, body: Any, error: ApiError | None = None) -> web.Response:
        headers = self.v.limiter.weight_headers(ip)
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
        key = self.v.registry.lookup(request.headers.get("X-MBX-APIKEY"), "USER_DATA")
        payload, signature = rest_payload(request.rel_url.raw_query_string, body)
        if not signature:
            raise mandatory("signature")
        if not key.verify(payload, unquote(signature)):
            raise bad_signature()
        check_timestamp(params, self.v.clock_ms())
        return key.account_id
