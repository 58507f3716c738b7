"""REST client of the European options venue (seed 002): every `/api/v1/...` endpoint, typed.

The public endpoints are `OptionsMarketData`'s (market_data.py); this module adds the SIGNED ones.

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
from tui.domain.options.orders import OptionOrder, OptionOrderRequest
from tui.exchange.clock import Clock
from tui.exchange.http import Security
from tui.exchange.options.codec import (
    MalformedResponse,
    as_dict,
    as_int,
    as_list,
    field,
    parse_account,
    parse_bill,
    parse_order,
    parse_position,
)
from tui.exchange.options.market_data import OptionsMarketData
from tui.exchange.signing import Signer


class OptionsRestClient(OptionsMarketData):
    """Every seed 002 endpoint, typed: the market data plus account, trading and the user stream."""

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
        super().__init__(base_url, signer, clock=clock, recv_window=recv_window, timeout=timeout, transport=transport)
        self.signer: Signer = signer

    def __repr__(self) -> str:
        return f"OptionsRestClient({self.base_url!r}, signer={self.signer!r})"

    async def _signed(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.request(method, path, params, security=Security.SIGNED)

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


def _order_ref(symbol: str, order_id: int | None, client_order_id: str | None) -> dict[str, Any]:
    if order_id is None and not client_order_id:
        raise ValueError("give order_id or client_order_id")
    return {"symbol": symbol, "orderId": order_id, "clientOrderId": client_order_id}


def _range(symbol: str, order_id: int | None, start: int | None, end: int | None, limit: int | None) -> dict[str, Any]:
    return {"symbol": symbol, "orderId": order_id, "startTime": start, "endTime": end, "limit": limit}
