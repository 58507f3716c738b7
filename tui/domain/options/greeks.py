"""Black-Scholes prices, greeks and implied volatility for European options (pure float maths).

This is the model shared by the simulator (which marks its options with it) and the console
(which cross-checks the venue's marks against it), so both compute the same numbers the same way.

Inputs are plain floats: spot and strike in quote currency (USDT), `t` in years (365-day year,
see `tui.domain.options.contracts.year_fraction`), `vol` as a fraction per year (0.55 = 55 %), `rate` the
continuously compounded risk-free rate (the venue uses 0). Floats are fine here because the model
is an approximation anyway; `tui.domain.options.contracts` converts to and from Decimal at the boundary and
rounds prices to the instrument's tick.

Units of the greeks (the same units the simulator publishes in `/api/v1/mark`):
    delta  d price / d spot                (call in [0, 1], put in [-1, 0])
    gamma  d delta / d spot                (per 1 USDT of spot)
    theta  price change per calendar day   (negative for a long option: the time decay)
    vega   price change per 1 vol point    (per 0.01 of `vol`, i.e. vol 55 % -> 56 %)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

DAYS_PER_YEAR = 365.0
MIN_VOL = 1e-4
MAX_VOL = 10.0
_SQRT_2PI = math.sqrt(2.0 * math.pi)


class OptionSide(StrEnum):
    """CALL or PUT, spelt as the venue spells `side` in optionInfo."""

    CALL = "CALL"
    PUT = "PUT"

    @property
    def letter(self) -> str:
        return "C" if self is OptionSide.CALL else "P"


@dataclass(frozen=True)
class Greeks:
    """A Black-Scholes valuation: price and greeks in the units given in the module docstring."""

    price: float
    delta: float
    gamma: float
    theta: float
    vega: float


def norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def norm_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / _SQRT_2PI


def intrinsic(side: OptionSide, spot: float, strike: float) -> float:
    return max(spot - strike, 0.0) if side is OptionSide.CALL else max(strike - spot, 0.0)


def _d1_d2(spot: float, strike: float, t: float, vol: float, rate: float) -> tuple[float, float]:
    sd = vol * math.sqrt(t)
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * t) / sd
    return d1, d1 - sd


def bs_price(side: OptionSide, spot: float, strike: float, t: float, vol: float, rate: float = 0.0) -> float:
    """The Black-Scholes price; at or after expiry (t <= 0) or with no volatility, the discounted intrinsic."""
    if spot <= 0 or strike <= 0:
        raise ValueError("spot and strike must be positive")
    if t <= 0:
        return intrinsic(side, spot, strike)
    discount = math.exp(-rate * t)
    if vol <= 0:
        forward = spot / discount
        return discount * intrinsic(side, forward, strike)
    d1, d2 = _d1_d2(spot, strike, t, vol, rate)
    if side is OptionSide.CALL:
        return spot * norm_cdf(d1) - strike * discount * norm_cdf(d2)
    return strike * discount * norm_cdf(-d2) - spot * norm_cdf(-d1)


def bs_greeks(side: OptionSide, spot: float, strike: float, t: float, vol: float, rate: float = 0.0) -> Greeks:
    """Price, delta, gamma, theta (per day) and vega (per vol point); expired options have only delta."""
    price = bs_price(side, spot, strike, t, vol, rate)
    if t <= 0 or vol <= 0:
        itm = spot > strike if side is OptionSide.CALL else spot < strike
        delta = (1.0 if side is OptionSide.CALL else -1.0) if itm else 0.0
        return Greeks(price, delta, 0.0, 0.0, 0.0)
    sqrt_t = math.sqrt(t)
    d1, d2 = _d1_d2(spot, strike, t, vol, rate)
    discount = math.exp(-rate * t)
    pdf = norm_pdf(d1)
    gamma = pdf / (spot * vol * sqrt_t)
    vega_per_unit = spot * pdf * sqrt_t
    decay = -spot * pdf * vol / (2.0 * sqrt_t)
    if side is OptionSide.CALL:
        delta = norm_cdf(d1)
        theta_year = decay - rate * strike * discount * norm_cdf(d2)
    else:
        delta = norm_cdf(d1) - 1.0
        theta_year = decay + rate * strike * discount * norm_cdf(-d2)
    return Greeks(price, delta, gamma, theta_year / DAYS_PER_YEAR, vega_per_unit / 100.0)


def price_bounds(side: OptionSide, spot: float, strike: float, t: float, rate: float = 0.0) -> tuple[float, float]:
    """No-arbitrage bounds (lower, upper) of a European option's price."""
    discount = math.exp(-rate * max(t, 0.0))
    if side is OptionSide.CALL:
        return max(spot - strike * discount, 0.0), spot
    return max(strike * discount - spot, 0.0), strike * discount


def implied_vol(
    side: OptionSide,
    price: float,
    spot: float,
    strike: float,
    t: float,
    rate: float = 0.0,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> float | None:
    """The volatility at which `bs_price` equals `price`, or None if no volatility does.

    Newton steps from a Brenner-Subrahmanyam start, kept inside a bracket that shrinks with every
    evaluation; whenever Newton would leave the bracket (flat vega far from the money) we bisect.
    """
    if t <= 0 or price <= 0:
        return None
    lower, upper = price_bounds(side, spot, strike, t, rate)
    if not lower < price < upper:
        return None
    lo, hi = MIN_VOL, MAX_VOL
    if not bs_price(side, spot, strike, t, lo, rate) < price < bs_price(side, spot, strike, t, hi, rate):
        return None
    vol = min(max(math.sqrt(2.0 * math.pi / t) * price / spot, 0.05), 3.0)
    for _ in range(max_iter):
        diff = bs_price(side, spot, strike, t, vol, rate) - price
        if abs(diff) < tol * max(1.0, price):
            return vol
        if diff > 0:
            hi = vol
        else:
            lo = vol
        vega = spot * norm_pdf(_d1_d2(spot, strike, t, vol, rate)[0]) * math.sqrt(t)
        step = vol - diff / vega if vega > 1e-12 else math.nan
        vol = step if lo < step < hi else 0.5 * (lo + hi)
        if hi - lo < 1e-12:
            return vol
    return vol
