"""Smart Order Routing over the WS API: sor.order.place, sor.order.test and myAllocations.

Reached as `session.sor`. Which symbols may route is in `session.sors` (exchangeInfo `sors`).
"""

from __future__ import annotations

from tui.domain.spot.account import OrderCommissionRates
from tui.domain.spot.orders import OrderRequest
from tui.domain.spot.sor import Allocation, SorOrderResult
from tui.exchange.spot.codec.sor import (
    allocations_from_wire,
    sor_ack_order_id,
    sor_commission_rates,
    sor_order_from_wire,
    sor_order_params,
)
from tui.exchange.spot.orders import Orders
from tui.exchange.spot.ws_api import WsApiClient


class SmartOrderRouting:
    """SOR requests on one WS API connection; `orders` looks up an order an ACK reply names."""

    def __init__(self, ws: WsApiClient, orders: Orders) -> None:
        self.ws = ws
        self.orders = orders

    async def place_sor_order(self, req: OrderRequest) -> SorOrderResult:
        """sor.order.place: a LIMIT or MARKET order that takes the best prices across the books of its
        symbol's SOR configuration (`session.sors`), paid in the symbol's own quote asset.

        An ACK reply is followed by order.status, as in `Orders.place_order` (the result then has no
        fills)."""
        result = await self.ws.request("sor.order.place", sor_order_params(req), signed=True)
        order_id = sor_ack_order_id(result)
        if order_id is not None:
            return SorOrderResult(await self.orders.order_status(req.symbol, order_id))
        return sor_order_from_wire(result)

    async def test_sor_order(self, req: OrderRequest, commission_rates: bool = False) -> OrderCommissionRates | None:
        """sor.order.test: validate a SOR order without placing it; with `commission_rates`, also what
        it would pay."""
        params = sor_order_params(req)
        if commission_rates:
            params["computeCommissionRates"] = True
        result = await self.ws.request("sor.order.test", params, signed=True)
        return sor_commission_rates(result) if commission_rates else None

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
        return allocations_from_wire(await self.ws.request("myAllocations", params, signed=True))
