"""Market data of the European options venue (seed 002): the public `/api/v1/...` endpoints, typed.

`OptionsMarketData` needs no key except for `historicalTrades` (MARKET_DATA: the API key, no
signature); `OptionsRestClient` adds the account, trading and user-stream endpoints on top of it.
Answers come in the envelope `{"code": 0, "msg": "success", "data": ...}`; plumbing (the envelope
and HTTP error mapping, transport failures) is `tui.exchange.http.BinanceHttp`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from tui.domain.options.market import (
    MarkPrice,
    OptionDepth,
    OptionExchangeInfo,
    OptionKline,
    OptionPublicTrade,
    OptionSymbol,
    OptionTicker,
)
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
    parse_depth,
    parse_exchange_info,
    parse_kline,
    parse_mark,
    parse_option_symbol_info,
    parse_public_trade,
    parse_ticker,
)
from tui.exchange.signing import Signer

API = "/api/v1"


class OptionsMarketData(BinanceHttp):
    """The venue's public endpoints. Close it with `aclose()` (or use `async with`)."""

    def __init__(
        self,
        base_url: str,
        signer: Signer | None = None,
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

    async def _get(self, path: str, params: Mapping[str, Any] | None = None, security: Security = Security.NONE) -> Any:
        return await self.request("GET", path, params, security=security)

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


def _one(items: tuple[Any, ...], symbol: str) -> Any:
    for item in items:
        if item.symbol == symbol:
            return item
    raise MalformedResponse(f"no entry for {symbol}")
