"""Public market data answers shared by the WS API methods and the REST routes: exchangeInfo,
depth, klines, 24hr ticker, book ticker, average price (rest-api.md / web-socket-api.md shapes).

Every function takes the request params (a mapping) and returns the JSON result, raising
`ApiError` for bad input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .api_errors import ApiError, bad_interval
from .engine import Engine
from .params import Params, limit, opt_int, opt_str, req_str, symbol, symbol_list
from .rate_limits import RateLimiter
from .wire import d8, levels, symbol_info

if TYPE_CHECKING:
    from .market_data import MarketData

KLINE_INTERVALS = ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M")


def exchange_info(engine: Engine, limiter: RateLimiter, params: Params, *, rest: bool) -> dict[str, Any]:
    names = symbol_list(params, engine.specs)
    if names is None:
        names = list(engine.specs)
    return {
        "timezone": "UTC",
        "serverTime": engine.clock_ms(),
        "rateLimits": limiter.exchange_info_limits(rest=rest),
        "exchangeFilters": [],
        "symbols": [symbol_info(engine.specs[n].rules) for n in names],
    }


def depth(engine: Engine, params: Params, *, rest: bool = False) -> dict[str, Any]:
    sym = symbol(params, engine.specs)
    n = limit(params, 100, 5000, clamp=rest)
    last_update_id, bids, asks = engine.depth(sym, n)
    return {"lastUpdateId": last_update_id, "bids": levels(bids), "asks": levels(asks)}


def klines(engine: Engine, market_data: MarketData, params: Params) -> list[list[Any]]:
    sym = symbol(params, engine.specs)
    interval = req_str(params, "interval")
    if interval not in KLINE_INTERVALS:
        raise bad_interval()
    time_zone = opt_str(params, "timeZone")
    if time_zone not in (None, "0", "+0", "00:00", "0:00", "+00:00"):
        raise ApiError(-1130, "Data sent for parameter 'timeZone' is not valid.")
    rows = market_data.klines(
        sym,
        interval,
        start_time=opt_int(params, "startTime"),
        end_time=opt_int(params, "endTime"),
        limit=limit(params, 500, 1000),
    )
    return [kline_row(k) for k in rows]


def kline_row(k: Any) -> list[Any]:
    return [
        k.open_time,
        d8(k.open),
        d8(k.high),
        d8(k.low),
        d8(k.close),
        d8(k.volume),
        k.close_time,
        d8(k.quote_volume),
        k.trades,
        d8(k.taker_buy_volume),
        d8(k.taker_buy_quote_volume),
        "0",
    ]


_MINI_FIELDS = (
    "symbol",
    "openPrice",
    "highPrice",
    "lowPrice",
    "lastPrice",
    "volume",
    "quoteVolume",
    "openTime",
    "closeTime",
    "firstId",
    "lastId",
    "count",
)


def format_ticker(raw: dict[str, Any]) -> dict[str, Any]:
    """Market data's ticker (Decimals) in wire form: 8 decimals, percent with 3."""
    out: dict[str, Any] = {}
    for k, v in raw.items():
        if k == "priceChangePercent":
            out[k] = f"{Decimal(v).quantize(Decimal('0.001')):f}"
        elif isinstance(v, Decimal):
            out[k] = d8(v)
        else:
            out[k] = v
    return out


def ticker_24h_one(engine: Engine, market_data: MarketData, sym: str, full: bool = True) -> dict[str, Any]:
    t = format_ticker(market_data.ticker_24h(sym))
    bid, ask = engine.best_bid_ask(sym)
    full_row = {
        "symbol": sym,
        "priceChange": t["priceChange"],
        "priceChangePercent": t["priceChangePercent"],
        "weightedAvgPrice": t["weightedAvgPrice"],
        "prevClosePrice": t["prevClosePrice"],
        "lastPrice": t["lastPrice"],
        "lastQty": t["lastQty"],
        "bidPrice": d8(bid[0] if bid else None),
        "bidQty": d8(bid[1] if bid else None),
        "askPrice": d8(ask[0] if ask else None),
        "askQty": d8(ask[1] if ask else None),
        "openPrice": t["openPrice"],
        "highPrice": t["highPrice"],
        "lowPrice": t["lowPrice"],
        "volume": t["volume"],
        "quoteVolume": t["quoteVolume"],
        "openTime": t["openTime"],
        "closeTime": t["closeTime"],
        "firstId": t["firstId"],
        "lastId": t["lastId"],
        "count": t["count"],
    }
    return full_row if full else {k: full_row[k] for k in _MINI_FIELDS}


def ticker_24h(engine: Engine, market_data: MarketData, params: Params) -> Any:
    kind = opt_str(params, "type") or "FULL"
    if kind not in ("FULL", "MINI"):
        raise ApiError(-1139, "Invalid ticker type.")
    names = symbol_list(params, engine.specs)
    rows = [ticker_24h_one(engine, market_data, s, kind == "FULL") for s in (names or engine.specs)]
    return rows[0] if opt_str(params, "symbol") else rows


def book_ticker_one(engine: Engine, sym: str) -> dict[str, Any]:
    bid, ask = engine.best_bid_ask(sym)
    return {
        "symbol": sym,
        "bidPrice": d8(bid[0] if bid else None),
        "bidQty": d8(bid[1] if bid else None),
        "askPrice": d8(ask[0] if ask else None),
        "askQty": d8(ask[1] if ask else None),
    }


def book_ticker(engine: Engine, params: Params) -> Any:
    names = symbol_list(params, engine.specs)
    rows = [book_ticker_one(engine, s) for s in (names or engine.specs)]
    return rows[0] if opt_str(params, "symbol") else rows


def avg_price(engine: Engine, market_data: MarketData, params: Params) -> dict[str, Any]:
    sym = symbol(params, engine.specs)
    price = market_data.avg_price(sym)
    trades = market_data.recent_trades(sym, 1)
    close_time = trades[-1].time if trades else engine.clock_ms()
    return {"mins": 5, "price": d8(price), "closeTime": close_time}
