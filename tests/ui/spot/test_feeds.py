"""Feeds against the real simulator: what they publish, how they survive drops, and how a burst of
their messages collapses in the dashboard's queue."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from tests.ui.spot.test_dashboard import _ready
from tui.domain.spot.market import Trade
from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.exchange.endpoints import Endpoints
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session
from tui.feeds.spot import AccountFeed
from tui.messages import BookUpdated, ConnectionStatus, KlinesUpdated, OrdersUpdated, TradesUpdated
from tui.widgets.spot.trades_tape import TradesTape


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


def test_a_snapshot_replaces_only_an_older_snapshot_of_the_same_thing() -> None:
    book = BookUpdated("BTCUSDT", (), (), 1, "live", 0)
    assert book.can_replace(BookUpdated("BTCUSDT", (), (), 2, "live", 0))
    assert not book.can_replace(BookUpdated("ETHUSDT", (), (), 2, "live", 0))
    assert not book.can_replace(TradesUpdated("BTCUSDT", ()))
    assert not KlinesUpdated("BTCUSDT", "1m", ()).can_replace(KlinesUpdated("BTCUSDT", "5m", ()))
    # A state change is an event, not a snapshot: every one of them must be seen.
    assert not ConnectionStatus("book", "stale").can_replace(ConnectionStatus("book", "live"))


async def test_a_burst_of_tape_snapshots_is_handled_once_with_the_latest(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    burst_ids = set(range(10**12, 10**12 + 30))  # far from the simulator's trade ids
    handled: dict[int, TradesUpdated] = {}  # by identity: the message bubbles dashboard -> app

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, TradesUpdated) and message.trades and message.trades[0].trade_id in burst_ids:
            handled[id(message)] = message

    app = make_trading_app()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await _ready(pilot, app)
        feed = app.dashboard.market_feed
        # Prints arrive faster than the dashboard handles them: the feed publishes after each one
        # (no await in between), as it would while the screen is busy redrawing.
        last = None
        for trade_id in sorted(burst_ids):
            feed.trades.appendleft(Trade(trade_id, Decimal("50000"), Decimal("0.001"), 0, False))
            feed.changes.mark("trades")
            feed.publish()
            last = tuple(feed.trades)
        await pilot.pause(0.3)
        tape = app.dashboard.query_one(TradesTape)
        assert [m.trades for m in handled.values()] == [last]
        assert max(burst_ids) in {t.trade_id for t in tape.trades}  # later real prints may sit above it
