"""WebSocket API v3 at `/ws-api/v3`: request/response framing, security, rate limits, sessions and
User Data Stream subscriptions, as web-socket-api.md describes them.

Every request is `{"id", "method", "params"}`; every response is `{"id", "status", "result" | "error",
"rateLimits"}` (rateLimits omitted with `returnRateLimits=false`, per request or in the URL). The
method handlers live in `ws_trading` (orders, account) and `market_views` / `market_tickers` (public data).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tui.sim.protocol.auth import ApiKey, KeyRegistry, KeyType, check_timestamp, verify_signed
from tui.sim.protocol.errors import ApiError, mandatory, rejected_api_key
from tui.sim.protocol.params import opt_bool, opt_int
from tui.sim.protocol.rate_limits import RateLimiter, depth_weight, ticker_24h_weight
from tui.sim.protocol.ws_connection import WsConnection
from tui.sim.spot.api import ws_lists, ws_sor, ws_trading
from tui.sim.spot.api.wire import account_position, balance_update, execution_report, stream_terminated
from tui.sim.spot.api.wire_lists import list_status_event
from tui.sim.spot.api.ws_method import Call, Connection, Method, Security, weight_or
from tui.sim.spot.market import tickers as market_tickers
from tui.sim.spot.market import views as market_views
from tui.sim.spot.matching.engine import BalancesChanged, Engine, ListStatusChanged, OrderUpdated, SimError

if TYPE_CHECKING:
    from tui.sim.spot.market.data import MarketData

COMMON_PARAMS = frozenset({"apiKey", "signature", "timestamp", "recvWindow", "returnRateLimits"})


def _symbols_count(params: dict[str, Any]) -> int | None:
    if params.get("symbol"):
        return 1
    many = params.get("symbols")
    return len(many) if isinstance(many, list) else None


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
        self.engine = engine
        self.market_data = market_data
        self.registry = registry
        self.limiter = limiter
        self.clock_ms = clock_ms
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
        S, SIG, SES = Security.SIGNED, Security.SIGNATURE, Security.SESSION
        md, mt = market_views, market_tickers
        table = {
            "ping": Method(lambda c: {}),
            "time": Method(lambda c: {"serverTime": c.now()}),
            "exchangeInfo": Method(
                lambda c: md.exchange_info(c.engine, c.api.limiter, c.params, rest=False),
                20,
                params=frozenset({"symbol", "symbols", "permissions", "showPermissionSets", "symbolStatus"}),
            ),
            "depth": Method(
                lambda c: md.depth(c.engine, c.params),
                weight_or(5, lambda p: depth_weight(opt_int(p, "limit") or 100)),
                params=frozenset({"symbol", "limit"}),
            ),
            "klines": Method(
                lambda c: md.klines(c.engine, c.api.market_data, c.params),
                2,
                params=frozenset({"symbol", "interval", "startTime", "endTime", "timeZone", "limit"}),
            ),
            "ticker.24hr": Method(
                lambda c: md.ticker_24h(c.engine, c.api.market_data, c.params),
                weight_or(80, lambda p: ticker_24h_weight(_symbols_count(p))),
                params=frozenset({"symbol", "symbols", "type"}),
            ),
            "ticker.book": Method(
                lambda c: md.book_ticker(c.engine, c.params),
                weight_or(4, lambda p: 2 if p.get("symbol") else 4),
                params=frozenset({"symbol", "symbols"}),
            ),
            "avgPrice": Method(
                lambda c: md.avg_price(c.engine, c.api.market_data, c.params), 2, params=frozenset({"symbol"})
            ),
            "trades.recent": Method(
                lambda c: md.recent_trades(c.engine, c.api.market_data, c.params),
                25,
                params=frozenset({"symbol", "limit"}),
            ),
            "trades.historical": Method(
                lambda c: md.historical_trades(c.engine, c.api.market_data, c.params),
                25,
                params=frozenset({"symbol", "fromId", "limit"}),
            ),
            "trades.aggregate": Method(
                lambda c: md.agg_trades(c.engine, c.api.market_data, c.params),
                4,
                params=frozenset({"symbol", "fromId", "startTime", "endTime", "limit"}),
            ),
            "uiKlines": Method(
                lambda c: md.ui_klines(c.engine, c.api.market_data, c.params),
                2,
                params=frozenset({"symbol", "interval", "startTime", "endTime", "timeZone", "limit"}),
            ),
            "ticker.tradingDay": Method(
                lambda c: mt.trading_day_ticker(c.engine, c.api.market_data, c.params),
                mt.per_symbol_weight,
                params=frozenset({"symbol", "symbols", "timeZone", "type", "symbolStatus"}),
            ),
            "ticker": Method(
                lambda c: mt.rolling_ticker(c.engine, c.api.market_data, c.params, max_symbols=200),
                mt.per_symbol_weight,
                params=frozenset({"symbol", "symbols", "type", "windowSize", "symbolStatus"}),
            ),
            "ticker.price": Method(
                lambda c: mt.price_ticker(c.engine, c.api.market_data, c.params),
                mt.price_weight,
                params=frozenset({"symbol", "symbols", "symbolStatus"}),
            ),
            "myFilters": Method(lambda c: md.my_filters(c.engine, c.params), 40, S, "USER_DATA", frozenset({"symbol"})),
            "session.logon": Method(self._session_logon, 2, SIG),
            "session.status": Method(self._session_status, 2),
            "session.logout": Method(self._session_logout, 2),
            "session.subscriptions": Method(self._session_subscriptions, 2),
            "userDataStream.subscribe": Method(self._uds_subscribe, 2, SES, "USER_STREAM"),
            "userDataStream.subscribe.signature": Method(self._uds_subscribe_signature, 2, SIG, "USER_STREAM"),
            "userDataStream.unsubscribe": Method(self._uds_unsubscribe, 2, params=frozenset({"subscriptionId"})),
        }
        for name, (handler, weight, permission, params, places) in {
            **ws_trading.METHODS,
            **ws_lists.METHODS,
            **ws_sor.METHODS,
        }.items():
            table[name] = Method(handler, weight, S, permission, frozenset(params), places)
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

    # -- session ---------------------------------------------------------------------------------

    def _session_result(self, call: Call) -> dict[str, Any]:
        conn = call.conn
        return {
            "apiKey": conn.session_key.api_key if conn.session_key else None,
            "authorizedSince": conn.authorized_since,
            "connectedSince": conn.connected_since,
            "returnRateLimits": conn.return_rate_limits,
            "serverTime": call.now(),
            "userDataStream": bool(conn.subscriptions),
        }

    def _session_logon(self, call: Call) -> dict[str, Any]:
        assert call.key is not None
        if call.key.key_type is not KeyType.ED25519:
            raise rejected_api_key()  # only Ed25519 keys may authenticate a session
        if call.conn.session_key is not None and call.conn.session_key.account_id != call.key.account_id:
            self._end_logon_subscription(call.conn)
        call.conn.session_key = call.key
        call.conn.authorized_since = call.now()
        return self._session_result(call)

    def _session_status(self, call: Call) -> dict[str, Any]:
        return self._session_result(call)

    def _session_logout(self, call: Call) -> dict[str, Any]:
        self._end_logon_subscription(call.conn)
        call.conn.session_key = None
        call.conn.authorized_since = None
        return self._session_result(call)

    def _session_subscriptions(self, call: Call) -> list[dict[str, int]]:
        return [{"subscriptionId": sid} for sid in sorted(call.conn.subscriptions)]

    # -- user data stream ------------------------------------------------------------------------

    def _subscribe(self, conn: Connection, account: str) -> int:
        if account in conn.subscriptions.values():
            raise ApiError(-2035, "User Data Stream subscription already active.")
        if len(conn.subscriptions) >= 1000 or conn.next_subscription_id >= 65535:
            raise ApiError(-2042, "Maximum subscription ID reached for this connection.")
        sid = conn.next_subscription_id
        conn.next_subscription_id += 1
        conn.subscriptions[sid] = account
        return sid

    def _uds_subscribe(self, call: Call) -> dict[str, int]:
        sid = self._subscribe(call.conn, call.account)
        call.conn.logon_subscription = sid
        return {"subscriptionId": sid}

    def _uds_subscribe_signature(self, call: Call) -> dict[str, int]:
        return {"subscriptionId": self._subscribe(call.conn, call.account)}

    def _end_subscription(self, conn: Connection, sid: int) -> None:
        if conn.subscriptions.pop(sid, None) is not None:
            conn.ws.send({"subscriptionId": sid, "event": stream_terminated(self.clock_ms())})
        if conn.logon_subscription == sid:
            conn.logon_subscription = None

    def _end_logon_subscription(self, conn: Connection) -> None:
        if conn.logon_subscription is not None:
            self._end_subscription(conn, conn.logon_subscription)

    def _uds_unsubscribe(self, call: Call) -> dict[str, Any]:
        sid = opt_int(call.params, "subscriptionId")
        for existing in list(call.conn.subscriptions):
            if sid is None or existing == sid:
                self._end_subscription(call.conn, existing)
        return {}

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
