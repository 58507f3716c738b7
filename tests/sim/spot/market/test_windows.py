"""The simulator's window arithmetic: klines regrouped in a time zone, the bars of a rolling window
(1h bars where the 1m history no longer reaches), and the statistics over them."""

from __future__ import annotations

from decimal import Decimal as D

from tui.sim.spot.market.data import MarketData
from tui.sim.spot.market.records import KlineBar
from tui.sim.spot.market.windows import klines_in_zone, regroup, window_stats
from tui.sim.spot.matching.engine import Engine
from tui.sim.spot.symbols import default_specs

H, M = 3_600_000, 60_000
T0 = 1_700_002_800_000  # an hour boundary (UTC)


def minute_bars(start: int, n: int) -> list[KlineBar]:
    """`n` closed 1m bars from `start`, bar i trading i+1 BTC at price 100+i with trade ids 10i..10i+9."""
    return [
        KlineBar(
            "BTCUSDT", "1m", start + i * M, start + i * M + M - 1, D(100 + i), D(101 + i), D(99 + i), D(100 + i),
            D(i + 1), D((i + 1) * (100 + i)), 10, D(0), D(0), 10 * i, 10 * i + 9, True,
        )
        for i in range(n)
    ]  # fmt: skip


def market_data(now: int, bars: list[KlineBar]) -> MarketData:
    md = MarketData(Engine(default_specs(), lambda: now))
    md.backfill("BTCUSDT", bars, "1m")
    return md


def test_regroup_in_a_zone() -> None:
    bars = minute_bars(T0, 120)
    zoned = regroup(bars, "1h", H, 345 * M)  # +05:45: hours start at :15 UTC
    assert [b.open_time for b in zoned] == [T0 - 45 * M, T0 + 15 * M, T0 + 75 * M]
    assert [b.trades for b in zoned] == [150, 600, 450]
    assert sum(b.volume for b in zoned) == sum(b.volume for b in bars)
    middle = zoned[1]
    assert (middle.open, middle.close, middle.high, middle.low) == (D(115), D(174), D(175), D(114))
    assert (middle.first_trade_id, middle.last_trade_id) == (150, 749)
    assert middle.closed and middle.close_time == T0 + 75 * M - 1 and middle.interval == "1h"


def test_klines_in_zone_picks_a_dividing_interval() -> None:
    md = market_data(T0 + 120 * M, minute_bars(T0, 120))
    utc = klines_in_zone(md, "BTCUSDT", "1h", 0, start_time=None, end_time=None, limit=500)
    assert [b.open_time for b in utc] == [T0, T0 + H]
    minus_one = klines_in_zone(md, "BTCUSDT", "1h", -H, start_time=None, end_time=None, limit=500)
    assert minus_one == utc  # a whole-hour offset changes nothing for hourly klines
    half = klines_in_zone(md, "BTCUSDT", "1h", 30 * M, start_time=T0, end_time=None, limit=1)
    assert [b.open_time for b in half] == [T0 + 30 * M] and half[0].volume == sum(D(i + 1) for i in range(30, 90))
    day = klines_in_zone(md, "BTCUSDT", "1d", 8 * H, start_time=None, end_time=None, limit=500)
    assert len(day) == 1 and (day[0].open_time + 8 * H) % (24 * H) == 0 and day[0].trades == 1200


def test_window_bars_fall_back_to_hours() -> None:
    n = 30 * 60  # 30 hours of minutes; the 1m series keeps only the last 1500 (25 h)
    bars = minute_bars(T0, n)
    md = market_data(T0 + n * M, bars)
    kept = md.bars("BTCUSDT", "1m")
    assert len(kept) == 1500 and kept[0].open_time == T0 + 5 * H
    whole = md.window_bars("BTCUSDT", T0)
    assert [b.interval for b in whole[:5]] == ["1h"] * 5 and whole[5].interval == "1m"
    assert sum(b.volume for b in whole) == sum(b.volume for b in bars)
    late = md.window_bars("BTCUSDT", T0 + 10 * M)  # the first, partial hour is left out
    assert late[0].open_time == T0 + H and sum(b.trades for b in late) == 10 * (n - 60)
    recent = md.window_bars("BTCUSDT", T0 + n * M - 5 * M)
    assert [b.interval for b in recent] == ["1m"] * 5


def test_window_stats() -> None:
    bars = minute_bars(T0, 3)
    stats = window_stats(bars, D(103))
    assert stats["openPrice"] == D(100) and stats["highPrice"] == D(103) and stats["lowPrice"] == D(99)
    assert stats["priceChange"] == D(3) and stats["priceChangePercent"] == D("3.000")
    assert stats["volume"] == D(6) and stats["quoteVolume"] == D(100 + 2 * 101 + 3 * 102)
    assert stats["weightedAvgPrice"] == (D(608) / D(6)).quantize(D("0.00000001"))
    assert (stats["firstId"], stats["lastId"], stats["count"]) == (0, 29, 30)
    empty = window_stats([], D(50))
    assert empty["openPrice"] == empty["highPrice"] == D(50) and empty["priceChange"] == 0
    assert (empty["firstId"], empty["lastId"], empty["count"]) == (-1, -1, 0)
