"""Public REST market data (`/api/v3/...`) around one long-lived `httpx.AsyncClient`.

The console trades over the WebSocket API; REST is used for what the local order book procedure
prescribes (the depth snapshot) and for simple public queries.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx

from tui.domain.order_book import DepthSnapshot
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.market import Kline
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.spot.codec.depth import snapshot_from_rest
from tui.exchange.spot.codec.exchange_info import rules_by_symbol
from tui.exchange.spot.codec.market import kline_from_rest

log = logging.getLogger(__name__)


class RestClient:
    """Public endpoints of one venue. Close it with `aclose()` (or use `async with`)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        rate_limits: RateLimitTracker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.rate_limits = rate_limits
        self._timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, transport=transport, headers={"Accept": "application/json"}
        )

    async def __aenter__(self) -> RestClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    close = aclose

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET `path` and return the decoded JSON; Binance errors become ExchangeError."""
        if self.rate_limits is not None:
            self.rate_limits.check()
        try:
            resp = await self._http.get(path, params=params)
        except httpx.TimeoutException:
            raise RequestTimeout(f"GET {path}", self._timeout) from None
        except httpx.TransportError as exc:
            raise NotConnected(f"GET {path} failed: {type(exc).__name__}: {exc}") from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code in (418, 429):
            retry_after_ms = self._retry_after_ms(resp)
            if self.rate_limits is not None:
                self.rate_limits.block(retry_after_ms, resp.status_code)
            code, msg = self._code_msg(body, resp)
            raise RateLimited(code, msg, resp.status_code, retry_after_ms)
        if resp.status_code >= 400:
            code, msg = self._code_msg(body, resp)
            raise ExchangeError(code, msg, resp.status_code)
        if body is None:
            raise ExchangeError(-1006, f"GET {path}: response is not JSON", resp.status_code)
        return body

    def _retry_after_ms(self, resp: httpx.Response) -> int | None:
        value = resp.headers.get("Retry-After")
        if value is None:
            return None
        try:
            seconds = float(value)
        except ValueError:
            return None
        now = self.rate_limits.now_ms() if self.rate_limits is not None else time.time() * 1000
        return int(now + seconds * 1000)

    @staticmethod
    def _code_msg(body: Any, resp: httpx.Response) -> tuple[int, str]:
        if isinstance(body, dict) and "code" in body:
            try:
                return int(body["code"]), str(body.get("msg", ""))
            except (TypeError, ValueError):
                pass
        return -1000, f"HTTP {resp.status_code} {resp.reason_phrase}".strip()

    async def ping(self) -> None:
        await self.get("/api/v3/ping")

    async def time(self) -> int:
        body = await self.get("/api/v3/time")
        try:
            return int(body["serverTime"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("time: response has no serverTime") from None

    async def exchange_info(self, symbols: list[str] | None = None) -> dict[str, SymbolRules]:
        """Trading rules per symbol (all symbols, or only `symbols`)."""
        params = {"symbols": json.dumps(list(symbols), separators=(",", ":"))} if symbols else None
        return rules_by_symbol(await self.get("/api/v3/exchangeInfo", params))

    async def depth(self, symbol: str, limit: int = 1000) -> DepthSnapshot:
        return snapshot_from_rest(await self.get("/api/v3/depth", {"symbol": symbol, "limit": limit}))

    async def klines(self, symbol: str, interval: str, limit: int = 500) -> list[Kline]:
        rows = await self.get("/api/v3/klines", {"symbol": symbol, "interval": interval, "limit": limit})
        if not isinstance(rows, list):
            raise ValueError("klines: expected a list")
        return [kline_from_rest(r) for r in rows]
