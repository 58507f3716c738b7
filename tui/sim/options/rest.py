"""REST routes of the options venue (seed 002): `/api/v1/...` with the `{"code", "msg", "data"}` envelope.

Auth as the seed says: market endpoints need nothing, except `historicalTrades` (MARKET_DATA: a
valid `X-MBX-APIKEY`); account, trading and userDataStream endpoints need the key and a
`signature` (HMAC-SHA256 hex, or the RSA/Ed25519 demo keys) over the query string then the body,
plus `timestamp` (and optional `recvWindow`) within the timing rule. Query string values win over
body values of the same name. Errors: `{"code": <non-zero>, "msg": ...}`, HTTP 400 (401 for key
errors, 404 for unknown paths); see `engine` for the trading error codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from aiohttp import web

from tui.sim.options import wire
from tui.sim.options.market_data import INTERVALS
from tui.sim.protocol.auth import check_timestamp, rest_payload
from tui.sim.protocol.errors import ApiError, bad_interval, mandatory
from tui.sim.protocol.params import limit, opt_bool, opt_decimal, opt_int, opt_str, req_str

if TYPE_CHECKING:
    from tui.sim.options.venue import OptionsVenue

Params = Mapping[str, str]
NONE, MARKET_DATA, SIGNED = "NONE", "MARKET_DATA", "SIGNED"
_NO_DATA = object()
DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000)


def _ignore_account(fn: Callable[[Params], Any]) -> Callable[[str, Params], Any]:
    return lambda account, params: fn(params)


def envelope(data: Any = _NO_DATA) -> dict[str, Any]:
    body: dict[str, Any] = {"code": 0, "msg": "success"}
    if data is not _NO_DATA:
        body["data"] = data
    return body


class OptionsRest:
    def __init__(self, venue: OptionsVenue) -> None:
        self.v = venue

    def routes(self) -> list[web.RouteDef]:
        v = self.v
        public: dict[str, Callable[[Params], Any]] = {
            "/api/v1/ping": lambda p: _NO_DATA,
            "/api/v1/time": lambda p: v.clock_ms(),
            "/api/v1/optionInfo": lambda p: [wire.option_symbol(i) for i in v.instruments()],
            "/api/v1/exchangeInfo": lambda p: v.exchange_info(),
            "/api/v1/index": lambda p: {"indexPrice": wire.wire(v.index(self._underlying(p)))},
            "/api/v1/ticker": lambda p: [
                wire.ticker(i, v.market_data.ticker(i.symbol, v.clock_ms())) for i in self._many(p)
            ],
            "/api/v1/mark": lambda p: [v.mark_json(i) for i in self._many(p)],
            "/api/v1/depth": self.depth,
            "/api/v1/klines": self.klines,
            "/api/v1/trades": lambda p: [
                wire.trade(t) for t in v.market_data.recent(self._symbol(p), limit(p, 100, 500))
            ],
        }
        signed: list[tuple[str, str, Callable[[str, Params], Any]]] = [
            ("GET", "/api/v1/account", lambda a, p: [wire.account(v.engine.summary(a))]),
            ("POST", "/api/v1/transfer", self.transfer),
            ("GET", "/api/v1/position", self.position),
            ("POST", "/api/v1/bill", self.bill),
            ("GET", "/api/v1/bill", self.bill),
            ("POST", "/api/v1/order", self.new_order),
            ("DELETE", "/api/v1/order", self.cancel_order),
            ("GET", "/api/v1/order", self.query_order),
            ("DELETE", "/api/v1/allOpenOrders", self.cancel_all),
            ("GET", "/api/v1/openOrders", self.open_orders),
            ("GET", "/api/v1/historyOrders", self.history_orders),
            ("POST", "/api/v1/userDataStream", lambda a, p: {"listenKey": v.listen_keys.create(a)}),
            ("PUT", "/api/v1/userDataStream", self.keepalive),
            ("DELETE", "/api/v1/userDataStream", self.close_key),
        ]
        routes = [web.get(path, self._handler(NONE, _ignore_account(fn))) for path, fn in public.items()]
        routes.append(web.get("/api/v1/historicalTrades", self._handler(MARKET_DATA, self.historical_trades)))
        routes += [web.route(method, path, self._handler(SIGNED, fn)) for method, path, fn in signed]
        return routes

    # -- plumbing ---------------------------------------------------------------------------------

    def _handler(self, auth: str, fn: Callable[[str, Params], Any]) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.Response:
            try:
                body = await request.text() if request.method != "GET" else ""
                params = {**dict(parse_qsl(body, keep_blank_values=True)), **dict(request.query)}
                account = self._authenticate(request, auth, params, body)
                data = fn(account, params)
            except ApiError as exc:
                return web.json_response({"code": exc.code, "msg": exc.msg}, status=exc.status)
            return web.json_response(envelope(data), dumps=wire.dumps)

        return handler

    def _authenticate(self, request: web.Request, auth: str, params: Params, body: str) -> str:
        if auth == NONE:
            return ""
        key = self.v.registry.lookup(request.headers.get("X-MBX-APIKEY"))
        if auth == MARKET_DATA:
            return key.account_id
        payload, signature = rest_payload(request.rel_url.raw_query_string, body)
        if not signature:
            raise mandatory("signature")
        if not key.verify(payload, unquote(signature)):
            raise ApiError(-1022, "Signature for this request is not valid.")
        check_timestamp(params, self.v.clock_ms())
        return key.account_id

    def _symbol(self, p: Params) -> str:
        return self.v.engine.instrument(req_str(p, "symbol")).symbol

    def _many(self, p: Params) -> list[Any]:
        symbol = opt_str(p, "symbol")
        return self.v.instruments() if symbol is None else [self.v.engine.instrument(symbol)]

    def _underlying(self, p: Params) -> str:
        name = req_str(p, "underlying")
        if name not in self.v.catalog.underlyings:
            raise ApiError(-1121, "Invalid underlying.")
        return name

    # -- market data ------------------------------------------------------------------------------

    def depth(self, p: Params) -> dict[str, Any]:
        symbol = self._symbol(p)
        n = limit(p, 100, 1000)
        if n not in DEPTH_LIMITS:
            raise ApiError(-1130, "Data sent for parameter 'limit' is not valid.")
        return self.v.depth_json(symbol, n)

    def klines(self, p: Params) -> list[dict[str, Any]]:
        symbol = self._symbol(p)
        interval = req_str(p, "interval")
        if interval not in INTERVALS:
            raise bad_interval()
        bars = self.v.market_data.klines(
            symbol, INTERVALS[interval], opt_int(p, "startTime"), opt_int(p, "endTime"), limit(p, 500, 1500)
        )
        return [wire.kline(b, interval) for b in bars]

    def historical_trades(self, account: str, p: Params) -> list[dict[str, Any]]:
        trades = self.v.market_data.recent(self._symbol(p), limit(p, 100, 500), opt_int(p, "fromId"))
        return [wire.trade(t) for t in trades]

    # -- account ----------------------------------------------------------------------------------

    def transfer(self, account: str, p: Params) -> int:
        amount = opt_decimal(p, "amount")
        if amount is None:
            raise mandatory("amount")
        return self.v.engine.transfer(account, req_str(p, "currency"), req_str(p, "type"), amount)

    def position(self, account: str, p: Params) -> list[dict[str, Any]]:
        symbol = opt_str(p, "symbol")
        if symbol is not None:
            self.v.engine.instrument(symbol)
        e = self.v.engine
        acct = e.account(account)
        return [
            wire.position(inst, pos, e.marks.of(inst), e.reducible(acct, inst.symbol))
            for inst, pos in e.positions(account, symbol)
        ]

    def bill(self, account: str, p: Params) -> list[dict[str, Any]]:
        if req_str(p, "currency") != "USDT":
            raise ApiError(-1130, "Data sent for parameter 'currency' is not valid.")
        record_id, start, end = opt_int(p, "recordId"), opt_int(p, "startTime"), opt_int(p, "endTime")
        n = limit(p, 100, 1000)
        bills = [
            b
            for b in self.v.engine.account(account).bills
            if (record_id is None or b.id >= record_id)
            and (start is None or b.create_ms >= start)
            and (end is None or b.create_ms <= end)
        ]
        bills = bills[:n] if record_id is not None else bills[-n:]
        return [wire.bill(b) for b in bills]

    # -- orders -----------------------------------------------------------------------------------

    def new_order(self, account: str, p: Params) -> dict[str, Any]:
        quantity = opt_decimal(p, "quantity")
        if quantity is None:
            raise mandatory("quantity")
        resp_type = opt_str(p, "newOrderRespType") or "ACK"
        if resp_type not in ("ACK", "RESULT"):
            raise ApiError(-1130, "Data sent for parameter 'newOrderRespType' is not valid.")
        client_id = opt_str(p, "clientOrderId") or ""
        if len(client_id) > 36:
            raise ApiError(-1130, "Data sent for parameter 'clientOrderId' is not valid.")
        ack, result = self.v.engine.place(
            account,
            req_str(p, "symbol"),
            req_str(p, "side"),
            req_str(p, "type"),
            quantity,
            opt_decimal(p, "price"),
            opt_str(p, "timeInForce"),
            opt_bool(p, "reduceOnly", False),
            client_id,
        )
        return wire.order(result if resp_type == "RESULT" else ack)

    def _order_ref(self, p: Params) -> tuple[str, int | None, str | None]:
        order_id, client_id = opt_int(p, "orderId"), opt_str(p, "clientOrderId")
        if order_id is None and client_id is None:
            raise ApiError(-1102, "Param 'orderId' or 'clientOrderId' must be sent.")
        return req_str(p, "symbol"), order_id, client_id

    def cancel_order(self, account: str, p: Params) -> dict[str, Any]:
        return wire.order(self.v.engine.cancel(account, *self._order_ref(p)))

    def query_order(self, account: str, p: Params) -> dict[str, Any]:
        symbol, order_id, client_id = self._order_ref(p)
        if symbol not in self.v.engine.settled:
            self._symbol(p)
        return wire.order(self.v.engine.find_order(account, symbol, order_id, client_id))

    def cancel_all(self, account: str, p: Params) -> Any:
        self.v.engine.cancel_all(account, req_str(p, "symbol"))
        return _NO_DATA

    def _filtered(self, orders: list[Any], p: Params) -> list[dict[str, Any]]:
        order_id, start, end = opt_int(p, "orderId"), opt_int(p, "startTime"), opt_int(p, "endTime")
        n = limit(p, 100, 1000)
        rows = [
            o
            for o in orders
            if (order_id is None or o.id >= order_id)
            and (start is None or o.create_ms >= start)
            and (end is None or o.create_ms <= end)
        ]
        rows.sort(key=lambda o: o.id)
        rows = rows[:n] if order_id is not None else rows[-n:]
        return [wire.order(o) for o in rows]

    def open_orders(self, account: str, p: Params) -> list[dict[str, Any]]:
        symbol = opt_str(p, "symbol")  # the seed marks it required; all series when absent is kinder
        if symbol is not None:
            self.v.engine.instrument(symbol)
        return self._filtered(self.v.engine.open_orders(account, symbol), p)

    def history_orders(self, account: str, p: Params) -> list[dict[str, Any]]:
        symbol = req_str(p, "symbol")
        if symbol not in self.v.engine.settled:
            self._symbol(p)
        return self._filtered(self.v.engine.closed_orders(account, symbol), p)

    # -- user data stream -------------------------------------------------------------------------

    def keepalive(self, account: str, p: Params) -> Any:
        self.v.listen_keys.keepalive(req_str(p, "listenKey"), account)
        return _NO_DATA

    def close_key(self, account: str, p: Params) -> Any:
        self.v.listen_keys.close(req_str(p, "listenKey"), account)
        return _NO_DATA
