"""The synthetic options market: a market maker quoting every series and an occasional taker.

The maker ("options-mm") keeps `LEVELS` bids and asks per series, priced by Black-Scholes at the
mark's smile volatility minus/plus a widening volatility spread (bids floored, asks ceiled to the
tick, all inside the price band). Each `step(now_ms)` requotes up to `batch` series in round-robin,
but only those whose mark moved or whose quotes were taken. The taker ("options-taker") sends small
MARKET orders at Poisson times (rate per second over the whole venue). Deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tui.domain.options.contracts import round_to_tick, year_fraction
from tui.domain.options.greeks import bs_price
from tui.sim.options.engine import OptionsEngine
from tui.sim.options.instruments import Instrument
from tui.sim.options.pricing import IV_HALF_SPREAD, MarkInfo

MAKER = "options-mm"
TAKER = "options-taker"
LEVELS = 3
LEVEL_GAP_VOL = 0.01
SYSTEM_BALANCE = Decimal(10) ** 12


class OptionsMarket:
    def __init__(self, engine: OptionsEngine, seed: int = 1, batch: int = 25, taker_rate: float = 0.5) -> None:
        self.engine = engine
        self.rng = random.Random(seed)
        self.batch = batch
        self.taker_rate = taker_rate
        self._cursor = 0
        self._quoted: dict[str, tuple[Decimal, Decimal, int]] = {}  # symbol -> (mark, index, n orders)
        self._next_taker = 0
        engine.open_account(MAKER, SYSTEM_BALANCE, system=True)
        engine.open_account(TAKER, SYSTEM_BALANCE, system=True)

    def quote_all(self, now_ms: int) -> None:
        for inst in list(self.engine.catalog.instruments.values()):
            self.requote(inst, now_ms, force=True)

    def forget(self, symbol: str) -> None:
        self._quoted.pop(symbol, None)

    def step(self, now_ms: int) -> None:
        listed = [i for i in self.engine.catalog.instruments.values() if i.symbol in self.engine.books]
        if listed:
            for _ in range(min(self.batch, len(listed))):
                self._cursor = (self._cursor + 1) % len(listed)
                self.requote(listed[self._cursor], now_ms)
        if not self._next_taker:
            self._next_taker = now_ms + self._gap_ms()
        while listed and self._next_taker <= now_ms:
            self._take(listed, now_ms)
            self._next_taker += self._gap_ms()

    def _gap_ms(self) -> int:
        return max(1, int(self.rng.expovariate(self.taker_rate) * 1000))

    def requote(self, inst: Instrument, now_ms: int, force: bool = False) -> None:
        engine = self.engine
        info = engine.marks.of(inst, now_ms)
        mine = engine.open_orders(MAKER, inst.symbol)
        last = self._quoted.get(inst.symbol)
        if not force and last is not None and last == (info.mark, info.index, len(mine)):
            return
        if mine:
            engine.cancel_all(MAKER, inst.symbol)
        placed = 0
        for side, price in self._ladder(inst, info, now_ms):
            qty = inst.qty_step * self.rng.randint(10, 200)
            engine.place(MAKER, inst.symbol, side, "LIMIT", qty, price, "GTC")
            placed += 1
        self._quoted[inst.symbol] = (info.mark, info.index, placed)

    def _ladder(self, inst: Instrument, info: MarkInfo, now_ms: int) -> list[tuple[str, Decimal]]:
        t = year_fraction(now_ms, inst.expiry_ms)
        if t <= 0:
            return []
        spot, strike = float(info.index), float(inst.contract.strike)
        out: list[tuple[str, Decimal]] = []
        for i in range(LEVELS):
            spread = IV_HALF_SPREAD + LEVEL_GAP_VOL * i
            bid_px = bs_price(inst.contract.side, spot, strike, t, max(info.vol - spread, 0.01))
            ask_px = bs_price(inst.contract.side, spot, strike, t, info.vol + spread)
            bid = round_to_tick(bid_px, inst.tick, ROUND_FLOOR) - inst.tick * i
            ask = round_to_tick(ask_px, inst.tick, ROUND_CEILING) + inst.tick * i
            if bid >= info.low_limit and bid < info.mark:
                out.append(("BUY", bid))
            if ask <= info.high_limit and ask > max(info.mark, bid):
                out.append(("SELL", ask))
        return out

    def _take(self, listed: list[Instrument], now_ms: int) -> None:
        # Weighted to near-the-money series, where real option flow concentrates.
        weights = []
        for inst in listed:
            index = self.engine.marks.of(inst, now_ms).index
            weights.append(math.exp(-abs(math.log(float(inst.contract.strike) / float(index))) * 20))
        inst = self.rng.choices(listed, weights)[0]
        side = self.rng.choice(("BUY", "SELL"))
        qty = inst.qty_step * self.rng.randint(1, 50)
        self.engine.place(TAKER, inst.symbol, side, "MARKET", qty)
