"""Parsers against the seed's own examples (bare JSON numbers included) and the order request."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tui.domain.options.events import AccountUpdate, ListenKeyExpired, OrderTradeUpdate
from tui.domain.options.orders import OrderSide, OrderStatus, OrderType, TimeInForce
from tui.exchange.errors import ExchangeError
from tui.exchange.options.codec import (
    DECODER,
    MalformedResponse,
    parse_account,
    parse_mark,
    parse_option_symbol_info,
    parse_order,
    parse_position,
    parse_ticker,
)
from tui.exchange.options.events import parse_market_event, parse_user_event

SEED_MARK = """{"symbol": "BTCUSDT-200730-9000-C", "markPrice": 1343.2883, "bidIV": "1.40000077",
 "askIV": "1.50000153", "delta": 0.55937056, "theta": 3739.82509871, "gamma": 0.00010969,
 "vega": 978.58874732, "highPriceLimit": 1618.241, "lowPriceLimit": 1068.3356}"""


def test_seed_mark_numbers_stay_exact() -> None:
    m = parse_mark(DECODER.decode(SEED_MARK))
    assert m.mark_price == Decimal("1343.2883") and m.gamma == Decimal("0.00010969")
    assert m.theta == Decimal("3739.82509871") and m.bid_iv == Decimal("1.40000077") and m.mark_iv is None


def test_seed_rest_examples() -> None:
    info = parse_option_symbol_info(
        DECODER.decode(
            '{"id": 1, "contractId": 1, "underlying": "BTCUSDT", "quoteAsset": "USDT", "symbol": '
            '"BTCUSDT-200730-9000-C", "unit": 1, "minQty": 1, "side": "CALL", "leverage": 0, '
            '"strikePrice": 9000, "expiryDate": 1593518400000}'
        )
    )
    assert info.contract.strike == Decimal(9000) and info.contract.expiry.isoformat() == "2020-07-30"
    ticker = parse_ticker(
        DECODER.decode(
            '{"symbol": "BTCUSDT-200730-9000-C", "priceChange": "-16.2038", "priceChangePercent": "-0.0162", '
            '"lastPrice": "1000", "lastQty": "1000", "open": "1016.2038", "high": "1016.2038", "low": "0", '
            '"volume": "5", "amount": null, "openTime": 1592317127349, "closeTime": 1592380593516, '
            '"firstTradeId": 1, "tradeCount": 5, "strikePrice": "9000"}'
        )
    )
    assert ticker.amount is None and ticker.price_change == Decimal("-16.2038")
    acct = parse_account(
        DECODER.decode(
            '{"currency": "USDT", "equity": 10094.44662, "available": 8725.92524, "orderMargin": 1084.52138, '
            '"positionMargin": 289.00138, "unrealizedPNL": -5.00138, "maintMargin": 151.00138, "balance": 10099.448}'
        )
    )
    assert acct.equity == Decimal("10094.44662") and acct.unrealized_pnl == Decimal("-5.00138")
    pos = parse_position(
        DECODER.decode(
            '{"entryPrice": 1000, "symbol": "BTCUSDT-200730-9000-C", "side": "SHORT", "leverage": 0, '
            '"quantity": -0.1, "reducibleQty": 0, "markValue": 105.00138, "autoReducePriority": 0, "ror": -0.05, '
            '"unrealizedPNL": -5.00138, "markPrice": 1050.0138, "strikePrice": 9000, "expiryDate": 1593511200000}'
        )
    )
    assert pos.quantity == Decimal("-0.1") and pos.side == "SHORT"
    order = parse_order(
        DECODER.decode(
            '{"id": "4611875134427365377", "symbol": "BTCUSDT-200730-9000-C", "price": 100, "quantity": 1, '
            '"executedQty": 0, "fee": 0, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", '
            '"createDate": 1592465880683, "status": "ACCEPTED", "avgPrice": 0, "source": "WEB", '
            '"reduceOnly": false, "clientOrderId": ""}'
        )
    )
    assert order.order_id == 4611875134427365377 and order.is_open


def test_seed_stream_examples() -> None:
    ticker = parse_market_event(
        json.loads(
            '{"e":"ticker","E":1591677962357,"s":"BTCUSDT-200630-9000-P","o":"1000","h":"1000","l":"1000",'
            '"c":"1000","V":"2","A":"0","p":"0","Q":"2000","F":1,"L":1,"n":1,"b":"0.5","a":"0.6","d":"-0.4",'
            '"t":"-12.5","g":"0.0001","v":"3.2"}'
        )
    )
    assert ticker is not None and ticker.delta == Decimal("-0.4") and ticker.ask_iv == Decimal("0.6")  # type: ignore[union-attr]
    account = parse_user_event(
        json.loads(
            '{"e":"ACCOUNT_UPDATE","E":1591696384141,"B":[{"b":"100007992.26053177","m":"0",'
            '"u":"458.782655111111","U":"458.782655111111","o":"-13238.246342","p":"-18852.328456",'
            '"r":"-15452.328456","M":"-15452.328456"}],"P":[{"S":"BTCUSDT-200730-9000-C","c":1,"r":1,"p":1,"a":1}]}'
        )
    )
    assert isinstance(account, AccountUpdate) and account.balances[0].balance == Decimal("100007992.26053177")
    assert account.positions[0].quantity == 1
    orders = parse_user_event(
        json.loads(
            '{"e":"ORDER_TRADE_UPDATE","E":1591698525864,"o":[{"T":0,"oid":1,"S":"BTCUSDT-200730-9000-C",'
            '"cid":"zdy","q":"0.111","stp":0,"r":false,"c":false,"s":0,"e":"1","ec":"1","f":"0.011"}]}'
        )
    )
    assert isinstance(orders, OrderTradeUpdate) and orders.orders[0].status == "ACCEPTED"
    assert orders.orders[0].fee == Decimal("0.011") and orders.orders[0].client_order_id == "zdy"
    assert isinstance(parse_user_event({"e": "listenKeyExpired", "E": 5}), ListenKeyExpired)
    assert parse_user_event({"e": "somethingNew"}) is None and parse_market_event({"e": "x"}) is None
    with pytest.raises(ExchangeError):
        parse_user_event({"e": "ACCOUNT_UPDATE", "E": 1, "B": [{"b": 1.5}]})  # a float never passes


SEED_ORDER = {
    "id": 1,
    "symbol": "BTCUSDT-200730-9000-C",
    "price": "100",
    "quantity": "1",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "status": "ACCEPTED",
}


def test_enum_fields_are_checked_when_decoded() -> None:
    order = parse_order(SEED_ORDER)
    assert order.side is OrderSide.BUY and order.type is OrderType.LIMIT and order.status is OrderStatus.ACCEPTED
    assert order.time_in_force is TimeInForce.GTC and f"{order.side}" == "BUY"
    assert parse_order({**SEED_ORDER, "type": "MARKET", "timeInForce": ""}).time_in_force is None
    for key, value in (("side", "HOLD"), ("type", "STOP"), ("timeInForce", "GTX"), ("status", "EXPIRED")):
        with pytest.raises(MalformedResponse):
            parse_order({**SEED_ORDER, key: value})
    with pytest.raises(MalformedResponse):
        parse_user_event({"e": "ORDER_TRADE_UPDATE", "E": 1, "o": [{"oid": 1, "S": "X", "q": "1", "s": 9}]})
