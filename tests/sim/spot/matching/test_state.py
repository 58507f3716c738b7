"""EngineState and Effects: the shared state's id sequences and checks, and one call's event collector."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tui.sim.spot.matching.effects import Effects, deliver
from tui.sim.spot.matching.engine import BalancesChanged, EngineEvent, SimError
from tui.sim.spot.matching.orders import Order
from tui.sim.spot.matching.state import EngineState
from tui.sim.spot.symbols import default_specs


@pytest.fixture
def state() -> EngineState:
    st = EngineState(default_specs(), lambda: 1_700_000_000_000)
    st.open_account("a", {"USDT": D("100")}, D("0.001"), D("0.001"))
    st.open_account("b", {"BTC": D("1")}, D("0.001"), D("0.001"))
    return st


def test_ids_are_strictly_increasing_and_peek_does_not_take(state: EngineState) -> None:
    assert state.peek_exec_id() == 1
    assert [state.take_exec_id(), state.take_exec_id()] == [1, 2]
    assert state.peek_exec_id() == 3
    assert [state.take_trade_id(), state.take_trade_id()] == [1, 2]
    order = Order.new("a", "BTCUSDT", "BUY", "LIMIT", "GTC", D("1"), D("1"), None, 0, 0, "")
    state.assign_order_id(order)
    assert (order.order_id, order.client_order_id) == (1, f"sim{1:019d}")


def test_account_for_checks_the_account_before_the_symbol(state: EngineState) -> None:
    with pytest.raises(SimError) as err:
        state.account_for("nobody", "NOSUCH")
    assert err.value.code == -2015
    with pytest.raises(SimError) as err:
        state.account_for("a", "NOSUCH")
    assert err.value.code == -1121
    assert state.account_for("a", "BTCUSDT").account_id == "a"


def test_effects_report_balances_in_order_of_first_touch(state: EngineState) -> None:
    effects = Effects(state, "b")  # the acting account first, even if touched later
    effects.assets("a").add("USDT")
    effects.assets("b").add("BTC")
    effects.assets("c")  # touched nothing: no event
    effects.touched_balances(5)
    changed = [e for e in effects.events if isinstance(e, BalancesChanged)]
    assert [(e.account_id, dict(e.balances)) for e in changed] == [
        ("b", {"BTC": (D("1"), D("0"))}),
        ("a", {"USDT": (D("100"), D("0"))}),
    ]
    assert effects.touched == {}


def test_deliver_survives_a_broken_listener(state: EngineState) -> None:
    seen: list[EngineEvent] = []

    def broken(event: EngineEvent) -> None:
        raise RuntimeError("boom")

    effects = Effects(state)
    effects.balances_changed("a", {"USDT"}, 1)
    deliver(effects.events, [broken, seen.append])
    assert seen == effects.events
