"""Session against the simulator: pegged orders out, and back with their pegged price (replies, status,
user data stream), plus the exchange's refusals as ExchangeError."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.orders import OrderRequest, OrderRespType, OrderType, PegPriceType, Side, TimeInForce
from tui.exchange.errors import ExchangeError
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.events import OrderUpdate
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


def rest(sim: Any, side: str, price: str) -> None:
    sim.engine.place_order("mover", SYMBOL, side, "LIMIT", price=D(price), quantity=D("0.002"), time_in_force="GTC")


@pytest.fixture
async def session(quiet_sim: Any, keys_dir: Any, endpoints_of: Any) -> Any:
    for mm in ("mm-1", "mm-2"):
        with contextlib.suppress(SimError):
            quiet_sim.engine.cancel_all(mm, SYMBOL)
    quiet_sim.engine.open_account("mover", BIG)
    for price in ("59990", "59980"):
        rest(quiet_sim, "BUY", price)
    for price in ("60010", "60020"):
        rest(quiet_sim, "SELL", price)
    s = Session(endpoints_of(quiet_sim), load_demo_signer(keys_dir, "ed25519"))
    await s.start()
    yield s
    await s.close()


async def test_rules_allow_pegs(session: Session) -> None:
    assert session.rules[SYMBOL].peg_instructions_allowed is True


async def test_pegged_limit_round_trip(session: Session) -> None:
    events = aiter(session.user_events())
    req = OrderRequest(
        SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.001"), time_in_force=TimeInForce.GTC,
        peg_price_type=PegPriceType.PRIMARY_PEG, peg_offset_value=1,
    )  # fmt: skip
    order = await session.orders.place_order(req)
    assert order.status == "NEW" and order.price == 0 and order.pegged_price == D("59980")
    assert order.peg_price_type == "PRIMARY_PEG" and order.peg_offset_value == 1 and order.working_price == D("59980")
    update = await next_event(events, OrderUpdate, lambda e: e.order.order_id == order.order_id)
    assert update.order.pegged_price == D("59980") and update.order.peg_offset_value == 1
    status = await session.orders.order_status(SYMBOL, order.order_id)
    assert status.pegged_price == D("59980") and status.peg_price_type == "PRIMARY_PEG"
    opened = [o for o in await session.orders.open_orders(SYMBOL) if o.order_id == order.order_id]
    assert opened[0].pegged_price == D("59980")


async def test_pegged_ioc_with_ack_is_looked_up(session: Session) -> None:
    req = OrderRequest(
        SYMBOL, Side.SELL, OrderType.LIMIT, quantity=D("0.001"), time_in_force=TimeInForce.IOC,
        peg_price_type=PegPriceType.MARKET_PEG, new_order_resp_type=OrderRespType.ACK,
    )  # fmt: skip
    order = await session.orders.place_order(req)
    assert order.status == "FILLED" and order.pegged_price == D("59990") and order.avg_price == D("59990")


async def test_refusals_reach_the_caller(session: Session) -> None:
    with pytest.raises(ExchangeError) as err:
        await session.orders.place_order(
            OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT_MAKER, quantity=D("0.001"),
                         peg_price_type=PegPriceType.MARKET_PEG)
        )  # fmt: skip
    assert err.value.code == -2010 and "peg cannot be used" in str(err.value)
    with pytest.raises(ExchangeError) as err:
        await session.orders.test_order(
            OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.001"), time_in_force=TimeInForce.GTC,
                         peg_price_type=PegPriceType.PRIMARY_PEG, peg_offset_value=5)
        )  # fmt: skip
    assert err.value.code == -2010 and "liquidity is too low" in str(err.value)
