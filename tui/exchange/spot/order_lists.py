"""Order lists (OCO, OTO, OTOCO, OPO, OPOCO) over the WS API: place, cancel and look up.

Reached as `session.order_lists`.
"""

from __future__ import annotations

from typing import Any

from tui.domain.spot.orders import OrderList, OrderListRequest
from tui.exchange.spot.codec.lists import order_list_from_wire, order_list_params
from tui.exchange.spot.ws_api import WsApiClient
from tui.exchange.wire_readers import expect_list


class OrderLists:
    """orderList.*, openOrderLists.status and allOrderLists requests on one WS API connection."""

    def __init__(self, ws: WsApiClient) -> None:
        self.ws = ws

    async def place_order_list(self, req: OrderListRequest) -> OrderList:
        """orderList.place.oco / .oto / .otoco / .opo / .opoco; the list with its legs' reports."""
        method, params = order_list_params(req)
        return order_list_from_wire(await self.ws.request(method, params, signed=True))

    async def cancel_order_list(self, symbol: str, order_list_id: int) -> OrderList:
        """orderList.cancel: every leg of the list."""
        result = await self.ws.request(
            "orderList.cancel", {"symbol": symbol, "orderListId": order_list_id}, signed=True
        )
        return order_list_from_wire(result)

    async def order_list_status(
        self, order_list_id: int | None = None, *, list_client_order_id: str | None = None
    ) -> OrderList:
        """orderList.status by list id or by the list client order id we sent."""
        params: dict[str, Any] = (
            {"origClientOrderId": list_client_order_id} if list_client_order_id else {"orderListId": order_list_id}
        )
        return order_list_from_wire(await self.ws.request("orderList.status", params, signed=True))

    async def open_order_lists(self) -> list[OrderList]:
        """openOrderLists.status: our lists that still have a working leg."""
        rows = await self.ws.request("openOrderLists.status", signed=True)
        return [order_list_from_wire(r) for r in expect_list(rows, "openOrderLists.status")]

    async def all_order_lists(self, *, from_id: int | None = None, limit: int | None = None) -> list[OrderList]:
        """allOrderLists: our lists of any status, from a list id on."""
        rows = await self.ws.request("allOrderLists", {"fromId": from_id, "limit": limit}, signed=True)
        return [order_list_from_wire(r) for r in expect_list(rows, "allOrderLists")]
