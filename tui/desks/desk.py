"""What every spot desk shares: the session, the way to the UI, and how outcomes are told.

Outcomes go out twice, on purpose: as messages (`OrderAccepted`, `OrderRejected`, `OrdersReported`,
`AccountInDoubt`) for whatever listens, and as a notice for the person.
"""

from __future__ import annotations

from tui.desks.desk_ui import DeskUI
from tui.desks.messages import AccountInDoubt, OrdersReported
from tui.domain.spot.orders import Order, OrderRequest
from tui.exchange.spot.session import Session
from tui.messages import OrderAccepted, OrderRejected
from tui.screens.common.confirm import ConfirmScreen

EXPIRED = ("EXPIRED", "EXPIRED_IN_MATCH", "REJECTED")


class SpotDesk:
    """A spot order workflow's base: `session` to act, `ui` to ask and tell; `confirm_orders` from the
    profile (off: a notice says what is being sent instead of asking)."""

    def __init__(self, session: Session, ui: DeskUI, *, confirm_orders: bool = True) -> None:
        self.session = session
        self.ui = ui
        self.confirm_orders = confirm_orders

    async def confirmed(self, text: str, title: str) -> bool:
        """Ask before sending (False: the person went back), or say what is sent when the profile asks not to."""
        if not self.confirm_orders:
            self.ui.notify(text.replace("\n", " · "), title="Sending (confirmation off for this profile)")
            return True
        return await self.ui.ask(ConfirmScreen(text, title=title))

    def accepted(self, request: OrderRequest, order: Order) -> None:
        self.reported(order)
        self.ui.post_message(OrderAccepted(request, order))
        filled = f", filled {order.executed_qty.normalize():f}" if order.executed_qty else ""
        text = f"{order.side} {order.symbol} #{order.order_id}: {order.status}{filled}"
        if order.status in EXPIRED and not order.executed_qty:
            self.ui.notify(f"{text}. Nothing was filled.", title="Order expired", severity="warning", timeout=8)
        else:
            self.ui.notify(text, title="Order placed")

    def rejected(self, request: OrderRequest, code: int, msg: str) -> None:
        self.ui.post_message(OrderRejected(request, code, msg))
        self.ui.notify(f"{msg} (code {code})", title="Order rejected", severity="error", timeout=8)

    def reported(self, *orders: Order) -> None:
        """Hand the reports a reply carried to the account feed."""
        self.ui.post_message(OrdersReported(orders))

    def in_doubt(self) -> None:
        """A reply was lost or unreadable: have open orders and balances reloaded."""
        self.ui.post_message(AccountInDoubt())
