"""The spot order-list desk: confirm an OCO / OTO / OTOCO / OPO / OPOCO and place it."""

from __future__ import annotations

from dataclasses import replace

from tui.desks.desk import SpotDesk
from tui.domain.spot.list_entry import describe_list
from tui.domain.spot.orders import OrderListRequest, OrderRequest, OrderType, Side, new_client_order_id
from tui.exchange.errors import ExchangeError


class SpotListDesk(SpotDesk):
    """Order lists, from the list form's request to the venue's answer."""

    async def place(self, request: OrderListRequest) -> OrderListRequest | None:
        """Confirm, then send; every leg's report goes to open orders. Returns `request` when the
        person went back to edit it."""
        if not await self.confirmed(
            describe_list(request, self.session.rules[request.symbol]), "Send this order list?"
        ):
            return request
        # Client ids on the list as on single orders: a lost response can be looked up, not guessed at.
        request = replace(request, list_client_order_id=request.list_client_order_id or new_client_order_id())
        kind = request.kind.value.upper()
        try:
            placed = await self.session.order_lists.place_order_list(request)
        except ExchangeError as exc:
            first = request.working or request.above
            side = (first.side if first is not None else None) or request.side or Side.SELL
            stand_in = OrderRequest(request.symbol, side, first.type if first is not None else OrderType.LIMIT)
            self.rejected(stand_in, exc.code, f"{kind}: {exc.msg}")
            if exc.outcome_unknown:
                self.in_doubt()
            return None
        self.reported(*placed.orders)
        self.ui.notify(
            f"{kind} list #{placed.order_list_id}: {placed.list_order_status}, {len(placed.order_ids)} legs",
            title="Order list placed",
        )
        return None
