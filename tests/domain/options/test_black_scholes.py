"""Black-Scholes in `tui.domain.options.greeks`: textbook values, put-call parity, greeks vs finite
differences, and the implied-vol round trip."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.domain.options.greeks import OptionSide, bs_greeks, bs_price, implied_vol, price_bounds

CALL, PUT = OptionSide.CALL, OptionSide.PUT


def test_hull_european_call_and_put() -> None:
    # Hull, Options Futures and Other Derivatives, example 15.6: S=42, K=40, r=10%, vol=20%, T=0.5.
    assert bs_price(CALL, 42, 40, 0.5, 0.2, 0.1) == pytest.approx(4.76, abs=0.005)
    assert bs_price(PUT, 42, 40, 0.5, 0.2, 0.1) == pytest.approx(0.81, abs=0.005)


def test_hull_greeks_example() -> None:
    # Hull ch. 19: S=49, K=50, r=5%, vol=20%, T=20 weeks (0.3846): call delta 0.522, gamma 0.066,
    # vega 12.1 per unit vol (0.121 per vol point), theta -4.31 per year (-0.0118 per day).
    g = bs_greeks(CALL, 49, 50, 0.3846, 0.2, 0.05)
    assert g.price == pytest.approx(2.40, abs=0.01)
    assert g.delta == pytest.approx(0.522, abs=0.001)
    assert g.gamma == pytest.approx(0.066, abs=0.001)
    assert g.vega == pytest.approx(0.121, abs=0.001)
    assert g.theta == pytest.approx(-4.31 / 365, abs=0.0002)


def test_expired_and_zero_vol_are_intrinsic() -> None:
    assert bs_price(CALL, 110, 100, 0, 0.5) == 10
    assert bs_price(PUT, 110, 100, 0, 0.5) == 0
    assert bs_price(PUT, 90, 100, 1, 0.0) == pytest.approx(10)
    g = bs_greeks(CALL, 110, 100, 0, 0.5)
    assert (g.delta, g.gamma, g.theta, g.vega) == (1.0, 0.0, 0.0, 0.0)
    assert bs_greeks(PUT, 90, 100, 0, 0.5).delta == -1.0


spots = st.floats(min_value=50, max_value=200)
strikes = st.floats(min_value=50, max_value=200)
times = st.floats(min_value=0.01, max_value=2.0)
vols = st.floats(min_value=0.05, max_value=2.0)
rates = st.floats(min_value=0.0, max_value=0.1)


@given(spots, strikes, times, vols, rates)
def test_put_call_parity(s: float, k: float, t: float, v: float, r: float) -> None:
    c, p = bs_price(CALL, s, k, t, v, r), bs_price(PUT, s, k, t, v, r)
    assert c - p == pytest.approx(s - k * math.exp(-r * t), abs=1e-8 * max(s, k))


@given(spots, strikes, times, vols, rates)
def test_prices_within_no_arbitrage_bounds(s: float, k: float, t: float, v: float, r: float) -> None:
    for side in (CALL, PUT):
        lo, hi = price_bounds(side, s, k, t, r)
        assert lo - 1e-9 <= bs_price(side, s, k, t, v, r) <= hi + 1e-9


@settings(max_examples=200)
@given(st.sampled_from([CALL, PUT]), spots, strikes, st.floats(0.05, 2.0), st.floats(0.1, 1.5), rates)
def test_greeks_match_finite_differences(side: OptionSide, s: float, k: float, t: float, v: float, r: float) -> None:
    g = bs_greeks(side, s, k, t, v, r)
    h = s * 1e-4
    up, down = bs_price(side, s + h, k, t, v, r), bs_price(side, s - h, k, t, v, r)
    assert g.delta == pytest.approx((up - down) / (2 * h), abs=1e-5)
    assert g.gamma == pytest.approx((up - 2 * g.price + down) / (h * h), abs=1e-4)
    dv = 1e-5
    vega_fd = (bs_price(side, s, k, t, v + dv, r) - bs_price(side, s, k, t, v - dv, r)) / (2 * dv) / 100
    assert g.vega == pytest.approx(vega_fd, rel=1e-4, abs=1e-7)
    day = 1 / 365
    dt = day * 1e-3
    theta_fd = (bs_price(side, s, k, t - dt, v, r) - bs_price(side, s, k, t + dt, v, r)) / (2 * dt) * day
    assert g.theta == pytest.approx(theta_fd, rel=1e-4, abs=1e-7)


@settings(max_examples=300)
@given(st.sampled_from([CALL, PUT]), spots, strikes, times, vols, rates)
def test_implied_vol_round_trip(side: OptionSide, s: float, k: float, t: float, v: float, r: float) -> None:
    price = bs_price(side, s, k, t, v, r)
    lo, hi = price_bounds(side, s, k, t, r)
    vega = bs_greeks(side, s, k, t, v, r).vega * 100
    if price - lo < 1e-9 * s or hi - price < 1e-9 * s or vega < 1e-6:
        return  # numerically indistinguishable from a bound: no volatility is identifiable
    iv = implied_vol(side, price, s, k, t, r)
    assert iv is not None
    assert bs_price(side, s, k, t, iv, r) == pytest.approx(price, rel=1e-8, abs=1e-9 * s)


def test_implied_vol_rejects_arbitrage_prices() -> None:
    assert implied_vol(CALL, 0.0, 100, 100, 0.5) is None
    assert implied_vol(CALL, 101.0, 100, 100, 0.5) is None  # above the spot
    assert implied_vol(PUT, 4.0, 90, 100, 0.5) is None  # below intrinsic
    assert implied_vol(CALL, 5.0, 100, 100, 0.0) is None  # expired
    assert implied_vol(CALL, bs_price(CALL, 100, 100, 0.5, 0.8), 100, 100, 0.5) == pytest.approx(0.8, abs=1e-9)
