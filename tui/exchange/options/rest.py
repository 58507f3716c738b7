"""REST client of the European options venue (seed 002): `/api/v1/...` over one httpx.AsyncClient.

Answers come in the envelope `{"code": 0, "msg": "success", "data": ...}`; the client returns the
typed `data` and turns a non-zero `code` into `ExchangeError(code, msg, http status)` whatever the
HTTP status was. SIGNED endpoints (USER_DATA, TRADE, USER_STREAM) carry every param in the query
string, signed as the spot/futures REST rules say (`futures_export.signed_query`); the seed allows
the query string for POST, PUT and DELETE too, which keeps the signed bytes and the sent bytes the
same. `historicalTrades` (MARKET_DATA) sends the API key without a signature.

Transport failures map to the shared error types: a refused connection is `NotConnected` (not
executed), a timeout `RequestTimeout` and a connection lost mid-request `NotConnected(
outcome_unknown=True)`: for an order the caller must look it up before trying again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

import httpx

from tui.domain.money import wire
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.options.codec import (
    DECODER,
    TRANSFER_TYPES,
    Bill,
    MalformedResponse,
    MarkPrice,
    OptionAccount,
    OptionDepth,
    OptionExchangeInfo,
    OptionKline,
    OptionOrder,
    OptionOrderRequest,
    OptionPosition,
    OptionPublicTrade,
    OptionSymbol,
    OptionTicker,
    as_dict,
    as_int,
    as_list,
    dec,
    field,
    parse_account,
    parse_bill,
    parse_depth,
    parse_exchange_info,
    parse_kline,
    parse_mark,
    parse_option_symbol_info,
    parse_order,
    parse_position,
    parse_public_trade,
    parse_ticker,
)
from tui.exchange.signing import Signer, check_read_only, signed_query

API = "/api/v1"
NONE, MARKET_DATA, SIGNED = "NONE", "MARKET_DATA", "SIGNED"
_NO_DATA = object()


class Clock(Protocol):
    def now_ms(self) -> int: ...


class _WallClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


def _param(value: Any) -> Any:
    if isinstance(value, Decimal):
        return wire(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class OptionsRestClient:
    """Every seed 002 endpoint, typed. Close it with `aclose()` (or use `async with`)."""

    def __init__(
        self,
        base_url: str,
        signer: Signer,
        *,
        clock: Clock | None = None,
        recv_window: int | None = 5000,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signer = signer
        self.clock: Clock = clock or _WallClock()
        self.recv_window = recv_window
        self._timeout = timeout
        self.used_weight_1m: int | None = None
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"OptionsRestClient({self.base_url!r}, signer={self.signer!r})"

    async def __aenter__(self) -> OptionsRestClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    # -- plumbing ------------------------------------------------------------------------------

    async def request(
        self, method: str, path: str, params: Mapping[str, Any] | None = None, *, auth: str = NONE
    ) -> Any:
        """Send one request and return the envelope's `data` (None when there is none)."""
        clean = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        what = f"{method} {path}"
        check_read_only(self.signer, f"{method} {API}{path}")  # a read-only profile never trades
        headers = {"Accept": "application/json"}
        if auth != NONE:
            headers["X-MBX-APIKEY"] = self.signer.api_key
        if auth == SIGNED:
            query = signed_query(clean, self.signer, self.clock.now_ms(), self.recv_window)
            url = httpx.URL(API + path, query=query.encode("ascii"))
            kwargs: dict[str, Any] = {}
        else:
            url = httpx.URL(API + path)
            kwargs = {"params": clean} if clean else {}
        try:
            resp = await self._http.request(method, url, headers=headers, **kwargs)
        except httpx.ConnectTimeout:
            raise NotConnected(f"{what}: could not connect within {self._timeout:g} s") from None
        except httpx.TimeoutException:
            raise RequestTimeout(what, self._timeout) from None
        except httpx.ConnectError as exc:
            raise NotConnected(f"{what}: could not connect ({exc})") from None
        except httpx.TransportError as exc:
            raise NotConnected(f"{what} failed: {type(exc).__name__}", outcome_unknown=True) from None
        return self._unwrap(what, resp)

    def _unwrap(self, what: str, resp: httpx.Response) -> Any:
        used = resp.headers.get("X-MBX-USED-WEIGHT-1M")
        if used is not None:
            with contextlib.suppress(ValueError):
                self.used_weight_1m = int(used)
        try:
            body = DECODER.decode(resp.text)
        except ValueError:
            body = None
        status = resp.status_code
        code, msg = _code_msg(body)
        if status in (418, 429):
            raise RateLimited(
                code if code is not None else -1003, msg or "Too many requests.", status, self._retry_after(resp)
            )
        if code is not None and code != 0:
            # A 5xx means the venue may have executed the request anyway.
            raise ExchangeError(code, msg, status, outcome_unknown=status >= 500)
        if status >= 400 or code is None:
            detail = f"HTTP {status} {resp.reason_phrase}".strip()
            raise ExchangeError(
                -1000 if status >= 400 else -1006,
                f"{what}: {detail}" if status >= 400 else f"{what}: the answer has no code/msg envelope",
                status,
                outcome_unknown=status >= 500,
            )
        return body.get("data") if isinstance(body, dict) else None

    def _retry_after(self, resp: httpx.Response) -> int | None:
        value = resp.headers.get("Retry-After")
        try:
            return None if value is None else int(self.clock.now_ms() + float(value) * 1000)
        except ValueError:
            return None

    async def _get(self, path: str, params: Mapping[str, Any] | None = None, auth: str = NONE) -> Any:
        return await self.request("GET", path, params, auth=auth)

    async def _signed(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.request(method, path, params, auth=SIGNED)

    # -- market data (NONE) -------------------------------------------------------------------------

    async def ping(self) -> None:
        await self._get("/ping")

    async def server_time(self) -> int:
        return as_int(await self._get("/time"), "time")

    async def option_info(self) -> tuple[OptionSymbol, ...]:
        return as_list(await self._get("/optionInfo"), parse_option_symbol_info, "optionInfo")

    async def exchange_info(self) -> OptionExchangeInfo:
        return parse_exchange_info(await self._get("/exchangeInfo"))

    async def index_price(self, underlying: str) -> Decimal:
        data = as_dict(await self._get("/index", {"underlying": underlying}), "index")
        return dec(field(data, "indexPrice"), "indexPrice")

    async def tickers(self, symbol: str | None = None) -> tuple[OptionTicker, ...]:
        return as_list(await self._get("/ticker", {"symbol": symbol}), parse_ticker, "ticker")

    async def ticker(self, symbol: str) -> OptionTicker:
        return _one(await self.tickers(symbol), symbol)

    async def marks(self, symbol: str | None = None) -> tuple[MarkPrice, ...]:
        return as_list(await self._get("/mark", {"symbol": symbol}), parse_mark, "mark")

    async def mark(self, symbol: str) -> MarkPrice:
        return _one(await self.marks(symbol), symbol)

    async def depth(self, symbol: str, limit: int | None = None) -> OptionDepth:
        return parse_depth(await self._get("/depth", {"symbol": symbol, "limit": limit}))

    async def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> tuple[OptionKline, ...]:
        params = {"symbol": symbol, "interval": interval, "startTime": start_time, "endTime": end_time, "limit": limit}
        return as_list(await self._get("/klines", params), parse_kline, "klines")

    async def trades(self, symbol: str, limit: int | None = None) -> tuple[OptionPublicTrade, ...]:
        return as_list(await self._get("/trades", {"symbol": symbol, "limit": limit}), parse_public_trade, "trades")

    async def historical_trades(
        self, symbol: str, *, from_id: int | None = None, limit: int | None = None
    ) -> tuple[OptionPublicTrade, ...]:
        """MARKET_DATA: needs the API key (sent as `X-MBX-APIKEY`), no signature."""
        data = await self._get("/historicalTrades", {"symbol": symbol, "fromId": from_id, "limit": limit}, MARKET_DATA)
        return as_list(data, parse_public_trade, "historicalTrades")

    # -- account (USER_DATA) -----------------------------------------------------------------------

    async def account(self) -> tuple[OptionAccount, ...]:
        return as_list(await self._signed("GET", "/account"), parse_account, "account")

    async def transfer(self, currency: str, direction: str, amount: Decimal) -> int:
        """Move `amount` between spot and options (`direction` IN to options, OUT to spot); the record id."""
        if direction not in TRANSFER_TYPES:
            raise ValueError("direction must be IN or OUT")
        if not isinstance(amount, Decimal) or amount <= 0:
            raise ValueError("amount must be a positive Decimal")
        data = await self._signed("POST", "/transfer", {"currency": currency, "type": direction, "amount": amount})
        return as_int(data, "transfer id")

    async def positions(self, symbol: str | None = None) -> tuple[OptionPosition, ...]:
        return as_list(await self._signed("GET", "/position", {"symbol": symbol}), parse_position, "position")

    async def bills(
        self,
        currency: str = "USDT",
        *,
        record_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> tuple[Bill, ...]:
        """The ledger; POST as the seed says, though it only reads."""
        params = {
            "currency": currency,
            "recordId": record_id,
            "startTime": start_time,
            "endTime": end_time,
            "limit": limit,
        }
        return as_list(await self._signed("POST", "/bill", params), parse_bill, "bill")

    # -- trading (TRADE) ---------------------------------------------------------------------------

    async def new_order(self, order: OptionOrderRequest) -> OptionOrder:
        """Place `order`. On a timeout or lost connection the error has `outcome_unknown` set."""
        return parse_order(as_dict(await self._signed("POST", "/order", order.params()), "order"))

    async def cancel_order(
        self, symbol: str, *, order_id: int | None = None, client_order_id: str | None = None
    ) -> OptionOrder:
        params = _order_ref(symbol, order_id, client_order_id)
        return parse_order(as_dict(await self._signed("DELETE", "/order", params), "order"))

    async def cancel_all_orders(self, symbol: str) -> None:
        await self._signed("DELETE", "/allOpenOrders", {"symbol": symbol})

    async def query_order(
        self, symbol: str, *, order_id: int | None = None, client_order_id: str | None = None
    ) -> OptionOrder:
        params = _order_ref(symbol, order_id, client_order_id)
        return parse_order(as_dict(await self._signed("GET", "/order", params), "order"))

    async def open_orders(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> tuple[OptionOrder, ...]:
        """Open orders of `symbol` (the seed makes `symbol` mandatory)."""
        params = _range(symbol, order_id, start_time, end_time, limit)
        return as_list(await self._signed("GET", "/openOrders", params), parse_order, "openOrders")

    async def history_orders(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> tuple[OptionOrder, ...]:
        params = _range(symbol, order_id, start_time, end_time, limit)
        return as_list(await self._signed("GET", "/historyOrders", params), parse_order, "historyOrders")

    # -- user data stream (USER_STREAM) ------------------------------------------------------------

    async def new_listen_key(self) -> str:
        """Create a listenKey (or, if the account has a live one, get it back extended by 60 minutes)."""
        data = as_dict(await self._signed("POST", "/userDataStream"), "userDataStream")
        key = str(field(data, "listenKey"))
        if not key:
            raise MalformedResponse("empty listenKey")
        return key

    async def keepalive_listen_key(self, listen_key: str) -> None:
        """Extend `listen_key` to 60 minutes from now; -1125 when the venue no longer knows it."""
        await self._signed("PUT", "/userDataStream", {"listenKey": listen_key})

    async def close_listen_key(self, listen_key: str) -> None:
        await self._signed("DELETE", "/userDataStream", {"listenKey": listen_key})


def _code_msg(body: Any) -> tuple[int | None, str]:
    if isinstance(body, dict) and "code" in body:
        try:
            return int(body["code"]), str(body.get("msg", ""))
        except (TypeError, ValueError):
            return None, ""
    return None, ""


def _one(items: tuple[Any, ...], symbol: str) -> Any:
    for item in items:
        if item.symbol == symbol:
            return item
    raise MalformedResponse(f"no entry for {symbol}")


def _order_ref(symbol: str, order_id: int | None, client_order_id: str | None) -> dict[str, Any]:
    if order_id is None and not client_order_id:
        raise ValueError("give order_id or client_order_id")
    return {"symbol": symbol, "orderId": order_id, "clientOrderId": client_order_id}


def _range(symbol: str, order_id: int | None, start: int | None, end: int | None, limit: int | None) -> dict[str, Any]:
    return {"symbol": symbol, "orderId": order_id, "startTime": start, "endTime": end, "limit": limit}
