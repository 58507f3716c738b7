"""Session against the simulator: what the UI does, through the real network path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tui.domain.money import floor_to_step
from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.events import AccountSnapshot, BalanceDelta, BalancesUpdate, OrderUpdate, SessionReconnected
from tui.exchange.spot.session import Session

SYMBOL = "BTCUSDT"


@pytest.fixture(params=["ed25519", "hmac", "rsa"])
async def session(
    request: pytest.FixtureRequest, sim: Any, keys_dir: Path, endpoints_of: Any
) -> AsyncIterator[Session]:
    statuses: list[tuple[str, str, str]] = []
    s = Session(
        endpoints_of(sim),
        load_demo_signer(keys_dir, request.param),
        reconnect_delay=0.05,
        on_status=lambda *a: statuses.append(a),
    )
    s.statuses = statuses  # type: ignore[attr-defined]
    await s.start()
    yield s
    await s.close()


def resting_buy(session: Session, sim: Any, client_id: str | None = None) -> OrderRequest:
    """A LIMIT BUY well below the market that satisfies every filter."""
    rules = session.rules[SYMBOL]
    bid = sim.engine.best_bid_ask(SYMBOL)[0][0]
    price = floor_to_step(bid * Decimal("0.8"), rules.tick_size)
    qty = floor_to_step(Decimal(20) / price, rules.step_size) + rules.step_size
    return OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=qty, price=price,
                        time_in_force=TimeInForce.GTC, client_order_id=client_id)  # fmt: skip


async def next_event(events: AsyncIterator[Any], kind: type, pred: Any = lambda e: True) -> Any:
    async with asyncio.timeout(5):
        async for ev in events:
            if isinstance(ev, kind) and pred(ev):
                return ev
    raise AssertionError("user events ended")


async def test_start_loads_rules_and_status(session: Session) -> None:
    assert {"BTCUSDT", "ETHUSDT", "BNBUSDT"} <= set(session.rules)
    assert session.rules[SYMBOL].tick_size == Decimal("0.01")
    assert session.status["ws-api"] == "live"
    assert ("ws-api", "live", "") in session.statuses  # type: ignore[attr-defined]
    assert session.clock.synced and session.clock.rtt_ms is not None
    assert session.ws.subscription_id is not None and session.ws.subscription_id >= 0
    assert session.ws.logged_on == (session.signer.key_type == "ED25519")  # type: ignore[union-attr]


async def test_place_cancel_open_orders_account(session: Session, sim: Any) -> None:
    events = aiter(session.user_events())
    account = await session.account.snapshot()
    assert isinstance(account, AccountSnapshot) and account.can_trade
    usdt = next(b for b in account.balances if b.asset == "USDT")
    req = resting_buy(session, sim, client_id="tui-test-1")
    await session.orders.test_order(req)
    order = await session.orders.place_order(req)
    assert order.status == "NEW" and order.client_order_id == "tui-test-1" and order.is_open
    assert order.price == req.price and order.orig_qty == req.quantity
    update = await next_event(events, OrderUpdate, lambda e: e.order.order_id == order.order_id)
    assert update.execution_type == "NEW" and update.order.status == "NEW"
    balances = await next_event(events, BalancesUpdate)
    locked = next(b for b in balances.balances if b.asset == "USDT")
    assert locked.locked >= req.price * req.quantity  # type: ignore[operator]
    assert [o.order_id for o in await session.orders.open_orders(SYMBOL)] == [order.order_id]
    assert order.order_id in [o.order_id for o in await session.orders.open_orders()]
    assert (await session.orders.order_status(SYMBOL, order.order_id)).status == "NEW"
    canceled = await session.orders.cancel_order(SYMBOL, order.order_id)
    assert canceled.status == "CANCELED" and canceled.order_id == order.order_id
    update = await next_event(events, OrderUpdate, lambda e: e.execution_type == "CANCELED")
    assert update.order.order_id == order.order_id and update.order.client_order_id == "tui-test-1"
    assert await session.orders.open_orders(SYMBOL) == []
    after = next(b for b in (await session.account.snapshot()).balances if b.asset == "USDT")
    assert after.total == usdt.total


async def test_cancel_all_and_errors(session: Session, sim: Any) -> None:
    a = await session.orders.place_order(resting_buy(session, sim))
    b = await session.orders.place_order(resting_buy(session, sim))
    canceled = await session.orders.cancel_all(SYMBOL)
    assert sorted(o.order_id for o in canceled) == sorted([a.order_id, b.order_id])
    assert all(o.status == "CANCELED" for o in canceled)
    with pytest.raises(ExchangeError) as info:
        await session.orders.cancel_order(SYMBOL, a.order_id)
    assert info.value.code == -2011
    bad = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=Decimal("0.000001"), price=Decimal("100"))
    with pytest.raises(ExchangeError) as info:
        await session.orders.place_order(bad)
    assert info.value.code == -1013 and "LOT_SIZE" in info.value.msg


async def test_market_order_fills_and_reports_trade(session: Session, sim: Any) -> None:
    events = aiter(session.user_events())
    req = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, quote_order_qty=Decimal("50"))
    order = await session.orders.place_order(req)
    assert order.status == "FILLED" and order.executed_qty > 0
    trade = await next_event(events, OrderUpdate, lambda e: e.execution_type == "TRADE")
    assert trade.order.order_id == order.order_id and trade.last_qty > 0 and trade.last_price > 0


async def test_market_data(session: Session) -> None:
    klines = await session.market.klines(SYMBOL, "1m", limit=30)
    assert 0 < len(klines) <= 30 and all(k.high >= k.low for k in klines)
    ticker = await session.market.ticker_24h(SYMBOL)
    assert ticker.symbol == SYMBOL and ticker.last_price > 0
    snap = await session.rest.depth(SYMBOL, 5)
    assert len(snap.bids) <= 5 and snap.bids[0][0] < snap.asks[0][0]
    assert await session.rest.time() > 0
    assert SYMBOL in await session.rest.exchange_info([SYMBOL, "ETHUSDT"])
    assert any(u.type == "REQUEST_WEIGHT" for u in session.rate_limits.usage)


async def test_balance_delta_event(session: Session, sim: Any) -> None:
    events = aiter(session.user_events())
    sim.credit("demo", "USDT", Decimal("12.5"))
    delta = await next_event(events, BalanceDelta)
    assert delta == BalanceDelta("USDT", Decimal("12.5"))


async def test_reconnects_after_ws_api_drop(session: Session, sim: Any) -> None:
    events = aiter(session.user_events())
    await sim.ws_api.close_all()
    assert isinstance(await next_event(events, SessionReconnected), SessionReconnected)
    assert session.status["ws-api"] == "live" and session.reconnects == 1
    states = [s for name, s, _ in session.statuses if name == "ws-api"]  # type: ignore[attr-defined]
    assert "reconnecting" in states
    # User data flows again on the new connection.
    order = await session.orders.place_order(resting_buy(session, sim))
    update = await next_event(events, OrderUpdate, lambda e: e.order.order_id == order.order_id)
    assert update.execution_type == "NEW"
    await session.orders.cancel_order(SYMBOL, order.order_id)


async def test_market_streams_and_local_book_from_session(session: Session) -> None:
    client = session.market_streams(["btcusdt@trade"], reconnect_delay=0.05)
    await client.wait_live(5)
    assert session.status["streams"] == "live"
    book = session.local_book(SYMBOL, snapshot_limit=100)
    assert book.state == "syncing"


async def test_rate_limited(limited_sim: Any, endpoints_of: Any) -> None:
    session = Session(endpoints_of(limited_sim), None)
    await session.start()  # connect (2) + time x3 + exchangeInfo (20)
    with pytest.raises(RateLimited) as info:
        for _ in range(60):
            await session.market.ticker_24h(SYMBOL)
    assert info.value.status == 429 and info.value.code == -1003
    assert info.value.retry_after_ms is not None and info.value.retry_after_ms > session.clock.now_ms() - 1000
    assert session.rate_limits.blocked
    with pytest.raises(RateLimited):  # refused locally until retryAfter
        await session.market.ticker_24h(SYMBOL)
    with pytest.raises(RateLimited):
        await session.rest.depth(SYMBOL, 5)
    await session.close()


async def test_closed_session_refuses(sim: Any, endpoints_of: Any) -> None:
    session = Session(endpoints_of(sim), None)
    await session.start()
    assert session.ws.logged_on is False and session.ws.subscription_id is None
    await session.close()
    assert session.status["ws-api"] == "closed"
    with pytest.raises(NotConnected):
        await session.market.ticker_24h(SYMBOL)
    assert [e async for e in session.user_events()] == []


async def test_order_count_limit_blocks_new_orders_but_never_cancels(keys_dir: Path, endpoints_of: Any) -> None:
    """-1015 (too many new orders) is per account and about NEW orders: the trader can still get flat."""
    from tests.exchange.spot.conftest import _start_sim
    from tui.sim.protocol.rate_limits import RateLimitConfig

    sim = await _start_sim(keys_dir, run_market=False, rate_limits=RateLimitConfig.tiny(weight=100_000, orders=2))
    session = Session(endpoints_of(sim), load_demo_signer(keys_dir, "ed25519"))
    try:
        await session.start()
        first = await session.orders.place_order(resting_buy(session, sim))
        await session.orders.place_order(resting_buy(session, sim))
        with pytest.raises(RateLimited) as info:
            await session.orders.place_order(resting_buy(session, sim))
        assert info.value.code == -1015 and info.value.status == 429
        with pytest.raises(RateLimited) as local:  # refused locally, without asking the exchange
            await session.orders.place_order(resting_buy(session, sim))
        assert local.value.code == -1015
        cancelled = await session.orders.cancel_order(SYMBOL, first.order_id)  # still allowed
        assert cancelled.status == "CANCELED"
        assert len(await session.orders.open_orders(SYMBOL)) == 1
        assert len(await session.orders.cancel_all(SYMBOL)) == 1
    finally:
        await session.close()
        await sim.stop()
