"""`OptionsSession`: what an options screen holds - one REST client, the user stream, market streams.

    session = OptionsSession(rest_url, stream_url, signer)
    await session.start()                      # clock sync, listenKey, user stream
    chain = await session.rest.option_info()   # every REST endpoint is on `session.rest`
    market = session.market_streams([ticker_stream(s) for s in symbols])
    async for stream, event in market.events(): ...
    async for event in session.user: ...       # Reconciled, AccountUpdate, OrderTradeUpdate
    await session.close()

The session owns everything it opened, so `close()` stops the streams before closing the one
httpx client they share.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from typing import Any

import httpx

from tui.domain.options.orders import OptionOrder, OptionOrderRequest
from tui.exchange.clock import Clock, ServerClock
from tui.exchange.errors import ExchangeError
from tui.exchange.options.rest import OptionsRestClient
from tui.exchange.options.streams import OptionsStreamClient
from tui.exchange.options.user_stream import KEEPALIVE_INTERVAL, OptionsUserStream
from tui.exchange.signing import Signer
from tui.exchange.streams import StatusCallback

log = logging.getLogger(__name__)


class OptionsSession:
    """One options venue connection set: REST, the user stream, and any market streams opened."""

    def __init__(
        self,
        rest_url: str,
        stream_url: str,
        signer: Signer,
        *,
        clock: Clock | None = None,
        sync_clock: bool = True,
        recv_window: int | None = 5000,
        timeout: float = 10.0,
        keepalive_interval: float = KEEPALIVE_INTERVAL,
        on_user_status: StatusCallback | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.stream_url = stream_url.rstrip("/")
        # Without an explicit clock, sign with the venue's time as measured by `start()`.
        self._server_clock = ServerClock() if clock is None and sync_clock else None
        self.rest = OptionsRestClient(
            rest_url,
            signer,
            clock=clock or self._server_clock,
            recv_window=recv_window,
            timeout=timeout,
            transport=transport,
        )
        self.user = OptionsUserStream(
            self.rest, self.stream_url, keepalive_interval=keepalive_interval, on_status=on_user_status
        )
        self._market: list[OptionsStreamClient] = []

    def __repr__(self) -> str:
        return f"OptionsSession({self.rest.base_url!r}, user={self.user.state!r})"

    async def start(self, *, user_stream: bool = True, timeout: float | None = 10.0) -> None:
        """Measure the clock offset, then start the user stream and wait for its first snapshot."""
        if self._server_clock is not None:
            await self._server_clock.sync(self.rest.server_time)
        if user_stream:
            await self.user.wait_live(timeout)

    def market_streams(
        self, streams: Iterable[str] = (), *, on_status: StatusCallback | None = None, **kwargs: Any
    ) -> OptionsStreamClient:
        """A new market stream connection (started when iterated or `start()`ed); closed with the session."""
        client = OptionsStreamClient(self.stream_url, streams, on_status=on_status, **kwargs)
        self._market.append(client)
        return client

    async def place_order(self, order: OptionOrderRequest) -> OptionOrder:
        """Place `order` and watch its series so reconciles include its open orders."""
        self.user.watch([order.symbol])
        return await self.rest.new_order(order)

    async def close(self) -> None:
        for client in self._market:
            with contextlib.suppress(Exception):
                await client.close()
        self._market.clear()
        with contextlib.suppress(ExchangeError):
            await self.user.close()
        await self.rest.aclose()

    async def __aenter__(self) -> OptionsSession:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
