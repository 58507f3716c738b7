"""REST client of the European options venue (seed 002): every `/api/v1/...` endpoint, typed.

Answers come in the envelope `{"code": 0, "msg": "success", "data": ...}`; the client returns the
typed `data`. Plumbing (signing, the envelope and HTTP error mapping, transport failures) is
`tui.exchange.http.BinanceHttp`'s. SIGNED endpoints (USER_DATA, TRADE, USER_STREAM) carry every
param in the query string; the seed allows the query string for POST, PUT and DELETE too, which
keeps the signed bytes and the sent bytes the same. `historicalTrades` (MARKET_DATA) sends the API
key without a signature. On a timeout or a connection lost mid-request the error has
`outcome_unknown` set: for an order the caller must look it up before trying again.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from tui.domain.options.account import Bill, OptionAccount, OptionPosition, TransferDirection
from tui.domain.options.market import (
    MarkPrice,
    OptionDepth,
    OptionExchangeInfo,
    OptionKline,
    OptionPublicTrade,
    OptionSymbol,
    OptionTicker,
)
from tui.domain.options.orders import OptionOrder, OptionOrderRequest
from tui.exchange.clock import Clock
from tui.exchange.http import BinanceHttp, Security
from tui.exchange.options.codec import (
    DECODER,
    MalformedResponse,
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
from tui.exchange.signing import Signer

API = "/api/v1"


class OptionsRestClient(BinanceHttp):
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
        super().__init__(
            base_url,
            signer=signer,
            clock=clock,
            recv_window=recv_window,
            timeout=timeout,
            transport=transport,
            envelope=True,
            decode=DECODER.decode,
            api_prefix=API,
        )
        self.signer: Signer = signer

    def __repr__(self) -> str:
        return f"OptionsRestClient({self.base_url!r}, signer={self.signer!r})"

    async def _get(self, path: str, params: Mapping[str, Any] | None = None, security: Security = Security.NONE) -> Any:
        return await self.request("GET", path, params, security=security)

    async def _signed(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.request(method, path, params, security=Security.SIGNED)

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
        data = await self._get(
            "/historicalTrades", {"symbol": symbol, "fromId": from_id, "limit": limit}, Security.MARKET_DATA
        )
        return as_list(data, parse_public_trade, "historicalTrades")

    # -- account (USER_DATA) -----------------------------------------------------------------------

    async def account(self) -> tuple[OptionAccount, ...]:
        return as_list(await self._signed("GET", "/account"), parse_account, "account")

    async def transfer(self, currency: str, direction: str, amount: Decimal) -> int:
        """Move `amount` between spot and options (`direction` IN to options, OUT to spot); the record id."""
        if direction not in tuple(TransferDirection):
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
