"""Codec: user data stream events -> OrderUpdate and friends."""

from __future__ import annotations

from decimal import Decimal

from tui.exchange.spot.codec.user_events import order_update_from_execution_report, user_event_from_wire
from tui.exchange.spot.events import OrderUpdate

D = Decimal


EXEC_REPORT = {
    "e": "executionReport", "E": 1499405658658, "s": "ETHBTC", "c": "mUvoqJxFIILMdfAW5iGSOW", "S": "BUY",
    "o": "LIMIT", "f": "GTC", "q": "1.00000000", "p": "0.10264410", "P": "0.00000000", "F": "0.00000000",
    "g": -1, "C": "", "x": "TRADE", "X": "PARTIALLY_FILLED", "r": "NONE", "i": 4293153, "l": "0.40000000",
    "z": "0.40000000", "L": "0.10264410", "n": "0.00004", "N": "BNB", "T": 1499405658657, "t": 7, "I": 8641984,
    "w": True, "m": False, "M": False, "O": 1499405658600, "Z": "0.04105764", "Y": "0.04105764", "Q": "0.00000000",
}  # fmt: skip


def test_execution_report() -> None:
    update = user_event_from_wire(EXEC_REPORT)
    assert isinstance(update, OrderUpdate)
    assert update.execution_type == "TRADE" and update.last_qty == D("0.4") and update.last_price == D("0.1026441")
    assert update.commission == D("0.00004") and update.commission_asset == "BNB"
    o = update.order
    assert o.symbol == "ETHBTC" and o.order_id == 4293153 and o.status == "PARTIALLY_FILLED" and o.is_open
    assert o.remaining == D("0.6") and o.time == 1499405658600 and o.update_time == 1499405658657


def test_execution_report_cancel_uses_original_client_id() -> None:
    ev = {**EXEC_REPORT, "x": "CANCELED", "X": "CANCELED", "c": "cancel-req-id", "C": "orig-id", "N": None}
    update = order_update_from_execution_report(ev)
    assert update.order.client_order_id == "orig-id" and update.commission_asset is None


def test_execution_report_conditional_fields() -> None:
    ev = {
        "e": "executionReport", "E": 1, "s": "BTCUSDT", "c": "c", "S": "BUY", "o": "TAKE_PROFIT", "f": "GTC",
        "q": "1", "p": "0", "P": "100", "F": "0", "g": -1, "C": "", "x": "TRADE_PREVENTION",
        "X": "EXPIRED_IN_MATCH", "r": "NONE", "i": 7, "l": "0", "z": "0", "L": "0", "n": "0", "N": None,
        "T": 3, "t": -1, "v": 4, "A": "1", "B": "1", "u": -1, "U": 6, "I": 9, "w": False, "m": False,
        "M": False, "O": 2, "Z": "0", "Y": "0", "Q": "0", "d": 25, "D": 5, "j": 1, "J": 1000000,
        "V": "EXPIRE_BOTH", "eR": "REJECTED",
    }  # fmt: skip
    update = order_update_from_execution_report(ev)
    o = update.order
    assert update.execution_type == "TRADE_PREVENTION" and o.status == "EXPIRED_IN_MATCH"
    assert (o.stop_price, o.trailing_delta, o.trailing_time, o.strategy_id, o.strategy_type) == (
        D("100"),
        25,
        5,
        1,
        1000000,
    )
    assert (o.prevented_match_id, o.prevented_qty, o.stp_mode, o.is_working) == (4, D("1"), "EXPIRE_BOTH", False)
    assert o.working_time is None and o.expiry_reason == "REJECTED"
