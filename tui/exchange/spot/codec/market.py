"""Pure translation of market data on the wire (WS API answers and stream frames) into domain values. No I/O.

trades.recent / trades.historical rows, trades.aggregate rows, the rolling-window and trading-day
tickers (FULL or MINI), ticker.price and myFilters (web-socket-api.md); the trade, kline and 24hr
ticker streams and klines / ticker.24hr answers. Anything malformed raises ValueError naming the field
and the message type (see `tui.exchange.wire_readers`); money goes from the wire string straight to
Decimal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tui.domain.money import ZERO, to_decimal
from tui.domain.spot.market import (
    AccountFilters,
    AggTrade,
    FilterRule,
    FilterValue,
    Kline,
    MarketTrade,
    PriceTicker,
    Ticker24h,
    Trade,
    WindowTicker,
)
from tui.exchange.wire_readers import bool_field, decimal_field, expect_list, expect_object, field, int_field, str_field

T = TypeVar("T")


def rows(result: Any, what: str, parse: Callable[[Any], T]) -> list[T]:
    """Each element of a list answer parsed with `parse`; ValueError unless the answer is a list."""
    return [parse(r) for r in expect_list(result, what)]


# --- trades --------------------------------------------------------------------------------------


def market_trade_from_wire(d: Any) -> MarketTrade:
    """One row of trades.recent / trades.historical."""
    what = "trade"
    t = expect_object(d, what)
    return MarketTrade(
        trade_id=int_field(t, "id", what),
        price=decimal_field(t, "price", what),
        qty=decimal_field(t, "qty", what),
        quote_qty=decimal_field(t, "quoteQty", what),
        time=int_field(t, "time", what),
        buyer_is_maker=bool_field(t, "isBuyerMaker", what),
        best_match=bool_field(t, "isBestMatch", what, True),
    )


def agg_trade_from_wire(d: Any) -> AggTrade:
    """One row of trades.aggregate (single-letter keys, as the aggTrade stream)."""
    what = "aggTrade"
    a = expect_object(d, what)
    return AggTrade(
        agg_id=int_field(a, "a", what),
        price=decimal_field(a, "p", what),
        qty=decimal_field(a, "q", what),
        first_trade_id=int_field(a, "f", what),
        last_trade_id=int_field(a, "l", what),
        time=int_field(a, "T", what),
        buyer_is_maker=bool_field(a, "m", what),
        best_match=bool_field(a, "M", what, True),
    )


# --- tickers -------------------------------------------------------------------------------------


def window_ticker_from_wire(d: Any, what: str = "ticker") -> WindowTicker:
    """A rolling-window (`ticker`) or `ticker.tradingDay` result for one symbol, FULL or MINI: a FULL
    one carries priceChange, priceChangePercent and weightedAvgPrice, a MINI one none of them."""
    t = expect_object(d, what)
    full = "priceChange" in t
    return WindowTicker(
        symbol=str_field(t, "symbol", what),
        open_price=decimal_field(t, "openPrice", what),
        high=decimal_field(t, "highPrice", what),
        low=decimal_field(t, "lowPrice", what),
        last_price=decimal_field(t, "lastPrice", what),
        volume=decimal_field(t, "volume", what),
        quote_volume=decimal_field(t, "quoteVolume", what),
        open_time=int_field(t, "openTime", what),
        close_time=int_field(t, "closeTime", what),
        first_id=int_field(t, "firstId", what),
        last_id=int_field(t, "lastId", what),
        count=int_field(t, "count", what),
        price_change=decimal_field(t, "priceChange", what) if full else None,
        price_change_percent=decimal_field(t, "priceChangePercent", what) if full else None,
        weighted_avg_price=decimal_field(t, "weightedAvgPrice", what) if full else None,
    )


def price_ticker_from_wire(d: Any) -> PriceTicker:
    what = "ticker.price"
    t = expect_object(d, what)
    return PriceTicker(symbol=str_field(t, "symbol", what), price=decimal_field(t, "price", what))


# --- filters -------------------------------------------------------------------------------------

_TEXT_FIELDS = frozenset({"asset"})  # string fields that are names, not numbers


def _filter_value(key: str, value: Any, what: str) -> FilterValue:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if key in _TEXT_FIELDS:
            return value
        try:
            return to_decimal(value)
        except ValueError:
            return value  # a textual field this client does not know
    raise ValueError(f"{what}: bad value for {key!r}: {value!r}")


def filter_from_wire(d: Any, what: str = "filter") -> FilterRule:
    """One filter object: `filterType` and its fields (numeric strings as Decimal)."""
    f = expect_object(d, what)
    kind = str_field(f, "filterType", what)
    fields: dict[str, FilterValue] = {
        k: _filter_value(k, v, f"{what} {kind}") for k, v in f.items() if k != "filterType"
    }
    return FilterRule(kind, fields)


def account_filters_from_wire(d: Any, symbol: str) -> AccountFilters:
    """The myFilters result for `symbol`."""
    what = "myFilters"
    r = expect_object(d, what)

    def group(key: str) -> tuple[FilterRule, ...]:
        return tuple(rows(field(r, key, what), f"{what} {key}", lambda f: filter_from_wire(f, f"{what} {key}")))

    return AccountFilters(
        symbol=symbol,
        exchange_filters=group("exchangeFilters"),
        symbol_filters=group("symbolFilters"),
        asset_filters=group("assetFilters"),
    )


# --- streams, klines and the 24h ticker ----------------------------------------------------------


def trade_from_stream(d: Any) -> Trade:
    """A `trade` (or `aggTrade`) stream payload."""
    what = "trade"
    t = expect_object(d, what)
    trade_id = int_field(t, "t", what, None)
    if trade_id is None:
        trade_id = int_field(t, "a", what)
    return Trade(
        trade_id=trade_id,
        price=decimal_field(t, "p", what),
        qty=decimal_field(t, "q", what),
        time=int_field(t, "T", what),
        buyer_is_maker=bool_field(t, "m", what),
    )


def kline_from_rest(row: Any) -> Kline:
    """One row of `klines` (REST or WS API): [openTime, o, h, l, c, v, closeTime, ...]."""
    if not isinstance(row, (list, tuple)) or len(row) < 7:
        raise ValueError(f"kline: expected an array of at least 7 fields, got {row!r}")
    d = {"t": row[0], "o": row[1], "h": row[2], "l": row[3], "c": row[4], "v": row[5], "T": row[6]}
    return _kline(d, "kline", closed=True)


def _kline(k: dict[str, Any], what: str, *, closed: bool) -> Kline:
    return Kline(
        open_time=int_field(k, "t", what),
        close_time=int_field(k, "T", what),
        open=decimal_field(k, "o", what),
        high=decimal_field(k, "h", what),
        low=decimal_field(k, "l", what),
        close=decimal_field(k, "c", what),
        volume=decimal_field(k, "v", what),
        closed=closed,
    )


def kline_from_stream(d: Any) -> Kline:
    """A `kline_<interval>` stream payload (the bar is under `k`; `x` says whether it closed)."""
    what = "kline event"
    k = expect_object(field(expect_object(d, what), "k", what), what)
    return _kline(k, what, closed=bool_field(k, "x", what, False))


def ticker_from_stream(d: Any) -> Ticker24h:
    """A `<symbol>@ticker` (24hrTicker) stream payload."""
    what = "24hrTicker"
    t = expect_object(d, what)
    return Ticker24h(
        symbol=str_field(t, "s", what),
        last_price=decimal_field(t, "c", what),
        price_change=decimal_field(t, "p", what),
        price_change_percent=decimal_field(t, "P", what),
        high=decimal_field(t, "h", what),
        low=decimal_field(t, "l", what),
        volume=decimal_field(t, "v", what),
        quote_volume=decimal_field(t, "q", what),
    )


def ticker_from_ws(d: Any) -> Ticker24h:
    """The `ticker.24hr` WS API result (FULL type) for one symbol."""
    what = "ticker.24hr"
    t = expect_object(d, what)
    return Ticker24h(
        symbol=str_field(t, "symbol", what),
        last_price=decimal_field(t, "lastPrice", what),
        price_change=decimal_field(t, "priceChange", what, ZERO),
        price_change_percent=decimal_field(t, "priceChangePercent", what, ZERO),
        high=decimal_field(t, "highPrice", what),
        low=decimal_field(t, "lowPrice", what),
        volume=decimal_field(t, "volume", what),
        quote_volume=decimal_field(t, "quoteVolume", what),
    )
