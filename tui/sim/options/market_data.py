"""Public market data of the options venue built from its trades: recent trades, klines, 24h tickers."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal

from tui.sim.options.book import ZERO
from tui.sim.options.events import Event, Trade, TradeEvent

MAX_TRADES = 5000
DAY_MS = 86_400_000
INTERVALS: dict[str, int] = {
    "1m": 60_000,
    "3m": 180_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "2h": 7_200_000,
    "4h": 14_400_000,
    "6h": 21_600_000,
    "12h": 43_200_000,
    "1d": DAY_MS,
    "3d": 3 * DAY_MS,
    "1w": 7 * DAY_MS,
}


@dataclass
class Bar:
    open_time: int
    close_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal = ZERO
    amount: Decimal = ZERO
    taker_volume: Decimal = ZERO
    taker_amount: Decimal = ZERO
    count: int = 0
    first_id: int = 0
    last_id: int = 0


@dataclass(frozen=True)
class Ticker24h:
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    last_qty: Decimal
    volume: Decimal
    amount: Decimal
    open_time: int
    close_time: int
    first_id: int
    last_id: int
    count: int


class OptionsMarketData:
    """The last `MAX_TRADES` trades of every series (an engine listener)."""

    def __init__(self) -> None:
        self.trades: dict[str, deque[Trade]] = {}

    def on_event(self, ev: Event) -> None:
        if isinstance(ev, TradeEvent):
            self.trades.setdefault(ev.trade.symbol, deque(maxlen=MAX_TRADES)).append(ev.trade)

    def recent(self, symbol: str, limit: int, from_id: int | None = None) -> list[Trade]:
        trades = list(self.trades.get(symbol, ()))
        if from_id is not None:
            return [t for t in trades if t.id >= from_id][:limit]
        return trades[-limit:]

    def klines(
        self, symbol: str, interval_ms: int, start: int | None = None, end: int | None = None, limit: int = 500
    ) -> list[Bar]:
        """Bars with at least one trade, oldest first; the newest one may still be open."""
        bars: dict[int, Bar] = {}
        for t in self.trades.get(symbol, ()):
            if (start is not None and t.time < start) or (end is not None and t.time > end):
                continue
            open_time = t.time - t.time % interval_ms
            bar = bars.get(open_time)
            if bar is None:
                bar = bars[open_time] = Bar(open_time, open_time + interval_ms - 1, t.price, t.price, t.price, t.price)
                bar.first_id = t.id
            bar.high, bar.low, bar.close = max(bar.high, t.price), min(bar.low, t.price), t.price
            bar.volume += t.qty
            bar.amount += t.qty * t.price
            if t.side == 1:
                bar.taker_volume += t.qty
                bar.taker_amount += t.qty * t.price
            bar.count += 1
            bar.last_id = t.id
        rows = [bars[k] for k in sorted(bars)]
        return rows[-limit:] if start is None else rows[:limit]

    def ticker(self, symbol: str, now: int) -> Ticker24h | None:
        day = [t for t in self.trades.get(symbol, ()) if t.time > now - DAY_MS]
        if not day:
            return None
        return Ticker24h(
            open=day[0].price,
            high=max(t.price for t in day),
            low=min(t.price for t in day),
            last=day[-1].price,
            last_qty=day[-1].qty,
            volume=sum((t.qty for t in day), ZERO),
            amount=sum((t.qty * t.price for t in day), ZERO),
            open_time=day[0].time,
            close_time=day[-1].time,
            first_id=day[0].id,
            last_id=day[-1].id,
            count=len(day),
        )
