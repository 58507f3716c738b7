"""Binance JSON shapes of market stream events (web-socket-streams.md): trade, aggTrade, bookTicker,
depthUpdate, partial book depth, 24hrMiniTicker, 24hrTicker and kline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.sim.spot.api.wire import Json, d8, levels
from tui.sim.spot.market.views import agg_trade_row, kline_row

Level = tuple[Decimal, Decimal] | None

# 24hrTicker field -> the 24hr ticker row's field (market.views.ticker_24h_one), in Binance's order
_TICKER_FIELDS = {
    "s": "symbol",
    "p": "priceChange",
    "P": "priceChangePercent",
    "w": "weightedAvgPrice",
    "x": "prevClosePrice",
    "c": "lastPrice",
    "Q": "lastQty",
    "b": "bidPrice",
    "B": "bidQty",
    "a": "askPrice",
    "A": "askQty",
    "o": "openPrice",
    "h": "highPrice",
    "l": "lowPrice",
    "v": "volume",
    "q": "quoteVolume",
    "O": "openTime",
    "C": "closeTime",
    "F": "firstId",
    "L": "lastId",
    "n": "count",
}
_MINI_TICKER_FIELDS = {
    "s": "symbol",
    "c": "lastPrice",
    "o": "openPrice",
    "h": "highPrice",
    "l": "lowPrice",
    "v": "volume",
    "q": "quoteVolume",
}


def trade_event(ev: Any, now_ms: int) -> Json:
    """`<s>@trade` for an engine TradeExecuted event."""
    return {
        "e": "trade",
        "E": now_ms,
        "s": ev.symbol,
        "t": ev.trade_id,
        "p": d8(ev.price),
        "q": d8(ev.qty),
        "T": ev.time,
        "m": ev.buyer_is_maker,
        "M": True,
    }


def agg_trade_event(a: Any, now_ms: int) -> Json:
    """`<s>@aggTrade` for one aggregate trade of market data."""
    return {"e": "aggTrade", "E": now_ms, "s": a.symbol, **agg_trade_row(a)}


def book_ticker_event(symbol: str, update_id: int, bid: Level, ask: Level) -> Json:
    """`<s>@bookTicker`: best bid and ask (zeros for an empty side)."""
    return {
        "u": update_id,
        "s": symbol,
        "b": d8(bid[0] if bid else None),
        "B": d8(bid[1] if bid else None),
        "a": d8(ask[0] if ask else None),
        "A": d8(ask[1] if ask else None),
    }


def depth_update_event(symbol: str, first: int, last: int, bids: Any, asks: Any, now_ms: int) -> Json:
    """`<s>@depth[@100ms]`: the final qty of every level changed by updates `first`..`last`."""
    return {
        "e": "depthUpdate",
        "E": now_ms,
        "s": symbol,
        "U": first,
        "u": last,
        "b": levels(sorted(bids.items(), reverse=True)),
        "a": levels(sorted(asks.items())),
    }


def partial_depth_event(last_update_id: int, bids: Any, asks: Any) -> Json:
    """`<s>@depth<5|10|20>[@100ms]`: the top of the book."""
    return {"lastUpdateId": last_update_id, "bids": levels(bids), "asks": levels(asks)}


def mini_ticker_event(row: Json, now_ms: int) -> Json:
    """`<s>@miniTicker` from a 24hr ticker row (market.views.ticker_24h_one)."""
    return {"e": "24hrMiniTicker", "E": now_ms, **{k: row[v] for k, v in _MINI_TICKER_FIELDS.items()}}


def ticker_event(row: Json, now_ms: int) -> Json:
    """`<s>@ticker` from a 24hr ticker row (market.views.ticker_24h_one)."""
    return {"e": "24hrTicker", "E": now_ms, **{k: row[v] for k, v in _TICKER_FIELDS.items()}}


def kline_event(k: Any, now_ms: int) -> Json:
    """`<s>@kline_<interval>` for one kline bar, open or closed."""
    row = kline_row(k)
    return {
        "e": "kline",
        "E": now_ms,
        "s": k.symbol,
        "k": {
            "t": k.open_time,
            "T": k.close_time,
            "s": k.symbol,
            "i": k.interval,
            "f": k.first_trade_id,
            "L": k.last_trade_id,
            "o": row[1],
            "c": row[4],
            "h": row[2],
            "l": row[3],
            "v": row[5],
            "n": k.trades,
            "x": k.closed,
            "q": row[7],
            "V": row[9],
            "Q": row[10],
            "B": "0",
        },
    }
