"""Public market data answers shared by the WS API methods and the REST routes: exchangeInfo,
depth, recent / historical / aggregate trades, klines and uiKlines, 24hr ticker, book ticker, average
price, and the account's filters on a symbol (myFilters) (rest-api.md / web-socket-api.md shapes). The
other tickers (rolling window, trading day, price) live in `tickers`.

Every function takes the request params (a mapping) and returns the JSON result, raising
`ApiError` for bad input.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tui.sim.protocol.errors import ApiError, bad_interval, invalid_param
from tui.sim.protocol.params import Params, limit, opt_int, opt_str, req_str, symbol, symbol_list
from tui.sim.protocol.rate_limits import RateLimiter
from tui.sim.spot.api.wire import d8, levels
from tui.sim.spot.api.wire_exchange_info import symbol_filters, symbol_info
from tui.sim.spot.market.windows import klines_in_zone
from tui.sim.spot.matching.engine import Engine, TradeExecuted

if TYPE_CHECKING:
    from tui.sim.spot.market.data import MarketData

KLINE_INTERVALS = ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M")


def exchange_info(engine: Engine, limiter: RateLimiter, params: Params, *, rest: bool) -> dict[str, Any]:
    from tui.sim.spot.api.wire_sor import sors_json
    from tui.sim.spot.matching.sor import sor_configs  # here, not at the top: SOR is this function's concern only

    names = symbol_list(params, engine.specs)
    if names is None:
        names = list(engine.specs)
    info: dict[str, Any] = {
        "timezone": "UTC",
        "serverTime": engine.clock_ms(),
        "rateLimits": limiter.exchange_info_limits(rest=rest),
        "exchangeFilters": [],
        "symbols": [symbol_info(engine.specs[n].rules) for n in names],
    }
    sors = sor_configs(engine.specs)
    if sors:  # optional: present only when SOR is available (sor_faq.md)
        info["sors"] = sors_json(sors)
    return info


def depth(engine: Engine, params: Params, *, rest: bool = False) -> dict[str, Any]:
    sym = symbol(params, engine.specs)
    n = limit(params, 100, 5000, clamp=rest)
    last_update_id, bids, asks = engine.depth(sym, n)
    return {"lastUpdateId": last_update_id, "bids": levels(bids), "asks": levels(asks)}


_TIME_ZONE_RE = re.compile(r"^([+-]?)([0-9]{1,2})(?::([0-9]{2}))?$")


def time_zone_offset(params: Params) -> int:
    """`timeZone` in milliseconds ahead of UTC: hours (`8`, `-1`) or hours and minutes (`05:45`,
    `-1:00`), strictly within [-12:00, +14:00]; 0 when absent."""
    text = opt_str(params, "timeZone")
    if text is None:
        return 0
    match = _TIME_ZONE_RE.match(text)
    if match is None or int(match[3] or 0) >= 60:
        raise invalid_param("timeZone")
    minutes = int(match[2]) * 60 + int(match[3] or 0)
    if match[1] == "-":
        minutes = -minutes
    if not -12 * 60 <= minutes <= 14 * 60:
        raise invalid_param("timeZone")
    return minutes * 60_000


def klines(engine: Engine, market_data: MarketData, params: Params) -> list[list[Any]]:
    sym = symbol(params, engine.specs)
    interval = req_str(params, "interval")
    if interval not in KLINE_INTERVALS:
        raise bad_interval()
    rows = klines_in_zone(
        market_data,
        sym,
        interval,
        time_zone_offset(params),
        start_time=opt_int(params, "startTime"),
        end_time=opt_int(params, "endTime"),
        limit=limit(params, 500, 1000),
    )
    return [kline_row(k) for k in rows]


def ui_klines(engine: Engine, market_data: MarketData, params: Params) -> list[list[Any]]:
    """uiKlines: the same parameters and rows as klines. The documents say only that the data is
    "optimized for presentation"; the simulator's klines already are (gaps are flat bars), so they
    are the same rows."""
    return klines(engine, market_data, params)


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


# --- trades ----------------------------------------------------------------------------------------


def trade_row(t: TradeExecuted) -> dict[str, Any]:
    return {
        "id": t.trade_id,
        "price": d8(t.price),
        "qty": d8(t.qty),
        "quoteQty": d8(t.quote_qty),
        "time": t.time,
        "isBuyerMaker": t.buyer_is_maker,
        "isBestMatch": True,
    }


def recent_trades(engine: Engine, market_data: MarketData, params: Params) -> list[dict[str, Any]]:
    """trades.recent / GET /api/v3/trades: the latest trades, oldest first."""
    sym = symbol(params, engine.specs)
    return [trade_row(t) for t in market_data.recent_trades(sym, limit(params, 500, 1000))]


def historical_trades(engine: Engine, market_data: MarketData, params: Params) -> list[dict[str, Any]]:
    """trades.historical / GET /api/v3/historicalTrades: trades from `fromId` on (the most recent
    without it). The simulator keeps the last `max_trades` trades of each symbol."""
    sym = symbol(params, engine.specs)
    n = limit(params, 500, 1000)
    return [trade_row(t) for t in market_data.trades(sym, from_id=opt_int(params, "fromId"), limit=n)]


def agg_trade_row(a: Any) -> dict[str, Any]:
    """One aggregate trade as trades.aggregate / GET /api/v3/aggTrades list it (and the aggTrade stream
    after its e, E, s)."""
    return {
        "a": a.agg_id,
        "p": d8(a.price),
        "q": d8(a.qty),
        "f": a.first_trade_id,
        "l": a.last_trade_id,
        "T": a.time,
        "m": a.buyer_is_maker,
        "M": True,
    }


def agg_trades(engine: Engine, market_data: MarketData, params: Params) -> list[dict[str, Any]]:
    """trades.aggregate / GET /api/v3/aggTrades: by `fromId`, by execution time, or the most recent;
    `fromId` cannot be combined with `startTime` / `endTime` (-1128)."""
    sym = symbol(params, engine.specs)
    from_id, start, end = opt_int(params, "fromId"), opt_int(params, "startTime"), opt_int(params, "endTime")
    if from_id is not None and (start is not None or end is not None):
        raise ApiError(-1128, "Combination of optional parameters invalid.")
    n = limit(params, 500, 1000)
    rows = market_data.agg_trades(sym, from_id=from_id, start_time=start, end_time=end, limit=n)
    return [agg_trade_row(a) for a in rows]


# --- account filters -------------------------------------------------------------------------------


def my_filters(engine: Engine, params: Params) -> dict[str, Any]:
    """myFilters: the filters that apply to the account on a symbol. The simulator has no exchange
    filters (exchangeInfo lists none) and no MAX_ASSET limits; the symbol filters are exchangeInfo's."""
    sym = symbol(params, engine.specs)
    return {"exchangeFilters": [], "symbolFilters": symbol_filters(engine.specs[sym].rules), "assetFilters": []}
