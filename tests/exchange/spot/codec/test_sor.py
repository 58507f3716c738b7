"""SOR codec: exchangeInfo `sors`, sor.order.place replies, sor.order.test rates and myAllocations rows
from the documented shapes (web-socket-api.md, faqs/sor_faq.md), and malformed frames refused with a
ValueError that names the message and the field."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.orders import OrderRequest, OrderRespType, OrderType, Side, TimeInForce
from tui.domain.spot.sor import SorConfig, sor_config_for, sor_symbols
from tui.exchange.spot.codec import sor as sor_codec

# web-socket-api.md, sor.order.place response (result is a one-element list)
PLACED: list[dict[str, Any]] = [
    {
        "symbol": "BTCUSDT", "orderId": 2, "orderListId": -1, "clientOrderId": "sBI1KM6nNtOfj5tccZSKly",
        "transactTime": 1689149087774, "price": "31000.00000000", "origQty": "0.50000000",
        "executedQty": "0.50000000", "origQuoteOrderQty": "0.000000", "cummulativeQuoteQty": "14000.00000000",
        "status": "FILLED", "timeInForce": "GTC", "type": "LIMIT", "side": "BUY", "workingTime": 1689149087774,
        "fills": [
            {"matchType": "ONE_PARTY_TRADE_REPORT", "price": "28000.00000000", "qty": "0.50000000",
             "commission": "0.00000000", "commissionAsset": "BTC", "tradeId": -1, "allocId": 0},
        ],
        "workingFloor": "SOR", "selfTradePreventionMode": "NONE", "usedSor": True,
    }
]  # fmt: skip

# web-socket-api.md, myAllocations response row
ALLOCATION: dict[str, Any] = {
    "symbol": "BTCUSDT", "allocationId": 0, "allocationType": "SOR", "orderId": 500, "orderListId": -1,
    "price": "1.00000000", "qty": "0.10000000", "quoteQty": "0.10000000", "commission": "0.00000000",
    "commissionAsset": "BTC", "time": 1687319487614, "isBuyer": False, "isMaker": False, "isAllocator": False,
}  # fmt: skip

# web-socket-api.md, sor.order.test with computeCommissionRates
RATES: dict[str, Any] = {
    "standardCommissionForOrder": {"maker": "0.00000112", "taker": "0.00000114"},
    "taxCommissionForOrder": {"maker": "0.00000112", "taker": "0.00000114"},
    "discount": {"enabledForAccount": True, "enabledForSymbol": True, "discountAsset": "BNB", "discount": "0.25"},
}


def test_sors_from_exchange_info() -> None:
    info = {"symbols": [], "sors": [{"baseAsset": "BTC", "symbols": ["BTCUSDT", "BTCUSDC"]}]}
    configs = sor_codec.sors_from_exchange_info(info)
    assert configs == (SorConfig("BTC", ("BTCUSDT", "BTCUSDC")),)
    assert sor_symbols(configs) == {"BTCUSDT", "BTCUSDC"}
    assert sor_config_for(configs, "BTCUSDC") == configs[0] and sor_config_for(configs, "ETHUSDT") is None
    assert sor_codec.sors_from_exchange_info({"symbols": []}) == ()  # optional: no SOR available


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ([], "exchangeInfo: expected an object"),
        ({"sors": {"baseAsset": "BTC"}}, "exchangeInfo sors: expected a list"),
        ({"sors": ["BTCUSDT"]}, "exchangeInfo sors: expected an object"),
        ({"sors": [{"symbols": ["BTCUSDT"]}]}, "missing field 'baseAsset'"),
        ({"sors": [{"baseAsset": "BTC"}]}, "missing field 'symbols'"),
        ({"sors": [{"baseAsset": "BTC", "symbols": "BTCUSDT"}]}, "expected a list"),
        ({"sors": [{"baseAsset": "BTC", "symbols": ["BTCUSDT", 7]}]}, "bad value for 'symbols'"),
    ],
)
def test_malformed_sors(info: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sor_codec.sors_from_exchange_info(info)


def test_sor_order_from_the_documented_reply() -> None:
    result = sor_codec.sor_order_from_wire(PLACED)
    order = result.order
    assert (order.symbol, order.order_id, order.status, order.type) == ("BTCUSDT", 2, "FILLED", "LIMIT")
    assert order.cum_quote_qty == D("14000") and order.avg_price == D("28000") and order.working_time == 1689149087774
    assert result.working_floor == "SOR" and result.used_sor
    (fill,) = result.fills
    assert fill.is_allocation and (fill.alloc_id, fill.trade_id, fill.match_type) == (0, -1, "ONE_PARTY_TRADE_REPORT")
    assert (fill.price, fill.qty, fill.quote_qty, fill.commission_asset) == (D("28000"), D("0.5"), D("14000"), "BTC")
    # REST answers the same order as an object, not a list
    assert sor_codec.sor_order_from_wire(PLACED[0]) == result
    assert sor_codec.sor_ack_order_id(PLACED) is None


def test_a_fill_on_the_own_book_is_a_trade() -> None:
    trade = {"price": "30500", "qty": "1", "commission": "0", "commissionAsset": "BTC", "tradeId": 12}
    fill = sor_codec.sor_fill_from_wire(trade)
    assert not fill.is_allocation and fill.trade_id == 12 and fill.match_type is None


def test_ack_reply() -> None:
    ack = [{"symbol": "BTCUSDT", "orderId": 7, "orderListId": -1, "clientOrderId": "x", "transactTime": 1}]
    assert sor_codec.sor_ack_order_id(ack) == 7


def _placed(**changes: Any) -> list[dict[str, Any]]:
    order = {**PLACED[0], **changes}
    return [{k: v for k, v in order.items() if v is not None}]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ([], "sor.order.place: expected one order, got 0"),
        ([PLACED[0], PLACED[0]], "expected one order, got 2"),
        ("FILLED", "sor.order.place: expected an object"),
        (_placed(orderId=None), "order: missing field 'orderId'"),
        (_placed(executedQty=0.5), "order: bad value for 'executedQty'"),
        (_placed(fills={"price": "1"}), "sor.order.place fills: expected a list"),
        (_placed(fills=[["28000", "0.5"]]), "SOR fill: expected an object"),
        (_placed(fills=[{"price": "28000", "qty": "0.5", "tradeId": -1, "allocId": 0}]), "come together"),
        (_placed(fills=[{"price": "x", "qty": "0.5", "tradeId": -1}]), "SOR fill: bad value for 'price'"),
        (_placed(fills=[{"price": "28000", "qty": "0.5"}]), "SOR fill: missing field 'tradeId'"),
        (_placed(usedSor="true"), "sor.order.place: bad value for 'usedSor'"),
    ],
)
def test_malformed_sor_order(reply: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sor_codec.sor_order_from_wire(reply)


def test_allocation_from_the_documented_row() -> None:
    a = sor_codec.allocation_from_wire(ALLOCATION)
    assert (a.symbol, a.allocation_id, a.allocation_type, a.order_id, a.order_list_id) == ("BTCUSDT", 0, "SOR", 500, -1)
    assert (a.price, a.qty, a.quote_qty, a.commission) == (D("1"), D("0.1"), D("0.1"), D("0"))
    assert a.side is Side.SELL and not a.is_maker and not a.is_allocator and a.time == 1687319487614
    assert sor_codec.allocations_from_wire([ALLOCATION, ALLOCATION]) == [a, a]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({**ALLOCATION, "allocationId": "zero"}, "myAllocations: bad value for 'allocationId'"),
        ({**ALLOCATION, "price": 1.0}, "myAllocations: bad value for 'price'"),
        ({k: v for k, v in ALLOCATION.items() if k != "isBuyer"}, "myAllocations: missing field 'isBuyer'"),
        ({**ALLOCATION, "isMaker": "false"}, "myAllocations: bad value for 'isMaker'"),
        ({k: v for k, v in ALLOCATION.items() if k != "quoteQty"}, "missing field 'quoteQty'"),
        ("row", "myAllocations: expected an object"),
    ],
)
def test_malformed_allocation(row: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sor_codec.allocation_from_wire(row)
    with pytest.raises(ValueError, match="myAllocations"):
        sor_codec.allocations_from_wire({"rows": [row]})


def test_sor_commission_rates() -> None:
    rates = sor_codec.sor_commission_rates(RATES)
    assert rates.standard.maker == D("0.00000112") and rates.tax.taker == D("0.00000114")
    assert rates.special.maker == 0 and rates.special.taker == 0  # sor.order.test sends none
    assert rates.discount_enabled_for_account and rates.discount == D("0.25") and rates.discount_asset == "BNB"
    with pytest.raises(ValueError, match="missing field 'standardCommissionForOrder'"):
        sor_codec.sor_commission_rates({**RATES, "standardCommissionForOrder": None})
    with pytest.raises(ValueError, match="bad value for 'enabledForSymbol'"):
        sor_codec.sor_commission_rates({**RATES, "discount": {**RATES["discount"], "enabledForSymbol": 1}})


def test_sor_order_params() -> None:
    req = OrderRequest(
        "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("0.5"), price=D("31000"),
        time_in_force=TimeInForce.IOC, client_order_id="c1", new_order_resp_type=OrderRespType.RESULT,
    )  # fmt: skip
    assert sor_codec.sor_order_params(req) == {
        "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "IOC", "price": "31000",
        "quantity": "0.5", "newClientOrderId": "c1", "newOrderRespType": "RESULT",
    }  # fmt: skip
    market = OrderRequest("BTCUSDT", Side.SELL, OrderType.MARKET, quantity=D("1"))
    assert "timeInForce" not in sor_codec.sor_order_params(market)


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT_MAKER, quantity=D("1"), price=D("1")), "LIMIT and MARKET"),
        (OrderRequest("BTCUSDT", Side.BUY, OrderType.STOP_LOSS, quantity=D("1"), stop_price=D("1")), "not supported"),
        (OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, quote_order_qty=D("100")), "quoteOrderQty"),
        (OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET), "quantity is required"),
        (
            OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("1"), price=D("1"), trailing_delta=100),
            "trailingDelta",
        ),
    ],
)
def test_sor_order_params_refuses_what_sor_cannot_send(req: OrderRequest, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sor_codec.sor_order_params(req)
