"""Kline arithmetic behind the time-zone and window requests (web-socket-api.md "Klines",
"Trading Day Ticker", "Rolling window price change statistics"), as pure functions over bars.

- `regroup` / `klines_in_zone`: finer klines merged into klines of a longer interval whose open times
  are aligned in a time zone east (or west) of UTC, for `klines` / `uiKlines` with a `timeZone`;
- `window_stats`: the price statistics of a window of bars, with Binance's field names, for the
  rolling `ticker` and `ticker.tradingDay`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from tui.domain.money import ZERO
from tui.sim.spot.market.data import MarketData
from tui.sim.spot.market.records import INTERVALS, KlineBar, merge_bars

_EIGHT = Decimal("0.00000001")


def regroup(bars: Iterable[KlineBar], interval: str, ms: int, offset_ms: int) -> list[KlineBar]:
    """`bars` (oldest first, of an interval that divides both `ms` and `offset_ms`) merged into
    `interval` klines of `ms` milliseconds that start on the interval's boundaries in local time,
    `offset_ms` ahead of UTC. The first kline may be partial if the finer history starts mid-way."""
    out: list[KlineBar] = []
    for bar in bars:
        open_time = bar.open_time - (bar.open_time + offset_ms) % ms
        if out and out[-1].open_time == open_time:
            merged = merge_bars(out[-1], bar)
            out[-1] = replace(merged, closed=bar.closed and bar.close_time == merged.close_time)
        else:
            close_time = open_time + ms - 1
            out.append(
                replace(
                    bar,
                    interval=interval,
                    open_time=open_time,
                    close_time=close_time,
                    closed=bar.closed and bar.close_time == close_time,
                )
            )
    return out


def window_stats(bars: Sequence[KlineBar], last_price: Decimal) -> dict[str, Decimal | int]:
    """Price change statistics over `bars` (oldest first). Without any trade in the window every price
    is the last traded price and the change is zero, as the simulator's 24h ticker does."""
    traded = [b for b in bars if b.volume > 0]
    open_price = traded[0].open if traded else last_price
    volume = sum((b.volume for b in bars), ZERO)
    quote_volume = sum((b.quote_volume for b in bars), ZERO)
    with_ids = [b for b in bars if b.first_trade_id >= 0]
    change = last_price - open_price
    return {
        "priceChange": change,
        "priceChangePercent": (change / open_price * 100).quantize(Decimal("0.001")) if open_price else ZERO,
        "weightedAvgPrice": (quote_volume / volume).quantize(_EIGHT) if volume else last_price,
        "openPrice": open_price,
        "highPrice": max((b.high for b in traded), default=last_price),
        "lowPrice": min((b.low for b in traded), default=last_price),
        "lastPrice": last_price,
        "volume": volume,
        "quoteVolume": quote_volume,
        "firstId": with_ids[0].first_trade_id if with_ids else -1,
        "lastId": with_ids[-1].last_trade_id if with_ids else -1,
        "count": sum(b.trades for b in bars),
    }


def klines_in_zone(
    market_data: MarketData,
    symbol: str,
    interval: str,
    offset_ms: int,
    *,
    start_time: int | None,
    end_time: int | None,
    limit: int,
) -> list[KlineBar]:
    """`MarketData.klines` with interval boundaries in a time zone `offset_ms` ahead of UTC: klines are
    regrouped from the longest kept interval that divides both the interval and the offset (a whole
    number of minutes). `startTime` / `endTime` still select UTC open times."""
    ms = INTERVALS.get(interval)
    if ms is None or offset_ms % ms == 0:  # unknown intervals are refused by MarketData itself
        return market_data.klines(symbol, interval, start_time=start_time, end_time=end_time, limit=limit)
    base = max((iv for iv, m in INTERVALS.items() if ms % m == 0 and offset_ms % m == 0), key=INTERVALS.__getitem__)
    bars = [
        b
        for b in regroup(market_data.bars(symbol, base), interval, ms, offset_ms)
        if (start_time is None or b.open_time >= start_time) and (end_time is None or b.open_time <= end_time)
    ]
    return bars[:limit] if start_time is not None else bars[-limit:]
