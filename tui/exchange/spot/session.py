"""The Session: the one object the UI talks to for one venue.

It owns one WS API connection (trading, account, user data), one REST client (snapshots), the clock
and the rate-limit tracker, and hands out stream clients and local books. When the WS API
connection drops it reconnects with backoff, logs on and re-subscribes to user data, then emits
`SessionReconnected` so the UI refetches what it may have missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from decimal import Decimal
from typing import Any

from tui.domain.money import wire
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.market import AccountFilters, AggTrade, MarketTrade, PriceTicker, WindowTicker
from tui.domain.spot.orders import (
    AccountCommission,
    AccountTrade,
    AmendedOrder,
    CancelReplaceResult,
    Kline,
    Order,
    OrderAmendment,
    OrderCommissionRates,
    OrderList,
    OrderListRequest,
    OrderRequest,
    PreventedMatch,
    Ticker24h,
    UnfilledOrderCount,
)
from tui.domain.spot.sor import Allocation, SorConfig, SorOrderResult
from tui.exchange.clock import ServerClock
from tui.exchange.endpoints import Endpoints
from tui.exchange.errors import ExchangeError
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.signing import Signer
from tui.exchange.spot.codec import market as market_codec
from tui.exchange.spot.codec import orders as codec
from tui.exchange.spot.codec import sor as sor_codec
from tui.exchange.spot.events import (
    AccountSnapshot,
    BalanceDelta,
    BalancesUpdate,
    OrderListUpdate,
    OrderUpdate,
    SessionReconnected,
    UserEvent,
)
from tui.exchange.spot.local_book import LocalOrderBook
from tui.exchange.spot.rest import RestClient
from tui.exchange.spot.ws_api import WsApiClient
from tui.exchange.streams import StreamClient

__all__ = [
    "AccountSnapshot",
    "BalanceDelta",
    "BalancesUpdate",
    "OrderListUpdate",
    "OrderUpdate",
    "Session",
    "SessionReconnected",
    "UserEvent",
]

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
        self.rules = codec.rules_by_symbol(info)
        self.sors = sor_codec.sors_from_exchange_info(info)
        if self.signer is not None:
            if self.signer.key_type == "ED25519":
                await self.ws.logon()
            await self.ws.subscribe_user_data()

    async def close(self) -> None:
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
            parsed = codec.user_event_from_wire(event)
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

    # --- trading -------------------------------------------------------------------------------

    async def place_order(self, req: OrderRequest) -> Order:
        """Send an order; the order as the exchange reports it.

        An ACK reply (`new_order_resp_type=ACK`) says only that the order was taken, so the order is
        then looked up with order.status (the user data stream has the details too)."""
        result = await self.ws.request("order.place", codec.order_params(req), signed=True)
        order_id = codec.ack_order_id(result)
        if order_id is not None:
            return await self.order_status(req.symbol, order_id)
        return codec.order_from_wire(result)

    async def test_order(
        self, req: OrderRequest, compute_commission_rates: bool = False
    ) -> OrderCommissionRates | None:
        """Validate an order without sending it to the matching engine (order.test); with
        `compute_commission_rates`, also what it would pay."""
        params = codec.order_params(req)
        if compute_commission_rates:
            params["computeCommissionRates"] = True
        result = await self.ws.request("order.test", params, signed=True)
        return codec.order_commission_rates(result) if compute_commission_rates else None

    async def cancel_order(self, symbol: str, order_id: int) -> Order:
        result = await self.ws.request("order.cancel", {"symbol": symbol, "orderId": order_id}, signed=True)
        return codec.order_from_wire(result)

    async def cancel_all(self, symbol: str) -> list[Order]:
        result = await self.ws.request("openOrders.cancelAll", {"symbol": symbol}, signed=True)
        return codec.orders_from_cancel_all(result)

    async def order_status(
        self, symbol: str, order_id: int | None = None, *, client_order_id: str | None = None
    ) -> Order:
        """Look an order up by exchange id or by the client order id we sent (-2013 if none)."""
        params: dict[str, Any] = {"symbol": symbol}
        if order_id is not None:
            params["orderId"] = order_id
        else:
            params["origClientOrderId"] = client_order_id
        return codec.order_from_wire(await self.ws.request("order.status", params, signed=True))

    async def open_orders(self, symbol: str | None = None) -> list[Order]:
        result = await self.ws.request("openOrders.status", {"symbol": symbol}, signed=True)
        if not isinstance(result, list):
            raise ValueError("openOrders.status: expected a list")
        return [codec.order_from_wire(o) for o in result]

    async def cancel_replace(
        self,
        cancel_order_id: int,
        new: OrderRequest,
        *,
        mode: str = "STOP_ON_FAILURE",
        cancel_restrictions: str | None = None,
        rate_limit_exceeded_mode: str | None = None,
        cancel_new_client_order_id: str | None = None,
    ) -> CancelReplaceResult:
        """order.cancelReplace. A partial failure (409, -2021) comes back as a result saying which half
        failed; so does a total failure (-2022) that carries the per-half details. Other errors raise."""
        params = codec.order_params(new)
        params.update(cancelReplaceMode=mode, cancelOrderId=cancel_order_id)
        if cancel_restrictions is not None:
            params["cancelRestrictions"] = cancel_restrictions
        if rate_limit_exceeded_mode is not None:
            params["orderRateLimitExceededMode"] = rate_limit_exceeded_mode
        if cancel_new_client_order_id is not None:
            params["cancelNewClientOrderId"] = cancel_new_client_order_id
        try:
            result = await self.ws.request("order.cancelReplace", params, signed=True)
        except ExchangeError as exc:
            if exc.code in (-2021, -2022) and exc.data is not None:
                return codec.cancel_replace_from_wire(exc.data)
            raise
        return codec.cancel_replace_from_wire(result)

    async def amend_keep_priority(
        self, symbol: str, order_id: int, new_qty: Decimal, *, new_client_order_id: str | None = None
    ) -> AmendedOrder:
        """order.amend.keepPriority: lower an open order's quantity without losing its queue place."""
        params: dict[str, Any] = {"symbol": symbol, "orderId": order_id, "newQty": wire(new_qty)}
        if new_client_order_id is not None:
            params["newClientOrderId"] = new_client_order_id
        return codec.amended_order_from_wire(await self.ws.request("order.amend.keepPriority", params, signed=True))

    async def order_amendments(self, symbol: str, order_id: int) -> list[OrderAmendment]:
        rows = await self.ws.request("order.amendments", {"symbol": symbol, "orderId": order_id}, signed=True)
        return [codec.amendment_from_wire(r) for r in codec._list(rows, "order.amendments")]

    async def place_order_list(self, req: OrderListRequest) -> OrderList:
        """orderList.place.oco / .oto / .otoco / .opo / .opoco; the list with its legs' reports."""
        method, params = codec.order_list_params(req)
        return codec.order_list_from_wire(await self.ws.request(method, params, signed=True))

    async def cancel_order_list(self, symbol: str, order_list_id: int) -> OrderList:
        result = await self.ws.request(
            "orderList.cancel", {"symbol": symbol, "orderListId": order_list_id}, signed=True
        )
        return codec.order_list_from_wire(result)

    async def order_list_status(
        self, order_list_id: int | None = None, *, list_client_order_id: str | None = None
    ) -> OrderList:
        params: dict[str, Any] = (
            {"origClientOrderId": list_client_order_id} if list_client_order_id else {"orderListId": order_list_id}
        )
        return codec.order_list_from_wire(await self.ws.request("orderList.status", params, signed=True))

    async def open_order_lists(self) -> list[OrderList]:
        rows = await self.ws.request("openOrderLists.status", signed=True)
        return [codec.order_list_from_wire(r) for r in codec._list(rows, "openOrderLists.status")]

    async def all_order_lists(self, *, from_id: int | None = None, limit: int | None = None) -> list[OrderList]:
        rows = await self.ws.request("allOrderLists", {"fromId": from_id, "limit": limit}, signed=True)
        return [codec.order_list_from_wire(r) for r in codec._list(rows, "allOrderLists")]

    async def prevented_matches(
        self, symbol: str, *, order_id: int | None = None, prevented_match_id: int | None = None
    ) -> list[PreventedMatch]:
        """myPreventedMatches by orderId or by preventedMatchId."""
        params = {"symbol": symbol, "orderId": order_id, "preventedMatchId": prevented_match_id}
        rows = await self.ws.request("myPreventedMatches", params, signed=True)
        return [codec.prevented_match_from_wire(r) for r in codec._list(rows, "myPreventedMatches")]

    async def all_orders(
        self,
        symbol: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[Order]:
        """allOrders: the symbol's orders of any status, oldest first (the exchange caps `limit` at 1000;
        a start/end range may span at most 24 hours)."""
        params = {"symbol": symbol, "startTime": start_time, "endTime": end_time, "limit": limit}
        rows = await self.ws.request("allOrders", params, signed=True)
        return [codec.order_from_wire(r) for r in codec._list(rows, "allOrders")]

    async def my_trades(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[AccountTrade]:
        """myTrades: our fills on the symbol with their commission, oldest first."""
        params = {
            "symbol": symbol,
            "orderId": order_id,
            "startTime": start_time,
            "endTime": end_time,
            "fromId": from_id,
            "limit": limit,
        }
        rows = await self.ws.request("myTrades", params, signed=True)
        return [codec.account_trade_from_wire(r) for r in codec._list(rows, "myTrades")]

    async def account_commission(self, symbol: str) -> AccountCommission:
        """account.commission: standard, special and tax rates on the symbol, and the discount."""
        result = await self.ws.request("account.commission", {"symbol": symbol}, signed=True)
        return codec.account_commission_from_wire(result)

    async def unfilled_order_count(self) -> list[UnfilledOrderCount]:
        """account.rateLimits.orders: orders placed in each ORDERS window, with its limit."""
        rows = await self.ws.request("account.rateLimits.orders", signed=True)
        return [
            codec.unfilled_order_count_from_wire(r)
            for r in codec._list(rows, "account.rateLimits.orders")
            if not isinstance(r, dict) or r.get("rateLimitType", "ORDERS") == "ORDERS"
        ]

    async def place_sor_order(self, req: OrderRequest) -> SorOrderResult:
        """sor.order.place: a LIMIT or MARKET order that takes the best prices across the books of its
        symbol's SOR configuration (`self.sors`), paid in the symbol's own quote asset.

        An ACK reply is followed by order.status, as in `place_order` (the result then has no fills)."""
        result = await self.ws.request("sor.order.place", sor_codec.sor_order_params(req), signed=True)
        order_id = sor_codec.sor_ack_order_id(result)
        if order_id is not None:
            return SorOrderResult(await self.order_status(req.symbol, order_id))
        return sor_codec.sor_order_from_wire(result)

    async def test_sor_order(self, req: OrderRequest, commission_rates: bool = False) -> OrderCommissionRates | None:
        """sor.order.test: validate a SOR order without placing it; with `commission_rates`, also what
        it would pay."""
        params = sor_codec.sor_order_params(req)
        if commission_rates:
            params["computeCommissionRates"] = True
        result = await self.ws.request("sor.order.test", params, signed=True)
        return sor_codec.sor_commission_rates(result) if commission_rates else None

    async def my_allocations(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        from_allocation_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[Allocation]:
        """myAllocations: the allocations that filled our SOR orders on `symbol`, oldest first (by order,
        from an allocation id, or in a time range of at most 24 hours)."""
        params = {
            "symbol": symbol,
            "orderId": order_id,
            "fromAllocationId": from_allocation_id,
            "startTime": start_time,
            "endTime": end_time,
            "limit": limit,
        }
        return sor_codec.allocations_from_wire(await self.ws.request("myAllocations", params, signed=True))

    async def account(self) -> AccountSnapshot:
        return codec.account_from_wire(await self.ws.request("account.status", signed=True))

    # --- market data ---------------------------------------------------------------------------

    async def klines(self, symbol: str, interval: str, limit: int = 120) -> list[Kline]:
        rows = await self.ws.request("klines", {"symbol": symbol, "interval": interval, "limit": limit})
        if not isinstance(rows, list):
            raise ValueError("klines: expected a list")
        return [codec.kline_from_rest(r) for r in rows]

    async def ticker_24h(self, symbol: str) -> Ticker24h:
        return codec.ticker_from_ws(await self.ws.request("ticker.24hr", {"symbol": symbol}))

    async def recent_trades(self, symbol: str, limit: int | None = None) -> list[MarketTrade]:
        """trades.recent: the latest public trades, oldest first (500 unless `limit`, at most 1000)."""
        result = await self.ws.request("trades.recent", {"symbol": symbol, "limit": limit})
        return market_codec.rows(result, "trades.recent", market_codec.market_trade_from_wire)

    async def historical_trades(
        self, symbol: str, *, from_id: int | None = None, limit: int | None = None
    ) -> list[MarketTrade]:
        """trades.historical: public trades from trade id `from_id` on (the most recent without it)."""
        result = await self.ws.request("trades.historical", {"symbol": symbol, "fromId": from_id, "limit": limit})
        return market_codec.rows(result, "trades.historical", market_codec.market_trade_from_wire)

    async def agg_trades(
        self,
        symbol: str,
        *,
        from_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[AggTrade]:
        """trades.aggregate: from an aggregate id, or in an execution-time range (not both), or the most
        recent; oldest first."""
        params = {"symbol": symbol, "fromId": from_id, "startTime": start_time, "endTime": end_time, "limit": limit}
        result = await self.ws.request("trades.aggregate", params)
        return market_codec.rows(result, "trades.aggregate", market_codec.agg_trade_from_wire)

    async def ui_klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        time_zone: str | None = None,
        limit: int | None = None,
    ) -> list[Kline]:
        """uiKlines: klines for charts; `time_zone` ("8", "-1:00", "05:45") moves interval boundaries."""
        params = {
            "symbol": symbol,
            "interval": interval,
            "startTime": start_time,
            "endTime": end_time,
            "timeZone": time_zone,
            "limit": limit,
        }
        return market_codec.rows(await self.ws.request("uiKlines", params), "uiKlines", codec.kline_from_rest)

    async def rolling_ticker(self, symbol: str, window_size: str = "1d", *, mini: bool = False) -> WindowTicker:
        """ticker: statistics over the last `window_size` (1m..59m, 1h..23h, 1d..7d)."""
        params = {"symbol": symbol, "windowSize": window_size, "type": "MINI" if mini else None}
        return market_codec.window_ticker_from_wire(await self.ws.request("ticker", params))

    async def rolling_tickers(
        self, symbols: Iterable[str], window_size: str = "1d", *, mini: bool = False
    ) -> list[WindowTicker]:
        params = {"symbols": list(symbols), "windowSize": window_size, "type": "MINI" if mini else None}
        result = await self.ws.request("ticker", params)
        return market_codec.rows(result, "ticker", market_codec.window_ticker_from_wire)

    async def trading_day_ticker(
        self, symbol: str, *, time_zone: str | None = None, mini: bool = False
    ) -> WindowTicker:
        """ticker.tradingDay: statistics of the current day in `time_zone` (UTC by default)."""
        params = {"symbol": symbol, "timeZone": time_zone, "type": "MINI" if mini else None}
        result = await self.ws.request("ticker.tradingDay", params)
        return market_codec.window_ticker_from_wire(result, "ticker.tradingDay")

    async def trading_day_tickers(
        self, symbols: Iterable[str], *, time_zone: str | None = None, mini: bool = False
    ) -> list[WindowTicker]:
        params = {"symbols": list(symbols), "timeZone": time_zone, "type": "MINI" if mini else None}
        result = await self.ws.request("ticker.tradingDay", params)
        return market_codec.rows(
            result, "ticker.tradingDay", lambda t: market_codec.window_ticker_from_wire(t, "ticker.tradingDay")
        )

    async def ticker_price(self, symbol: str) -> PriceTicker:
        """ticker.price: the symbol's latest price."""
        return market_codec.price_ticker_from_wire(await self.ws.request("ticker.price", {"symbol": symbol}))

    async def ticker_prices(self, symbols: Iterable[str] | None = None) -> list[PriceTicker]:
        """ticker.price for several symbols, or for every symbol when `symbols` is None."""
        params = {"symbols": list(symbols) if symbols is not None else None}
        result = await self.ws.request("ticker.price", params)
        return market_codec.rows(result, "ticker.price", market_codec.price_ticker_from_wire)

    async def my_filters(self, symbol: str) -> AccountFilters:
        """myFilters: the exchange, symbol and asset (MAX_ASSET) filters that apply to us on `symbol`."""
        result = await self.ws.request("myFilters", {"symbol": symbol}, signed=True)
        return market_codec.account_filters_from_wire(result, symbol)

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
        book = LocalOrderBook(symbol, self.rest, snapshot_limit=snapshot_limit, **kwargs)
        self._books.add(book)
        return book
