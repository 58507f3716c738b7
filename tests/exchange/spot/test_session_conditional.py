"""Session against the simulator: stop, trailing, iceberg and STP orders, response types, order.test
commission rates, and the conditional fields the client parses from replies and the user stream."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.orders import OrderRequest, OrderRespType, OrderType, Side, StpMode, TimeInForce
from tui.exchange.errors import ExchangeError
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.events import OrderUpdate
from tui.exchange.spot.session import Session
from tui.sim.spot.matching.engine import SimError


async def next_event(events: Any, kind: type, pred: Any = lambda e: True) -> Any:
    async with asyncio.timeout(5):
        async for ev in events:
            if isinstance(ev, kind) and pred(ev):
                return ev
    raise AssertionError("user events ended")


SYMBOL = "BTCUSDT"
BIG = {"USDT": D("10000000"), "BTC": D("100")}


@pytest.fixture
async def session(sim: Any, keys_dir: Any, endpoints_of: Any) -> Any:
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


async def test_rules_carry_the_new_filters(session: Session) -> None:
    rules = session.rules[SYMBOL]
    assert "STOP_LOSS_LIMIT" in rules.order_types and rules.iceberg_parts == 10 and rules.max_num_algo_orders == 5
    assert (rules.min_trailing_above_delta, rules.max_trailing_below_delta) == (10, 2000)
    assert rules.default_stp_mode == "NONE" and "EXPIRE_MAKER" in rules.allowed_stp_modes


async def test_stop_loss_limit_round_trip(session: Session, sim: Any) -> None:
    events = aiter(session.user_events())
    req = OrderRequest(
        SYMBOL, Side.SELL, OrderType.STOP_LOSS_LIMIT, quantity=D("0.001"), price=D("58900"), stop_price=D("59000"),
        time_in_force=TimeInForce.GTC, strategy_id=12, strategy_type=1_000_001,
    )  # fmt: skip
    order = await session.orders.place_order(req)
    assert order.status == "NEW" and order.stop_price == D("59000") and order.working_time == -1
    assert order.strategy_id == 12 and order.strategy_type == 1_000_001 and order.stp_mode == "NONE"
    new = await next_event(events, OrderUpdate, lambda e: e.order.order_id == order.order_id)
    assert new.order.is_working is False and new.order.stop_price == D("59000") and new.order.strategy_id == 12
    trade_at(sim, "59000")
    fired = await next_event(
        events, OrderUpdate, lambda e: e.order.order_id == order.order_id and e.order.is_working is True
    )
    assert fired.execution_type == "NEW" and fired.order.working_time is not None and fired.order.working_time > 0
    status = await session.orders.order_status(SYMBOL, order.order_id)
    assert status.is_working is True and status.is_open


async def test_trailing_stop_and_ack(session: Session, sim: Any) -> None:
    req = OrderRequest(
        SYMBOL, Side.SELL, OrderType.STOP_LOSS, quantity=D("0.001"), trailing_delta=100,
        new_order_resp_type=OrderRespType.ACK,
    )  # fmt: skip
    order = await session.orders.place_order(req)  # ACK: the session looks the order up
    assert order.trailing_delta == 100 and order.trailing_time is not None and order.trailing_time > 0
    assert order.status == "NEW" and order.type == "STOP_LOSS"


async def test_iceberg_and_stp(session: Session, sim: Any) -> None:
    events = aiter(session.user_events())
    ice = await session.orders.place_order(
        OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.005"), price=D("59000"),
                     iceberg_qty=D("0.001"), time_in_force=TimeInForce.GTC)
    )  # fmt: skip
    assert ice.iceberg_qty == D("0.001")
    taker = await session.orders.place_order(
        OrderRequest(SYMBOL, Side.SELL, OrderType.MARKET, quantity=D("0.001"), stp_mode=StpMode.EXPIRE_TAKER)
    )
    assert taker.status == "EXPIRED_IN_MATCH" and taker.prevented_qty == D("0.001") and taker.stp_mode == "EXPIRE_TAKER"
    update = await next_event(
        events, OrderUpdate, lambda e: e.order.order_id == taker.order_id and e.execution_type == "TRADE_PREVENTION"
    )
    assert update.order.prevented_match_id == 0 and update.order.prevented_qty == D("0.001")


async def test_errors_reach_the_caller(session: Session) -> None:
    with pytest.raises(ExchangeError) as err:
        await session.orders.place_order(
            OrderRequest(SYMBOL, Side.SELL, OrderType.STOP_LOSS, quantity=D("0.001"), stop_price=D("61000"))
        )
    assert err.value.code == -2010 and "trigger immediately" in str(err.value)
    with pytest.raises(ExchangeError) as err:
        await session.orders.test_order(
            OrderRequest(SYMBOL, Side.SELL, OrderType.STOP_LOSS, quantity=D("0.001"), trailing_delta=3000)
        )
    assert err.value.code == -1013


async def test_test_order_commission_rates(session: Session) -> None:
    req = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.001"), price=D("50000"),
                       time_in_force=TimeInForce.GTC)  # fmt: skip
    assert await session.orders.test_order(req) is None
    rates = await session.orders.test_order(req, compute_commission_rates=True)
    assert rates is not None
    assert rates.standard.maker == D("0.001") and rates.standard.taker == D("0.001")
    assert rates.special.maker == 0 and rates.tax.taker == 0 and rates.discount_asset == "BNB"
