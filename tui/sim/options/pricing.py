"""Marks of the listed series: Black-Scholes with each underlying's smile against the index.

`MarkInfo` carries what `/api/v1/mark` and the ticker stream publish: the mark (rounded to tick),
its volatility, the greeks (theta per day, vega per vol point; `tui.domain.options.greeks`), and the price
band orders must respect: mark +/- max(25 % of mark, 0.2 % of index), never below one tick.
Marks are cached per (second, index) so a burst of requests costs one valuation per series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tui.domain.options.contracts import round_to_tick, value_option, year_fraction
from tui.domain.options.greeks import Greeks
from tui.sim.options.instruments import Instrument

BAND_OF_MARK = Decimal("0.25")
BAND_OF_INDEX = Decimal("0.002")
IV_HALF_SPREAD = 0.02  # the market maker's quotes sit this far either side of the mark's vol


@dataclass(frozen=True)
class MarkInfo:
    index: Decimal
    mark: Decimal
    vol: float
    greeks: Greeks
    high_limit: Decimal
    low_limit: Decimal


class Marks:
    """Valuation of series against a live index; `index_of(underlying)` is the spot price feed."""

    def __init__(self, index_of: Callable[[str], Decimal], clock_ms: Callable[[], int]) -> None:
        self.index_of = index_of
        self.clock_ms = clock_ms
        self._cache: dict[str, tuple[int, Decimal, MarkInfo]] = {}

    def vol(self, inst: Instrument, index: Decimal, now_ms: int) -> float:
        t = year_fraction(now_ms, inst.expiry_ms)
        return inst.underlying.smile.vol(float(index), float(inst.contract.strike), t)

    def of(self, inst: Instrument, now_ms: int | None = None) -> MarkInfo:
        now = self.clock_ms() if now_ms is None else now_ms
        index = self.index_of(inst.underlying.name)
        second = now // 1000
        cached = self._cache.get(inst.symbol)
        if cached is not None and cached[0] == second and cached[1] == index:
            return cached[2]
        vol = self.vol(inst, index, now)
        val = value_option(inst.contract, index, now, vol, inst.tick)
        band = max(val.mark * BAND_OF_MARK, index * BAND_OF_INDEX)
        high = round_to_tick(val.mark + band, inst.tick, ROUND_CEILING)
        low = max(round_to_tick(val.mark - band, inst.tick, ROUND_FLOOR), inst.tick)
        info = MarkInfo(index, val.mark, vol, val.greeks, high, low)
        self._cache[inst.symbol] = (second, index, info)
        return info

    def forget(self, symbol: str) -> None:
        self._cache.pop(symbol, None)
