"""One order's mutable state inside the engine, and the parameter rules an order request must meet.

`Order` is internal: callers only ever see its frozen `OrderSnapshot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.domain.money import ZERO

from .errors import SimError, mandatory, not_required
from .events import OrderSnapshot

BUY, SELL = "BUY", "SELL"
ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET")
TIME_IN_FORCES = ("GTC", "IOC", "FOK")
OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED")


# eq=False: orders are compared by identity (a book level removes exactly this order from its queue).
@dataclass(slots=True, eq=False)
class Order:
    """The engine's mutable order state."""

    account_id: str
    symbol: str
    order_id: int
    client_order_id: str
    side: str
    type: str
    tif: str
    price: Decimal  # ZERO for MARKET orders
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote: Decimal
    orig_quote_qty: Decimal  # ZERO unless sent with quoteOrderQty
    status: str
    time: int
    update_time: int
    working_time: int  # -1 if it never rested on the book
    is_working: bool
    locked: Decimal  # what this order still holds of its account's locked balance

    @classmethod
    def new(
        cls,
        account_id: str,
        symbol: str,
        side: str,
        type: str,
        tif: str,
        price: Decimal | None,
        quantity: Decimal,
        quote_order_qty: Decimal | None,
        now: int,
        order_id: int,
        cid: str,
    ) -> Order:
        rests = type != "MARKET" and tif == "GTC"
        return cls(
            account_id=account_id,
            symbol=symbol,
            order_id=order_id,
            client_order_id=cid,
            side=side,
            type=type,
            tif=tif,
            price=price if price is not None else ZERO,
            orig_qty=quantity,
            executed_qty=ZERO,
            cum_quote=ZERO,
            orig_quote_qty=quote_order_qty if quote_order_qty is not None else ZERO,
            status="NEW",
            time=now,
            update_time=now,
            working_time=now if rests else -1,
            is_working=rests,
            locked=ZERO,
        )

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def locks(self) -> bool:
        """Whether the order reserves funds up front (MARKET orders settle from free balance)."""
        return self.type != "MARKET"

    def record_fill(self, qty: Decimal, quote: Decimal, now: int) -> None:
        self.executed_qty += qty
        self.cum_quote += quote
        self.update_time = now
        self.status = "FILLED" if self.remaining == 0 else "PARTIALLY_FILLED"
        if self.remaining == 0:
            self.is_working = False

    def snapshot(self, client_order_id: str | None = None, orig_client_order_id: str = "") -> OrderSnapshot:
        return OrderSnapshot(
            account_id=self.account_id,
            symbol=self.symbol,
            order_id=self.order_id,
            client_order_id=client_order_id if client_order_id is not None else self.client_order_id,
            side=self.side,
            type=self.type,
            time_in_force=self.tif,
            price=self.price,
            orig_qty=self.orig_qty,
            executed_qty=self.executed_qty,
            cum_quote_qty=self.cum_quote,
            orig_quote_order_qty=self.orig_quote_qty,
            status=self.status,
            time=self.time,
            update_time=self.update_time,
            working_time=self.working_time,
            is_working=self.is_working,
            orig_client_order_id=orig_client_order_id,
        )


def validate_params(
    side: str,
    type: str,
    quantity: Decimal | None,
    quote_order_qty: Decimal | None,
    price: Decimal | None,
    tif: str | None,
) -> None:
    """Raise the error Binance gives for a missing, unexpected or invalid order parameter."""
    if side not in (BUY, SELL):
        raise SimError(-1117, "Invalid side.")
    if type not in ORDER_TYPES:
        raise SimError(-1116, "Invalid orderType.")
    if tif is not None and tif not in TIME_IN_FORCES and type == "LIMIT":
        raise SimError(-1115, "Invalid timeInForce.")
    if type == "LIMIT":
        if tif is None:
            raise mandatory("timeInForce")
        if quantity is None:
            raise mandatory("quantity")
        if price is None:
            raise mandatory("price")
        if quote_order_qty is not None:
            raise not_required("quoteOrderQty")
    elif type == "LIMIT_MAKER":
        if quantity is None:
            raise mandatory("quantity")
        if price is None:
            raise mandatory("price")
        if tif is not None:
            raise not_required("timeInForce")
        if quote_order_qty is not None:
            raise not_required("quoteOrderQty")
    else:
        if quantity is None and quote_order_qty is None:
            raise SimError(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!")
        if quantity is not None and quote_order_qty is not None:
            raise not_required("quoteOrderQty")
        if tif is not None:
            raise not_required("timeInForce")
        if price is not None:
            raise not_required("price")
