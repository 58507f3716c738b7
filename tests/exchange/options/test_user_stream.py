"""OptionsUserStream against the simulator: first snapshot, live ACCOUNT_UPDATE/ORDER_TRADE_UPDATE,
keepalive and expiry on an accelerated clock, recreation and reconciliation after every drop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from tui.domain.options.events import AccountUpdate, OrderTradeUpdate
from tui.domain.options.orders import OptionOrderRequest
from tui.exchange.errors import ExchangeError
from tui.exchange.options.rest import OptionsRestClient
from tui.exchange.options.user_stream import OptionsUserStream, Reconciled

HOUR_MS = 60 * 60 * 1000


async def next_of(user: OptionsUserStream, kind: type, timeout: float = 3.0) -> Any:
    async def find() -> Any:
        async for event in user:
            if isinstance(event, kind):
                return event
        raise AssertionError("user stream ended")

    return await asyncio.wait_for(find(), timeout)


async def wait_for(predicate: Any, timeout: float = 3.0) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


@pytest.fixture
def states() -> list[tuple[str, str]]:
    return []


@pytest.fixture
async def user(sim: Any, rest: OptionsRestClient, states: list[tuple[str, str]]) -> AsyncIterator[OptionsUserStream]:
    stream = OptionsUserStream(
        rest,
        sim.options_stream_url,
        keepalive_interval=3600,
        on_status=lambda s, d: states.append((s, d)),
        reconnect_delay=0.02,
    )
    yield stream
    await stream.close()


async def _buy(rest: OptionsRestClient, symbol: str, qty: str = "0.1") -> Any:
    ask = (await rest.depth(symbol, 5)).asks[0][0]
    return await rest.new_order(OptionOrderRequest(symbol, "BUY", "LIMIT", Decimal(qty), ask))


async def _rest_bid(rest: OptionsRestClient, symbol: str) -> Any:
    price = (await rest.mark(symbol)).low_price_limit.quantize(Decimal(1)) + 5
    return await rest.new_order(OptionOrderRequest(symbol, "BUY", "LIMIT", Decimal("0.05"), price))


async def test_first_snapshot_then_live_events(
    user: OptionsUserStream, rest: OptionsRestClient, series: str, states: list[tuple[str, str]]
) -> None:
    await user.wait_live(5)
    first = await next_of(user, Reconciled)
    assert not first.resync and not first.listen_key_renewed and first.reason == "start"
    assert first.positions == () and first.open_orders == ()
    assert first.accounts[0].balance == Decimal(10000)

    filled = await _buy(rest, series)
    seen = [(await next_of(user, OrderTradeUpdate)).orders[0] for _ in range(2)]
    assert [c.status for c in seen] == ["ACCEPTED", "FILLED"]
    change = seen[-1]
    assert change.order_id == filled.order_id and change.symbol == series
    assert change.status == "FILLED" and change.executed_qty == Decimal("0.1") and change.fee == filled.fee
    account = await next_of(user, AccountUpdate)
    (pos,) = account.positions
    assert pos.symbol == series and pos.quantity == Decimal("0.1") and pos.entry_price == filled.avg_price
    assert isinstance(account.balances[0].balance, Decimal) and account.balances[0].balance < Decimal(10000)

    resting = await _rest_bid(rest, series)
    update = await next_of(user, OrderTradeUpdate)
    assert update.orders[0].order_id == resting.order_id and update.orders[0].status == "ACCEPTED"
    assert [s for s, _ in states][:2] == ["connecting", "live"]
    assert user.listen_key and user.listen_key not in repr(user)


async def test_keepalive_keeps_the_key_past_an_hour(
    sim: Any, user: OptionsUserStream, sim_clock: Any, series: str
) -> None:
    user.keepalive_interval = 0.05
    await user.wait_live(5)
    key = user.listen_key
    assert key is not None
    for _ in range(3):  # 3 x 40 minutes: the key only survives because it is kept alive
        done = user.keepalives
        sim_clock.advance(40 * 60 * 1000)
        await wait_for(lambda d=done: user.keepalives >= d + 2)
    assert sim.options.listen_keys.expires_ms(key) > sim_clock()
    assert user.listen_key == key and user.renewals == 0 and user.reconnects == 0 and user.state == "live"


async def test_expiry_recreates_the_key_and_reconciles(
    sim: Any,
    user: OptionsUserStream,
    rest: OptionsRestClient,
    sim_clock: Any,
    series: str,
    other_series: str,
    states: list[tuple[str, str]],
) -> None:
    await user.wait_live(5)
    await next_of(user, Reconciled)
    old_key = user.listen_key
    await _buy(rest, series)
    resting = await _rest_bid(rest, other_series)  # tracked from its ORDER_TRADE_UPDATE
    await next_of(user, AccountUpdate)
    await wait_for(lambda: user._tracked >= {series, other_series})

    sim_clock.advance(HOUR_MS + 60_000)  # no keepalive was sent: the key expires
    again = await next_of(user, Reconciled, timeout=5)
    assert again.resync and again.listen_key_renewed and again.reason == "listenKeyExpired"
    assert [p.symbol for p in again.positions] == [series] and again.positions[0].quantity == Decimal("0.1")
    assert [o.order_id for o in again.open_orders] == [resting.order_id]
    assert user.listen_key != old_key and user.renewals == 1 and user.reconnects == 1
    assert sim.options.listen_keys.account_of(user.listen_key) == "demo"
    assert [s for s, _ in states][-3:] == ["reconnecting", "resyncing", "live"]

    await rest.cancel_order(other_series, order_id=resting.order_id)  # events flow on the new key
    update = await next_of(user, OrderTradeUpdate)
    assert update.orders[0].status == "CANCELLED"


async def test_dropped_stream_reconnects_with_the_same_key(
    sim: Any, user: OptionsUserStream, rest: OptionsRestClient, series: str
) -> None:
    await user.wait_live(5)
    await next_of(user, Reconciled)
    key = user.listen_key
    await _rest_bid(rest, series)
    await next_of(user, OrderTradeUpdate)
    for conn in list(sim.options.streams.connections):
        await conn.ws.close(code=1011, message=b"restart")
    again = await next_of(user, Reconciled, timeout=5)
    assert again.resync and not again.listen_key_renewed and again.reason.startswith("connection closed")
    assert [o.symbol for o in again.open_orders] == [series]
    assert user.listen_key == key and user.reconnects == 1


async def test_failed_keepalive_renews(
    sim: Any, user: OptionsUserStream, rest: OptionsRestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = rest.keepalive_listen_key
    failures = 0

    async def failing_once(key: str) -> None:
        nonlocal failures
        if failures == 0:
            failures += 1
            raise ExchangeError(-1125, "This listenKey does not exist.")
        await real(key)

    monkeypatch.setattr(rest, "keepalive_listen_key", failing_once)
    user.keepalive_interval = 0.05
    await user.wait_live(5)
    await next_of(user, Reconciled)
    again = await next_of(user, Reconciled, timeout=5)
    assert again.resync and again.reason == "keepalive failed: -1125 This listenKey does not exist."
    await wait_for(lambda: user.keepalives >= 1)


async def test_close_deletes_the_key(sim: Any, user: OptionsUserStream) -> None:
    await user.wait_live(5)
    key = user.listen_key
    assert key is not None and sim.options.listen_keys.account_of(key) == "demo"
    await user.close()
    assert sim.options.listen_keys.account_of(key) is None
    assert user.state == "closed"
    left = [e async for e in user]  # what was queued is still delivered, then iteration ends
    assert [type(e) for e in left] == [Reconciled]
