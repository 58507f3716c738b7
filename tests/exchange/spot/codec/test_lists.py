"""Codec: listStatus events, order list replies and the cancelReplace error data, from documented shapes."""

from __future__ import annotations

from decimal import Decimal as D

from tui.exchange.spot.codec.amendments import cancel_replace_from_wire
from tui.exchange.spot.codec.user_events import user_event_from_wire
from tui.exchange.spot.events import OrderListUpdate


def test_list_status_event_becomes_order_list_update() -> None:
    ev = {
        "e": "listStatus", "E": 1564035303637, "s": "ETHBTC", "g": 2, "c": "OCO", "l": "EXEC_STARTED",
        "L": "EXECUTING", "r": "NONE", "C": "F4QN4G8DlFATFlIUQ0cjdD", "T": 1564035303625,
        "O": [{"s": "ETHBTC", "i": 17, "c": "AJYsMjErWJesZvqlJCTUgL"}, {"s": "ETHBTC", "i": 18, "c": "bfYPSQdLoqAJeNrOr9adzq"}],
    }  # fmt: skip
    parsed = user_event_from_wire(ev)
    assert isinstance(parsed, OrderListUpdate)
    lst = parsed.order_list
    assert (lst.order_list_id, lst.contingency_type, lst.list_status_type, lst.list_order_status) == (
        2, "OCO", "EXEC_STARTED", "EXECUTING",
    )  # fmt: skip
    assert lst.order_ids == ((17, "AJYsMjErWJesZvqlJCTUgL"), (18, "bfYPSQdLoqAJeNrOr9adzq")) and lst.is_open


def test_cancel_replace_409_data() -> None:
    data = {
        "cancelResult": "SUCCESS",
        "newOrderResult": "FAILURE",
        "cancelResponse": {
            "symbol": "BTCUSDT", "origClientOrderId": "4d96324ff9d44481926157", "orderId": 125690984230,
            "orderListId": -1, "clientOrderId": "91fe37ce9e69c90d6358c0", "transactTime": 1684804350068,
            "price": "23450.00000000", "origQty": "0.00847000", "executedQty": "0.00001000",
            "origQuoteOrderQty": "0.000000", "cummulativeQuoteQty": "0.23450000", "status": "CANCELED",
            "timeInForce": "GTC", "type": "LIMIT", "side": "SELL", "selfTradePreventionMode": "NONE",
        },
        "newOrderResponse": {"code": -2010, "msg": "Order would immediately match and take."},
    }  # fmt: skip
    res = cancel_replace_from_wire(data)
    assert not res.ok and res.canceled is not None and res.canceled.executed_qty == D("0.00001")
    assert res.new_order is None and res.new_order_error == (-2010, "Order would immediately match and take.")
