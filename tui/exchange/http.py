"""One httpx base for every venue's REST client: signing, error mapping, weight headers, one clock.

`BinanceHttp` owns one long-lived `httpx.AsyncClient`. A request names its security type:
NONE (public), MARKET_DATA (API key only) or SIGNED. SIGNED requests are signed by `SignedAuth`, an
`httpx.Auth`: it appends `recvWindow` and `timestamp` (from the client's clock) to the query string
httpx built, signs exactly that string with `signed_query` and adds `X-MBX-APIKEY`, so the bytes
signed and the bytes sent are the same. A read-only profile's signer is asked before anything that
trades is sent (`check_read_only`).

Answers are mapped to the exchange error family in one place: Binance's `{"code", "msg"}` (also on a
2xx, where some USD-M endpoints put it), the options envelope `{"code", "msg", "data"}` (a non-zero
code is an error whatever the HTTP status), HTTP 429/418 with `Retry-After` as `RateLimited`, any
other 4xx/5xx as `ExchangeError` (a 5xx with `outcome_unknown`: the venue may have executed it).
Transport failures: a refused connection or connect timeout is `NotConnected` (not executed), a
read timeout `RequestTimeout` and a connection lost mid-request `NotConnected(outcome_unknown=True)`.
`X-MBX-USED-WEIGHT-*` headers are kept in `used_weight` and fed to the rate-limit tracker if given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping
from contextlib import AbstractAsyncContextManager
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self
from urllib.parse import parse_qsl

import httpx

from tui.domain.money import wire
from tui.exchange.clock import Clock, WallClock
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.signing import Signer, check_read_only, signed_query

_WEIGHT_HEADER = "x-mbx-used-weight-"


class Security(StrEnum):
    """What a request needs besides its params (Binance's endpoint security types)."""

    NONE = "NONE"
    MARKET_DATA = "MARKET_DATA"  # the API key in X-MBX-APIKEY, no signature
    SIGNED = "SIGNED"  # USER_DATA, TRADE, USER_STREAM: key plus signature


class ApiKeyAuth(httpx.Auth):
    """Adds `X-MBX-APIKEY` (MARKET_DATA endpoints)."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-MBX-APIKEY"] = self._signer.api_key
        yield request


class SignedAuth(httpx.Auth):
    """Signs a request as the REST rules say: params in order, recvWindow, timestamp, signature last.

    The query httpx encoded is decoded and handed to `signed_query`, which re-encodes it the one way
    the signature is computed over, so the query sent is exactly the payload signed plus `signature`.
    """

    def __init__(self, signer: Signer, clock: Clock, recv_window: int | None) -> None:
        self._signer = signer
        self._clock = clock
        self._recv_window = recv_window

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        params = dict(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True))
        query = signed_query(params, self._signer, self._clock.now_ms(), self._recv_window)
        request.url = request.url.copy_with(query=query.encode("ascii"))
        request.headers["X-MBX-APIKEY"] = self._signer.api_key
        yield request


def wire_param(value: Any, *, signed: bool = False) -> Any:
    """A param as it goes on the wire: Decimals as plain strings, booleans as true/false."""
    if isinstance(value, Decimal):
        return wire(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if signed and isinstance(value, float):
        raise TypeError("floats are not accepted in signed params; pass an int, Decimal or string")
    return value


def code_msg(body: Any) -> tuple[int | None, str]:
    """Binance's error `code` and `msg` from a decoded body, or (None, "") when there are none."""
    if isinstance(body, dict) and "code" in body:
        try:
            return int(body["code"]), str(body.get("msg", ""))
        except (TypeError, ValueError):
            return None, ""
    return None, ""


def _reason(resp: httpx.Response) -> str:
    return f"HTTP {resp.status_code} {resp.reason_phrase}".strip()


def transport_error(what: str, timeout: float, exc: httpx.TransportError) -> ExchangeError:
    """The exchange error for a request that got no answer: was it sent, may it have run?"""
    if isinstance(exc, httpx.ConnectTimeout):
        return NotConnected(f"{what}: could not connect within {timeout:g} s")
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(what, timeout)
    if isinstance(exc, httpx.ConnectError):
        return NotConnected(f"{what}: could not connect ({exc})")
    return NotConnected(f"{what} failed: {type(exc).__name__}: {exc}", outcome_unknown=True)


class BinanceHttp:
    """The REST plumbing one venue's client is built on. Close it with `aclose()` (or `async with`).

    `envelope` says the venue wraps answers as `{"code", "msg", "data"}` (options); `request()` then
    returns `data`. `decode` turns a body into JSON values (options keeps numbers as Decimal).
    `api_prefix` is put before every path (the options venue's `/api/v1`).
    """

    def __init__(
        self,
        base_url: str,
        *,
        signer: Signer | None = None,
        clock: Clock | None = None,
        recv_window: int | None = 5000,
        timeout: float = 10.0,
        rate_limits: RateLimitTracker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        envelope: bool = False,
        decode: Callable[[str], Any] = json.loads,
        api_prefix: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signer = signer
        self.clock: Clock = clock or WallClock()
        self.recv_window = recv_window
        self.rate_limits = rate_limits
        self.used_weight: dict[str, int] = {}
        """The latest `X-MBX-USED-WEIGHT-<interval>` per interval ("1M" ...), as the exchange reported."""
        self._timeout = timeout
        self._envelope = envelope
        self._decode = decode
        self._api_prefix = api_prefix
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    @property
    def used_weight_1m(self) -> int | None:
        """The latest `X-MBX-USED-WEIGHT-1M`, or None before the first answer carrying it."""
        return self.used_weight.get("1M")

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    async def request(
        self, method: str, path: str, params: Mapping[str, Any] | None = None, *, security: Security = Security.NONE
    ) -> Any:
        """Send one request and return the decoded answer (the envelope's `data` on an envelope venue)."""
        what = f"{method} {path}"
        full_path = self._api_prefix + path
        if self.signer is not None:
            check_read_only(self.signer, f"{method} {full_path}")  # a read-only profile never trades
        if self.rate_limits is not None:
            self.rate_limits.check()
        signed = security is Security.SIGNED
        clean = {k: wire_param(v, signed=signed) for k, v in (params or {}).items() if v is not None}
        try:
            resp = await self._http.request(
                method,
                full_path,
                params=clean or None,
                headers={"Accept": "application/json"},
                auth=self._auth(security),
            )
        except httpx.TransportError as exc:
            raise transport_error(what, self._timeout, exc) from None
        return self._answer(what, resp)

    def stream(self, method: str, url: str, headers: Mapping[str, str]) -> AbstractAsyncContextManager[httpx.Response]:
        """Stream `url` with this client's connection pool and timeout, unsigned (file hosts)."""
        return self._http.stream(method, url, headers=dict(headers))

    def _auth(self, security: Security) -> httpx.Auth | None:
        if security is Security.NONE:
            return None
        if self.signer is None:
            raise ValueError(f"a {security} request needs an API key")
        if security is Security.MARKET_DATA:
            return ApiKeyAuth(self.signer)
        return SignedAuth(self.signer, self.clock, self.recv_window)

    def _answer(self, what: str, resp: httpx.Response) -> Any:
        self._note_weight(resp.headers)
        try:
            body = self._decode(resp.text)
        except ValueError:
            body = None
        error = self._error(what, resp, body)
        if error is not None:
            raise error
        if self._envelope:
            return body.get("data") if isinstance(body, dict) else None
        return body

    def _error(self, what: str, resp: httpx.Response, body: Any) -> ExchangeError | None:
        status = resp.status_code
        code, msg = code_msg(body)
        unknown = status >= 500  # a 5xx means the venue may have executed the request anyway
        if status in (418, 429):
            retry_after_ms = self._retry_after_ms(resp)
            if self.rate_limits is not None:
                self.rate_limits.block(retry_after_ms, status)
            return RateLimited(code if code is not None else -1003, msg or _reason(resp), status, retry_after_ms)
        if status >= 400:
            if code is not None:
                return ExchangeError(code, msg, status, outcome_unknown=unknown)
            return ExchangeError(-1000, f"{what}: {_reason(resp)}", status, outcome_unknown=unknown)
        if self._envelope:
            if code is None:
                return ExchangeError(-1006, f"{what}: the answer has no code/msg envelope", status)
            if code != 0:
                return ExchangeError(code, msg, status)
            return None
        if body is None:
            return ExchangeError(-1006, f"{what}: response is not JSON", status)
        # Some USD-M endpoints answer an error with 200 and a bare {"code", "msg"}.
        if code is not None and isinstance(body, dict) and body.keys() == {"code", "msg"} and code not in (0, 200):
            return ExchangeError(code, msg, status)
        return None

    def _note_weight(self, headers: httpx.Headers) -> None:
        for name, value in headers.items():
            if not name.lower().startswith(_WEIGHT_HEADER):
                continue
            try:
                count = int(value)
            except ValueError:
                continue
            interval = name[len(_WEIGHT_HEADER) :].upper()
            self.used_weight[interval] = count
            if self.rate_limits is not None:
                self.rate_limits.record_used_weight(interval, count)

    def _retry_after_ms(self, resp: httpx.Response) -> int | None:
        value = resp.headers.get("Retry-After")
        now = self.rate_limits.now_ms() if self.rate_limits is not None else self.clock.now_ms()
        try:
            return None if value is None else int(now + float(value) * 1000)
        except ValueError:
            return None
