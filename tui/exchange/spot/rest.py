"""Public REST market data (`/api/v3/...`) around one long-lived `httpx.AsyncClient`.

The console trades over the WebSocket API; REST is used for what the local order book procedure
prescribes (the depth snapshot) and for simple public queries.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tui.domain.order_book import DepthSnapshot
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.market import Kline
from tui.exchange.http import BinanceHttp
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.spot.codec.depth import snapshot_from_rest
from tui.exchange.spot.codec.exchange_info import rules_by_symbol
from tui.exchange.spot.codec.market import kline_from_rest


class RestClient(BinanceHttp):
    """Public endpoints of one venue. Close it with `aclose()` (or use `async with`)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        rate_limits: RateLimitTracker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, timeout=timeout, rate_limits=rate_limits, transport=transport)

    close = BinanceHttp.aclose

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET `path` and return the decoded JSON; Binance errors become ExchangeError."""
        return await self.request("GET", path, params)

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
