from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.filters import SymbolRules, check_order, check_price, check_quantity
from tui.domain.money import floor_to_step, fmt, to_decimal, wire

RULES = SymbolRules(
    symbol="BTCUSDT",
    base_asset="BTC",
    quote_asset="USDT",
    tick_size=D("0.01"),
    min_price=D("0.01"),
    max_price=D("1000000"),
    step_size=D("0.00001"),
    min_qty=D("0.00001"),
    max_qty=D("9000"),
    min_notional=D("5"),
    max_notional=D("9000000"),
)


def test_price_filter_rules() -> None:
    assert check_price(RULES, D("60000.01")) is None
    assert check_price(RULES, D("60000.015")).filter == "PRICE_FILTER"  # off tick
    assert "multiple of the tick size 0.01" in check_price(RULES, D("1.001")).message
    assert "below the minimum" in check_price(RULES, D("0.001")).message
    assert "above the maximum" in check_price(RULES, D("1000000.01")).message
    assert check_price(RULES, D("0")) is not None


def test_lot_size_rules() -> None:
    assert check_quantity(RULES, D("0.00001")) is None
    assert check_quantity(RULES, D("0.000015")).filter == "LOT_SIZE"
    assert check_quantity(RULES, D("9000.00001")) is not None


def test_zero_disables_a_rule() -> None:
    loose = SymbolRules(**{**RULES.__dict__, "tick_size": D(0), "min_price": D(0), "max_price": D(0)})
    assert check_price(loose, D("123.456789")) is None


def test_notional_min_and_max() -> None:
    failures = check_order(
        RULES, order_type="LIMIT", price=D("100"), quantity=D("0.01"), quote_order_qty=None, reference_price=None
    ).failures
    assert [f.filter for f in failures] == ["NOTIONAL"]  # 1 USDT < 5
    assert check_order(
        RULES, order_type="LIMIT", price=D("100"), quantity=D("0.05"), quote_order_qty=None, reference_price=None
    ).ok


def test_market_by_quote_and_by_quantity() -> None:
    ok = check_order(
        RULES, order_type="MARKET", price=None, quantity=None, quote_order_qty=D("10"), reference_price=D("60000")
    )
    assert ok.ok
    small = check_order(
        RULES, order_type="MARKET", price=None, quantity=None, quote_order_qty=D("1"), reference_price=D("60000")
    )
    assert small.failures[0].field == "quote_order_qty"
    both = check_order(
        RULES, order_type="MARKET", price=None, quantity=D("1"), quote_order_qty=D("1"), reference_price=None
    )
    assert not both.ok
    by_qty = check_order(
        RULES, order_type="MARKET", price=None, quantity=D("0.00002"), quote_order_qty=None, reference_price=D("60000")
    )
    assert by_qty.failures[0].filter == "NOTIONAL"  # 1.2 USDT at the reference price


def test_unsupported_type() -> None:
    assert (
        check_order(
            RULES, order_type="STOP_LOSS", price=None, quantity=D(1), quote_order_qty=None, reference_price=None
        )
        .failures[0]
        .field
        == "type"
    )


@given(
    st.decimals(min_value=D("0.01"), max_value=D("999999"), places=6),
    st.sampled_from([D("0.01"), D("0.5"), D("1"), D("0.00001")]),
)
def test_floor_to_step_always_passes_the_step_rule(value: D, step: D) -> None:
    floored = floor_to_step(value, step)
    assert floored <= value
    assert value - floored < step
    assert floored % step == 0


def test_money_parsing_and_formatting() -> None:
    assert to_decimal("0.10000000") == D("0.1")
    with pytest.raises(ValueError):
        to_decimal("abc")
    with pytest.raises(ValueError):
        to_decimal("NaN")
    assert wire(D("1E+1")) == "10"
    assert wire(D("0.000010")) == "0.00001"
    assert fmt(D("1.23456"), 2) == "1.23"
