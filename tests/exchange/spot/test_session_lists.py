"""Session against the simulator: order lists, cancel-replace (including the 409 shape), amend keep
priority, order amendments, prevented matches, and listStatus user events."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.orders import ListLeg, OrderListRequest, OrderRequest, OrderType, Side, StpMode, TimeInForce
from tui.exchange.errors import ExchangeError
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.events import OrderListUpdate, OrderUpdate
from tui.exchange.spot.session import Session
from tui.sim.spot.matching.engine import SimError

SYMBOL = "BTCUSDT"
BIG = {"USDT": D("10000000"), "BTC": D("100")}


async def next_event(events: Any, kind: type, pred: Any = lambda e: True) -> Any:
    async with asyncio.timeout(5):
        async for ev in events:
            if isinstance(ev, kind) and pred(ev):
                return ev
    raise AssertionError("user events ended")


@pytest.fixture
async def session(quiet_sim: Any, keys_dir: Any, endpoints_of: Any) -> Any:
    sim = quiet_sim
    for mm in ("mm-1", "mm-2"):
        with contextlib.suppress(SimError):
            sim.engine.cancel_all(mm, SYMBOL)
    for acct in ("mover", "hitter"):
        sim.engine.open_account(acct, BIG)
    trade_at(sim, "60000")
    s = Session(endpoints_of(sim), load_demo_signer(keys_dir, "ed25519"))
    await s.start()
    yield s
    await s.close()


def trade_at(sim: Any, price: str) -> None:
    sim.engine.place_order("mover", SYMBOL, "SELL", "LIMIT", price=D(price), quantity=D("0.001"), time_in_force="GTC")
    sim.engine.place_order("hitter", SYMBOL, "BUY", "LIMIT", price=D(price), quantity=D("0.001"), time_in_force="IOC")


def sell_limit(price: str, qty: str = "0.001") -> OrderRequest:
    return OrderRequest(
        SYMBOL, Side.SELL, OrderType.LIMIT, quantity=D(qty), price=D(price), time_in_force=TimeInForce.GTC
    )


async def test_oco_round_trip_and_events(session: Session, quiet_sim: Any) -> None:
    events = aiter(session.user_events())
    req = OrderListRequest.oco(
        SYMBOL, Side.SELL, D("0.001"),
        above=ListLeg(OrderType.LIMIT_MAKER, price=D("61000")),
        below=ListLeg(OrderType.STOP_LOSS_LIMIT, price=D("58900"), stop_price=D("59000")),
        list_client_order_id="pair",
    )  # fmt: skip
    lst = await session.order_lists.place_order_list(req)
    assert lst.contingency_type == "OCO" and lst.is_open and lst.list_client_order_id == "pair"
    assert [o.type for o in lst.orders] == ["STOP_LOSS_LIMIT", "LIMIT_MAKER"]
    assert all(o.order_list_id == lst.order_list_id for o in lst.orders)
    leg = await next_event(events, OrderUpdate)  # the legs' executionReports come before the listStatus
    assert leg.order.order_list_id == lst.order_list_id
    started = await next_event(events, OrderListUpdate)
    assert started.order_list.list_status_type == "EXEC_STARTED" and started.order_list.order_ids == lst.order_ids
    quiet_sim.engine.place_order(
        "hitter", SYMBOL, "BUY", "LIMIT", price=D("61000"), quantity=D("0.001"), time_in_force="IOC"
    )
    done = await next_event(events, OrderListUpdate, lambda e: e.order_list.list_status_type == "ALL_DONE")
    assert done.order_list.list_order_status == "ALL_DONE"
    stop = await session.orders.order_status(SYMBOL, lst.orders[0].order_id)
    assert stop.status == "EXPIRED" and stop.expiry_reason == "OCO_TRIGGER"
    status = await session.order_lists.order_list_status(lst.order_list_id)
    assert status.list_order_status == "ALL_DONE" and status.orders == ()
    assert [x.order_list_id for x in await session.order_lists.all_order_lists()] == [lst.order_list_id]


async def test_oto_and_cancel_list(session: Session) -> None:
    req = OrderListRequest.oto(
        SYMBOL,
        working=ListLeg(OrderType.LIMIT, Side.BUY, D("0.001"), price=D("59000")),
        pending=ListLeg(OrderType.LIMIT, Side.SELL, D("0.001"), price=D("62000")),
    )
    lst = await session.order_lists.place_order_list(req)
    assert [o.status for o in lst.orders] == ["NEW", "PENDING_NEW"]
    assert [x.order_list_id for x in await session.order_lists.open_order_lists()] == [lst.order_list_id]
    canceled = await session.order_lists.cancel_order_list(SYMBOL, lst.order_list_id)
    assert canceled.list_status_type == "ALL_DONE" and [o.status for o in canceled.orders] == ["CANCELED", "CANCELED"]
    assert await session.order_lists.open_order_lists() == []
    with pytest.raises(ExchangeError) as err:
        await session.order_lists.cancel_order_list(SYMBOL, lst.order_list_id)
    assert err.value.code == -2011


async def test_opoco_request_shape(session: Session) -> None:
    req = OrderListRequest.opoco(
        SYMBOL,
        working=ListLeg(OrderType.LIMIT, Side.BUY, D("0.001"), price=D("59000")),
        above=ListLeg(OrderType.LIMIT_MAKER, price=D("62000")),
        below=ListLeg(OrderType.STOP_LOSS, stop_price=D("58000")),
    )
    lst = await session.order_lists.place_order_list(req)
    assert lst.contingency_type == "OTO" and len(lst.orders) == 3
    assert lst.orders[1].orig_qty == 0 and lst.orders[1].status == "PENDING_NEW"


async def test_cancel_replace_results(session: Session) -> None:
    old = await session.orders.place_order(sell_limit("61000"))
    res = await session.orders.cancel_replace(old.order_id, sell_limit("61500"))
    assert res.ok and res.canceled is not None and res.canceled.status == "CANCELED"
    assert res.new_order is not None and res.new_order.price == D("61500")
    partial = await session.orders.cancel_replace(old.order_id, sell_limit("61600"), mode="ALLOW_FAILURE")
    assert (partial.cancel_result, partial.new_order_result) == ("FAILURE", "SUCCESS")
    assert partial.cancel_error == (-2011, "Unknown order sent.") and partial.new_order is not None
    failed = await session.orders.cancel_replace(old.order_id, sell_limit("61700"))
    assert (failed.cancel_result, failed.new_order_result) == ("FAILURE", "NOT_ATTEMPTED") and failed.new_order is None


async def test_amend_and_amendments(session: Session) -> None:
    events = aiter(session.user_events())
    order = await session.orders.place_order(sell_limit("61000", "0.01"))
    amended = await session.orders.amend_keep_priority(
        SYMBOL, order.order_id, D("0.004"), new_client_order_id="smaller"
    )
    assert amended.order.orig_qty == D("0.004") and amended.order.client_order_id == "smaller"
    assert amended.orig_client_order_id == order.client_order_id and amended.order_list is None
    ev = await next_event(events, OrderUpdate, lambda e: e.execution_type == "REPLACED")
    assert ev.order.orig_qty == D("0.004")
    (amendment,) = await session.orders.order_amendments(SYMBOL, order.order_id)
    assert (amendment.orig_qty, amendment.new_qty, amendment.execution_id) == (
        D("0.01"),
        D("0.004"),
        amended.execution_id,
    )
    with pytest.raises(ExchangeError) as err:
        await session.orders.amend_keep_priority(SYMBOL, order.order_id, D("0.02"))
    assert err.value.code == -2038


async def test_prevented_matches(session: Session) -> None:
    maker = await session.orders.place_order(sell_limit("61000"))
    taker = await session.orders.place_order(
        OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.001"), price=D("61000"),
                     time_in_force=TimeInForce.GTC, stp_mode=StpMode.EXPIRE_MAKER)
    )  # fmt: skip
    (match,) = await session.account.prevented_matches(SYMBOL, order_id=taker.order_id)
    assert match.maker_order_id == maker.order_id and match.maker_prevented_qty == D("0.001")
    assert await session.account.prevented_matches(SYMBOL, prevented_match_id=match.prevented_match_id) == [match]
