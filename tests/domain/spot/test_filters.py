import dataclasses
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.money import floor_to_step, fmt, to_decimal, wire
from tui.domain.spot.filters import SymbolRules, check_order, check_price, check_quantity

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


ALGO_RULES = dataclasses.replace(
    RULES,
    order_types=("LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"),
    iceberg_parts=10,
    min_trailing_above_delta=10,
    max_trailing_above_delta=2000,
    min_trailing_below_delta=20,
    max_trailing_below_delta=1000,
)


@pytest.mark.parametrize(
    ("type_", "side", "delta", "ok"),
    [
        ("STOP_LOSS", "BUY", 10, True),  # above bounds
        ("STOP_LOSS", "BUY", 2000, True),
        ("TAKE_PROFIT_LIMIT", "SELL", 2001, False),
        ("STOP_LOSS", "SELL", 10, False),  # below bounds start at 20
        ("TAKE_PROFIT", "BUY", 1000, True),
        ("STOP_LOSS_LIMIT", "SELL", 1001, False),
        ("STOP_LOSS", "BUY", 0, False),
    ],
)
def test_trailing_delta_filter(type_: str, side: str, delta: int, ok: bool) -> None:
    limit = {"price": D("60000")} if type_.endswith("LIMIT") else {"price": None}
    checked = check_order(
        ALGO_RULES, order_type=type_, quantity=D("0.01"), quote_order_qty=None, reference_price=D("60000"),
        side=side, trailing_delta=delta, **limit,
    )  # fmt: skip
    assert checked.ok is ok
    if not ok:
        assert checked.failures[0].filter == "TRAILING_DELTA" and checked.for_field("trailing_delta")


def test_stop_orders_check_quantity_stop_price_and_notional() -> None:
    def check(**kw: object) -> list[str]:
        base: dict[str, object] = {"order_type": "STOP_LOSS", "price": None, "quantity": D("0.01"),
                                   "quote_order_qty": None, "reference_price": D("60000")}  # fmt: skip
        return [f.filter for f in check_order(ALGO_RULES, **{**base, **kw}).failures]  # type: ignore[arg-type]

    assert check(stop_price=D("59000")) == []
    assert check(stop_price=D("59000.001")) == ["PRICE_FILTER"]
    assert check(stop_price=D("100")) == ["NOTIONAL"]  # 0.01 * 100 < 5, valued at the stop
    assert check(quantity=None, stop_price=D("59000")) == ["LOT_SIZE"]
    assert check(order_type="STOP_LOSS_LIMIT", price=D("59000"), stop_price=D("59100")) == []
    assert check(order_type="STOP_LOSS_LIMIT", price=None, stop_price=D("59100")) == ["PRICE_FILTER"]


def test_iceberg_parts_filter() -> None:
    def check(qty: str, ice: str) -> list[str]:
        return [
            f.filter
            for f in check_order(
                ALGO_RULES, order_type="LIMIT", price=D("60000"), quantity=D(qty), quote_order_qty=None,
                reference_price=None, iceberg_qty=D(ice),
            ).failures
        ]  # fmt: skip

    assert check("0.01", "0.001") == []  # exactly 10 parts
    assert check("0.01", "0.00099") == ["ICEBERG_PARTS"]  # ceil(10.1) = 11
    assert check("0.01", "0.000015") == ["LOT_SIZE"]  # the visible part must follow the step size
    # the existing types are checked as before when no new parameters are given
    assert check_order(RULES, order_type="LIMIT", price=D("60000"), quantity=D("0.01"), quote_order_qty=None,
                       reference_price=None).ok  # fmt: skip
