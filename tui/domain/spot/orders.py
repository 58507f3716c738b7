"""Orders and order lists as immutable values: sides and types, requests, the orders the exchange
reports, and the results of cancel-replace and amend."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tui.domain.money import ZERO


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"
    MARKET = "MARKET"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"

    @property
    def is_conditional(self) -> bool:
        """Held off the book until the last price reaches its stop (or its trailing rule fires)."""
        return self in (
            OrderType.STOP_LOSS,
            OrderType.STOP_LOSS_LIMIT,
            OrderType.TAKE_PROFIT,
            OrderType.TAKE_PROFIT_LIMIT,
        )

    @property
    def needs_time_in_force(self) -> bool:
        return self in (OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT)


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class StpMode(StrEnum):
    """selfTradePreventionMode (enums.md; TRANSFER needs trade groups, which the console does not use)."""

    NONE = "NONE"
    EXPIRE_TAKER = "EXPIRE_TAKER"
    EXPIRE_MAKER = "EXPIRE_MAKER"
    EXPIRE_BOTH = "EXPIRE_BOTH"
    DECREMENT = "DECREMENT"
    TRANSFER = "TRANSFER"


class PegPriceType(StrEnum):
    """pegPriceType (faqs/pegged_orders.md): which best price of the book a pegged order takes."""

    PRIMARY_PEG = "PRIMARY_PEG"  # the best price on the order's own side (join the queue)
    MARKET_PEG = "MARKET_PEG"  # the best price on the opposite side (take it)


class OrderRespType(StrEnum):
    """newOrderRespType: how much order.place answers with."""

    ACK = "ACK"
    RESULT = "RESULT"
    FULL = "FULL"


OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED", "PENDING_NEW"})


def new_client_order_id() -> str:
    """A fresh newClientOrderId (Binance allows ^[.A-Z:/a-z0-9_-]{1,36}$).

    Every order gets one before it is sent, so an order whose response was lost can still be
    found with order.status(origClientOrderId) instead of being guessed at or sent twice.
    """
    return "tui-" + secrets.token_hex(12)


@dataclass(frozen=True)
class OrderRequest:
    """What a person asked to send; validated by the form, signed and sent by the session."""

    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None
    price: Decimal | None = None
    time_in_force: TimeInForce | None = None
    client_order_id: str | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None  # BIPS
    iceberg_qty: Decimal | None = None
    stp_mode: StpMode | None = None  # None: the symbol's defaultSelfTradePreventionMode
    new_order_resp_type: OrderRespType | None = None  # None: FULL
    strategy_id: int | None = None
    strategy_type: int | None = None  # >= 1000000
    # Pegged orders (LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT): `price` becomes optional.
    peg_price_type: PegPriceType | None = None
    peg_offset_value: int | None = None  # PRICE_LEVEL offset: existing levels deeper than the best (max 100)


@dataclass(frozen=True)
class Order:
    """An order as the exchange last reported it."""

    symbol: str
    order_id: int
    client_order_id: str
    side: str
    type: str
    status: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote_qty: Decimal
    time_in_force: str
    time: int
    update_time: int = 0
    # Conditional fields (web-socket-api.md "Conditional fields in Order Responses"); defaults when absent.
    stop_price: Decimal = ZERO
    iceberg_qty: Decimal = ZERO
    trailing_delta: int | None = None
    trailing_time: int | None = None  # -1 until a trailing order starts tracking
    working_time: int | None = None  # -1 while a conditional order waits for its trigger
    is_working: bool | None = None
    stp_mode: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None
    prevented_qty: Decimal = ZERO
    prevented_match_id: int | None = None
    expiry_reason: str | None = None
    order_list_id: int = -1  # the order list it is a leg of; -1 if none
    # Pegged orders: `price` is then the price as sent (0 if none), `pegged_price` the one it works at.
    peg_price_type: str | None = None
    peg_offset_value: int | None = None
    pegged_price: Decimal | None = None  # None until determined (a pegged stop-limit order: when it fires)

    @property
    def is_pegged(self) -> bool:
        return self.peg_price_type is not None

    @property
    def working_price(self) -> Decimal:
        """The limit the order works at: its pegged price once there is one, else `price`."""
        return self.pegged_price if self.pegged_price is not None else self.price

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def avg_price(self) -> Decimal:
        return self.cum_quote_qty / self.executed_qty if self.executed_qty else ZERO


class ListKind(StrEnum):
    """Which order.list request places an `OrderListRequest`."""

    OCO = "oco"
    OTO = "oto"
    OTOCO = "otoco"
    OPO = "opo"
    OPOCO = "opoco"


@dataclass(frozen=True)
class ListLeg:
    """One order of an order list. `side` / `quantity` may be shared by the list (OCO, OTOCO pending pair);
    OPO pending legs have no quantity (they sell what the working order bought)."""

    type: OrderType
    side: Side | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    time_in_force: TimeInForce | None = None
    iceberg_qty: Decimal | None = None
    client_order_id: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None


@dataclass(frozen=True)
class OrderListRequest:
    """An OCO (`above`, `below`), OTO (`working`, `pending`), OTOCO (`working`, `above`, `below` pending),
    or their OPO forms. Build with the classmethods."""

    kind: ListKind
    symbol: str
    working: ListLeg | None = None
    pending: ListLeg | None = None
    above: ListLeg | None = None
    below: ListLeg | None = None
    side: Side | None = None  # OCO: both legs; OTOCO/OPOCO: the pending pair
    quantity: Decimal | None = None  # OCO: both legs; OTOCO: the pending pair
    list_client_order_id: str | None = None
    stp_mode: StpMode | None = None
    new_order_resp_type: OrderRespType | None = None

    @classmethod
    def oco(
        cls, symbol: str, side: Side, quantity: Decimal, above: ListLeg, below: ListLeg, **kw: Any
    ) -> OrderListRequest:
        return cls(ListKind.OCO, symbol, above=above, below=below, side=side, quantity=quantity, **kw)

    @classmethod
    def oto(cls, symbol: str, working: ListLeg, pending: ListLeg, **kw: Any) -> OrderListRequest:
        return cls(ListKind.OTO, symbol, working=working, pending=pending, **kw)

    @classmethod
    def otoco(
        cls, symbol: str, working: ListLeg, side: Side, quantity: Decimal, above: ListLeg, below: ListLeg, **kw: Any
    ) -> OrderListRequest:
        return cls(
            ListKind.OTOCO, symbol, working=working, above=above, below=below, side=side, quantity=quantity, **kw
        )

    @classmethod
    def opo(cls, symbol: str, working: ListLeg, pending: ListLeg, **kw: Any) -> OrderListRequest:
        return cls(ListKind.OPO, symbol, working=working, pending=pending, **kw)

    @classmethod
    def opoco(cls, symbol: str, working: ListLeg, above: ListLeg, below: ListLeg, **kw: Any) -> OrderListRequest:
        return cls(ListKind.OPOCO, symbol, working=working, above=above, below=below, side=Side.SELL, **kw)


@dataclass(frozen=True)
class OrderList:
    """An order list as the exchange last reported it; `orders` holds the legs' reports when the reply had them."""

    order_list_id: int
    contingency_type: str  # OCO or OTO
    list_status_type: str  # RESPONSE, EXEC_STARTED, UPDATED, ALL_DONE
    list_order_status: str  # EXECUTING, ALL_DONE, REJECT
    list_client_order_id: str
    transaction_time: int
    symbol: str
    order_ids: tuple[tuple[int, str], ...]  # (orderId, clientOrderId) per leg
    orders: tuple[Order, ...] = ()
    reject_reason: str = "NONE"

    @property
    def is_open(self) -> bool:
        return self.list_order_status == "EXECUTING"


