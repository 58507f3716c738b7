"""Engine: order lists (OCO, OTO, OTOCO, OPO), amend keep priority and prevented matches."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from tui.sim.spot.matching.engine import Engine, EngineEvent, ListStatusChanged, OrderParams, OrderUpdated, SimError
from tui.sim.spot.symbols import default_specs

BIG = {"USDT": D("10000000"), "BTC": D("100")}
S = "BTCUSDT"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        self.now += 1
        return self.now


@pytest.fixture
def engine() -> Engine:
    eng = Engine(default_specs(), Clock())
    for acct in ("a", "b", "mover"):
        eng.open_account(acct, BIG)
    trade_at(eng, "60000")
    return eng


@pytest.fixture
def events(engine: Engine) -> list[EngineEvent]:
    seen: list[EngineEvent] = []
    engine.subscribe(seen.append)
    return seen


def trade_at(engine: Engine, price: str, qty: str = "0.001") -> None:
    engine.place_order("mover", S, "SELL", "LIMIT", price=D(price), quantity=D(qty), time_in_force="GTC")
    engine.place_order("b", S, "BUY", "LIMIT", price=D(price), quantity=D(qty), time_in_force="IOC")


def sell_oco(engine: Engine, qty: str = "0.01") -> list:
    above = OrderParams("SELL", "LIMIT_MAKER", D(qty), price=D("61000"))
    below = OrderParams("SELL", "STOP_LOSS_LIMIT", D(qty), price=D("58900"), time_in_force="GTC", stop_price=D("59000"))
    return list(engine.place_order_list("a", S, "OCO", [above, below]).order_list.orders)


def list_events(events: list[EngineEvent]) -> list[tuple[str, str]]:
    return [
        (e.order_list.list_status_type, e.order_list.list_order_status)
        for e in events
        if isinstance(e, ListStatusChanged)
    ]


def status(engine: Engine, order_id: int) -> tuple[str, str]:
    o = engine.get_order("a", S, order_id=order_id)
    return o.status, o.expiry_reason


def test_oco_places_stop_leg_first_and_locks_once(engine: Engine, events: list[EngineEvent]) -> None:
    stop, limit = sell_oco(engine)
    assert (stop.type, limit.type) == ("STOP_LOSS_LIMIT", "LIMIT_MAKER") and stop.order_id < limit.order_id
    assert stop.order_list_id == limit.order_list_id >= 1
    assert engine.balances("a")["BTC"] == (D("99.99"), D("0.01"))  # one lock for the pair
    assert list_events(events) == [("EXEC_STARTED", "EXECUTING")]
    reports = [e for e in events if isinstance(e, OrderUpdated)]
    assert [(r.order.order_id, r.execution_type) for r in reports] == [(stop.order_id, "NEW"), (limit.order_id, "NEW")]


def test_oco_limit_fill_expires_the_stop(engine: Engine, events: list[EngineEvent]) -> None:
    stop, limit = sell_oco(engine)
    engine.place_order("b", S, "BUY", "LIMIT", price=D("61000"), quantity=D("0.004"), time_in_force="IOC")
    assert status(engine, stop.order_id) == ("EXPIRED", "OCO_TRIGGER")
    assert status(engine, limit.order_id)[0] == "PARTIALLY_FILLED"
    engine.place_order("b", S, "BUY", "LIMIT", price=D("61000"), quantity=D("0.006"), time_in_force="IOC")
    assert list_events(events)[-1] == ("ALL_DONE", "ALL_DONE")
    assert engine.open_order_lists("a") == [] and engine.balances("a")["BTC"][1] == 0


def test_oco_stop_trigger_expires_the_limit_and_locks(engine: Engine, events: list[EngineEvent]) -> None:
    stop, limit = sell_oco(engine)
    trade_at(engine, "59000")
    assert status(engine, limit.order_id) == ("EXPIRED", "OCO_TRIGGER")
    working = engine.get_order("a", S, order_id=stop.order_id)
    assert working.status == "NEW" and working.is_working and working.book_qty == D("0.01")
    assert engine.balances("a")["BTC"][1] == D("0.01")
    engine.cancel_order("a", S, order_id=stop.order_id)
    assert list_events(events)[-1] == ("ALL_DONE", "ALL_DONE")


def test_oco_price_relation_and_leg_rules(engine: Engine) -> None:
    bad = OrderParams("SELL", "LIMIT_MAKER", D("0.01"), price=D("59500"))
    below = OrderParams("SELL", "STOP_LOSS", D("0.01"), stop_price=D("59000"))
    with pytest.raises(SimError) as err:
        engine.place_order_list("a", S, "OCO", [bad, below])
    assert (err.value.code, err.value.msg) == (-2010, "The relationship of the prices for the orders is not correct.")
    with pytest.raises(SimError) as err:
        engine.place_order_list("a", S, "OCO", [below, OrderParams("SELL", "LIMIT_MAKER", D("0.01"), price=D("61000"))])
    assert err.value.code == -1166
    limit = OrderParams("SELL", "LIMIT_MAKER", D("0.01"), price=D("61000"))
    with pytest.raises(SimError) as err:
        engine.place_order_list("a", S, "OCO", [limit, dataclasses.replace(limit, price=D("60500"))])
    assert err.value.code == -1168


def test_max_num_order_lists(engine: Engine) -> None:
    spec = engine.specs[S]
    engine.specs[S] = dataclasses.replace(spec, max_num_order_lists=1)
    sell_oco(engine)
    with pytest.raises(SimError) as err:
        sell_oco(engine)
    assert (err.value.code, err.value.msg) == (-1013, "Filter failure: MAX_NUM_ORDER_LISTS")


def oto(engine: Engine, kind: str = "OTO", pending_qty: str | None = "0.01") -> list:
    working = OrderParams("BUY", "LIMIT", D("0.01"), price=D("59900"), time_in_force="GTC")
    pending = OrderParams(
        "SELL", "LIMIT", D(pending_qty) if pending_qty else None, price=D("61000"), time_in_force="GTC"
    )
    return list(engine.place_order_list("a", S, kind, [pending], working=working).order_list.orders)


def test_oto_pending_leg_placed_when_working_fills(engine: Engine, events: list[EngineEvent]) -> None:
    _work, pend = oto(engine)
    assert pend.status == "PENDING_NEW" and pend.working_time == -1 and pend.book_qty == 0
    assert engine.balances("a")["BTC"][1] == 0  # the pending leg holds nothing yet
    engine.place_order("b", S, "SELL", "LIMIT", price=D("59900"), quantity=D("0.004"), time_in_force="IOC")
    assert engine.get_order("a", S, order_id=pend.order_id).status == "PENDING_NEW"
    engine.place_order("b", S, "SELL", "LIMIT", price=D("59900"), quantity=D("0.006"), time_in_force="IOC")
    placed = engine.get_order("a", S, order_id=pend.order_id)
    assert placed.status == "NEW" and placed.is_working and placed.book_qty == D("0.01")
    assert engine.depth(S)[2][0] == (D("61000"), D("0.01"))
    assert list_events(events) == [("EXEC_STARTED", "EXECUTING"), ("EXEC_STARTED", "EXECUTING")]
    engine.place_order("b", S, "BUY", "LIMIT", price=D("61000"), quantity=D("0.01"), time_in_force="IOC")
    assert list_events(events)[-1] == ("ALL_DONE", "ALL_DONE")


def test_oto_cancel_of_pending_leg_cancels_list(engine: Engine) -> None:
    work, pend = oto(engine)
    snap = engine.cancel_order("a", S, order_id=pend.order_id)
    assert snap.status == "CANCELED"
    assert engine.get_order("a", S, order_id=work.order_id).status == "CANCELED"
    assert engine.balances("a")["USDT"][1] == 0
    assert engine.get_order_list("a", order_list_id=work.order_list_id).list_order_status == "ALL_DONE"


def test_otoco_pending_pair_becomes_an_oco(engine: Engine) -> None:
    working = OrderParams("BUY", "LIMIT", D("0.01"), price=D("59900"), time_in_force="GTC")
    above = OrderParams("SELL", "LIMIT_MAKER", D("0.01"), price=D("61000"))
    below = OrderParams("SELL", "STOP_LOSS", D("0.01"), stop_price=D("59000"))
    res = engine.place_order_list("a", S, "OTOCO", [above, below], working=working)
    assert res.order_list.contingency_type == "OTO"
    _work, stop, limit = res.order_list.orders
    assert (stop.type, limit.type) == ("STOP_LOSS", "LIMIT_MAKER")
    engine.place_order("b", S, "SELL", "LIMIT", price=D("59900"), quantity=D("0.01"), time_in_force="IOC")
    assert engine.get_order("a", S, order_id=limit.order_id).is_working
    trade_at(engine, "59000")  # the stop fires: the limit maker expires
    assert status(engine, limit.order_id) == ("EXPIRED", "OCO_TRIGGER")
    assert engine.open_order_lists("a") == []


def test_opo_pending_sells_what_was_bought(engine: Engine) -> None:
    _work, pend = oto(engine, "OPO", None)
    assert pend.orig_qty == 0
    engine.place_order("b", S, "SELL", "LIMIT", price=D("59900"), quantity=D("0.004"), time_in_force="IOC")
    assert engine.balances("a")["BTC"][1] == D("0.003996")  # bought less commission, held for the pending leg
    engine.place_order("b", S, "SELL", "LIMIT", price=D("59900"), quantity=D("0.006"), time_in_force="IOC")
    placed = engine.get_order("a", S, order_id=pend.order_id)
    assert placed.orig_qty == D("0.00999") and placed.status == "NEW"
    assert engine.balances("a")["BTC"][1] == D("0.00999")


def test_opo_sides(engine: Engine) -> None:
    working = OrderParams("SELL", "LIMIT", D("0.01"), price=D("61000"), time_in_force="GTC")
    with pytest.raises(SimError) as err:
        engine.place_order_list("a", S, "OPO", [OrderParams("BUY", "LIMIT", None, price=D("1"))], working=working)
    assert err.value.code == -1222


def test_cancel_all_cancels_lists(engine: Engine) -> None:
    sell_oco(engine)
    engine.place_order("a", S, "BUY", "LIMIT", price=D("50000"), quantity=D("0.01"), time_in_force="GTC")
    singles, lists = engine.cancel_open("a", S)
    assert len(singles) == 1 and len(lists) == 1 and lists[0].list_status_type == "ALL_DONE"
    assert all(o.status == "CANCELED" for o in lists[0].orders)
    assert engine.balances("a")["BTC"][1] == 0


def test_amend_keeps_queue_position(engine: Engine, events: list[EngineEvent]) -> None:
    first = engine.place_order("a", S, "SELL", "LIMIT", price=D("61000"), quantity=D("0.01"), time_in_force="GTC")
    engine.place_order("mover", S, "SELL", "LIMIT", price=D("61000"), quantity=D("0.01"), time_in_force="GTC")
    oid = first.order.order_id
    res = engine.amend_keep_priority("a", S, D("0.004"), order_id=oid, new_client_order_id="kept")
    assert res.order.orig_qty == D("0.004") and res.order.client_order_id == "kept"
    assert engine.depth(S)[2][0] == (D("61000"), D("0.014"))
    replaced = [e for e in events if isinstance(e, OrderUpdated) and e.execution_type == "REPLACED"]
    assert replaced[-1].order.order_id == oid and replaced[-1].execution_id == res.execution_id
    engine.place_order("b", S, "BUY", "LIMIT", price=D("61000"), quantity=D("0.004"), time_in_force="IOC")
    assert engine.get_order("a", S, order_id=oid).status == "FILLED"  # still first in the queue
    assert engine.balances("a")["BTC"][1] == 0
    amendments = engine.order_amendments("a", S, oid)
    assert [(a.orig_qty, a.new_qty, a.new_client_order_id) for a in amendments] == [(D("0.01"), D("0.004"), "kept")]


def test_amend_errors_and_limit(engine: Engine) -> None:
    oid = engine.place_order(
        "a", S, "SELL", "LIMIT", price=D("61000"), quantity=D("0.01"), time_in_force="GTC"
    ).order.order_id
    with pytest.raises(SimError) as err:
        engine.amend_keep_priority("a", S, D("0.02"), order_id=oid)
    assert (err.value.code, err.value.msg) == (-2038, "Order amend (quantity increase) is not supported.")
    with pytest.raises(SimError) as err:
        engine.amend_keep_priority("a", S, D("0.01"), order_id=oid)
    assert err.value.code == -2038
    engine.specs[S] = dataclasses.replace(engine.specs[S], max_num_order_amends=2)
    engine.amend_keep_priority("a", S, D("0.009"), order_id=oid)
    engine.amend_keep_priority("a", S, D("0.008"), order_id=oid)
    with pytest.raises(SimError) as err:
        engine.amend_keep_priority("a", S, D("0.007"), order_id=oid)
    assert (err.value.code, err.value.msg) == (-2038, "Filter failure: MAX_NUM_ORDER_AMENDS")


def test_amend_oco_leg_amends_both_and_updates_list(engine: Engine, events: list[EngineEvent]) -> None:
    stop, limit = sell_oco(engine)
    res = engine.amend_keep_priority("a", S, D("0.005"), order_id=limit.order_id)
    assert res.order_list is not None and res.order_list.list_status_type == "EXEC_STARTED"
    assert engine.get_order("a", S, order_id=stop.order_id).orig_qty == D("0.005")
    assert engine.balances("a")["BTC"][1] == D("0.005")
    assert list_events(events)[-1] == ("UPDATED", "EXECUTING")


def test_prevented_matches_are_kept(engine: Engine) -> None:
    maker = engine.place_order("a", S, "SELL", "LIMIT", price=D("61000"), quantity=D("0.01"), time_in_force="GTC")
    taker = engine.place_order(
        "a", S, "BUY", "LIMIT", price=D("61000"), quantity=D("0.01"), time_in_force="GTC", stp_mode="EXPIRE_MAKER"
    )
    found = engine.prevented_matches("a", S, order_id=taker.order.order_id)
    assert len(found) == 1 and found[0].maker_order_id == maker.order.order_id
    assert engine.prevented_matches("a", S, prevented_match_id=found[0].match_id) == found


def test_a_stop_leg_that_fires_while_its_partner_fills_in_the_same_pass_expires(engine: Engine) -> None:
    # One trade at 59000 fires two waiting orders, oldest first: c's take-profit BUY, which buys the
    # OCO's limit leg at 61000, and the OCO's stop leg. Filling the limit leg expires the stop leg,
    # which the trigger pass had already taken off the waiting list: it must expire, not crash.
    engine.open_account("c", BIG)
    taker = engine.place_order("c", S, "BUY", "TAKE_PROFIT", quantity=D("0.01"), stop_price=D("59000")).order
    legs = {leg.type: leg for leg in sell_oco(engine)}
    trade_at(engine, "59000")
    assert engine.get_order("c", S, order_id=taker.order_id).status == "FILLED"
    assert engine.get_order("a", S, order_id=legs["LIMIT_MAKER"].order_id).status == "FILLED"
    assert engine.get_order("a", S, order_id=legs["STOP_LOSS_LIMIT"].order_id).status == "EXPIRED"
    assert engine.open_orders("a", S) == []
