"""WS API public market-data methods (web-socket-api.md, "General requests" and "Market data requests")
plus myFilters: each a `Method` whose handler is one `market.views` / `market.tickers` function."""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.params import opt_int
from tui.sim.protocol.rate_limits import depth_weight, ticker_24h_weight
from tui.sim.spot.api.ws_method import Method, Security, weight_or
from tui.sim.spot.market import tickers as mt
from tui.sim.spot.market import views as md


def _symbols_count(params: dict[str, Any]) -> int | None:
    if params.get("symbol"):
        return 1
    many = params.get("symbols")
    return len(many) if isinstance(many, list) else None


METHODS: dict[str, Method] = {
    "ping": Method(lambda c: {}),
    "time": Method(lambda c: {"serverTime": c.now()}),
    "exchangeInfo": Method(
        lambda c: md.exchange_info(c.engine, c.api.limiter, c.params, rest=False),
        20,
        params=frozenset({"symbol", "symbols", "permissions", "showPermissionSets", "symbolStatus"}),
    ),
    "depth": Method(
        lambda c: md.depth(c.engine, c.params),
        weight_or(5, lambda p: depth_weight(opt_int(p, "limit") or 100)),
        params=frozenset({"symbol", "limit"}),
    ),
    "klines": Method(
        lambda c: md.klines(c.engine, c.api.market_data, c.params),
        2,
        params=frozenset({"symbol", "interval", "startTime", "endTime", "timeZone", "limit"}),
    ),
    "ticker.24hr": Method(
        lambda c: md.ticker_24h(c.engine, c.api.market_data, c.params),
        weight_or(80, lambda p: ticker_24h_weight(_symbols_count(p))),
        params=frozenset({"symbol", "symbols", "type"}),
    ),
    "ticker.book": Method(
        lambda c: md.book_ticker(c.engine, c.params),
        weight_or(4, lambda p: 2 if p.get("symbol") else 4),
        params=frozenset({"symbol", "symbols"}),
    ),
    "avgPrice": Method(lambda c: md.avg_price(c.engine, c.api.market_data, c.params), 2, params=frozenset({"symbol"})),
    "trades.recent": Method(
        lambda c: md.recent_trades(c.engine, c.api.market_data, c.params),
        25,
        params=frozenset({"symbol", "limit"}),
    ),
    "trades.historical": Method(
        lambda c: md.historical_trades(c.engine, c.api.market_data, c.params),
        25,
        params=frozenset({"symbol", "fromId", "limit"}),
    ),
    "trades.aggregate": Method(
        lambda c: md.agg_trades(c.engine, c.api.market_data, c.params),
        4,
        params=frozenset({"symbol", "fromId", "startTime", "endTime", "limit"}),
    ),
    "uiKlines": Method(
        lambda c: md.ui_klines(c.engine, c.api.market_data, c.params),
        2,
        params=frozenset({"symbol", "interval", "startTime", "endTime", "timeZone", "limit"}),
    ),
    "ticker.tradingDay": Method(
        lambda c: mt.trading_day_ticker(c.engine, c.api.market_data, c.params),
        mt.per_symbol_weight,
        params=frozenset({"symbol", "symbols", "timeZone", "type", "symbolStatus"}),
    ),
    "ticker": Method(
        lambda c: mt.rolling_ticker(c.engine, c.api.market_data, c.params, max_symbols=200),
        mt.per_symbol_weight,
        params=frozenset({"symbol", "symbols", "type", "windowSize", "symbolStatus"}),
    ),
    "ticker.price": Method(
        lambda c: mt.price_ticker(c.engine, c.api.market_data, c.params),
        mt.price_weight,
        params=frozenset({"symbol", "symbols", "symbolStatus"}),
    ),
    "myFilters": Method(
        lambda c: md.my_filters(c.engine, c.params), 40, Security.SIGNED, "USER_DATA", frozenset({"symbol"})
    ),
}
