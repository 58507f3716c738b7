"""The options user-data stream: listenKey lifecycle, reconnects and reconciliation.

A listenKey lives 60 minutes unless extended by a PUT (seed 002 advises one every 30 minutes).
One task owns the cycle:

1. POST `/api/v1/userDataStream` (the venue returns the account's live key extended, or a new one);
2. connect `/ws/<listenKey>`, send the BINARY switch (gzip frames are inflated either way);
3. fetch account, positions and the open orders of every symbol we know of, and emit
   `Reconciled` - the consumer replaces its state with that snapshot, then applies the events
   that follow (they were buffered on the socket while the snapshot was fetched, so none is lost);
4. read ACCOUNT_UPDATE / ORDER_TRADE_UPDATE, while a keepalive task PUTs every
   `keepalive_interval` seconds.

Whenever the key expires (`listenKeyExpired`), the stream closes, or a keepalive fails, the cycle
starts again at 1 after a short backoff, and the next `Reconciled` has `resync=True`: what happened
in between is only known from that snapshot. The seed makes `symbol` mandatory for openOrders, so
open orders are fetched per symbol: those `watch()`ed, those with a position, and those seen with
open orders (in a snapshot or an ORDER_TRADE_UPDATE).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from tui.domain.options.account import OptionAccount, OptionPosition
from tui.domain.options.events import AccountUpdate, ListenKeyExpired, OrderTradeUpdate
from tui.domain.options.orders import OptionOrder
from tui.exchange.errors import ExchangeError
from tui.exchange.options.codec import DECODER, MalformedResponse
from tui.exchange.options.events import parse_user_event
from tui.exchange.options.rest import OptionsRestClient
from tui.exchange.options.streams import FrameError, binary_switch, decode_frame
from tui.exchange.streams import StatusCallback

log = logging.getLogger(__name__)

KEEPALIVE_INTERVAL = 30 * 60.0
EXPIRED = "listenKeyExpired"


@dataclass(frozen=True)
class Reconciled:
    """A fresh snapshot of the account; replace local state with it, then apply later events.

    `resync` is False for the first snapshot after `start()` and True after every reconnect (events
    may have been missed). `listen_key_renewed` says the venue issued a different key.
    """

    reason: str
    resync: bool
    listen_key_renewed: bool
    accounts: tuple[OptionAccount, ...]
    positions: tuple[OptionPosition, ...]
    open_orders: tuple[OptionOrder, ...]


OptionsUserEvent = AccountUpdate | OrderTradeUpdate | Reconciled


class OptionsUserStream:
    """Account and order events of the options venue. Iterate for `OptionsUserEvent`s."""

    def __init__(
        self,
        rest: OptionsRestClient,
        stream_base_url: str,
        *,
        keepalive_interval: float = KEEPALIVE_INTERVAL,
        on_status: StatusCallback | None = None,
        watch_symbols: Iterable[str] = (),
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 10.0,
        open_timeout: float = 10.0,
        max_queue: int = 10_000,
    ) -> None:
        self.rest = rest
        self.base_url = stream_base_url.rstrip("/")
        self.keepalive_interval = keepalive_interval
        self.on_status = on_status
        self.reconnect_delay = reconnect_delay
        self.max_reconnect_delay = max_reconnect_delay
        self.open_timeout = open_timeout
        self.state = "closed"
        self.listen_key: str | None = None
        self.reconnects = 0
        self.renewals = 0
        """How many times the venue issued a different listenKey than the one before."""
        self.keepalives = 0
        self.dropped = 0
        self._watched: set[str] = set(watch_symbols)
        self._tracked: set[str] = set()
        self._queue: asyncio.Queue[OptionsUserEvent | None] = asyncio.Queue(max_queue)
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._drop_reason: str | None = None
        self._live = asyncio.Event()

    def __repr__(self) -> str:
        return f"OptionsUserStream({self.base_url!r}, state={self.state!r})"  # never the listenKey

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name="options-user-stream")

    async def wait_live(self, timeout: float | None = None) -> None:
        """Wait until the stream is connected and its first snapshot has been queued."""
        self.start()
        await asyncio.wait_for(self._live.wait(), timeout)

    async def close(self) -> None:
        """Stop the stream and close the listenKey on the venue (best effort)."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        key, self.listen_key = self.listen_key, None
        if key is not None and not self.rest.closed:
            with contextlib.suppress(ExchangeError):
                await self.rest.close_listen_key(key)
        self._live.clear()
        self._set_status("closed", "")
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)

    async def __aenter__(self) -> OptionsUserStream:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[OptionsUserEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[OptionsUserEvent]:
        self.start()
        while not (self._closed and self._queue.empty()):
            item = await self._queue.get()
            if item is None:
                if self._closed:
                    return
                continue
            yield item

    def watch(self, symbols: Iterable[str]) -> None:
        """Also reconcile the open orders of `symbols` (e.g. the series a screen shows)."""
        self._watched.update(symbols)

    # -- the cycle -----------------------------------------------------------------------------

    def _set_status(self, state: str, detail: str) -> None:
        self.state = state
        if self.on_status is not None:
            try:
                self.on_status(state, detail)
            except Exception:
                log.exception("user stream status callback failed")

    def _backoff(self, attempt: int) -> float:
        delay = min(self.max_reconnect_delay, self.reconnect_delay * (2 ** min(attempt, 16)))
        return delay * random.uniform(0.5, 1.0)

    def _emit(self, item: OptionsUserEvent) -> None:
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped % 100 == 1:
                log.warning("options user stream consumer too slow; %d events dropped", self.dropped)

    async def _run(self) -> None:
        attempt = 0
        first = True
        reason = "start"
        while not self._closed:
            if attempt:
                await asyncio.sleep(self._backoff(attempt - 1))
            self._set_status("connecting" if first else "reconnecting", reason)
            attempt += 1
            previous = self.listen_key
            try:
                key = await self.rest.new_listen_key()
            except ExchangeError as exc:
                reason = f"listenKey not created: {exc}"
                continue
            renewed = previous is not None and key != previous
            if renewed:
                self.renewals += 1
            self.listen_key = key
            try:
                ws = await connect(f"{self.base_url}/ws/{key}", open_timeout=self.open_timeout, max_size=1 << 22)
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
                reason = f"could not connect: {type(exc).__name__}"
                continue
            keepalive: asyncio.Task[None] | None = None
            try:
                await ws.send(binary_switch(1))
                if not first:
                    self._set_status("resyncing", reason)
                try:
                    snapshot = await self._snapshot(reason, not first, renewed)
                except ExchangeError as exc:
                    reason = f"reconcile failed: {exc}"
                    continue
                self._emit(snapshot)
                if not first:
                    self.reconnects += 1
                first, attempt = False, 0
                self._drop_reason = None
                self._live.set()
                self._set_status("live", "")
                keepalive = asyncio.create_task(self._keepalive(key, ws), name="options-listen-key-keepalive")
                reason = await self._read(ws)
            except ConnectionClosed:
                reason = "connection closed during setup"
            finally:
                self._live.clear()
                if keepalive is not None:
                    keepalive.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await keepalive
                await ws.close()
            # After listenKeyExpired a new key is due at once; any other drop waits a backoff.
            attempt = 0 if reason == EXPIRED else max(attempt, 1)

    async def _keepalive(self, key: str, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(self.keepalive_interval)
            try:
                await self.rest.keepalive_listen_key(key)
            except ExchangeError as exc:
                self._drop_reason = f"keepalive failed: {exc}"
                log.info("options listenKey keepalive failed (%s); renewing", exc)
                await ws.close()
                return
            self.keepalives += 1

    async def _read(self, ws: ClientConnection) -> str:
        try:
            async for raw in ws:
                event = self._decode(raw)
                if isinstance(event, ListenKeyExpired):
                    self._drop_reason = EXPIRED
                    await ws.close()
                    break
                if event is not None:
                    self._track(event)
                    self._emit(event)
        except ConnectionClosed:
            pass
        if self._drop_reason is not None:
            return self._drop_reason
        detail = f", {ws.close_reason}" if ws.close_reason else ""
        return f"connection closed (code {ws.close_code}{detail})"

    def _decode(self, raw: str | bytes) -> AccountUpdate | OrderTradeUpdate | ListenKeyExpired | None:
        try:
            msg: Any = DECODER.decode(decode_frame(raw))
        except (FrameError, ValueError) as exc:
            log.warning("options user stream: skipping a frame: %s", exc)
            return None
        if isinstance(msg, dict) and isinstance(msg.get("stream"), str) and "data" in msg:
            msg = msg["data"]  # the combined form, /stream?streams=<listenKey>
        try:
            return parse_user_event(msg)  # control replies ({"result", "id"}) give None
        except MalformedResponse as exc:
            log.warning("options user stream: %s", exc)
            return None

    def _track(self, event: AccountUpdate | OrderTradeUpdate) -> None:
        if isinstance(event, OrderTradeUpdate):
            self._tracked.update(o.symbol for o in event.orders if o.is_open)
        else:
            self._tracked.update(p.symbol for p in event.positions if p.quantity != 0)

    async def _snapshot(self, reason: str, resync: bool, renewed: bool) -> Reconciled:
        accounts, positions = await asyncio.gather(self.rest.account(), self.rest.positions())
        symbols = sorted(self._watched | self._tracked | {p.symbol for p in positions})
        results = await asyncio.gather(*(self._open_orders(s) for s in symbols))
        orders = tuple(o for batch in results for o in batch)
        self._tracked = {p.symbol for p in positions} | {o.symbol for o in orders}
        return Reconciled(reason, resync, renewed, accounts, positions, orders)

    async def _open_orders(self, symbol: str) -> tuple[OptionOrder, ...]:
        try:
            return await self.rest.open_orders(symbol)
        except ExchangeError as exc:
            if exc.status == 0 or exc.status >= 500 or exc.status in (418, 429):
                raise  # transport or venue trouble: the whole snapshot is retried
            log.info("options user stream: open orders of %s not available (%s)", symbol, exc)
            return ()  # e.g. a series that has expired since
