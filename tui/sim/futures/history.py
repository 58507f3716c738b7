"""The simulated USD-M futures account history, and the CSV files Binance's export jobs produce.

The history is a pure function of `(seed, UTC day)`: each day's orders, trades and income are drawn
from a `random.Random` seeded with both, so a given range reads the same in every run and no matter
when the simulator started. Round trips on the BTCUSDT and ETHUSDT perpetuals open and close within a
day; closes realise PnL, every fill pays commission, positions held over 00:00/08:00/16:00 UTC pay or
receive funding, and now and then USDT is transferred in or out.

The records and their CSV layout are `records`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from tui.sim.futures.records import (
    INCOME_HEADER,
    ORDER_HEADER,
    TRADE_HEADER,
    IncomeRecord,
    OrderRecord,
    TradeRecord,
    write_csv,
)

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
YEAR_MS = 365 * DAY_MS
FUNDING_HOURS = (0, 8, 16)
AMOUNT_Q = Decimal("0.00000001")


def to_tick(price: Decimal, tick: Decimal) -> Decimal:
    """`price` rounded to a multiple of `tick`, shown with the tick's decimals (0.10 -> 52945.10)."""
    return ((price / tick).quantize(Decimal(1), ROUND_HALF_UP) * tick).quantize(tick)


@dataclass(frozen=True)
class _Perp:
    """How one perpetual's synthetic price and order sizes look."""

    symbol: str
    base_price: Decimal
    tick: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    round_trips: int  # at most this many per day


PERPETUALS = (
    _Perp("BTCUSDT", Decimal("60000"), Decimal("0.10"), Decimal("0.001"), Decimal("0.002"), Decimal("0.250"), 4),
    _Perp("ETHUSDT", Decimal("3000"), Decimal("0.01"), Decimal("0.001"), Decimal("0.050"), Decimal("4.000"), 3),
)


@dataclass(frozen=True)
class DayHistory:
    orders: tuple[OrderRecord, ...]
    trades: tuple[TradeRecord, ...]
    incomes: tuple[IncomeRecord, ...]


def mark_price(perp: _Perp, seed: int, t_ms: int) -> Decimal:
    """A smooth, seed-dependent price path: slow cycles of a few months, weeks and days."""
    phase = (seed * 0.6180339887) % 1.0 * 2 * math.pi
    days = t_ms / DAY_MS
    factor = (
        1
        + 0.18 * math.sin(2 * math.pi * days / 97 + phase)
        + 0.07 * math.sin(2 * math.pi * days / 23 + 1.3 * phase)
        + 0.02 * math.sin(2 * math.pi * days / 2.3 + 0.4)
    )
    return to_tick(perp.base_price * Decimal(repr(factor)), perp.tick)


