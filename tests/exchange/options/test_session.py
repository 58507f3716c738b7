"""OptionsSession: one REST client, the user stream and market streams, started and closed together."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.domain.options.events import OptionTickerEvent, OrderTradeUpdate
from tui.domain.options.orders import OptionOrderRequest
from tui.exchange.key_files import load_demo_signer
from tui.exchange.options.session import OptionsSession
from tui.exchange.options.streams import ticker_stream
from tui.exchange.options.user_stream import Reconciled


async def test_session_round_trip(sim: Any, keys_dir: Path, series: str) -> None:
    signer = load_demo_signer(keys_dir, "hmac")
    states: list[str] = []
    session = OptionsSession(
        sim.options_rest_url, sim.options_stream_url, signer, on_user_status=lambda s, d: states.append(s)
    )
    await session.start(timeout=5)
    try:
        assert states[-1] == "live"
        market = session.market_streams([ticker_stream(series)])
        ask = (await session.rest.depth(series, 5)).asks[0][0]
        order = await session.place_order(OptionOrderRequest(series, "BUY", "LIMIT", Decimal("0.1"), ask))
        assert order.status == "FILLED"

        async def first_ticker() -> OptionTickerEvent:
            async for _stream, event in market.events():
                if isinstance(event, OptionTickerEvent):
                    return event
            raise AssertionError

        ticker = await asyncio.wait_for(first_ticker(), 3)
        assert ticker.symbol == series and isinstance(ticker.delta, Decimal)

        kinds: list[type] = []
        async for event in session.user:
            kinds.append(type(event))
            if isinstance(event, OrderTradeUpdate) and event.orders[0].status == "FILLED":
                break
        assert kinds[0] is Reconciled
    finally:
        await session.close()
    assert session.rest.closed and session.user.state == "closed" and market.state == "closed"
    assert signer.api_key not in repr(session)
