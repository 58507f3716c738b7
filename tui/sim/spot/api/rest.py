"""Public REST routes of the simulator (rest-api.md): ping, time, exchangeInfo, depth, trades,
historicalTrades, aggTrades, klines, uiKlines, ticker/24hr, ticker (rolling window), ticker/tradingDay,
ticker/price, ticker/bookTicker, avgPrice.

Errors are `{"code", "msg"}` with HTTP 400 (429 + `Retry-After` past a limit); every response
carries `X-MBX-USED-WEIGHT-1M`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tui.sim.protocol.errors import ApiError
from tui.sim.protocol.params import Params, opt_int
from tui.sim.protocol.rate_limits import RateLimiter, depth_weight, ticker_24h_weight
from tui.sim.spot.market import tickers as mt
from tui.sim.spot.market import views as mv
from tui.sim.spot.matching.engine import Engine, SimError

if TYPE_CHECKING:
    from tui.sim.spot.market.data import MarketData


def _symbols_count(params: Params) -> int | None:
    if params.get("symbol"):
        return 1
    try:
        many = json.loads(params.get("symbols") or "null")
    except ValueError:
        return None
    return len(many) if isinstance(many, list) else None


class RestApi:
    """The `/api/v3/...` public endpoints over one engine and market data."""

    def __init__(self, engine: Engine, market_data: MarketData, limiter: RateLimiter) -> None:
        self.engine = engine
        self.market_data = market_data
        self.limiter = limiter

    def routes(self) -> list[web.RouteDef]:
        e, md = self.engine, self.market_data

        def depth_w(p: Params) -> int:
            return depth_weight(min(opt_int(p, "limit") or 100, 5000))

        table: dict[str, tuple[int | Callable[[Params], int], Callable[[Params], Any]]] = {
            "/api/v3/ping": (1, lambda p: {}),
            "/api/v3/time": (1, lambda p: {"serverTime": e.clock_ms()}),
            "/api/v3/exchangeInfo": (20, lambda p: mv.exchange_info(e, self.limiter, p, rest=True)),
            "/api/v3/depth": (depth_w, lambda p: mv.depth(e, p, rest=True)),
            "/api/v3/trades": (25, lambda p: mv.recent_trades(e, md, p)),
            "/api/v3/historicalTrades": (25, lambda p: mv.historical_trades(e, md, p)),
            "/api/v3/aggTrades": (4, lambda p: mv.agg_trades(e, md, p)),
            "/api/v3/klines": (2, lambda p: mv.klines(e, md, p)),
            "/api/v3/uiKlines": (2, lambda p: mv.ui_klines(e, md, p)),
            "/api/v3/ticker": (mt.per_symbol_weight, lambda p: mt.rolling_ticker(e, md, p, max_symbols=100)),
            "/api/v3/ticker/tradingDay": (mt.per_symbol_weight, lambda p: mt.trading_day_ticker(e, md, p)),
            "/api/v3/ticker/price": (mt.price_weight, lambda p: mt.price_ticker(e, md, p)),
            "/api/v3/ticker/24hr": (
                lambda p: 80 if not p.get("symbol") and not p.get("symbols") else ticker_24h_weight(_symbols_count(p)),
                lambda p: mv.ticker_24h(e, md, p),
            ),
            "/api/v3/ticker/bookTicker": (lambda p: 2 if p.get("symbol") else 4, lambda p: mv.book_ticker(e, p)),
            "/api/v3/avgPrice": (2, lambda p: mv.avg_price(e, md, p)),
        }
        return [web.get(path, self._endpoint(weight, fn)) for path, (weight, fn) in table.items()]

    def _endpoint(
        self, weight: int | Callable[[Params], int], fn: Callable[[Params], Any]
    ) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.Response:
            ip = request.remote or "127.0.0.1"
            params = dict(request.query)
            try:
                try:
                    w = weight(params) if callable(weight) else weight
                except ApiError:
                    w = 1
                self.limiter.charge_raw(ip)
                self.limiter.charge_weight(ip, w)
                body, status = fn(params), 200
            except (ApiError, SimError) as exc:
                error = exc if isinstance(exc, ApiError) else ApiError(exc.code, exc.msg, exc.status)
                body, status = {"code": error.code, "msg": error.msg}, error.status
                headers = self.limiter.weight_headers(ip)
                if status == 429 and error.data is not None:
                    seconds = max(1, -(-(error.data["retryAfter"] - error.data["serverTime"]) // 1000))
                    headers["Retry-After"] = str(seconds)
                return web.json_response(body, status=status, headers=headers)
            return web.json_response(body, status=status, headers=self.limiter.weight_headers(ip))

        return handler
