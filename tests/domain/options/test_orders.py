"""The options order request: validation on construction, enums kept, exact plain-string params."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.options.orders import OptionOrderRequest, OrderSide, OrderType, ResponseType, TimeInForce


def test_order_request_validation() -> None:
    sym = "BTCUSDT-240628-60000-C"
    with pytest.raises(ValueError):
        OptionOrderRequest(sym, "BUY", "LIMIT", Decimal(1))  # no price
    with pytest.raises(ValueError):
        OptionOrderRequest(sym, "BUY", "MARKET", Decimal(1), Decimal(5))
    with pytest.raises(ValueError):
        OptionOrderRequest(sym, "HOLD", "MARKET", Decimal(1))
    with pytest.raises(ValueError):
        OptionOrderRequest(sym, "BUY", "LIMIT", Decimal(1), Decimal(5), time_in_force="GTX")
    with pytest.raises(ValueError):
        OptionOrderRequest(sym, "BUY", "MARKET", Decimal(0))
    assert OptionOrderRequest(sym, "SELL", "MARKET", Decimal("2"), reduce_only=True).params() == {
        "symbol": sym, "side": "SELL", "type": "MARKET", "quantity": "2", "reduceOnly": "true",
        "newOrderRespType": "RESULT",
    }  # fmt: skip


@given(
    qty=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**6), places=4),
    price=st.decimals(min_value=Decimal("0.1"), max_value=Decimal(10**7), places=1),
    tif=st.sampled_from(["GTC", "IOC", "FOK"]),
)
def test_order_params_are_plain_exact_strings(qty: Decimal, price: Decimal, tif: str) -> None:
    p = OptionOrderRequest("BTCUSDT-240628-60000-C", "BUY", "LIMIT", qty, price, time_in_force=tif).params()
    assert "E" not in p["quantity"] + p["price"]
    assert Decimal(p["quantity"]) == qty and Decimal(p["price"]) == price and p["timeInForce"] == tif


def test_request_keeps_the_enums_it_was_given_as_strings() -> None:
    r = OptionOrderRequest("BTCUSDT-240628-60000-C", "SELL", "LIMIT", Decimal(1), Decimal(5), time_in_force="IOC")
    assert r.side is OrderSide.SELL and r.type is OrderType.LIMIT and r.time_in_force is TimeInForce.IOC
    assert r.response_type is ResponseType.RESULT
    assert r.params()["side"] == "SELL" and r.params()["timeInForce"] == "IOC"
    with pytest.raises(ValueError, match="side must be BUY or SELL"):
        OptionOrderRequest("BTCUSDT-240628-60000-C", "HOLD", "MARKET", Decimal(1))
