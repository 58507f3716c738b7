"""European options on the venue: contract symbols, expiry times, the volatility smile, and
Black-Scholes valuation with Decimal at the boundary.

Symbols look like `BTCUSDT-240628-60000-C`: underlying, expiry date (yyMMdd, expiring at 08:00
UTC that day), strike, and C (call) or P (put). Prices and strikes cross this module's boundary as
Decimal; the model itself runs in float (`tui.domain.options.greeks`), and a model price becomes a venue
price only through `round_to_tick`. Greeks keep the units documented in `tui.domain.options.greeks`
(theta per calendar day, vega per vol point).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from tui.domain.options.greeks import DAYS_PER_YEAR, Greeks, OptionSide, bs_greeks, implied_vol

__all__ = [
    "EXPIRY_TIME_UTC",
    "MS_PER_YEAR",
    "Greeks",
    "OptionContract",
    "OptionSide",
    "OptionValuation",
    "Smile",
    "expiry_date_of",
    "expiry_ms",
    "format_option_symbol",
    "implied_vol_decimal",
    "next_expiries",
    "parse_option_symbol",
    "round_to_tick",
    "value_option",
    "year_fraction",
]

EXPIRY_TIME_UTC = time(8, 0, tzinfo=UTC)
MS_PER_YEAR = int(DAYS_PER_YEAR * 86_400_000)
_SYMBOL_RE = re.compile(r"^([A-Z0-9]{2,20})-(\d{6})-(\d+(?:\.\d+)?)-([CP])$")


@dataclass(frozen=True, order=True)
class OptionContract:
    """One option series: what `parse_option_symbol` reads and `format_option_symbol` writes."""

    underlying: str
    expiry: date
    strike: Decimal
    side: OptionSide

    @property
    def symbol(self) -> str:
        return format_option_symbol(self)

    @property
    def expiry_ms(self) -> int:
        return expiry_ms(self.expiry)

    def intrinsic(self, index: Decimal) -> Decimal:
        """Exercise value against `index` (what settlement pays per contract)."""
        if self.side is OptionSide.CALL:
            return max(index - self.strike, Decimal(0))
        return max(self.strike - index, Decimal(0))


def expiry_ms(day: date) -> int:
    """Epoch milliseconds of 08:00 UTC on `day`, when the venue's options expire."""
    return int(datetime.combine(day, EXPIRY_TIME_UTC).timestamp() * 1000)


def expiry_date_of(ms: int) -> date:
    """The calendar date (UTC) of an expiry timestamp."""
    return datetime.fromtimestamp(ms / 1000, UTC).date()


def parse_option_symbol(symbol: str) -> OptionContract:
    """`BTCUSDT-240628-60000-C` -> OptionContract; ValueError if it is not an option symbol."""
    m = _SYMBOL_RE.match(symbol)
    if m is None:
        raise ValueError(f"not an option symbol: {symbol!r}")
    underlying, yymmdd, strike, letter = m.groups()
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError as exc:
        raise ValueError(f"bad expiry date in {symbol!r}") from exc
    strike_d = Decimal(strike)
    if strike_d <= 0:
        raise ValueError(f"strike must be positive in {symbol!r}")
    return OptionContract(underlying, day, strike_d, OptionSide.CALL if letter == "C" else OptionSide.PUT)


def format_option_symbol(contract: OptionContract) -> str:
    strike = f"{contract.strike.normalize():f}"
    return f"{contract.underlying}-{contract.expiry:%y%m%d}-{strike}-{contract.side.letter}"


def year_fraction(now_ms: int, expiry_ms: int) -> float:
    """Time to expiry in years of 365 days; 0 once expired."""
    return max(expiry_ms - now_ms, 0) / MS_PER_YEAR


def round_to_tick(value: Decimal | float, tick: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """A price on the instrument's grid (nearest by default; ROUND_FLOOR / ROUND_CEILING for bid / ask)."""
    if tick <= 0:
        raise ValueError("tick must be positive")
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return (d / tick).to_integral_value(rounding=rounding) * tick


@dataclass(frozen=True)
class Smile:
    """Implied volatility quadratic in log-moneyness k = ln(K / S), scaled for short expiries.

    vol(k, t) = atm + skew * x + curvature * x**2 with x = k / sqrt(max(t, min_t) / 0.25), i.e. the
    shape holds at three months and widens in moneyness terms as expiry nears, so a daily's wings
    a few percent out are as "far" as a quarterly's are much further out. Clamped to [floor, cap].
    """

    atm: float
    skew: float = -0.15
    curvature: float = 0.6
    floor: float = 0.05
    cap: float = 5.0
    min_t: float = 1.0 / (DAYS_PER_YEAR * 24)

    def vol(self, spot: float, strike: float, t: float) -> float:
        x = math.log(strike / spot) / math.sqrt(max(t, self.min_t) / 0.25)
        v = self.atm + self.skew * x + self.curvature * x * x
        return min(max(v, self.floor), self.cap)


@dataclass(frozen=True)
class OptionValuation:
    """A model valuation on the venue's grid: `mark` rounded to tick, greeks in the module's units."""

    mark: Decimal
    vol: float
    greeks: Greeks


def value_option(
    contract: OptionContract,
    index: Decimal,
    now_ms: int,
    vol: float,
    tick: Decimal,
    rate: float = 0.0,
) -> OptionValuation:
    """Black-Scholes at `vol` against `index`; after expiry, intrinsic value. Mark never below zero."""
    t = year_fraction(now_ms, contract.expiry_ms)
    greeks = bs_greeks(contract.side, float(index), float(contract.strike), t, vol, rate)
    mark = contract.intrinsic(index) if t <= 0 else round_to_tick(greeks.price, tick)
    return OptionValuation(max(mark, Decimal(0)), vol, greeks)


def implied_vol_decimal(
    contract: OptionContract, price: Decimal, index: Decimal, now_ms: int, rate: float = 0.0
) -> float | None:
    """The implied volatility of a quoted `price` (None when no volatility reproduces it)."""
    t = year_fraction(now_ms, contract.expiry_ms)
    return implied_vol(contract.side, float(price), float(index), float(contract.strike), t, rate)


def next_expiries(now_ms: int, dailies: int = 2, weeklies: int = 2, monthlies: int = 1) -> list[date]:
    """Distinct upcoming expiry dates: the next `dailies` days, Fridays and last Fridays of months.

    A date counts only if its 08:00 UTC expiry is still ahead of `now_ms`.
    """
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    first = now.date() if expiry_ms(now.date()) > now_ms else now.date() + timedelta(days=1)
    days = [first + timedelta(days=i) for i in range(dailies)]
    friday = first + timedelta(days=(4 - first.weekday()) % 7)
    days += [friday + timedelta(weeks=i) for i in range(weeklies)]
    found, month_start = 0, date(first.year, first.month, 1)
    while found < monthlies:
        last = _last_friday(month_start.year, month_start.month)
        if last >= first:
            days.append(last)
            found += 1
        month_start = date(month_start.year + month_start.month // 12, month_start.month % 12 + 1, 1)
    return sorted(set(days))


def _last_friday(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 4) % 7)


# Re-exported for callers who only import this module.
ROUND_BID = ROUND_FLOOR
ROUND_ASK = ROUND_CEILING
