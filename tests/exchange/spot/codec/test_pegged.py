"""Codec and domain: pegged orders (faqs/pegged_orders.md) to and from the wire."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tui.domain.spot.orders import OrderRequest, OrderType, PegPriceType, Side, TimeInForce
from tui.exchange.spot.codec.exchange_info import rules_from_exchange_info
from tui.exchange.spot.codec.orders import order_from_wire, order_params
from tui.exchange.spot.codec.user_events import order_from_execution_report

# faqs/pegged_orders.md's sample REST response
SAMPLE = {
    "symbol": "BTCUSDT",
    "orderId": 18,
    "orderListId": -1,
    "clientOrderId": "q1fKs4Y7wgE61WSFMYRFKo",
    "transactTime": 1750313780050,
    "price": "0.00000000",
    "pegPriceType": "PRIMARY_PEG",
    "peggedPrice": "0.04000000",
    "origQty": "1.00000000",
    "executedQty": "0.00000000",
    "origQuoteOrderQty": "0.00000000",
    "cummulativeQuoteQty": "0.00000000",
    "status": "NEW",
    "timeInForce": "GTC",
    "type": "LIMIT",
    "side": "BUY",
    "workingTime": 1750313780050,
    "fills": [],
    "selfTradePreventionMode": "NONE",
}


def test_order_params_send_the_peg() -> None:
    req = OrderRequest(
        "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("0.001"), time_in_force=TimeInForce.GTC,
        peg_price_type=PegPriceType.PRIMARY_PEG, peg_offset_value=2,
    )  # fmt: skip
    params = order_params(req)
    assert "price" not in params
    assert (params["pegPriceType"], params["pegOffsetType"], params["pegOffsetValue"]) == (
        "PRIMARY_PEG", "PRICE_LEVEL", 2,
    )  # fmt: skip


def test_order_params_without_offset_or_peg() -> None:
    pegged = OrderRequest(
        "BTCUSDT", Side.SELL, OrderType.LIMIT_MAKER, quantity=D("1"), peg_price_type=PegPriceType.PRIMARY_PEG
    )
    params = order_params(pegged)
    assert params["pegPriceType"] == "PRIMARY_PEG" and "pegOffsetType" not in params and "pegOffsetValue" not in params
    plain = order_params(OrderRequest("BTCUSDT", Side.SELL, OrderType.LIMIT, quantity=D("1"), price=D("2")))
    assert not {"pegPriceType", "pegOffsetType", "pegOffsetValue"} & set(plain)


def test_order_from_the_faq_sample() -> None:
    order = order_from_wire(SAMPLE)
    assert order.is_pegged and order.peg_price_type == "PRIMARY_PEG" and order.peg_offset_value is None
    assert order.price == 0 and order.pegged_price == D("0.04") and order.working_price == D("0.04")


def test_order_with_offset_and_no_pegged_price_yet() -> None:
    waiting = {**SAMPLE, "type": "STOP_LOSS_LIMIT", "price": "0.05000000", "pegPriceType": "MARKET_PEG",
               "pegOffsetType": "PRICE_LEVEL", "pegOffsetValue": 5}  # fmt: skip
    del waiting["peggedPrice"]
    order = order_from_wire(waiting)
    assert (order.peg_price_type, order.peg_offset_value, order.pegged_price) == ("MARKET_PEG", 5, None)
    assert order.working_price == D("0.05")


def test_plain_order_is_not_pegged() -> None:
    plain = {k: v for k, v in SAMPLE.items() if k not in ("pegPriceType", "peggedPrice")}
    order = order_from_wire({**plain, "price": "1.00000000"})
    assert not order.is_pegged and order.pegged_price is None and order.working_price == D("1")


def test_bad_pegged_price_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="peggedPrice"):
        order_from_wire({**SAMPLE, "peggedPrice": 0.04})


REPORT = {
    "e": "executionReport", "E": 1, "s": "BTCUSDT", "c": "abc", "S": "BUY", "o": "LIMIT", "f": "GTC",
    "q": "1.00000000", "p": "0.00000000", "P": "0.00000000", "F": "0.00000000", "g": -1, "C": "", "x": "NEW",
    "X": "NEW", "r": "NONE", "i": 7, "l": "0.00000000", "z": "0.00000000", "L": "0.00000000", "n": "0",
    "N": None, "T": 2, "t": -1, "I": 9, "w": True, "m": False, "M": False, "O": 2, "Z": "0.00000000",
    "Y": "0.00000000", "Q": "0.00000000", "W": 2, "V": "NONE",
    "gP": "PRIMARY_PEG", "gOT": "PRICE_LEVEL", "gOV": 5, "gp": "1.00000000",
}  # fmt: skip


def test_execution_report_peg_fields() -> None:
    order = order_from_execution_report(REPORT)
    assert (order.peg_price_type, order.peg_offset_value, order.pegged_price) == ("PRIMARY_PEG", 5, D("1"))
    plain = {k: v for k, v in REPORT.items() if k not in ("gP", "gOT", "gOV", "gp")}
    assert not order_from_execution_report(plain).is_pegged


def test_rules_read_peg_instructions_allowed() -> None:
    info = {"symbol": "BTCUSDT", "baseAsset": "BTC", "quoteAsset": "USDT", "filters": []}
    assert rules_from_exchange_info({**info, "pegInstructionsAllowed": True}).peg_instructions_allowed
    assert not rules_from_exchange_info(info).peg_instructions_allowed
