"""Public market data derived from the engine's trades: klines, aggregate trades, 24h ticker, avgPrice.
The records it hands out (KlineBar, AggTrade, their events, INTERVALS) are `records`.

`MarketData(engine)` subscribes to the engine and keeps, per symbol:
  - klines for every interval in `INTERVALS` (1s ... 1d), open times aligned to the interval in UTC ms,
    the last `max_klines` per interval (1m keeps at least 1500 so the 24h ticker can be computed);
    gaps without trades are filled with flat klines (volume 0), as Binance does;
  - the last `max_trades` public trades (`TradeExecuted`) and aggregate trades (`AggTrade`).

Its own events, delivered synchronously to `subscribe(listener)` listeners:
  - `KlineUpdated(symbol, interval, kline)`: a kline changed (once per interval at the end of each
    taker order, not per fill) or was closed (`kline.closed` is True: Binance's `"x": true`);
  - `AggTradeExecuted(trade)`: an aggregate trade is complete. Consecutive fills of the same taker
    order at the same price aggregate; an aggregate completes when the taker order finished matching
    (the engine's BalancesChanged / non-TRADE OrderUpdated that follows), or on `flush()`.

`tick(now_ms)` (the synthetic market calls it every step) closes klines whose interval has ended and
opens flat ones, emitting KlineUpdated for both. `backfill(symbol, bars, bar_interval)` seeds history
(bars older than any live trade). Everything handed out is immutable; `ticker_24h` returns a fresh
dict keyed by Binance's field names.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from tui.domain.money import ZERO
from tui.sim.spot.market.records import (
    DAY_MS,
    HOUR_MS,
    INTERVALS,
    MINUTE_MS,
    AggTrade,
    AggTradeExecuted,
    KlineBar,
    KlineUpdated,
    MarketDataEvent,
    MarketDataListener,
    flat_bar,
    merge_bars,
)
from tui.sim.spot.matching.engine import (
    BalancesChanged,
    BookLevelChanged,
    Engine,
    EngineEvent,
    OrderUpdated,
    SimError,
    TradeExecuted,
)

_EIGHT = Decimal("0.00000001")


@dataclass
class _Pending:
    taker_order_id: int
    price: Decimal
    qty: Decimal
    first_id: int
    last_id: int
    time: int
    buyer_is_maker: bool


class MarketData:
    """Klines, trades, aggregate trades and tickers of every engine symbol. See the module docstring."""

    def __init__(self, engine: Engine, *, max_klines: int = 1000, max_trades: int = 1000) -> None:
        self.engine = engine
        self._listeners: list[MarketDataListener] = []
        self._klines: dict[tuple[str, str], deque[KlineBar]] = {
            (sym, iv): deque(maxlen=max(max_klines, 1500) if iv == "1m" else max_klines)
            for sym in engine.specs
            for iv in INTERVALS
        }
        self._trades: dict[str, deque[TradeExecuted]] = {s: deque(maxlen=max_trades) for s in engine.specs}
        self._aggs: dict[str, deque[AggTrade]] = {s: deque(maxlen=max_trades) for s in engine.specs}
        self._next_agg_id = dict.fromkeys(engine.specs, 1)
        self._pending: dict[str, _Pending] = {}
        self._dirty: dict[tuple[str, str], None] = {}  # ordered set of klines to publish
        self._closed: list[KlineBar] = []
        self._unsubscribe = engine.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()

    def subscribe(self, listener: MarketDataListener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: MarketDataEvent) -> None:
        for listener in tuple(self._listeners):
            listener(event)

    # -- input ----------------------------------------------------------------------------------

    def _on_event(self, event: EngineEvent) -> None:
        if isinstance(event, TradeExecuted):
            self._on_trade(event)
        elif isinstance(event, BookLevelChanged):
            return
        elif isinstance(event, BalancesChanged) or (
            isinstance(event, OrderUpdated) and event.execution_type != "TRADE"
        ):
            self.flush()

    def _on_trade(self, t: TradeExecuted) -> None:
        self._trades[t.symbol].append(t)
        taker = t.seller_order_id if t.buyer_is_maker else t.buyer_order_id
        pending = self._pending.get(t.symbol)
        if pending is not None and pending.taker_order_id == taker and pending.price == t.price:
            pending.qty += t.qty
            pending.last_id = t.trade_id
        else:
            self._finish_agg(t.symbol)
            self._pending[t.symbol] = _Pending(taker, t.price, t.qty, t.trade_id, t.trade_id, t.time, t.buyer_is_maker)
        taker_buy = not t.buyer_is_maker
        for interval, ms in INTERVALS.items():
            open_time = t.time - t.time % ms
            bar = KlineBar(
                t.symbol, interval, open_time, open_time + ms - 1, t.price, t.price, t.price, t.price, t.qty,
                t.quote_qty, 1, t.qty if taker_buy else ZERO, t.quote_qty if taker_buy else ZERO,
                t.trade_id, t.trade_id, False,
            )  # fmt: skip
            self._add_bar(bar)

    def _add_bar(self, bar: KlineBar) -> None:
        """Merge a bar (one trade, or a backfilled bar) into its series, closing/gap-filling as needed."""
        key = (bar.symbol, bar.interval)
        series = self._klines[key]
        ms = INTERVALS[bar.interval]
        if series:
            last = series[-1]
            if bar.open_time == last.open_time:
                series[-1] = merge_bars(last, bar)
                self._dirty[key] = None
                return
            if bar.open_time < last.open_time:
                return  # older than what we have: history is only ever appended
            self._close_last(series)
            start = max(last.open_time + ms, bar.open_time - ms * (series.maxlen or 1000))
            for t in range(start, bar.open_time, ms):
                series.append(flat_bar(bar.symbol, bar.interval, t, ms, last.close, True))
        series.append(bar)
        self._dirty[key] = None

    def _close_last(self, series: deque[KlineBar]) -> None:
        last = series[-1]
        if not last.closed:
            closed = replace(last, closed=True)
            series[-1] = closed
            self._closed.append(closed)

    def _finish_agg(self, symbol: str) -> None:
        p = self._pending.pop(symbol, None)
        if p is None:
            return
        agg = AggTrade(
            symbol, self._next_agg_id[symbol], p.price, p.qty, p.first_id, p.last_id, p.time, p.buyer_is_maker
        )
        self._next_agg_id[symbol] += 1
        self._aggs[symbol].append(agg)
        self._emit(AggTradeExecuted(agg))

    def flush(self) -> None:
        """Complete pending aggregate trades and publish changed/closed klines."""
        for symbol in list(self._pending):
            self._finish_agg(symbol)
        closed, self._closed = self._closed, []
        dirty, self._dirty = self._dirty, {}
        for bar in closed:
            self._emit(KlineUpdated(bar.symbol, bar.interval, bar))
        for key in dirty:
            series = self._klines[key]
            if series and not series[-1].closed:
                self._emit(KlineUpdated(key[0], key[1], series[-1]))

    def tick(self, now_ms: int) -> None:
        """Close klines whose interval has ended and open flat ones up to `now_ms`."""
        for (symbol, interval), series in self._klines.items():
            if not series:
                continue
            ms = INTERVALS[interval]
            current = now_ms - now_ms % ms
            last = series[-1]
            if last.open_time < current:
                self._add_bar(flat_bar(symbol, interval, current, ms, last.close, False))
        self.flush()

    def backfill(self, symbol: str, bars: Iterable[KlineBar], bar_interval: str = "1m") -> None:
        """Seed history from chronological bars of `bar_interval`, merged into every interval at least
        as long (a 1m bar feeds 1m..1d, not 1s). Call before live trading; emits nothing."""
        self._check(symbol, bar_interval)
        base = INTERVALS[bar_interval]
        targets = [(iv, ms) for iv, ms in INTERVALS.items() if ms >= base and ms % base == 0]
        for bar in bars:
            for interval, ms in targets:
                open_time = bar.open_time - bar.open_time % ms
                self._add_bar(
                    KlineBar(
                        symbol, interval, open_time, open_time + ms - 1, bar.open, bar.high, bar.low, bar.close,
                        bar.volume, bar.quote_volume, bar.trades, bar.taker_buy_volume, bar.taker_buy_quote_volume,
                        bar.first_trade_id, bar.last_trade_id, False,
                    )
                )  # fmt: skip
        self._closed.clear()
        self._dirty.clear()

    # -- queries --------------------------------------------------------------------------------

    def _check(self, symbol: str, interval: str | None = None) -> None:
        if symbol not in self.engine.specs:
            raise SimError(-1121, "Invalid symbol.")
        if interval is not None and interval not in INTERVALS:
            raise SimError(-1120, "Invalid interval.")

    def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[KlineBar]:
        """Oldest first; the last one may be the open kline. Without start_time: the most recent `limit`."""
        self._check(symbol, interval)
        bars = [
            b
            for b in self._klines[(symbol, interval)]
            if (start_time is None or b.open_time >= start_time) and (end_time is None or b.open_time <= end_time)
        ]
        return bars[:limit] if start_time is not None else bars[-limit:]

    def bars(self, symbol: str, interval: str) -> list[KlineBar]:
        """Every kline kept of one interval, oldest first (the last one may be open)."""
        self._check(symbol, interval)
        return list(self._klines[(symbol, interval)])

    def window_bars(self, symbol: str, open_time: int) -> list[KlineBar]:
        """Bars covering `open_time` (a minute boundary) up to now, for rolling statistics: 1m bars, and
        where the 1m history starts later, the whole 1h bars before it (an hour bar that began before
        `open_time` is left out, so such a window starts up to 59 minutes late)."""
        self._check(symbol)
        minutes = self._klines[(symbol, "1m")]
        if not minutes or minutes[0].open_time <= open_time:
            return [b for b in minutes if b.open_time >= open_time]
        first = minutes[0].open_time
        hour_end = first - first % HOUR_MS + (HOUR_MS if first % HOUR_MS else 0)  # first hour wholly in 1m history
        hours = [
            b for b in self._klines[(symbol, "1h")] if open_time <= b.open_time and b.open_time + HOUR_MS <= hour_end
        ]
        if not hours:
            return list(minutes)
        return hours + [b for b in minutes if b.open_time >= hour_end]

    def recent_trades(self, symbol: str, limit: int = 500) -> list[TradeExecuted]:
        self._check(symbol)
        return list(self._trades[symbol])[-limit:]

    def trades(self, symbol: str, *, from_id: int | None = None, limit: int = 500) -> list[TradeExecuted]:
        """Kept public trades with id >= `from_id`, oldest first (the most recent without `from_id`)."""
        if from_id is None:
            return self.recent_trades(symbol, limit)
        self._check(symbol)
        return [t for t in self._trades[symbol] if t.trade_id >= from_id][:limit]

    def agg_trades(
        self,
        symbol: str,
        *,
        from_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[AggTrade]:
        self._check(symbol)
        picked = [
            a
            for a in self._aggs[symbol]
            if (from_id is None or a.agg_id >= from_id)
            and (start_time is None or a.time >= start_time)
            and (end_time is None or a.time <= end_time)
        ]
        return picked[:limit] if from_id is not None or start_time is not None else picked[-limit:]

    def last_price(self, symbol: str) -> Decimal | None:
        """Last trade price, falling back to the last (backfilled) kline close."""
        self._check(symbol)
        price = self.engine.last_price(symbol)
        if price is None and (series := self._klines[(symbol, "1m")]):
            price = series[-1].close
        return price

    def avg_price(self, symbol: str, minutes: int = 5, now_ms: int | None = None) -> Decimal:
        """Volume-weighted price of the last `minutes` minutes (Binance's avgPrice), else the last price."""
        self._check(symbol)
        now = self.engine.clock_ms() if now_ms is None else now_ms
        since = now - now % MINUTE_MS - (minutes - 1) * MINUTE_MS
        vol = qvol = ZERO
        for bar in reversed(self._klines[(symbol, "1m")]):
            if bar.open_time < since:
                break
            vol += bar.volume
            qvol += bar.quote_volume
        if vol > 0:
            return (qvol / vol).quantize(_EIGHT)
        return self.last_price(symbol) or ZERO

    def ticker_24h(self, symbol: str, now_ms: int | None = None) -> dict[str, Decimal | int | str]:
        """Rolling 24h statistics (GET /api/v3/ticker/24hr), from 1m klines, Binance's field names."""
        self._check(symbol)
        now = self.engine.clock_ms() if now_ms is None else now_ms
        open_time = now - DAY_MS
        window = [b for b in self._klines[(symbol, "1m")] if b.open_time >= open_time - open_time % MINUTE_MS]
        before = [b for b in self._klines[(symbol, "1m")] if b.open_time < open_time - open_time % MINUTE_MS]
        last = self.last_price(symbol) or ZERO
        trades = self._trades[symbol]
        last_qty = trades[-1].qty if trades else ZERO
        traded = [b for b in window if b.volume > 0]
        open_price = traded[0].open if traded else last
        high = max((b.high for b in traded), default=last)
        low = min((b.low for b in traded), default=last)
        volume = sum((b.volume for b in window), ZERO)
        quote_volume = sum((b.quote_volume for b in window), ZERO)
        ids = [b for b in window if b.first_trade_id >= 0]
        (bid, ask) = self.engine.best_bid_ask(symbol)
        change = last - open_price
        return {
            "symbol": symbol,
            "priceChange": change,
            "priceChangePercent": (change / open_price * 100).quantize(Decimal("0.001")) if open_price else ZERO,
            "weightedAvgPrice": (quote_volume / volume).quantize(_EIGHT) if volume else last,
            "prevClosePrice": before[-1].close if before else open_price,
            "lastPrice": last,
            "lastQty": last_qty,
            "bidPrice": bid[0] if bid else ZERO,
            "bidQty": bid[1] if bid else ZERO,
            "askPrice": ask[0] if ask else ZERO,
            "askQty": ask[1] if ask else ZERO,
            "openPrice": open_price,
            "highPrice": high,
            "lowPrice": low,
            "volume": volume,
            "quoteVolume": quote_volume,
            "openTime": open_time,
            "closeTime": now,
            "firstId": ids[0].first_trade_id if ids else -1,
            "lastId": ids[-1].last_trade_id if ids else -1,
            "count": sum(b.trades for b in window),
        }
