"""WebSocket API v3 at `/ws-api/v3`: request/response framing, security, rate limits, sessions and
User Data Stream subscriptions, as web-socket-api.md describes them.

Every request is `{"id", "method", "params"}`; every response is `{"id", "status", "result" | "error",
"rateLimits"}` (rateLimits omitted with `returnRateLimits=false`, per request or in the URL). What a
method is lives in `ws_method`; the method tables in `ws_market` (public data), `ws_session` (session
and User Data Stream subscriptions), `ws_trading` (orders, account), `ws_amend` (cancel-replace,
amendments), `ws_lists` (order lists) and `ws_sor` (Smart Order Routing).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tui.sim.protocol.auth import ApiKey, KeyRegistry, check_timestamp, verify_signed
from tui.sim.protocol.errors import ApiError, mandatory, rejected_api_key
from tui.sim.protocol.params import opt_bool
from tui.sim.protocol.rate_limits import RateLimiter
from tui.sim.protocol.ws_connection import WsConnection
from tui.sim.spot.api import ws_amend, ws_lists, ws_market, ws_session, ws_sor, ws_trading
from tui.sim.spot.api.wire_events import account_position, balance_update, execution_report
from tui.sim.spot.api.wire_lists import list_status_event
from tui.sim.spot.api.ws_method import Call, Connection, Method, Security
from tui.sim.spot.matching.engine import BalancesChanged, Engine, ListStatusChanged, OrderUpdated, SimError

if TYPE_CHECKING:
    from tui.sim.spot.market.data import MarketData

COMMON_PARAMS = frozenset({"apiKey", "signature", "timestamp", "recvWindow", "returnRateLimits"})


class WsApi:
    """Serves `/ws-api/v3` connections against one engine."""

    def __init__(
        self,
        engine: Engine,
        market_data: MarketData,
        registry: KeyRegistry,
        limiter: RateLimiter,
        clock_ms: Callable[[], int],
        ping_interval: float = 20.0,
    ) -> None:
        # annotated because the method tables (ws_market, ...) read them through Call.api
        self.engine: Engine = engine
        self.market_data: MarketData = market_data
        self.registry = registry
        self.limiter: RateLimiter = limiter
        self.clock_ms: Callable[[], int] = clock_ms
        self.ping_interval = ping_interval
        self.connections: set[Connection] = set()
        self.methods = self._method_table()
        self._unsubscribe = engine.subscribe(self._on_engine_event)
        # Fault injection for tests: methods whose next request is executed but never answered;
        # the connection is dropped instead, as when a network fails after the exchange acted.
        self.drop_response_to: set[str] = set()
        self._deferred_credits: list[tuple[str, bool]] | None = None
        self._drops: set[asyncio.Future[None]] = set()

    # -- methods ---------------------------------------------------------------------------------

    def _method_table(self) -> dict[str, Method]:
        table = {**ws_market.METHODS, **ws_session.METHODS}
        for name, (handler, weight, permission, params, places) in {
            **ws_trading.METHODS,
            **ws_amend.METHODS,
            **ws_lists.METHODS,
            **ws_sor.METHODS,
        }.items():
            table[name] = Method(handler, weight, Security.SIGNED, permission, frozenset(params), places)
        return table

    # -- connection ------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = await WsConnection.accept(request, self.ping_interval)
        ip = request.remote or "127.0.0.1"
        conn = Connection(ws, ip, self.clock_ms())
        conn.return_rate_limits = request.query.get("returnRateLimits", "true").lower() != "false"
        self.connections.add(conn)
        try:
            with contextlib.suppress(ApiError):
                self.limiter.charge_weight(ip, 2)  # connecting costs 2 weight
            async for msg in ws.ws:
                if await ws.handle_control(msg):
                    continue
                if msg.type == WSMsgType.TEXT:
                    self._on_text(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    self._reply_error(conn, None, ApiError(-1135, "Invalid JSON Request"), None)
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self.connections.discard(conn)
            await ws.finish()
        return ws.ws

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"server shutdown")

    def close(self) -> None:
        self._unsubscribe()

    # -- request handling ------------------------------------------------------------------------

    def _on_text(self, conn: Connection, text: str) -> None:
        try:
            request = json.loads(text, parse_float=Decimal)
        except ValueError:
            self._reply_error(conn, None, ApiError(-1135, "Invalid JSON Request"), None)
            return
        if not isinstance(request, dict):
            self._reply_error(conn, None, ApiError(-1135, "Invalid JSON Request"), None)
            return
        req_id = request.get("id")
        if "id" not in request or not isinstance(req_id, int | str | type(None)) or isinstance(req_id, bool):
            self._reply_error(conn, None, mandatory("id"), None)
            return
        params = request.get("params", {})
        try:
            if not isinstance(params, dict):
                raise mandatory("params")
            show = opt_bool(params, "returnRateLimits", conn.return_rate_limits)
        except ApiError as exc:
            self._reply_error(conn, req_id, exc, conn.return_rate_limits)
            return
        account: str | None = None
        try:
            name = request.get("method")
            if not isinstance(name, str) or not name:
                raise mandatory("method")
            method = self.methods.get(name.removeprefix("v3/"))
            if method is None:
                raise ApiError(-1020, "This operation is not supported.")
            weight = method.weight(params) if callable(method.weight) else method.weight
            self.limiter.charge_weight(conn.ip, weight)
            unread = set(params) - method.params - COMMON_PARAMS
            if unread:
                raise ApiError(
                    -1104,
                    f"Not all sent parameters were read; read '{len(params) - len(unread)}' parameter(s) "
                    f"but was sent '{len(params)}'.",
                )
            key = self._authenticate(conn, method, params)
            if method.places_order and key is not None:
                account = key.account_id
                self.limiter.check_orders(account)
            # Fills during the request credit the unfilled-order count only after the request's new
            # orders are counted (+1 first, then -1 for its fill: order_count_decrement.md).
            self._deferred_credits = []
            try:
                result = method.handler(Call(self, conn, params, key))
                if method.places_order and account is not None:
                    self.limiter.count_order(account)
            finally:
                credits, self._deferred_credits = self._deferred_credits, None
                for credit_account, maker in credits:
                    self.limiter.credit_first_fill(credit_account, maker=maker)
        except (ApiError, SimError) as exc:
            error = exc if isinstance(exc, ApiError) else ApiError(exc.code, exc.msg, exc.status)
            self._reply_error(conn, req_id, error, show, account)
            return
        if name.removeprefix("v3/") in self.drop_response_to:
            self.drop_response_to.discard(name.removeprefix("v3/"))
            self._drops.add(asyncio.ensure_future(conn.ws.close(code=1011, message=b"dropped by test hook")))
            return
        response: dict[str, Any] = {"id": req_id, "status": 200, "result": result}
        if show:
            response["rateLimits"] = self.limiter.usage(conn.ip, account)
        conn.ws.send(response)

    def _reply_error(
        self, conn: Connection, req_id: Any, error: ApiError, show: bool | None, account: str | None = None
    ) -> None:
        response: dict[str, Any] = {"id": req_id, "status": error.status, "error": error.body()}
        if show if show is not None else conn.return_rate_limits:
            response["rateLimits"] = self.limiter.usage(conn.ip, account)
        conn.ws.send(response)

    def _authenticate(self, conn: Connection, method: Method, params: dict[str, Any]) -> ApiKey | None:
        if method.security is Security.NONE:
            return None
        if method.security is Security.SESSION:
            if conn.session_key is None:
                raise rejected_api_key()
            return conn.session_key
        explicit = method.security is Security.SIGNATURE or "apiKey" in params or "signature" in params
        if explicit:
            key = verify_signed(self.registry, params, method.permission)
        elif conn.session_key is not None:
            key = conn.session_key
            if method.permission is not None and method.permission not in key.permissions:
                raise rejected_api_key()
        else:
            key = self.registry.lookup(None)  # raises -2014: no API key at all
        check_timestamp(params, self.clock_ms())
        return key

    # -- user data stream ------------------------------------------------------------------------

    def _publish(self, account: str, event: dict[str, Any]) -> None:
        for conn in self.connections:
            for sid, acct in conn.subscriptions.items():
                if acct == account:
                    conn.ws.send({"subscriptionId": sid, "event": event})

    def _on_engine_event(self, event: object) -> None:
        if isinstance(event, OrderUpdated):
            fill = event.last_fill
            if fill is not None and event.order.executed_qty == fill.qty:  # the order's first fill
                credit = (event.account_id, fill.is_maker)
                if self._deferred_credits is not None:
                    self._deferred_credits.append(credit)  # after the request's own order is counted
                else:
                    self.limiter.credit_first_fill(credit[0], maker=credit[1])
            self._publish(event.account_id, execution_report(event))
        elif isinstance(event, BalancesChanged):
            self._publish(event.account_id, account_position(event))
        elif isinstance(event, ListStatusChanged):
            self._publish(event.account_id, list_status_event(event))

    def publish_balance_update(self, account: str, asset: str, delta: Decimal) -> None:
        """`balanceUpdate` for a deposit/withdrawal (sent before the engine's account position)."""
        self._publish(account, balance_update(asset, delta, self.clock_ms()))
