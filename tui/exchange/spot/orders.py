"""Single orders over the WS API: place, test, cancel, look up, cancel-replace and amend.

Reached as `session.orders`; every call is one signed WS API request whose reply goes through the
codec, so a malformed reply raises ValueError and an exchange error raises ExchangeError.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.domain.money import wire
from tui.domain.spot.account import OrderCommissionRates
from tui.domain.spot.orders import AmendedOrder, CancelReplaceResult, Order, OrderAmendment, OrderRequest
from tui.exchange.errors import ExchangeError
from tui.exchange.spot.codec.amendments import amended_order_from_wire, amendment_from_wire, cancel_replace_from_wire
from tui.exchange.spot.codec.orders import (
    ack_order_id,
    order_commission_rates,
    order_from_wire,
    order_params,
    orders_from_cancel_all,
)
from tui.exchange.spot.ws_api import WsApiClient
from tui.exchange.wire_readers import expect_list


class Orders:
    """order.* and openOrders.* requests on one WS API connection."""

    def __init__(self, ws: WsApiClient) -> None:
        self.ws = ws

    async def place_order(self, req: OrderRequest) -> Order:
        """Send an order; the order as the exchange reports it.

        An ACK reply (`new_order_resp_type=ACK`) says only that the order was taken, so the order is
        then looked up with order.status (the user data stream has the details too)."""
        result = await self.ws.request("order.place", order_params(req), signed=True)
        order_id = ack_order_id(result)
        if order_id is not None:
            return await self.order_status(req.symbol, order_id)
        return order_from_wire(result)

    async def test_order(
        self, req: OrderRequest, compute_commission_rates: bool = False
    ) -> OrderCommissionRates | None:
        """Validate an order without sending it to the matching engine (order.test); with
        `compute_commission_rates`, also what it would pay."""
        params = order_params(req)
        if compute_commission_rates:
            params["computeCommissionRates"] = True
        result = await self.ws.request("order.test", params, signed=True)
        return order_commission_rates(result) if compute_commission_rates else None

    async def cancel_order(self, symbol: str, order_id: int) -> Order:
        """order.cancel by exchange order id; the order as canceled."""
        result = await self.ws.request("order.cancel", {"symbol": symbol, "orderId": order_id}, signed=True)
        return order_from_wire(result)

    async def cancel_all(self, symbol: str) -> list[Order]:
        """openOrders.cancelAll: every open order on the symbol, list legs included."""
        result = await self.ws.request("openOrders.cancelAll", {"symbol": symbol}, signed=True)
        return orders_from_cancel_all(result)

    async def order_status(
        self, symbol: str, order_id: int | None = None, *, client_order_id: str | None = None
    ) -> Order:
        """Look an order up by exchange id or by the client order id we sent (-2013 if none)."""
        params: dict[str, Any] = {"symbol": symbol}
        if order_id is not None:
            params["orderId"] = order_id
        else:
            params["origClientOrderId"] = client_order_id
        return order_from_wire(await self.ws.request("order.status", params, signed=True))

    async def open_orders(self, symbol: str | None = None) -> list[Order]:
        """openOrders.status: our open orders on the symbol, or on every symbol."""
        result = await self.ws.request("openOrders.status", {"symbol": symbol}, signed=True)
        if not isinstance(result, list):
            raise ValueError("openOrders.status: expected a list")
        return [order_from_wire(o) for o in result]

    async def cancel_replace(
        self,
        cancel_order_id: int,
        new: OrderRequest,
        *,
        mode: str = "STOP_ON_FAILURE",
        cancel_restrictions: str | None = None,
        rate_limit_exceeded_mode: str | None = None,
        cancel_new_client_order_id: str | None = None,
    ) -> CancelReplaceResult:
        """order.cancelReplace. A partial failure (409, -2021) comes back as a result saying which half
        failed; so does a total failure (-2022) that carries the per-half details. Other errors raise."""
        params = order_params(new)
        params.update(cancelReplaceMode=mode, cancelOrderId=cancel_order_id)
        if cancel_restrictions is not None:
            params["cancelRestrictions"] = cancel_restrictions
        if rate_limit_exceeded_mode is not None:
            params["orderRateLimitExceededMode"] = rate_limit_exceeded_mode
        if cancel_new_client_order_id is not None:
            params["cancelNewClientOrderId"] = cancel_new_client_order_id
        try:
            result = await self.ws.request("order.cancelReplace", params, signed=True)
        except ExchangeError as exc:
            if exc.code in (-2021, -2022) and exc.data is not None:
                return cancel_replace_from_wire(exc.data)
            raise
        return cancel_replace_from_wire(result)

    async def amend_keep_priority(
        self, symbol: str, order_id: int, new_qty: Decimal, *, new_client_order_id: str | None = None
    ) -> AmendedOrder:
        """order.amend.keepPriority: lower an open order's quantity without losing its queue place."""
        params: dict[str, Any] = {"symbol": symbol, "orderId": order_id, "newQty": wire(new_qty)}
        if new_client_order_id is not None:
            params["newClientOrderId"] = new_client_order_id
        return amended_order_from_wire(await self.ws.request("order.amend.keepPriority", params, signed=True))

    async def order_amendments(self, symbol: str, order_id: int) -> list[OrderAmendment]:
        """order.amendments: the quantity changes made to one order, oldest first."""
        rows = await self.ws.request("order.amendments", {"symbol": symbol, "orderId": order_id}, signed=True)
        return [amendment_from_wire(r) for r in expect_list(rows, "order.amendments")]
