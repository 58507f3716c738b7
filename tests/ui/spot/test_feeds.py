"""Feeds against the real simulator, without the app: what they publish and how they survive drops."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.exchange.endpoints import Endpoints
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session
from tui.feeds.spot import AccountFeed
from tui.messages import ConnectionStatus, OrdersUpdated


async def _until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


async def test_account_feed_survives_drops_during_its_reload(sim, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    endpoints = Endpoints(rest=sim.rest_url, ws_api=sim.ws_api_url, streams=sim.stream_url)
    session = Session(endpoints, load_demo_signer(tmp_path / "keys", "ed25519"), reconnect_delay=0.05)
    posted: list[object] = []
    await session.start()
    feed = AccountFeed(session, posted.append)
    task = asyncio.create_task(feed.run())
    try:
        await _until(lambda: any(isinstance(m, OrdersUpdated) for m in posted))
        # Drop the WS API again and again, including while the feed reloads after a reconnect.
        for _ in range(3):
            await sim.ws_api.close_all()
            await asyncio.sleep(0.15)
        await _until(lambda: session.status.get("ws-api") == "live")
        assert not task.done(), task
        bid = sim.engine.best_bid_ask("BTCUSDT")[0][0]
        price = (bid * Decimal("0.8")).quantize(Decimal("0.01"))
        order = await session.orders.place_order(
            OrderRequest(
                "BTCUSDT",
                Side.BUY,
                OrderType.LIMIT,
                quantity=Decimal("0.001"),
                price=price,
                time_in_force=TimeInForce.GTC,
            )
        )
        await _until(lambda: order.order_id in feed.orders)
        assert any(isinstance(m, ConnectionStatus) and m.name == "account" and m.state == "live" for m in posted)
    finally:
        task.cancel()
        await session.close()
