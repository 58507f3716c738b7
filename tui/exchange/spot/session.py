"""The Session: the one object the UI talks to for one venue.

It owns one WS API connection (trading, account, user data), one REST client (snapshots), the clock
and the rate-limit tracker, and hands out stream clients and local books. When the WS API
connection drops it reconnects with backoff, logs on and re-subscribes to user data, then emits
`SessionReconnected` so the UI refetches what it may have missed.

The requests themselves live in objects that share the connection: `session.orders`,
`session.order_lists`, `session.sor`, `session.account` and `session.market`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.sor import SorConfig
from tui.exchange.clock import ServerClock
from tui.exchange.endpoints import Endpoints
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.signing import Signer
from tui.exchange.spot.account import AccountQueries
from tui.exchange.spot.codec.exchange_info import rules_by_symbol
from tui.exchange.spot.codec.sor import sors_from_exchange_info
from tui.exchange.spot.codec.user_events import user_event_from_wire
from tui.exchange.spot.events import SessionReconnected, UserEvent
from tui.exchange.spot.local_book import LocalOrderBook
from tui.exchange.spot.market_data import MarketData
from tui.exchange.spot.order_lists import OrderLists
from tui.exchange.spot.orders import Orders
from tui.exchange.spot.rest import RestClient
from tui.exchange.spot.sor import SmartOrderRouting
from tui.exchange.spot.ws_api import WsApiClient
from tui.exchange.streams import StreamClient

log = logging.getLogger(__name__)


StatusCallback = Callable[[str, str, str], None]
WS_API = "ws-api"


class Session:
    """Trading session on one venue. `await start()` before use, `await close()` at exit."""

    def __init__(
        self,
        endpoints: Endpoints,
        signer: Signer | None,
        *,
        recv_window: int = 5000,
        request_timeout: float = 10.0,
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 10.0,
        on_status: StatusCallback | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.signer = signer
        self.on_status = on_status
        self.reconnect_delay = reconnect_delay
        self.max_reconnect_delay = max_reconnect_delay
        self.clock = ServerClock()
        self.rate_limits = RateLimitTracker(self.clock.now_ms)
        self.rest = RestClient(endpoints.rest, timeout=request_timeout, rate_limits=self.rate_limits)
        self.ws = WsApiClient(
            endpoints.ws_api,
            signer=signer,
            clock=self.clock,
            recv_window=recv_window,
            timeout=request_timeout,
            rate_limits=self.rate_limits,
            on_event=self._on_event,
            on_disconnect=self._on_disconnect,
        )
        self.orders = Orders(self.ws)
        self.order_lists = OrderLists(self.ws)
        self.sor = SmartOrderRouting(self.ws, self.orders)
        self.account = AccountQueries(self.ws)
        self.market = MarketData(self.ws)
        self.rules: dict[str, SymbolRules] = {}
        self.sors: tuple[SorConfig, ...] = ()  # exchangeInfo `sors`: where orders may use SOR
        self.status: dict[str, str] = {WS_API: "closed"}
        self.reconnects = 0
        self._events: asyncio.Queue[UserEvent | None] = asyncio.Queue()
        # Weak: a feed that switches symbol drops its client and book; only live ones need closing.
        self._streams: weakref.WeakSet[StreamClient] = weakref.WeakSet()
        self._books: weakref.WeakSet[LocalOrderBook] = weakref.WeakSet()
        self._reconnect_task: asyncio.Task[None] | None = None
        self._started = False
        self._closing = False

    def __repr__(self) -> str:
        return f"Session({self.endpoints.ws_api!r}, signer={self.signer!r}, status={self.status})"

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect the WS API, sync the clock, load exchangeInfo, log on and subscribe user data."""
        self._closing = False
        self._set_status(WS_API, "connecting", "")
        try:
            await self._open()
        except BaseException as exc:
            self._set_status(WS_API, "closed", str(exc))
            await self.ws.close()
            raise
        self._started = True
        self._set_status(WS_API, "live", "")

    async def _open(self) -> None:
        await self.ws.connect()
        info = await self.ws.request("exchangeInfo")
        self.rules = rules_by_symbol(info)
        self.sors = sors_from_exchange_info(info)
        if self.signer is not None:
            if self.signer.key_type == "ED25519":
                await self.ws.logon()
            await self.ws.subscribe_user_data()

    async def close(self) -> None:
        """Stop reconnecting, close every stream, book and connection, and end `user_events`."""
        self._closing = True
        task, self._reconnect_task = self._reconnect_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for book in list(self._books):
            await book.close()
        for stream in list(self._streams):
            await stream.close()
        await self.ws.close()
        await self.rest.aclose()
        self._set_status(WS_API, "closed", "")
        self._events.put_nowait(None)

    async def __aenter__(self) -> Session:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _set_status(self, name: str, state: str, detail: str) -> None:
        self.status[name] = state
        if self.on_status is not None:
            try:
                self.on_status(name, state, detail)
            except Exception:
                log.exception("status callback failed")

    # --- reconnecting --------------------------------------------------------------------------

    def _on_disconnect(self, reason: str) -> None:
        if self._closing or not self._started:
            return
        log.warning("WS API disconnected: %s", reason)
        self._schedule_reconnect(reason)

    def _schedule_reconnect(self, reason: str) -> None:
        self._set_status(WS_API, "reconnecting", reason)
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = asyncio.create_task(self._reconnect(), name="ws-api-reconnect")

    async def _reconnect(self) -> None:
        await self.ws.close()  # no-op if already down; ends a half-open connection otherwise
        attempt = 0
        while not self._closing:
            delay = min(self.max_reconnect_delay, self.reconnect_delay * 2**attempt)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            attempt += 1
            try:
                await self._open()
            except Exception as exc:
                log.warning("WS API reconnect attempt %d failed: %s", attempt, exc)
                self._set_status(WS_API, "reconnecting", str(exc))
                await self.ws.close()
                continue
            self.reconnects += 1
            self._set_status(WS_API, "live", "")
            self._events.put_nowait(SessionReconnected())
            return

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("e")
        if kind == "serverShutdown":
            log.info("WS API server is shutting down; reconnecting")
            if not self._closing and self._started:
                self._schedule_reconnect("server shutdown")
            return
        if kind == "eventStreamTerminated":
            log.warning("user data stream terminated by the exchange")
            return
        try:
            parsed = user_event_from_wire(event)
        except ValueError as exc:
            log.warning("skipping malformed user data event: %s", exc)
            return
        if parsed is not None:
            self._events.put_nowait(parsed)

    async def user_events(self) -> AsyncIterator[UserEvent]:
        """OrderUpdate / BalancesUpdate / BalanceDelta / SessionReconnected until the session closes."""
        while True:
            item = await self._events.get()
            if item is None:
                self._events.put_nowait(None)  # let other iterators end too
                return
            yield item

    # --- streams and books ---------------------------------------------------------------------

    def market_streams(self, streams: Iterable[str], *, name: str = "streams", **kwargs: Any) -> StreamClient:
        """A combined-stream client on this venue; its status is reported under `name`.

        Keyword arguments go to StreamClient; an `on_status` given here is called as well."""
        user_on_status = kwargs.pop("on_status", None)

        def on_status(state: str, detail: str) -> None:
            self._set_status(name, state, detail)
            if user_on_status is not None:
                user_on_status(state, detail)

        client = StreamClient(self.endpoints.streams, list(streams), on_status=on_status, **kwargs)
        self._streams.add(client)
        return client

    def local_book(self, symbol: str, *, snapshot_limit: int = 1000, **kwargs: Any) -> LocalOrderBook:
        """A local order book for `symbol` kept from this venue's depth stream and REST snapshots."""
        book = LocalOrderBook(symbol, self.rest, snapshot_limit=snapshot_limit, **kwargs)
        self._books.add(book)
        return book
