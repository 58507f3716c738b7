"""The synthetic market: other participants trading through the engine so the simulator feels alive.

Per symbol, a fair value follows an Ornstein-Uhlenbeck process on log price around the start price.
Two market makers ("mm-1", "mm-2") keep ladders of LIMIT_MAKER quotes (14 levels a side each, varied
sizes) around fair value and requote a few levels per step: when a quote drifted too far from its
target, when it became too aggressive after fair moved, at random to vary sizes, and to refill
levels that were taken. A taker ("taker-1") sends MARKET (by quantity or quoteOrderQty) and IOC
orders at Poisson times, with occasional bursts of bigger orders in quick succession.

`step(now_ms)` advances everything to `now_ms` and is deterministic for a given seed and sequence of
`now_ms` values. `backfill(now_ms, hours)` writes synthetic kline history straight into MarketData
(1m bars for the hours, 1s bars for the last ~17 minutes) and moves fair value to where that history
ends; call it before the first step. The float random walk only models fair value: every price and
quantity sent to the engine is a Decimal rounded to the symbol's tick and step.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tui.domain.money import ZERO, floor_to_step
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.market.data import MarketData
from tui.sim.spot.market.records import KlineBar
from tui.sim.spot.matching.engine import Engine, SimError
from tui.sim.spot.symbols import START_PRICES

MAKERS = ("mm-1", "mm-2")
TAKER = "taker-1"
LEVELS = 14
# (half spread, gap between levels) in basis points of fair value, per maker
_LADDERS = {"mm-1": (0.3, 0.7), "mm-2": (1.0, 1.6)}
_MIN_LEVELS = 12
_YEAR_S = 365 * 86_400


@dataclass
class _Slot:
    order_id: int | None = None
    price: Decimal = ZERO


@dataclass
class _SymbolState:
    rules: SymbolRules
    rng: random.Random
    mu: float  # log of the start price
    x: float  # log of fair value
    maker_notional: float  # median quote value of one maker level
    taker_notional: float  # median quote value of one taker order
    rate: float  # taker orders per second
    next_arrival: int = 0
    burst_left: int = 0
    burst_side: str = "BUY"
    slots: dict[tuple[str, str], list[_Slot]] = field(default_factory=dict)

    @property
    def fair(self) -> float:
        return math.exp(self.x)


class SyntheticMarket:
    """Market makers and takers on every engine symbol. See the module docstring."""

    def __init__(
        self,
        engine: Engine,
        market_data: MarketData,
        seed: int = 0,
        *,
        start_prices: dict[str, Decimal] | None = None,
        annual_vol: float = 0.8,
        half_life_hours: float = 4.0,
        taker_rate: float = 2.0,
    ) -> None:
        self.engine = engine
        self.market_data = market_data
        self.sigma = annual_vol / math.sqrt(_YEAR_S)  # per sqrt(second)
        self.theta = math.log(2) / (half_life_hours * 3600)  # per second
        prices = {**START_PRICES, **(start_prices or {})}
        self._last_now: int | None = None
        self._states: dict[str, _SymbolState] = {}
        # USDT books first, then other quotes (BTCUSDC): each later book is a little thinner and quieter,
        # and adding a quote asset leaves the USDT books' parameters as they were.
        ordered = sorted(engine.specs.items(), key=lambda item: (item[1].rules.quote_asset != "USDT", item[0]))
        for i, (symbol, spec) in enumerate(ordered):
            start = float(prices.get(symbol, Decimal(100)))
            self._states[symbol] = _SymbolState(
                rules=spec.rules,
                rng=random.Random(f"{seed}:{symbol}"),
                mu=math.log(start),
                x=math.log(start),
                maker_notional=15_000.0 / (1 + i * 0.5),
                taker_notional=1_200.0 / (1 + i * 0.5),
                rate=taker_rate / (1 + i * 0.5),
            )
        unlimited = {"USDT": Decimal(10) ** 12}
        for spec in engine.specs.values():
            unlimited[spec.rules.quote_asset] = Decimal(10) ** 12
            unlimited[spec.rules.base_asset] = Decimal(10) ** 9
        for account in (*MAKERS, TAKER):
            engine.open_account(account, unlimited, maker_rate=ZERO, taker_rate=ZERO)

    def fair_value(self, symbol: str) -> float:
        return self._states[symbol].fair

    # -- live ------------------------------------------------------------------------------------

    def step(self, now_ms: int) -> None:
        """Advance fair values, requote, and send the taker orders due up to `now_ms`."""
        last = self._last_now
        first = last is None
        dt = 0.0 if last is None else min(max(now_ms - last, 0) / 1000, 10.0)
        self._last_now = now_ms if last is None else max(now_ms, last)
        for symbol, st in self._states.items():
            if first:
                st.next_arrival = now_ms + int(st.rng.expovariate(st.rate) * 1000)
            self._evolve(st, dt)
            self._requote(symbol, st, force=first)
            self._takers(symbol, st, now_ms)
            self._requote(symbol, st, force=False, refill_only=True)
        self.market_data.tick(now_ms)

    def _evolve(self, st: _SymbolState, dt: float) -> None:
        if dt <= 0:
            return
        decay = math.exp(-self.theta * dt)
        sd = self.sigma * math.sqrt((1 - decay * decay) / (2 * self.theta))
        st.x = st.mu + (st.x - st.mu) * decay + sd * st.rng.gauss(0.0, 1.0)

    def _target(self, st: _SymbolState, account: str, side: str, level: int) -> Decimal:
        half, gap = _LADDERS[account]
        bps = (half + gap * level) * (1 + 0.15 * (st.rng.random() - 0.5) if level else 1)
        raw = Decimal(repr(st.fair * (1 - bps / 1e4 if side == "BUY" else 1 + bps / 1e4)))
        tick = st.rules.tick_size
        rounding = ROUND_FLOOR if side == "BUY" else ROUND_CEILING
        return (raw / tick).to_integral_value(rounding=rounding) * tick

    def _qty(self, st: _SymbolState, notional: float, price: Decimal) -> Decimal:
        rules = st.rules
        qty = floor_to_step(Decimal(repr(notional)) / price, rules.step_size)
        floor_qty = max(rules.min_qty, floor_to_step(rules.min_notional * 2 / price, rules.step_size) + rules.step_size)
        return max(qty, floor_qty)

    def _requote(self, symbol: str, st: _SymbolState, *, force: bool, refill_only: bool = False) -> None:
        engine, rng = self.engine, st.rng
        fair = st.fair
        open_ids: set[int] = set()
        for account in MAKERS:
            open_ids |= engine.open_order_ids(account, symbol)
        # Pass 1: drop quotes that were taken, became too aggressive, or drifted too far.
        for account in MAKERS:
            half, gap = _LADDERS[account]
            for side in ("BUY", "SELL"):
                slots = st.slots.setdefault((account, side), [_Slot() for _ in range(LEVELS)])
                for level, slot in enumerate(slots):
                    if slot.order_id is not None and slot.order_id not in open_ids:
                        slot.order_id = None
                    if slot.order_id is None or refill_only:
                        continue
                    quoted = float(slot.price)  # float only to compare with the float fair value
                    distance = (fair - quoted if side == "BUY" else quoted - fair) / fair * 10_000
                    tolerance = gap * (0.5 + 0.3 * level)  # the top of the book follows fair closely
                    if distance < half / 2 or abs(distance - half - gap * level) > tolerance or rng.random() < 0.02:
                        self._cancel(account, symbol, slot)
        # Pass 2: fill empty slots (all of them when a side got thin, else some).
        _, bids, asks = engine.depth(symbol, limit=1000)
        thin = {"BUY": len(bids) < _MIN_LEVELS, "SELL": len(asks) < _MIN_LEVELS}
        for account in MAKERS:
            for side in ("BUY", "SELL"):
                for level, slot in enumerate(st.slots[(account, side)]):
                    if slot.order_id is not None:
                        continue
                    if not (force or thin[side] or rng.random() < (0.8 if level < 3 else 0.4)):
                        continue
                    price = self._target(st, account, side, level)
                    size = st.maker_notional * (1 + 0.2 * level) * rng.lognormvariate(0.0, 0.6)
                    qty = self._qty(st, size, price)
                    try:
                        res = engine.place_order(account, symbol, side, "LIMIT_MAKER", price=price, quantity=qty)
                    except SimError:
                        continue  # e.g. would cross a stale quote of the other maker: try next step
                    slot.order_id, slot.price = res.order.order_id, price

    def _cancel(self, account: str, symbol: str, slot: _Slot) -> None:
        with contextlib.suppress(SimError):  # already filled in the meantime
            self.engine.cancel_order(account, symbol, order_id=slot.order_id)
        slot.order_id = None

    def _takers(self, symbol: str, st: _SymbolState, now_ms: int) -> None:
        rng = st.rng
        if st.next_arrival < now_ms - 5_000:  # after a long pause, do not replay everything missed
            st.next_arrival = now_ms - 5_000
        sent = 0
        while st.next_arrival <= now_ms and sent < 20:
            sent += 1
            if st.burst_left > 0:
                st.burst_left -= 1
                side, scale = st.burst_side, rng.uniform(2.0, 4.0)
                st.next_arrival += int(rng.uniform(30, 250))
            else:
                side, scale = ("BUY" if rng.random() < 0.5 else "SELL"), 1.0
                if rng.random() < 0.04:
                    st.burst_left, st.burst_side = rng.randint(3, 8), side
                st.next_arrival += max(1, int(rng.expovariate(st.rate) * 1000))
            self._take(symbol, st, side, st.taker_notional * scale * rng.lognormvariate(0.0, 0.8))

    def _take(self, symbol: str, st: _SymbolState, side: str, notional: float) -> None:
        rng, rules = st.rng, st.rules
        _, bids, asks = self.engine.depth(symbol, limit=1000)
        opposite = asks if side == "BUY" else bids
        if not opposite:
            return
        best = opposite[0][0]
        depth_cap = sum((q for _, q in opposite), ZERO) * Decimal("0.3")  # never empty a side
        qty = min(self._qty(st, notional, best), floor_to_step(depth_cap, rules.step_size))
        if qty < rules.min_qty:
            return
        kind = rng.random()
        try:
            if kind < 0.7:
                self.engine.place_order(TAKER, symbol, side, "MARKET", quantity=qty)
            elif kind < 0.85:
                quote = (qty * best).quantize(Decimal("0.01"))
                self.engine.place_order(TAKER, symbol, side, "MARKET", quote_order_qty=quote)
            else:
                ticks = rules.tick_size * rng.randint(0, 50)
                price = best + ticks if side == "BUY" else best - ticks
                self.engine.place_order(
                    TAKER, symbol, side, "LIMIT", price=price, quantity=qty, time_in_force="IOC"
                )  # fmt: skip
        except SimError:
            pass

    # -- history ---------------------------------------------------------------------------------

    def backfill(self, now_ms: int, hours: float = 6.0) -> None:
        """Write `hours` of synthetic klines ending at `now_ms` into MarketData and move fair there."""
        second_split = now_ms - now_ms % 60_000 - 17 * 60_000  # 1s bars for the last ~17 minutes (> 1000 klines)
        start = second_split - int(hours * 3_600_000)
        start -= start % 60_000
        end = now_ms - now_ms % 1000
        for symbol, st in self._states.items():
            rng = random.Random(f"backfill:{symbol}:{st.rng.random()}")
            x = st.mu + (st.x - st.mu) * 0.5  # begin nearer the mean than where we are now
            minute_bars: list[KlineBar] = []
            second_bars: list[KlineBar] = []
            price_of = self._rounder(st.rules)
            for t0, width, out in ((start, 60_000, minute_bars), (second_split, 1000, second_bars)):
                stop = second_split if width == 60_000 else end
                interval = "1m" if width == 60_000 else "1s"
                for t in range(t0, stop, width):
                    path = [x]
                    for _ in range(width // 1000 if width == 60_000 else 1):
                        x = self._ou(x, st.mu, 1.0, rng)
                        path.append(x)
                    o, c = price_of(path[0]), price_of(path[-1])
                    h, lo = price_of(max(path)), price_of(min(path))
                    n = max(1, int(rng.expovariate(1.0) * st.rate * width / 1000))
                    notional = st.taker_notional * n * rng.lognormvariate(0.0, 0.5)
                    vwap = (o + h + lo + c) / 4
                    volume = floor_to_step(Decimal(repr(notional)) / vwap, st.rules.step_size) or st.rules.min_qty
                    quote_volume = (volume * vwap).quantize(Decimal("0.00000001"))
                    buy_share = Decimal(repr(min(max(0.5 + (path[-1] - path[0]) * 200, 0.1), 0.9)))
                    taker_buy = floor_to_step(volume * buy_share, st.rules.step_size)
                    out.append(
                        KlineBar(
                            symbol, interval, t, t + width - 1, o, h, lo, c, volume, quote_volume, n, taker_buy,
                            (taker_buy * vwap).quantize(Decimal("0.00000001")), -1, -1, True,
                        )
                    )  # fmt: skip
            self.market_data.backfill(symbol, minute_bars, "1m")
            self.market_data.backfill(symbol, second_bars, "1s")
            st.x = x

    def _ou(self, x: float, mu: float, dt: float, rng: random.Random) -> float:
        decay = math.exp(-self.theta * dt)
        sd = self.sigma * math.sqrt((1 - decay * decay) / (2 * self.theta))
        return mu + (x - mu) * decay + sd * rng.gauss(0.0, 1.0)

    @staticmethod
    def _rounder(rules: SymbolRules) -> Callable[[float], Decimal]:
        tick = rules.tick_size

        def price_of(log_price: float) -> Decimal:
            return (Decimal(repr(math.exp(log_price))) / tick).to_integral_value() * tick

        return price_of
