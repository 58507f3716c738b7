"""Wire readers: typed fields from untrusted objects, errors naming the message and the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.exchange.wire_readers import (
    bool_field,
    decimal_field,
    expect_list,
    expect_object,
    field,
    int_field,
    str_field,
)


def test_fields_read_and_default() -> None:
    d = {"p": "1.50", "n": 7, "s": "BTCUSDT", "b": False, "z": None}
    assert decimal_field(d, "p", "m") == Decimal("1.5")
    assert int_field(d, "n", "m") == 7 and str_field(d, "s", "m") == "BTCUSDT" and bool_field(d, "b", "m") is False
    assert decimal_field(d, "z", "m", Decimal(0)) == 0  # null counts as absent
    assert int_field(d, "missing", "m", None) is None
    assert field(d, "s", "m") == "BTCUSDT"


@pytest.mark.parametrize(
    ("reader", "value"),
    [
        (decimal_field, 1.5),  # money never travels as a float
        (decimal_field, True),
        (decimal_field, "abc"),
        (int_field, True),
        (int_field, "x"),
        (bool_field, 1),
        (bool_field, "true"),
    ],
)
def test_bad_values_name_the_field(reader: object, value: object) -> None:
    with pytest.raises(ValueError, match=r"^order: bad value for 'k'"):
        reader({"k": value}, "k", "order")  # type: ignore[operator]


def test_missing_field_and_wrong_containers() -> None:
    with pytest.raises(ValueError, match=r"^order: missing field 'k'"):
        str_field({}, "k", "order")
    with pytest.raises(ValueError, match="expected an object, got list"):
        expect_object([], "order")
    with pytest.raises(ValueError, match="expected a list, got dict"):
        expect_list({}, "rows")
    assert expect_list([1], "rows") == [1] and expect_object({"a": 1}, "x") == {"a": 1}
