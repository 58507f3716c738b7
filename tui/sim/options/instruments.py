"""The venue's option series: which underlyings, expiries and strikes are listed, and when.

`Catalog.refresh(now_ms, index_of)` lists the series of every upcoming expiry (the next two
dailies, the next two Fridays, the last Friday of the month; `tui.domain.options.contracts.next_expiries`)
with strikes on a grid around the index at listing time, and hands back the series whose 08:00 UTC
expiry has passed so the engine can settle them. Strikes of a listed expiry never change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tui.domain.options.contracts import OptionContract, OptionSide, Smile, expiry_ms, next_expiries

QUOTE_ASSET = "USDT"


@dataclass(frozen=True)
class Underlying:
    """One option underlying and the rules of its series."""

    contract_id: int
    name: str
    base_asset: str
    strike_step: Decimal  # grid of the nearest expiries; wider further out
    strikes_each_side: int
    tick: Decimal
    qty_step: Decimal
    smile: Smile
    default_index: Decimal


UNDERLYINGS: tuple[Underlying, ...] = (
    Underlying(1, "BTCUSDT", "BTC", Decimal(1000), 4, Decimal(5), Decimal("0.01"), Smile(atm=0.55), Decimal(60000)),
    Underlying(2, "ETHUSDT", "ETH", Decimal(50), 4, Decimal("0.1"), Decimal("0.1"), Smile(atm=0.65), Decimal(3000)),
)


@dataclass(frozen=True)
class Instrument:
    """A listed option series with its trading rules."""

    id: int
    contract: OptionContract
    underlying: Underlying
    symbol: str
    expiry_ms: int

    @property
    def tick(self) -> Decimal:
        return self.underlying.tick

    @property
    def qty_step(self) -> Decimal:
        return self.underlying.qty_step


def strike_grid(u: Underlying, index: Decimal, days_out: int) -> list[Decimal]:
    """Strikes around `index`: the underlying's step, doubled past 2 days and quadrupled past 10."""
    step = u.strike_step * (1 if days_out <= 2 else 2 if days_out <= 10 else 4)
    centre = (index / step).to_integral_value() * step
    strikes = [centre + step * i for i in range(-u.strikes_each_side, u.strikes_each_side + 1)]
    return [k for k in strikes if k > 0]


class Catalog:
    """Listed series by symbol; ids grow with every listing."""

    def __init__(self, underlyings: tuple[Underlying, ...] = UNDERLYINGS) -> None:
        self.underlyings = {u.name: u for u in underlyings}
        self.instruments: dict[str, Instrument] = {}
        self._listed: set[tuple[str, date]] = set()
        self._next_id = 1

    def refresh(self, now_ms: int, index_of: Callable[[str], Decimal]) -> tuple[list[Instrument], list[Instrument]]:
        """List new expiries and return (listed, expired); expired series leave the catalog."""
        expired = [i for i in self.instruments.values() if i.expiry_ms <= now_ms]
        for inst in expired:
            del self.instruments[inst.symbol]
        listed: list[Instrument] = []
        today = next_expiries(now_ms, 1, 0, 0)[0]
        for u in self.underlyings.values():
            for day in next_expiries(now_ms):
                if (u.name, day) in self._listed:
                    continue
                self._listed.add((u.name, day))
                for strike in strike_grid(u, index_of(u.name), (day - today).days):
                    for side in (OptionSide.CALL, OptionSide.PUT):
                        contract = OptionContract(u.name, day, strike, side)
                        inst = Instrument(self._next_id, contract, u, contract.symbol, expiry_ms(day))
                        self._next_id += 1
                        self.instruments[inst.symbol] = inst
                        listed.append(inst)
        return listed, expired

    def get(self, symbol: str) -> Instrument | None:
        return self.instruments.get(symbol)