@dataclass(frozen=True)
class CancelReplaceResult:
    """order.cancelReplace: what happened to each half (a 409 reply is a result too, not an error)."""

    cancel_result: str  # SUCCESS / FAILURE
    new_order_result: str  # SUCCESS / FAILURE / NOT_ATTEMPTED
    canceled: Order | None
    new_order: Order | None
    cancel_error: tuple[int, str] | None = None  # (code, msg)
    new_order_error: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        return self.cancel_result == "SUCCESS" and self.new_order_result == "SUCCESS"


@dataclass(frozen=True)
class AmendedOrder:
    """order.amend.keepPriority: the order after the amend (and its list, if it is a leg of one)."""

    order: Order
    orig_client_order_id: str
    execution_id: int
    transact_time: int
    order_list: OrderList | None = None


@dataclass(frozen=True)
class OrderAmendment:
    symbol: str
    order_id: int
    execution_id: int
    orig_client_order_id: str
    new_client_order_id: str
    orig_qty: Decimal
    new_qty: Decimal
    time: int


@dataclass(frozen=True)
class PreventedMatch:
    """myPreventedMatches: a match self-trade prevention stopped."""

    symbol: str
    prevented_match_id: int
    taker_order_id: int
    maker_order_id: int
    mode: str
    price: Decimal
    taker_prevented_qty: Decimal
    maker_prevented_qty: Decimal
    time: int
