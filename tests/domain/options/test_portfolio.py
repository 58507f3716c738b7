from datetime import date
from decimal import Decimal as D

from tui.domain.options.contracts import OptionContract, expiry_ms, year_fraction
from tui.domain.options.greeks import OptionSide, bs_greeks
from tui.domain.options.portfolio import Holding, VenueGreeks, cross_check, portfolio_greeks

NOW = expiry_ms(date(2026, 11, 1))
EXPIRY = date(2026, 11, 27)


def _venue(side: OptionSide, strike: int, index: float, iv: float, **override: float) -> VenueGreeks:
    contract = OptionContract("BTCUSDT", EXPIRY, D(strike), side)
    g = bs_greeks(side, index, float(strike), year_fraction(NOW, contract.expiry_ms), iv)
    values = {"mark_price": g.price, "delta": g.delta, "gamma": g.gamma, "theta": g.theta, "vega": g.vega, **override}
    spread = D("0.02")
    return VenueGreeks(
        contract.symbol,
        bid_iv=D(str(iv)) - spread,
        ask_iv=D(str(iv)) + spread,
        **{k: D(repr(v)) for k, v in values.items()},
    )


def test_portfolio_greeks_sum_greek_times_quantity_times_unit() -> None:
    call = _venue(OptionSide.CALL, 60000, 60000.0, 0.5)
    put = _venue(OptionSide.PUT, 55000, 60000.0, 0.5)
    totals = portfolio_greeks(
        [
            Holding(call.symbol, D("2")),
            Holding(put.symbol, D("-1"), unit=D("1")),
            Holding("ETHUSDT-261127-3000-C", D("1")),
        ],
        {call.symbol: call, put.symbol: put},
    )
    assert set(totals) == {"BTCUSDT"}  # the ETH position has no greeks yet: skipped, not zeroed wrongly
    btc = totals["BTCUSDT"]
    assert btc.delta == call.delta * 2 - put.delta
    assert btc.vega == call.vega * 2 - put.vega
    assert btc.theta == call.theta * 2 - put.theta


def test_cross_check_passes_consistent_values_and_flags_a_wrong_one() -> None:
    good = _venue(OptionSide.CALL, 62000, 60000.0, 0.55)
    assert not cross_check(good, D("60000"), NOW).flagged
    bad = _venue(OptionSide.CALL, 62000, 60000.0, 0.55, vega=1234.5)  # e.g. per 1.0 vol instead of per point
    check = cross_check(bad, D("60000"), NOW)
    assert check.flagged and check.mismatched == ("vega",)


def test_mark_below_intrinsic_or_far_outside_the_iv_band_is_flagged() -> None:
    below_intrinsic = _venue(OptionSide.CALL, 50000, 60000.0, 0.5, mark_price=9000.0)  # intrinsic is 10000
    assert "mark_price" in cross_check(below_intrinsic, D("60000"), NOW).mismatched
    rich = _venue(OptionSide.CALL, 62000, 60000.0, 0.5, mark_price=6000.0)  # implies far more than 52 % vol
    assert "mark_price" in cross_check(rich, D("60000"), NOW).mismatched


def test_cross_check_skips_what_cannot_be_computed() -> None:
    expired = _venue(OptionSide.PUT, 60000, 60000.0, 0.5)
    after = expiry_ms(EXPIRY) + 1
    assert cross_check(expired, D("60000"), after).local is None


def test_an_index_move_between_reads_is_allowed_but_not_a_wrong_greek() -> None:
    # Marked at 60300; we read 60000 before and 60400 after the marks.
    marked = _venue(OptionSide.PUT, 65000, 60300.0, 0.8)
    assert cross_check(marked, D("60000"), NOW, index_after=D("60400")).mismatched == ()
    wrong = _venue(OptionSide.PUT, 65000, 60300.0, 0.8, theta=-1.0)
    assert "theta" in cross_check(wrong, D("60000"), NOW, index_after=D("60400")).mismatched
