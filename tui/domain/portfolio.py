"""Options risk from the console's side: portfolio greeks, and a cross-check of the venue's greeks.

Portfolio greeks per underlying are the sum of greek × signed quantity × contract unit over the
positions. The cross-check recomputes Black-Scholes locally (`tui.domain.greeks`) from the venue's
own index and mark IV and flags a contract whose published mark or greeks differ beyond a
tolerance: a venue bug, stale data, or a units mismatch shows up as a flag instead of as a wrong
hedge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .greeks import Greeks, bs_greeks
from .options import parse_option_symbol, year_fraction

ZERO = Decimal(0)


@dataclass(frozen=True)
class VenueGreeks:
    """Per-contract values as the venue publishes them (`/api/v1/mark`, `@ticker`)."""

    symbol: str
    mark_price: Decimal
    mark_iv: Decimal  # fraction: 0.55 = 55 %
    delta: Decimal
    gamma: Decimal
    theta: Decimal
    vega: Decimal


@dataclass(frozen=True)
class PortfolioGreeks:
    underlying: str
    delta: Decimal = ZERO
    gamma: Decimal = ZERO
    theta: Decimal = ZERO
    vega: Decimal = ZERO


@dataclass(frozen=True)
class Holding:
    symbol: str
    quantity: Decimal  # signed: negative for a short position
    unit: Decimal = Decimal(1)  # underlying per contract


def portfolio_greeks(holdings: Iterable[Holding], greeks: Mapping[str, VenueGreeks]) -> dict[str, PortfolioGreeks]:
    """Sum greek × quantity × unit per underlying; holdings without known greeks are skipped."""
    totals: dict[str, PortfolioGreeks] = {}
    for holding in holdings:
        g = greeks.get(holding.symbol)
        if g is None or not holding.quantity:
            continue
        underlying = parse_option_symbol(holding.symbol).underlying
        size = holding.quantity * holding.unit
        old = totals.get(underlying, PortfolioGreeks(underlying))
        totals[underlying] = PortfolioGreeks(
            underlying,
            old.delta + g.delta * size,
            old.gamma + g.gamma * size,
            old.theta + g.theta * size,
            old.vega + g.vega * size,
        )
    return totals


@dataclass(frozen=True)
class Tolerance:
    """|venue - local| <= absolute + relative × max(|venue|, |local|), per field."""

    absolute: float
    relative: float

    def ok(self, venue: float, local: float) -> bool:
        return abs(venue - local) <= self.absolute + self.relative * max(abs(venue), abs(local))


DEFAULT_TOLERANCES = {
    "mark_price": Tolerance(absolute=1.0, relative=0.02),
    "delta": Tolerance(absolute=0.01, relative=0.02),
    "gamma": Tolerance(absolute=1e-7, relative=0.05),
    "theta": Tolerance(absolute=0.5, relative=0.05),
    "vega": Tolerance(absolute=0.5, relative=0.05),
}


@dataclass(frozen=True)
class GreeksCheck:
    symbol: str
    local: Greeks | None  # None when it cannot be computed (expired, no IV)
    mismatched: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.mismatched)


def cross_check(
    venue: VenueGreeks,
    index: Decimal,
    now_ms: int,
    tolerances: Mapping[str, Tolerance] = DEFAULT_TOLERANCES,
) -> GreeksCheck:
    """Recompute the venue's mark and greeks from its index and mark IV; list what disagrees."""
    contract = parse_option_symbol(venue.symbol)
    t = year_fraction(now_ms, contract.expiry_ms)
    if t <= 0 or venue.mark_iv <= 0 or index <= 0:
        return GreeksCheck(venue.symbol, None, ())
    local = bs_greeks(contract.side, float(index), float(contract.strike), t, float(venue.mark_iv))
    pairs = {
        "mark_price": (venue.mark_price, local.price),
        "delta": (venue.delta, local.delta),
        "gamma": (venue.gamma, local.gamma),
        "theta": (venue.theta, local.theta),
        "vega": (venue.vega, local.vega),
    }
    mismatched = tuple(name for name, (v, loc) in pairs.items() if not tolerances[name].ok(float(v), loc))
    return GreeksCheck(venue.symbol, local, mismatched)
