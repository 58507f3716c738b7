"""Options risk from the console's side: portfolio greeks, and a cross-check of the venue's greeks.

Portfolio greeks per underlying are the sum of greek × signed quantity × contract unit over the
positions. The cross-check recomputes Black-Scholes locally (`tui.domain.options.greeks`) from the venue's
own index and mark IV and flags a contract whose published mark or greeks differ beyond a
tolerance: a venue bug, stale data, or a units mismatch shows up as a flag instead of as a wrong
hedge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tui.domain.options.contracts import parse_option_symbol, year_fraction
from tui.domain.options.greeks import Greeks, bs_greeks, implied_vol

ZERO = Decimal(0)


@dataclass(frozen=True)
class VenueGreeks:
    """Per-contract values as the venue publishes them (`/api/v1/mark`, `@ticker`)."""

    symbol: str
    mark_price: Decimal
    bid_iv: Decimal  # fractions: 0.55 = 55 %
    ask_iv: Decimal
    delta: Decimal
    gamma: Decimal
    theta: Decimal
    vega: Decimal

    @property
    def mid_iv(self) -> Decimal:
        return (self.bid_iv + self.ask_iv) / 2


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
    "delta": Tolerance(absolute=0.01, relative=0.02),
    "gamma": Tolerance(absolute=1e-7, relative=0.05),
    "theta": Tolerance(absolute=0.5, relative=0.05),
    "vega": Tolerance(absolute=0.5, relative=0.05),
}
MARK_IV_SLACK = 0.05  # the mark's implied vol may sit this far outside the bid/ask IVs
SPOT_SLACK = 0.0005  # the venue's index when it computed may differ from ours by this much (5 bp)


@dataclass(frozen=True)
class GreeksCheck:
    symbol: str
    local: Greeks | None  # at the IV the venue's mark implies; None when not computable
    mismatched: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.mismatched)


def cross_check(
    venue: VenueGreeks,
    index: Decimal,
    now_ms: int,
    tolerances: Mapping[str, Tolerance] = DEFAULT_TOLERANCES,
    *,
    index_after: Decimal | None = None,
) -> GreeksCheck:
    """Check the venue's mark and greeks against Black-Scholes on the venue's own inputs.

    The venue's exact model vol is not published (only bid/ask IV and the mark, rounded to a tick),
    so each greek is compared with the range Black-Scholes gives between the mid IV and the IV the
    mark implies, at the index ± `SPOT_SLACK` (ours and the venue's are fetched moments apart),
    widened by the tolerance. With `index_after` (the index read again after the marks), the venue's
    index at marking time lies between the two reads, and the whole bracket is allowed. The mark is flagged if no vol can produce it (it breaks
    no-arbitrage bounds) or the vol it implies lies outside the bid/ask IVs (± `MARK_IV_SLACK`).
    """
    contract = parse_option_symbol(venue.symbol)
    t = year_fraction(now_ms, contract.expiry_ms)
    if t <= 0 or index <= 0 or venue.bid_iv <= 0 or venue.ask_iv <= 0:
        return GreeksCheck(venue.symbol, None, ())
    spot, strike = float(index), float(contract.strike)
    mismatched: list[str] = []
    mark_iv = implied_vol(contract.side, float(venue.mark_price), spot, strike, t)
    if mark_iv is None or not (float(venue.bid_iv) - MARK_IV_SLACK <= mark_iv <= float(venue.ask_iv) + MARK_IV_SLACK):
        mismatched.append("mark_price")
    vols = [float(venue.mid_iv)] + ([mark_iv] if mark_iv is not None else [])
    later = float(index_after) if index_after is not None and index_after > 0 else spot
    low, high = min(spot, later), max(spot, later)
    spots = (low * (1 - SPOT_SLACK), low, high, high * (1 + SPOT_SLACK))
    candidates = [bs_greeks(contract.side, s, strike, t, vol) for s in spots for vol in vols]
    for name in ("delta", "gamma", "theta", "vega"):
        published = float(getattr(venue, name))
        values = [getattr(c, name) for c in candidates]
        low, high = min(values), max(values)
        nearest = min(max(published, low), high)  # the closest value the model allows
        if not tolerances[name].ok(published, nearest):
            mismatched.append(name)
    return GreeksCheck(venue.symbol, bs_greeks(contract.side, spot, strike, t, vols[-1]), tuple(mismatched))
