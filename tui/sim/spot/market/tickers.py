"""The ticker answers beyond the 24hr and book tickers, shared by the WS API and REST: the rolling
window `ticker` (GET /api/v3/ticker), `ticker.tradingDay` (GET /api/v3/ticker/tradingDay) and
`ticker.price` (GET /api/v3/ticker/price), with their request weights (web-socket-api.md).

Each takes the request params and returns the JSON result: one object when `symbol` was sent, a
list otherwise. `symbolStatus` filters the symbols by trading status (-1220 for a single symbol
that does not match).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from tui.domain.money import ZERO
from tui.sim.protocol.errors import ApiError, invalid_param
from tui.sim.protocol.params import Params, opt_enum, opt_str, symbol_list
from tui.sim.spot.api.wire import d8
from tui.sim.spot.market.views import format_ticker, time_zone_offset
from tui.sim.spot.market.windows import window_stats
from tui.sim.spot.matching.engine import Engine

if TYPE_CHECKING:
    from tui.sim.spot.market.data import MarketData

_M, _H, _D = 60_000, 3_600_000, 86_400_000
_WINDOW_RE = re.compile(r"^([1-9][0-9]?)([mhd])$")
_WINDOW_UNITS = {"m": (_M, 59), "h": (_H, 23), "d": (_D, 7)}  # unit -> (ms, largest count)
SYMBOL_STATUSES = ("TRADING", "HALT", "BREAK")
_MINI_DROPS = ("priceChange", "priceChangePercent", "weightedAvgPrice")


def requested_symbols(params: Params) -> int | None:
    """How many symbols a request names: 1 for `symbol`, the length of `symbols`, None for neither
    (or an unreadable list, which the handler then refuses)."""
    if params.get("symbol"):
        return 1
    many = params.get("symbols")
    if isinstance(many, str) and many:
        try:
            many = json.loads(many)
        except ValueError:
            return None
    return len(many) if isinstance(many, list) else None


def per_symbol_weight(params: Params) -> int:
    """`ticker` and `ticker.tradingDay`: 4 per symbol, capped at 200 past 50 symbols."""
    n = requested_symbols(params) or 1
    return 200 if n > 50 else 4 * n


def price_weight(params: Params) -> int:
    """`ticker.price`: 2 for one `symbol`, 4 for `symbols` or for every symbol."""
    return 2 if params.get("symbol") else 4


def window_ms(params: Params) -> int:
    """`windowSize` (default 1d): 1m..59m, 1h..23h or 1d..7d, one unit only."""
    text = opt_str(params, "windowSize") or "1d"
    match = _WINDOW_RE.match(text)
    if match is None or int(match[1]) > _WINDOW_UNITS[match[2]][1]:
        raise invalid_param("windowSize")
    return int(match[1]) * _WINDOW_UNITS[match[2]][0]


def _symbols(engine: Engine, params: Params, *, required: bool, max_symbols: int | None) -> list[str]:
    """The symbols a ticker request names, in request order, filtered by `symbolStatus`."""
    n = requested_symbols(params)
    if max_symbols is not None and n is not None and n > max_symbols:
        raise ApiError(-1101, "Too many parameters sent for this endpoint.")
    names = symbol_list(params, engine.specs)
    if names is None:
        if required:
            raise ApiError(-1102, "Param 'symbol' or 'symbols' must be sent, but both were empty/null!")
        names = list(engine.specs)
    status = opt_enum(params, "symbolStatus", SYMBOL_STATUSES, ApiError(-1122, "Invalid symbolStatus."))
    if status is None:
        return names
    matching = [n for n in names if engine.specs[n].rules.status == status]
    if opt_str(params, "symbol") is not None and not matching:
        raise ApiError(-1220, "The symbol's status does not match the requested symbolStatus.")
    return matching


def _full(params: Params) -> bool:
    kind = opt_str(params, "type") or "FULL"
    if kind not in ("FULL", "MINI"):
        raise ApiError(-1139, "Invalid ticker type.")
    return kind == "FULL"


def _answer(params: Params, rows: list[dict[str, Any]]) -> Any:
    return rows[0] if opt_str(params, "symbol") is not None else rows


def _stats_row(market_data: MarketData, sym: str, open_time: int, close_time: int, full: bool) -> dict[str, Any]:
    stats = window_stats(market_data.window_bars(sym, open_time), market_data.last_price(sym) or ZERO)
    row = {"symbol": sym, **format_ticker(dict(stats)), "openTime": open_time, "closeTime": close_time}
    row = {k: row[k] for k in _ORDER}
    if not full:
        for k in _MINI_DROPS:
            del row[k]
    return row


_ORDER = (
    "symbol",
    "priceChange",
    "priceChangePercent",
    "weightedAvgPrice",
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


def rolling_ticker(engine: Engine, market_data: MarketData, params: Params, *, max_symbols: int) -> Any:
    """Statistics over the last `windowSize`: `openTime` on a minute boundary, `closeTime` now (so the
    window may be up to 59999 ms wider than asked)."""
    names = _symbols(engine, params, required=True, max_symbols=max_symbols)
    full = _full(params)
    now = engine.clock_ms()
    open_time = now - window_ms(params)
    open_time -= open_time % _M
    return _answer(params, [_stats_row(market_data, s, open_time, now, full) for s in names])


def trading_day_ticker(engine: Engine, market_data: MarketData, params: Params) -> Any:
    """Statistics of the current trading day in `timeZone` (default UTC): from the day's start up to
    now; `closeTime` is the day's last millisecond."""
    names = _symbols(engine, params, required=True, max_symbols=100)
    full = _full(params)
    offset = time_zone_offset(params)
    now = engine.clock_ms()
    open_time = now - (now + offset) % _D
    return _answer(params, [_stats_row(market_data, s, open_time, open_time + _D - 1, full) for s in names])


def price_ticker(engine: Engine, market_data: MarketData, params: Params) -> Any:
    """The last traded price of one symbol, of some, or of all of them."""
    names = _symbols(engine, params, required=False, max_symbols=None)
    return _answer(params, [{"symbol": s, "price": d8(market_data.last_price(s))} for s in names])
