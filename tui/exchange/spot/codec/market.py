"""Pure translation of the WS API's market-data and filter answers into `tui.domain.spot.market` values. No I/O.

trades.recent / trades.historical rows, trades.aggregate rows, the rolling-window and trading-day
tickers (FULL or MINI), ticker.price, and myFilters (web-socket-api.md). As in `codec`, anything
malformed raises ValueError naming the field and the message type; money goes from the wire string
straight to Decimal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tui.domain.money import to_decimal
from tui.domain.spot.market import (
    AccountFilters,
    AggTrade,
    FilterRule,
    FilterValue,
    MarketTrade,
    PriceTicker,
    WindowTicker,
)
from tui.exchange.spot.codec.orders import _bool, _dec, _get, _int, _list, _obj, _str

T = TypeVar("T")


def rows(result: Any, what: str, parse: Callable[[Any], T]) -> list[T]:
    """Each element of a list answer parsed with `parse`; ValueError unless the answer is a list."""
    return [parse(r) for r in _list(result, what)]


# --- trades --------------------------------------------------------------------------------------


def market_trade_from_wire(d: Any) -> MarketTrade:
    """One row of trades.recent / trades.historical."""
    what = "trade"
    t = _obj(d, what)
    return MarketTrade(
        trade_id=_int(t, "id", what),
        price=_dec(t, "price", what),
        qty=_dec(t, "qty", what),
        quote_qty=_dec(t, "quoteQty", what),
        time=_int(t, "time", what),
        buyer_is_maker=_bool(t, "isBuyerMaker", what),
        best_match=_bool(t, "isBestMatch", what, True),
    )


def agg_trade_from_wire(d: Any) -> AggTrade:
    """One row of trades.aggregate (single-letter keys, as the aggTrade stream)."""
    what = "aggTrade"
    a = _obj(d, what)
    return AggTrade(
        agg_id=_int(a, "a", what),
        price=_dec(a, "p", what),
        qty=_dec(a, "q", what),
        first_trade_id=_int(a, "f", what),
        last_trade_id=_int(a, "l", what),
        time=_int(a, "T", what),
        buyer_is_maker=_bool(a, "m", what),
        best_match=_bool(a, "M", what, True),
    )


# --- tickers -------------------------------------------------------------------------------------


def window_ticker_from_wire(d: Any, what: str = "ticker") -> WindowTicker:
    """A rolling-window (`ticker`) or `ticker.tradingDay` result for one symbol, FULL or MINI: a FULL
    one carries priceChange, priceChangePercent and weightedAvgPrice, a MINI one none of them."""
    t = _obj(d, what)
    full = "priceChange" in t
    return WindowTicker(
        symbol=_str(t, "symbol", what),
        open_price=_dec(t, "openPrice", what),
        high=_dec(t, "highPrice", what),
        low=_dec(t, "lowPrice", what),
        last_price=_dec(t, "lastPrice", what),
        volume=_dec(t, "volume", what),
        quote_volume=_dec(t, "quoteVolume", what),
        open_time=_int(t, "openTime", what),
        close_time=_int(t, "closeTime", what),
        first_id=_int(t, "firstId", what),
        last_id=_int(t, "lastId", what),
        count=_int(t, "count", what),
        price_change=_dec(t, "priceChange", what) if full else None,
        price_change_percent=_dec(t, "priceChangePercent", what) if full else None,
        weighted_avg_price=_dec(t, "weightedAvgPrice", what) if full else None,
    )


def price_ticker_from_wire(d: Any) -> PriceTicker:
    what = "ticker.price"
    t = _obj(d, what)
    return PriceTicker(symbol=_str(t, "symbol", what), price=_dec(t, "price", what))


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
    f = _obj(d, what)
    kind = _str(f, "filterType", what)
    fields: dict[str, FilterValue] = {
        k: _filter_value(k, v, f"{what} {kind}") for k, v in f.items() if k != "filterType"
    }
    return FilterRule(kind, fields)


def account_filters_from_wire(d: Any, symbol: str) -> AccountFilters:
    """The myFilters result for `symbol`."""
    what = "myFilters"
    r = _obj(d, what)

    def group(key: str) -> tuple[FilterRule, ...]:
        return tuple(rows(_get(r, key, what), f"{what} {key}", lambda f: filter_from_wire(f, f"{what} {key}")))

    return AccountFilters(
        symbol=symbol,
        exchange_filters=group("exchangeFilters"),
        symbol_filters=group("symbolFilters"),
        asset_filters=group("assetFilters"),
    )
