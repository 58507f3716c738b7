"""Codec: account.status and balance events -> AccountSnapshot, BalancesUpdate, BalanceDelta."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.exchange.spot.codec.account import account_from_wire
from tui.exchange.spot.codec.user_events import user_event_from_wire
from tui.exchange.spot.events import BalanceDelta, BalancesUpdate

D = Decimal


def test_balances() -> None:
    account = {
        "canTrade": True,
        "commissionRates": {"maker": "0.00150000", "taker": "0.00150000", "buyer": "0", "seller": "0"},
        "balances": [{"asset": "BTC", "free": "1.3447112", "locked": "0.08600000"}],
    }
    snap = account_from_wire(account)
    assert snap.can_trade and snap.commission.maker == D("0.0015")
    assert snap.balances[0].total == D("1.4307112")
    pos = {"e": "outboundAccountPosition", "E": 1, "u": 1, "B": [{"a": "ETH", "f": "10000.000000", "l": "0.000000"}]}
    ev = user_event_from_wire(pos)
    assert isinstance(ev, BalancesUpdate) and ev.balances[0].free == D("10000")
    delta = user_event_from_wire({"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "-100.00000000", "T": 1})
    assert delta == BalanceDelta("BTC", D("-100"))
    assert user_event_from_wire({"e": "externalLockUpdate", "a": "NEO", "d": "1"}) is None
    with pytest.raises(ValueError):
        user_event_from_wire({"e": "outboundAccountPosition", "B": [{"a": "ETH"}]})
