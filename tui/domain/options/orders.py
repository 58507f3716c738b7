"""Orders on the options venue: the enums of their wire fields, the order as reported, a new order.

Enum values are the venue's spelling, so `OrderSide.BUY == "BUY"` and an f-string shows "BUY".
`OptionOrderRequest` validates on construction and `params()` is what `POST /api/v1/order` sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from tui.domain.money import wire

E = TypeVar("E", bound=StrEnum)


class OrderSide(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class ResponseType(StrEnum):
    """`newOrderRespType`: ACK answers at once, RESULT after matching."""

    ACK = "ACK"
    RESULT = "RESULT"


class OrderStatus(StrEnum):
    """An order's state. The member order is the user stream's numeric `s` (0 ACCEPTED ... 4 REJECTED)."""

    ACCEPTED = "ACCEPTED"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED)


@dataclass(frozen=True)
class OptionOrder:
    """An order as the venue reports it (place, cancel, query, open and history lists)."""

    order_id: int
    symbol: str
    price: Decimal
    quantity: Decimal
    executed_qty: Decimal
    fee: Decimal
    side: OrderSide
    type: OrderType
    time_in_force: TimeInForce | None  # None on MARKET orders, which have none
    create_time: int
    status: OrderStatus
    avg_price: Decimal
    source: str
    reduce_only: bool
    client_order_id: str

    @property
    def is_open(self) -> bool:
        return self.status.is_open


def _member(kind: type[E], value: E | str, message: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(message) from None


@dataclass(frozen=True)
class OptionOrderRequest:
    """A new order, validated on construction; `params()` is what `POST /api/v1/order` sends.

    `side`, `type`, `time_in_force` and `response_type` may be given as the venue's strings (what a
    form holds); they are kept as their enums. LIMIT needs a price (and defaults to GTC); MARKET
    takes neither price nor timeInForce. Decimals go out as plain strings (`Decimal("1E+1")` -> "10").
    """

    symbol: str
    side: OrderSide | str
    type: OrderType | str
    quantity: Decimal
    price: Decimal | None = None
    time_in_force: TimeInForce | str | None = None
    reduce_only: bool = False
    client_order_id: str | None = None
    response_type: ResponseType | str = ResponseType.RESULT

    def __post_init__(self) -> None:
        if not self.symbol:
            raise ValueError("symbol is empty")
        object.__setattr__(self, "side", _member(OrderSide, self.side, f"side must be BUY or SELL, not {self.side!r}"))
        object.__setattr__(
            self, "type", _member(OrderType, self.type, f"type must be LIMIT or MARKET, not {self.type!r}")
        )
        if not isinstance(self.quantity, Decimal) or not self.quantity.is_finite() or self.quantity <= 0:
            raise ValueError("quantity must be a positive Decimal")
        if self.type is OrderType.LIMIT:
            if not isinstance(self.price, Decimal) or not self.price.is_finite() or self.price <= 0:
                raise ValueError("a LIMIT order needs a positive Decimal price")
            if self.time_in_force is not None:
                tif = _member(TimeInForce, self.time_in_force, "timeInForce must be one of GTC, IOC, FOK")
                object.__setattr__(self, "time_in_force", tif)
        elif self.price is not None or self.time_in_force is not None:
            raise ValueError("a MARKET order takes no price and no timeInForce")
        if self.client_order_id is not None and not 0 < len(self.client_order_id) <= 36:
            raise ValueError("clientOrderId must be 1 to 36 characters")
        object.__setattr__(
            self, "response_type", _member(ResponseType, self.response_type, "response_type must be ACK or RESULT")
        )

    def params(self) -> dict[str, str]:
        p = {"symbol": self.symbol, "side": str(self.side), "type": str(self.type), "quantity": wire(self.quantity)}
        if self.type is OrderType.LIMIT:
            assert self.price is not None
            p["price"] = wire(self.price)
            p["timeInForce"] = str(self.time_in_force or TimeInForce.GTC)
        if self.reduce_only:
            p["reduceOnly"] = "true"
        if self.client_order_id:
            p["clientOrderId"] = self.client_order_id
        p["newOrderRespType"] = str(self.response_type)
        return p