class _DayBuilder:
    """Draws one UTC day of records; ids are unique per (day, sequence)."""

    def __init__(self, seed: int, day: int) -> None:
        self.seed = seed
        self.day = day
        self.start = day * DAY_MS
        self.rng = random.Random(f"futures-history:{seed}:{day}")
        self.orders: list[OrderRecord] = []
        self.trades: list[TradeRecord] = []
        self.incomes: list[IncomeRecord] = []

    def _order_id(self) -> int:
        return 4_000_000_000 + self.day * 1_000 + len(self.orders)

    def _trade_id(self) -> int:
        return 300_000_000 + self.day * 1_000 + len(self.trades)

    def _tran_id(self) -> int:
        return 9_000_000_000 + self.day * 10_000 + len(self.incomes)

    def _price(self, perp: _Perp, t: int, spread: float) -> Decimal:
        jitter = Decimal(repr(1 + self.rng.uniform(-spread, spread)))
        return to_tick(mark_price(perp, self.seed, t) * jitter, perp.tick)

    def _qty(self, perp: _Perp) -> Decimal:
        lo, hi = float(perp.min_qty), float(perp.max_qty)
        q = Decimal(repr(lo * (hi / lo) ** self.rng.random())).quantize(perp.step)
        return max(q, perp.min_qty)

    def _income(self, t: int, symbol: str, kind: str, amount: Decimal, trade_id: int | None) -> None:
        self.incomes.append(IncomeRecord(t, self._tran_id(), symbol, kind, amount, "USDT", trade_id))

    def _fill(
        self,
        perp: _Perp,
        order_id: int,
        t: int,
        side: str,
        qty: Decimal,
        kind: str,
        limit: Decimal | None,
        entry: Decimal | None,
    ) -> tuple[Decimal, Decimal]:
        """Fill an order in one or two trades; returns (average price, total)."""
        parts = [qty]
        if qty >= perp.step * 4 and self.rng.random() < 0.35:
            first = (qty * Decimal(repr(self.rng.uniform(0.2, 0.8)))).quantize(perp.step)
            parts = [first, qty - first]
        rate = Decimal("0.0002") if kind == "LIMIT" else Decimal("0.0005")
        total = Decimal(0)
        for i, part in enumerate(parts):
            tt = t + i * self.rng.randrange(1, 2_000)
            price = limit if limit is not None else self._price(perp, tt, 0.0006)
            quote = price * part
            fee = (quote * rate).quantize(AMOUNT_Q, ROUND_HALF_UP)
            pnl = Decimal(0)
            if entry is not None:  # a close: long positions are closed by SELL
                sign = 1 if side == "SELL" else -1
                pnl = ((price - entry) * part * sign).quantize(AMOUNT_Q, ROUND_HALF_UP)
            trade_id = self._trade_id()
            self.trades.append(
                TradeRecord(tt, trade_id, order_id, perp.symbol, side, price, part, quote, fee, "USDT", pnl)
            )
            if pnl:
                self._income(tt, perp.symbol, "REALIZED_PNL", pnl, trade_id)
            self._income(tt, perp.symbol, "COMMISSION", -fee, trade_id)
            total += quote
        avg = (total / qty).quantize(perp.tick / 100, ROUND_HALF_UP)
        return avg, total

    def _round_trip(self, perp: _Perp) -> None:
        rng = self.rng
        t_open = self.start + rng.randrange(0, DAY_MS - 7 * HOUR_MS)
        t_close = t_open + rng.randrange(5 * 60_000, 6 * HOUR_MS)
        long = rng.random() < 0.55
        side_open, side_close = ("BUY", "SELL") if long else ("SELL", "BUY")
        qty = self._qty(perp)
        limit = self._price(perp, t_open, 0.0004) if rng.random() < 0.7 else None
        kind = "LIMIT" if limit is not None else "MARKET"
        order_id = self._order_id()
        avg, total = self._fill(perp, order_id, t_open, side_open, qty, kind, limit, None)
        self.orders.append(
            OrderRecord(
                t_open,
                order_id,
                perp.symbol,
                kind,
                side_open,
                limit or Decimal(0),
                avg,
                qty,
                qty,
                total,
                Decimal(0),
                "FILLED",
            )
        )
        for hour in FUNDING_HOURS:
            t_fund = self.start + hour * HOUR_MS
            if t_open < t_fund < t_close:
                rate = Decimal(repr(rng.uniform(-0.0002, 0.0004))).quantize(Decimal("0.000001"))
                notional = mark_price(perp, self.seed, t_fund) * qty
                paid = (notional * rate).quantize(AMOUNT_Q, ROUND_HALF_UP)
                self._income(t_fund, perp.symbol, "FUNDING_FEE", -paid if long else paid, None)
        close_kind = rng.choice(("MARKET", "MARKET", "TAKE_PROFIT_MARKET", "STOP_MARKET"))
        trigger = Decimal(0) if close_kind == "MARKET" else mark_price(perp, self.seed, t_close)
        order_id = self._order_id()
        avg, total = self._fill(perp, order_id, t_close, side_close, qty, close_kind, None, avg)
        self.orders.append(
            OrderRecord(
                t_close,
                order_id,
                perp.symbol,
                close_kind,
                side_close,
                Decimal(0),
                avg,
                qty,
                qty,
                total,
                trigger,
                "FILLED",
            )
        )

    def _unfilled(self, perp: _Perp) -> None:
        rng = self.rng
        t = self.start + rng.randrange(0, DAY_MS)
        side = rng.choice(("BUY", "SELL"))
        if rng.random() < 0.75:
            kind, status, trigger = "LIMIT", "CANCELED", Decimal(0)
            offset = -0.01 if side == "BUY" else 0.01
            price = to_tick(mark_price(perp, self.seed, t) * Decimal(repr(1 + offset)), perp.tick)
        else:
            kind, status, price = "STOP_MARKET", "EXPIRED", Decimal(0)
            trigger = to_tick(mark_price(perp, self.seed, t) * Decimal("1.02"), perp.tick)
        zero = Decimal(0)
        self.orders.append(
            OrderRecord(
                t, self._order_id(), perp.symbol, kind, side, price, zero, self._qty(perp), zero, zero, trigger, status
            )
        )

    def build(self) -> DayHistory:
        rng = self.rng
        for perp in PERPETUALS:
            for _ in range(rng.randint(0, perp.round_trips)):
                self._round_trip(perp)
            for _ in range(rng.randint(0, 2)):
                self._unfilled(perp)
        if rng.random() < 0.08:
            amount = Decimal(rng.choice((500, 1000, 2000, 5000)))
            sign = 1 if rng.random() < 0.7 else -1
            self._income(self.start + rng.randrange(0, DAY_MS), "", "TRANSFER", amount * sign, None)
        return DayHistory(
            tuple(sorted(self.orders, key=lambda r: (r.time_ms, r.order_id))),
            tuple(sorted(self.trades, key=lambda r: (r.time_ms, r.trade_id))),
            tuple(sorted(self.incomes, key=lambda r: (r.time_ms, r.tran_id))),
        )


