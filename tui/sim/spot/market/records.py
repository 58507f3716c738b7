"""The immutable records public market data hands out: `KlineBar` and `AggTrade`, the events that
announce them (`KlineUpdated`, `AggTradeExecuted`), and the kline `INTERVALS` with the bar arithmetic
(`merge_bars`, `flat_bar`) that `data.MarketData` and `windows` share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tui.domain.money import ZERO

SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS = 1000, 60_000, 3_600_000, 86_400_000
INTERVALS: dict[str, int] = {
    "1s": SECOND_MS,
    "1m": MINUTE_MS,
    "3m": 3 * MINUTE_MS,
    "5m": 5 * MINUTE_MS,
    "15m": 15 * MINUTE_MS,
    "30m": 30 * MINUTE_MS,
    "1h": HOUR_MS,
    "2h": 2 * HOUR_MS,
    "4h": 4 * HOUR_MS,
    "6h": 6 * HOUR_MS,
    "8h": 8 * HOUR_MS,
    "12h": 12 * HOUR_MS,
    "1d": DAY_MS,
}


@dataclass(frozen=True)
class KlineBar:
    """One candlestick, with every field of Binance's kline array/stream."""

    symbol: str
    interval: str
    open_time: int
    close_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal
    trades: int
    taker_buy_volume: Decimal
    taker_buy_quote_volume: Decimal
    first_trade_id: int = -1
    last_trade_id: int = -1
    closed: bool = False


@dataclass(frozen=True)
class AggTrade:
    symbol: str
    agg_id: int
    price: Decimal
    qty: Decimal
    first_trade_id: int
    last_trade_id: int
    time: int
    buyer_is_maker: bool


@dataclass(frozen=True)
class KlineUpdated:
    symbol: str
    interval: str
    kline: KlineBar


@dataclass(frozen=True)
class AggTradeExecuted:
    trade: AggTrade

    @property
    def symbol(self) -> str:
        return self.trade.symbol


MarketDataEvent = KlineUpdated | AggTradeExecuted
MarketDataListener = Callable[[MarketDataEvent], None]


def merge_bars(bar: KlineBar, other: KlineBar) -> KlineBar:
    """`bar` extended by the later `other` (same interval slot)."""
    return KlineBar(
        bar.symbol,
        bar.interval,
        bar.open_time,
        bar.close_time,
        bar.open,
        max(bar.high, other.high),
        min(bar.low, other.low),
        other.close,
        bar.volume + other.volume,
        bar.quote_volume + other.quote_volume,
        bar.trades + other.trades,
        bar.taker_buy_volume + other.taker_buy_volume,
        bar.taker_buy_quote_volume + other.taker_buy_quote_volume,
        bar.first_trade_id if bar.first_trade_id >= 0 else other.first_trade_id,
        other.last_trade_id if other.last_trade_id >= 0 else bar.last_trade_id,
        False,
    )


def flat_bar(symbol: str, interval: str, open_time: int, ms: int, price: Decimal, closed: bool) -> KlineBar:
    """A kline without trades at `price`: Binance fills gaps with these (volume 0)."""
    return KlineBar(
        symbol,
        interval,
        open_time,
        open_time + ms - 1,
        price,
        price,
        price,
        price,
        ZERO,
        ZERO,
        0,
        ZERO,
        ZERO,
        -1,
        -1,
        closed,
    )
