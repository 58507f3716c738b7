"""Public market data over the WS API: klines, trades and tickers (unsigned requests).

Reached as `session.market`. Live data comes from the streams instead (`session.market_streams`).
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.domain.spot.market import AggTrade, Kline, MarketTrade, PriceTicker, Ticker24h, WindowTicker
from tui.exchange.spot.codec.market import (
    agg_trade_from_wire,
    kline_from_rest,
    market_trade_from_wire,
    price_ticker_from_wire,
    rows,
    ticker_from_ws,
    window_ticker_from_wire,
)
from tui.exchange.spot.ws_api import WsApiClient


class MarketData:
    """klines, uiKlines, trades.*, ticker.* requests on one WS API connection."""

    def __init__(self, ws: WsApiClient) -> None:
        self.ws = ws

    async def klines(self, symbol: str, interval: str, limit: int = 120) -> list[Kline]:
        """klines: the latest `limit` bars of `interval`, oldest first."""
        result = await self.ws.request("klines", {"symbol": symbol, "interval": interval, "limit": limit})
        if not isinstance(result, list):
            raise ValueError("klines: expected a list")
        return [kline_from_rest(r) for r in result]

    async def ui_klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        time_zone: str | None = None,
        limit: int | None = None,
    ) -> list[Kline]:
        """uiKlines: klines for charts; `time_zone` ("8", "-1:00", "05:45") moves interval boundaries."""
        params = {
            "symbol": symbol,
            "interval": interval,
            "startTime": start_time,
            "endTime": end_time,
            "timeZone": time_zone,
            "limit": limit,
        }
        return rows(await self.ws.request("uiKlines", params), "uiKlines", kline_from_rest)

    async def recent_trades(self, symbol: str, limit: int | None = None) -> list[MarketTrade]:
        """trades.recent: the latest public trades, oldest first (500 unless `limit`, at most 1000)."""
        result = await self.ws.request("trades.recent", {"symbol": symbol, "limit": limit})
        return rows(result, "trades.recent", market_trade_from_wire)

    async def historical_trades(
        self, symbol: str, *, from_id: int | None = None, limit: int | None = None
    ) -> list[MarketTrade]:
        """trades.historical: public trades from trade id `from_id` on (the most recent without it)."""
        result = await self.ws.request("trades.historical", {"symbol": symbol, "fromId": from_id, "limit": limit})
        return rows(result, "trades.historical", market_trade_from_wire)

    async def agg_trades(
        self,
        symbol: str,
        *,
        from_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[AggTrade]:
        """trades.aggregate: from an aggregate id, or in an execution-time range (not both), or the most
        recent; oldest first."""
        params = {"symbol": symbol, "fromId": from_id, "startTime": start_time, "endTime": end_time, "limit": limit}
        result = await self.ws.request("trades.aggregate", params)
        return rows(result, "trades.aggregate", agg_trade_from_wire)

    async def ticker_24h(self, symbol: str) -> Ticker24h:
        """ticker.24hr: the symbol's rolling 24-hour statistics."""
        return ticker_from_ws(await self.ws.request("ticker.24hr", {"symbol": symbol}))

    async def rolling_ticker(self, symbol: str, window_size: str = "1d", *, mini: bool = False) -> WindowTicker:
        """ticker: statistics over the last `window_size` (1m..59m, 1h..23h, 1d..7d)."""
        params = {"symbol": symbol, "windowSize": window_size, "type": "MINI" if mini else None}
        return window_ticker_from_wire(await self.ws.request("ticker", params))

    async def rolling_tickers(
        self, symbols: Iterable[str], window_size: str = "1d", *, mini: bool = False
    ) -> list[WindowTicker]:
        """ticker for several symbols at once."""
        params = {"symbols": list(symbols), "windowSize": window_size, "type": "MINI" if mini else None}
        result = await self.ws.request("ticker", params)
        return rows(result, "ticker", window_ticker_from_wire)

    async def trading_day_ticker(
        self, symbol: str, *, time_zone: str | None = None, mini: bool = False
    ) -> WindowTicker:
        """ticker.tradingDay: statistics of the current day in `time_zone` (UTC by default)."""
        params = {"symbol": symbol, "timeZone": time_zone, "type": "MINI" if mini else None}
        result = await self.ws.request("ticker.tradingDay", params)
        return window_ticker_from_wire(result, "ticker.tradingDay")

    async def trading_day_tickers(
        self, symbols: Iterable[str], *, time_zone: str | None = None, mini: bool = False
    ) -> list[WindowTicker]:
        """ticker.tradingDay for several symbols at once."""
        params = {"symbols": list(symbols), "timeZone": time_zone, "type": "MINI" if mini else None}
        result = await self.ws.request("ticker.tradingDay", params)
        return rows(result, "ticker.tradingDay", lambda t: window_ticker_from_wire(t, "ticker.tradingDay"))

    async def ticker_price(self, symbol: str) -> PriceTicker:
        """ticker.price: the symbol's latest price."""
        return price_ticker_from_wire(await self.ws.request("ticker.price", {"symbol": symbol}))

    async def ticker_prices(self, symbols: Iterable[str] | None = None) -> list[PriceTicker]:
        """ticker.price for several symbols, or for every symbol when `symbols` is None."""
        params = {"symbols": list(symbols) if symbols is not None else None}
        result = await self.ws.request("ticker.price", params)
        return rows(result, "ticker.price", price_ticker_from_wire)
