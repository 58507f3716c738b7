"""Session against the simulator: Smart Order Routing (sor.order.place / sor.order.test, myAllocations)
and the SOR configuration read from exchangeInfo, through the real network path."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from tui.domain.spot.orders import OrderRequest as Req
from tui.domain.spot.orders import OrderRespType, OrderType, Side, TimeInForce
from tui.domain.spot.sor import SorConfig, sor_config_for, sor_symbols, total_quote
from tui.exchange.errors import ExchangeError
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.events import BalancesUpdate, OrderUpdate
from tui.exchange.spot.session import Session
from tui.sim.spot.matching.engine import SimError

pytestmark = pytest.mark.timeout(30)
USDT, USDC = "BTCUSDT", "BTCUSDC"


@pytest.fixture
async def session(quiet_sim: Any, keys_dir: Path, endpoints_of: Any) -> AsyncIterator[Session]:
    """The demo account on books of the test's own: the market makers' quotes are canceled."""
    engine = quiet_sim.engine
    for mm in ("mm-1", "mm-2"):
        for symbol in (USDT, USDC):
            with contextlib.suppress(SimError):
                engine.cancel_all(mm, symbol)
    engine.open_account("maker", {"USDT": D("10000000"), "USDC": D("10000000"), "BTC": D("100")})
    engine.open_account("demo", {"USDT": D("100000"), "USDC": D("5000"), "BTC": D("1")})
    for symbol, price, qty in ((USDT, "30500", "0.3"), (USDC, "30000", "0.1"), (USDC, "28000", "0.1")):
        engine.place_order("maker", symbol, "SELL", "LIMIT", price=D(price), quantity=D(qty), time_in_force="GTC")
    s = Session(endpoints_of(quiet_sim), load_demo_signer(keys_dir, "ed25519"))
    await s.start()
    yield s
    await s.close()


def buy(qty: str, price: str | None = None, tif: TimeInForce | None = TimeInForce.GTC, **kw: Any) -> Req:
    if price is None:
        return Req(USDT, Side.BUY, OrderType.MARKET, quantity=D(qty), **kw)
    return Req(USDT, Side.BUY, OrderType.LIMIT, quantity=D(qty), price=D(price), time_in_force=tif, **kw)


async def test_start_reads_the_sor_configuration(session: Session) -> None:
    assert session.sors == (SorConfig("BTC", (USDT, USDC)),)
    assert sor_symbols(session.sors) == {USDT, USDC}
    assert sor_config_for(session.sors, USDC) == session.sors[0]
    assert sor_config_for(session.sors, "ETHUSDT") is None
    assert session.rules[USDC].quote_asset == "USDC"


async def test_place_sor_order_takes_the_cheaper_book(session: Session, quiet_sim: Any) -> None:
    usdt_before = quiet_sim.engine.balances("demo")["USDT"][0]
    result = await session.sor.place_sor_order(buy("0.15", "31000", client_order_id="sor-a"))
    order = result.order
    assert (order.symbol, order.client_order_id, order.status) == (USDT, "sor-a", "FILLED")
    assert order.executed_qty == D("0.15") and order.cum_quote_qty == D("4300")
    assert result.working_floor == "SOR" and result.used_sor
    assert [(f.price, f.qty, f.alloc_id, f.trade_id) for f in result.fills] == [
        (D("28000"), D("0.1"), 0, -1),
        (D("30000"), D("0.05"), 1, -1),
    ]
    assert all(f.is_allocation and f.match_type == "ONE_PARTY_TRADE_REPORT" for f in result.fills)
    assert result.allocations == result.fills and total_quote(result.fills) == D("4300")
    assert result.fills[0].commission == D("0.0001") and result.fills[0].commission_asset == "BTC"
    assert quiet_sim.engine.balances("demo")["USDT"][0] == usdt_before - D("4300")

    allocations = await session.sor.my_allocations(USDT)
    assert [(a.allocation_id, a.order_id, a.price, a.qty, a.quote_qty) for a in allocations] == [
        (0, order.order_id, D("28000"), D("0.1"), D("2800")),
        (1, order.order_id, D("30000"), D("0.05"), D("1500")),
    ]
    first = allocations[0]
    assert first.side is Side.BUY and first.allocation_type == "SOR" and not first.is_maker
    assert not first.is_allocator and first.order_list_id == -1 and first.commission_asset == "BTC"
    assert [a.allocation_id for a in await session.sor.my_allocations(USDT, order_id=order.order_id)] == [0, 1]
    assert [a.allocation_id for a in await session.sor.my_allocations(USDT, from_allocation_id=1)] == [1]
    assert [a.allocation_id for a in await session.sor.my_allocations(USDT, limit=1)] == [0]
    assert len(await session.sor.my_allocations(USDT, start_time=first.time, end_time=first.time)) == 2
    assert await session.sor.my_allocations(USDC) == []


async def test_gtc_remainder_rests_and_market_remainder_expires(session: Session) -> None:
    rested = await session.sor.place_sor_order(buy("0.6", "30600"))
    assert rested.order.status == "PARTIALLY_FILLED" and rested.working_floor == "EXCHANGE"
    assert rested.order.executed_qty == D("0.5")
    assert [o.order_id for o in await session.orders.open_orders(USDT)] == [rested.order.order_id]
    await session.orders.cancel_order(USDT, rested.order.order_id)

    # every book is now empty on the ask side: a MARKET order finds nothing and expires
    expired = await session.sor.place_sor_order(buy("0.01"))
    assert expired.order.status == "EXPIRED" and expired.fills == ()
    assert expired.order.expiry_reason == "INSUFFICIENT_LIQUIDITY"


async def test_ioc_remainder_expires(session: Session) -> None:
    result = await session.sor.place_sor_order(buy("0.3", "30000", tif=TimeInForce.IOC))
    assert result.order.status == "EXPIRED" and result.order.executed_qty == D("0.2")
    assert result.order.expiry_reason == "UNFILLED_IOC_QUANTITY_EXPIRED"


async def test_ack_reply_is_looked_up(session: Session) -> None:
    result = await session.sor.place_sor_order(buy("0.05", "31000", new_order_resp_type=OrderRespType.ACK))
    assert result.order.status == "FILLED" and result.fills == () and result.working_floor is None


async def test_test_sor_order(session: Session, quiet_sim: Any) -> None:
    assert await session.sor.test_sor_order(buy("0.05", "31000")) is None
    rates = await session.sor.test_sor_order(buy("0.05", "31000"), commission_rates=True)
    assert rates is not None
    assert rates.standard.maker == D("0.001") and rates.standard.taker == D("0.001")
    assert rates.tax.taker == 0 and rates.special.maker == 0 and rates.discount_asset == "BNB"
    assert await session.sor.my_allocations(USDT) == [] and await session.orders.open_orders(USDT) == []


async def test_errors(session: Session) -> None:
    with pytest.raises(ExchangeError) as err:
        await session.sor.place_sor_order(Req("ETHUSDT", Side.BUY, OrderType.MARKET, quantity=D("0.01")))
    assert (err.value.code, err.value.msg) == (-1013, "This symbol has no SOR.")
    with pytest.raises(ExchangeError) as err:
        await session.sor.test_sor_order(buy("10", "31000"))  # the account cannot pay for it
    assert err.value.code == -2010
    with pytest.raises(ExchangeError) as err:
        await session.sor.my_allocations(USDT, order_id=1, start_time=1)
    assert err.value.code == -1128
    # what SOR cannot express is refused before anything is sent
    with pytest.raises(ValueError, match="quoteOrderQty"):
        await session.sor.place_sor_order(Req(USDT, Side.BUY, OrderType.MARKET, quote_order_qty=D("100")))
    with pytest.raises(ValueError, match="LIMIT and MARKET"):
        await session.sor.place_sor_order(Req(USDT, Side.BUY, OrderType.LIMIT_MAKER, quantity=D("0.01"), price=D("1")))


async def test_user_events_of_a_sor_order(session: Session) -> None:
    events = session.user_events()
    result = await session.sor.place_sor_order(buy("0.1", "31000"))
    seen: list[OrderUpdate] = []
    balances: BalancesUpdate | None = None
    async with asyncio.timeout(5):
        async for ev in events:
            if isinstance(ev, OrderUpdate) and ev.order.order_id == result.order.order_id:
                seen.append(ev)
            elif isinstance(ev, BalancesUpdate):
                balances = ev
            if balances is not None and seen and seen[-1].order.status == "FILLED":
                break
    assert [e.execution_type for e in seen] == ["NEW", "TRADE"]
    assert seen[-1].last_price == D("28000") and seen[-1].commission_asset == "BTC"
    assert balances is not None and {b.asset for b in balances.balances} == {"BTC", "USDT"}