@lru_cache(maxsize=1024)
def day_history(seed: int, day: int) -> DayHistory:
    """One UTC day (days since the epoch) of the account's history for `seed`."""
    return _DayBuilder(seed, day).build()


class FuturesHistory:
    """The account's history from `opened_ms` on (nothing exists before it)."""

    def __init__(self, seed: int, opened_ms: int) -> None:
        self.seed = seed
        self.opened_ms = opened_ms

    def _days(self, start_ms: int, end_ms: int) -> Iterator[DayHistory]:
        first = max(start_ms, self.opened_ms) // DAY_MS
        for day in range(first, end_ms // DAY_MS + 1):
            yield day_history(self.seed, day)

    def _keep(self, t: int, start_ms: int, end_ms: int) -> bool:
        return t >= self.opened_ms and start_ms <= t <= end_ms

    def orders(self, start_ms: int, end_ms: int) -> list[OrderRecord]:
        return [r for d in self._days(start_ms, end_ms) for r in d.orders if self._keep(r.time_ms, start_ms, end_ms)]

    def trades(self, start_ms: int, end_ms: int) -> list[TradeRecord]:
        return [r for d in self._days(start_ms, end_ms) for r in d.trades if self._keep(r.time_ms, start_ms, end_ms)]

    def incomes(self, start_ms: int, end_ms: int) -> list[IncomeRecord]:
        return [r for d in self._days(start_ms, end_ms) for r in d.incomes if self._keep(r.time_ms, start_ms, end_ms)]

    def csv_bytes(self, kind: str, start_ms: int, end_ms: int) -> bytes:
        """The export file of `kind` ("order", "trade" or "income") for [start_ms, end_ms]."""
        if kind == "order":
            return write_csv(ORDER_HEADER, (r.csv_row() for r in self.orders(start_ms, end_ms)))
        if kind == "trade":
            return write_csv(TRADE_HEADER, (r.csv_row() for r in self.trades(start_ms, end_ms)))
        if kind == "income":
            return write_csv(INCOME_HEADER, (r.csv_row() for r in self.incomes(start_ms, end_ms)))
        raise ValueError(f"unknown export kind {kind!r}")
