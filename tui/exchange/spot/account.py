"""Our account and its history over the WS API: balances and rates, filters and order counts, and
past orders, trades and prevented matches.

Reached as `session.account`; every request is signed.
"""

from __future__ import annotations

from tui.domain.spot.account import AccountCommission, AccountTrade, UnfilledOrderCount
from tui.domain.spot.market import AccountFilters
from tui.domain.spot.orders import Order, PreventedMatch
from tui.exchange.spot.codec.account import (
    account_commission_from_wire,
    account_from_wire,
    account_trade_from_wire,
    unfilled_order_count_from_wire,
)
from tui.exchange.spot.codec.market import account_filters_from_wire
from tui.exchange.spot.codec.orders import order_from_wire, prevented_match_from_wire
from tui.exchange.spot.events import AccountSnapshot
from tui.exchange.spot.ws_api import WsApiClient
from tui.exchange.wire_readers import expect_list


class AccountQueries:
    """account.*, myFilters and the history requests (allOrders, myTrades, myPreventedMatches)."""

    def __init__(self, ws: WsApiClient) -> None:
        self.ws = ws

    async def snapshot(self) -> AccountSnapshot:
        """account.status: balances, commission rates and whether we may trade."""
        return account_from_wire(await self.ws.request("account.status", signed=True))

    async def account_commission(self, symbol: str) -> AccountCommission:
        """account.commission: standard, special and tax rates on the symbol, and the discount."""
        result = await self.ws.request("account.commission", {"symbol": symbol}, signed=True)
        return account_commission_from_wire(result)

    async def unfilled_order_count(self) -> list[UnfilledOrderCount]:
        """account.rateLimits.orders: orders placed in each ORDERS window, with its limit."""
        rows = await self.ws.request("account.rateLimits.orders", signed=True)
        return [
            unfilled_order_count_from_wire(r)
            for r in expect_list(rows, "account.rateLimits.orders")
            if not isinstance(r, dict) or r.get("rateLimitType", "ORDERS") == "ORDERS"
        ]

    async def my_filters(self, symbol: str) -> AccountFilters:
        """myFilters: the exchange, symbol and asset (MAX_ASSET) filters that apply to us on `symbol`."""
        result = await self.ws.request("myFilters", {"symbol": symbol}, signed=True)
        return account_filters_from_wire(result, symbol)

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
        return [order_from_wire(r) for r in expect_list(rows, "allOrders")]

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
        return [account_trade_from_wire(r) for r in expect_list(rows, "myTrades")]

    async def prevented_matches(
        self, symbol: str, *, order_id: int | None = None, prevented_match_id: int | None = None
    ) -> list[PreventedMatch]:
        """myPreventedMatches by orderId or by preventedMatchId."""
        params = {"symbol": symbol, "orderId": order_id, "preventedMatchId": prevented_match_id}
        rows = await self.ws.request("myPreventedMatches", params, signed=True)
        return [prevented_match_from_wire(r) for r in expect_list(rows, "myPreventedMatches")]
