"""`tui.domain.options.contracts`: symbols, expiries, the smile and the Decimal boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tui.domain.options.contracts import (
    OptionContract,
    OptionSide,
    Smile,
    expiry_ms,
    format_option_symbol,
    implied_vol_decimal,
    next_expiries,
    parse_option_symbol,
    round_to_tick,
    value_option,
    year_fraction,
)


def _ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def test_parse_and_format_round_trip() -> None:
    c = parse_option_symbol("BTCUSDT-240628-60000-C")
    assert c == OptionContract("BTCUSDT", date(2024, 6, 28), Decimal(60000), OptionSide.CALL)
    assert c.expiry_ms == _ms(2024, 6, 28, 8)
    assert format_option_symbol(c) == c.symbol == "BTCUSDT-240628-60000-C"
    p = parse_option_symbol("ETHUSDT-240105-2250.5-P")
    assert p.side is OptionSide.PUT and p.strike == Decimal("2250.5")
    assert p.symbol == "ETHUSDT-240105-2250.5-P"


@pytest.mark.parametrize(
    "bad", ["BTCUSDT", "BTCUSDT-240628-60000-X", "BTCUSDT-241328-60000-C", "BTCUSDT-240628-0-C", "btcusdt-240628-1-C"]
)
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_option_symbol(bad)


def test_year_fraction_and_intrinsic() -> None:
    exp = expiry_ms(date(2024, 6, 28))
    assert year_fraction(exp - 365 * 86_400_000, exp) == pytest.approx(1.0)
    assert year_fraction(exp + 1, exp) == 0.0
    c = parse_option_symbol("BTCUSDT-240628-60000-C")
    assert c.intrinsic(Decimal(61000)) == 1000 and c.intrinsic(Decimal(59000)) == 0
    p = parse_option_symbol("BTCUSDT-240628-60000-P")
    assert p.intrinsic(Decimal(59000)) == 1000


def test_round_to_tick() -> None:
    assert round_to_tick(1234.56, Decimal(5)) == Decimal(1235)
    assert round_to_tick(Decimal("1.26"), Decimal("0.1"), "ROUND_FLOOR") == Decimal("1.2")
    assert round_to_tick(Decimal("1.21"), Decimal("0.1"), "ROUND_CEILING") == Decimal("1.3")


def test_smile_is_a_smile() -> None:
    s = Smile(atm=0.5)
    t = 30 / 365
    atm = s.vol(100, 100, t)
    assert atm == pytest.approx(0.5)
    assert s.vol(100, 80, t) > atm and s.vol(100, 125, t) > atm  # wings above ATM
    assert s.vol(100, 90, t) > s.vol(100, 110, t)  # negative skew: puts richer
    assert Smile(atm=0.01).vol(100, 100, t) == 0.05  # floor


def test_value_option_and_iv_round_trip() -> None:
    c = parse_option_symbol("BTCUSDT-240628-60000-C")
    now = c.expiry_ms - 30 * 86_400_000
    v = value_option(c, Decimal(61000), now, 0.6, Decimal(5))
    assert v.mark % 5 == 0 and v.mark > c.intrinsic(Decimal(61000))
    assert 0.5 < v.greeks.delta < 0.7 and v.greeks.theta < 0 and v.greeks.vega > 0
    iv = implied_vol_decimal(c, Decimal(str(v.greeks.price)), Decimal(61000), now)
    assert iv == pytest.approx(0.6, abs=1e-8)
    expired = value_option(c, Decimal(61000), c.expiry_ms, 0.6, Decimal(5))
    assert expired.mark == 1000


def test_next_expiries() -> None:
    # Wednesday 2024-06-12 09:00 UTC: today's 08:00 expiry has passed.
    days = next_expiries(_ms(2024, 6, 12, 9))
    assert days == [date(2024, 6, 13), date(2024, 6, 14), date(2024, 6, 21), date(2024, 6, 28)]
    # Before 08:00 today's daily still counts; the monthly after June 28 rolls into July.
    assert next_expiries(_ms(2024, 6, 28, 7))[0] == date(2024, 6, 28)
    assert next_expiries(_ms(2024, 6, 29, 7))[-1] == date(2024, 7, 26)
