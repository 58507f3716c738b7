"""Session against the simulator: allOrders, myTrades with commission, account.commission and the
unfilled-order count."""

from __future__ import annotations

import contextlib
from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session
from tui.sim.spot.matching.engine import SimError

SYMBOL = "BTCUSDT"
BIG = {"USDT": D("10000000"), "BTC": D("100")}


@pytest.fixture
async def session(quiet_sim: Any, keys_dir: Any, endpoints_of: Any) -> Any:
    for mm in ("mm-1", "mm-2"):
        with contextlib.suppress(SimError):
            quiet_sim.engine.cancel_all(mm, SYMBOL)
    quiet_sim.engine.open_account("mover", BIG)
    s = Session(endpoints_of(quiet_sim), load_demo_signer(keys_dir, "ed25519"))
    await s.start()
    yield s
    await s.close()


def limit(side: Side, price: str, qty: str = "0.001", tif: TimeInForce = TimeInForce.GTC) -> OrderRequest:
    return OrderRequest(SYMBOL, side, OrderType.LIMIT, quantity=D(qty), price=D(price), time_in_force=tif)


async def test_all_orders_and_my_trades_with_commission(session: Session, quiet_sim: Any) -> None:
    quiet_sim.engine.place_order(
        "mover", SYMBOL, "SELL", "LIMIT", price=D("60000"), quantity=D("0.002"), time_in_force="GTC"
    )
    resting = await session.orders.place_order(limit(Side.BUY, "50000"))
    taken = await session.orders.place_order(limit(Side.BUY, "60000", tif=TimeInForce.IOC))
    assert taken.status == "FILLED"

    orders = await session.account.all_orders(SYMBOL)
    by_id = {o.order_id: o for o in orders}
    assert by_id[resting.order_id].status == "NEW" and by_id[taken.order_id].status == "FILLED"
    assert by_id[taken.order_id].executed_qty == D("0.001")
    assert [o.order_id for o in await session.account.all_orders(SYMBOL, limit=1)] == [orders[-1].order_id]

    trades = await session.account.my_trades(SYMBOL)
    assert len(trades) == 1
    trade = trades[0]
    assert trade.order_id == taken.order_id and trade.side is Side.BUY and trade.is_buyer and not trade.is_maker
    assert trade.price == D("60000") and trade.qty == D("0.001") and trade.quote_qty == D("60")
    # a buyer receives the base asset, so pays its commission in it: 0.1 % of 0.001 BTC
    assert trade.commission == D("0.000001") and trade.commission_asset == "BTC"
    assert await session.account.my_trades(SYMBOL, order_id=resting.order_id) == []
    assert [t.id for t in await session.account.my_trades(SYMBOL, order_id=taken.order_id)] == [trade.id]
    assert await session.account.my_trades(SYMBOL, from_id=trade.id + 1) == []


async def test_account_commission(session: Session) -> None:
    rates = await session.account.account_commission(SYMBOL)
    assert rates.symbol == SYMBOL
    assert rates.standard.maker == D("0.001") and rates.standard.taker == D("0.001")
    assert rates.standard.buyer == 0 and rates.standard.seller == 0
    assert rates.tax.maker == 0 and rates.special.taker == 0
    assert rates.discount_asset == "BNB" and not rates.discount_enabled_for_account


async def test_unfilled_order_count_moves_after_placing(session: Session) -> None:
    before = await session.account.unfilled_order_count()
    assert [(c.window, c.limit) for c in before] == [("10s", 50), ("1d", 160000)]
    await session.orders.place_order(limit(Side.BUY, "50000"))
    await session.orders.place_order(limit(Side.BUY, "50001"))
    after = await session.account.unfilled_order_count()
    assert after[1].count == before[1].count + 2
    assert after[0].count in (before[0].count + 2, 1, 2)  # a new 10 s window may have begun
    assert after[1].fraction == after[1].count / 160000
