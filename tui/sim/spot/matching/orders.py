"""One order's mutable state inside the engine, the parameter rules an order request must meet, and
when a conditional (stop / take-profit / trailing) order fires.

`Order` is internal: callers only ever see its frozen `OrderSnapshot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.domain.money import ZERO
from tui.sim.spot.matching.errors import SimError, mandatory, not_required
from tui.sim.spot.matching.events import OrderSnapshot

BUY, SELL = "BUY", "SELL"
STOP_MARKET_TYPES = ("STOP_LOSS", "TAKE_PROFIT")  # become MARKET orders when triggered
STOP_LIMIT_TYPES = ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")  # become LIMIT orders when triggered
CONDITIONAL_TYPES = STOP_MARKET_TYPES + STOP_LIMIT_TYPES
LIMIT_PRICED_TYPES = ("LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")  # need price and timeInForce
ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET", *CONDITIONAL_TYPES)
ICEBERG_TYPES = ("LIMIT", "LIMIT_MAKER", *STOP_LIMIT_TYPES)
TIME_IN_FORCES = ("GTC", "IOC", "FOK")
OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED", "PENDING_NEW")  # PENDING_NEW: an OTO leg not yet placed
STP_MODES = ("NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT", "TRANSFER")
BIPS = Decimal(10_000)


@dataclass(frozen=True)
class OrderParams:
    """One order request as the engine takes it (order.place's parameters; also each order-list leg)."""

    side: str
    type: str
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None
    price: Decimal | None = None
    time_in_force: str | None = None
    client_order_id: str | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    stp_mode: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None
    peg_price_type: str | None = None  # PRIMARY_PEG / MARKET_PEG (see `pegs`)
    peg_offset_type: str | None = None  # PRICE_LEVEL
    peg_offset_value: int | None = None


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
    locks: bool = True  # reserves funds up front (MARKET orders and BUY stop-market orders settle from free)
    stop_price: Decimal = ZERO
    trailing_delta: int = 0
    trailing_time: int = -1
    trail_extreme: Decimal | None = None  # best price since a trailing order started tracking
    pending: bool = False  # a conditional order waiting for its trigger (off the book)
    iceberg_qty: Decimal = ZERO
    display: Decimal = ZERO  # what it shows on the book (an iceberg's current part)
    stp_mode: str = "NONE"
    strategy_id: int | None = None
    strategy_type: int | None = None
    prevented_qty: Decimal = ZERO
    prevented_match_id: int | None = None
    expiry_reason: str = ""
    order_list_id: int = -1
    list_waiting: bool = False  # an OTO pending leg, not placed until the working leg fills
    amends: int = 0
    # Pegged orders (`pegs`): `price` is then the price the order works at; `sent_price` what was asked.
    peg_price_type: str = ""  # "" if not pegged
    peg_offset_value: int | None = None  # None: no offset requested
    sent_price: Decimal = ZERO  # the `price` sent with a pegged order (0 if none)
    pegged_price: Decimal | None = None  # None until the peg is taken (at placement, or at the trigger)

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
        rests = type in ("LIMIT", "LIMIT_MAKER") and tif == "GTC"
        market_like = type == "MARKET" or (side == BUY and type in STOP_MARKET_TYPES)
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
            locks=not market_like,
        )

    @property
    def remaining(self) -> Decimal:
        """What may still execute: stp_faq.md's `original - executed - prevented`."""
        return self.orig_qty - self.executed_qty - self.prevented_qty

    @property
    def executes_as_market(self) -> bool:
        return self.type == "MARKET" or self.type in STOP_MARKET_TYPES

    @property
    def is_conditional(self) -> bool:
        return self.type in CONDITIONAL_TYPES

    def visible_part(self) -> Decimal:
        """What a resting order shows on the book: all of it, or an iceberg's next part."""
        return min(self.iceberg_qty, self.remaining) if self.iceberg_qty > 0 else self.remaining

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
            price=self.sent_price if self.peg_price_type else self.price,
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
            stop_price=self.stop_price,
            iceberg_qty=self.iceberg_qty,
            trailing_delta=self.trailing_delta,
            trailing_time=self.trailing_time,
            stp_mode=self.stp_mode,
            strategy_id=self.strategy_id,
            strategy_type=self.strategy_type,
            prevented_qty=self.prevented_qty,
            prevented_match_id=self.prevented_match_id,
            expiry_reason=self.expiry_reason,
            book_qty=self.display if self.is_working and not self.pending and self.remaining > 0 else ZERO,
            order_list_id=self.order_list_id,
            peg_price_type=self.peg_price_type,
            peg_offset_value=self.peg_offset_value,
            pegged_price=self.pegged_price,
        )

    # -- conditional orders ------------------------------------------------------------------------

    def start_trailing(self, last_price: Decimal | None, now: int) -> None:
        """A trailing order without stopPrice tracks from the last price at placement (FAQ scenario E)."""
        if self.trailing_delta and self.stop_price == 0 and last_price is not None:
            self.trail_extreme, self.trailing_time = last_price, now

    def observe(self, price: Decimal, now: int) -> bool:
        """Feed one trade price to a pending conditional order; True when it fires.

        Plain stops fire once the price reaches stopPrice. Trailing stops first wait for stopPrice
        (if any), then track the best price since and fire on a move of trailingDelta BIPS against it
        (trailing-stop-faq.md).
        """
        if not self.trailing_delta:
            return stop_reached(self.side, self.type, self.stop_price, price)
        if self.trail_extreme is None:
            if self.stop_price > 0 and not stop_reached(self.side, self.type, self.stop_price, price):
                return False
            self.trail_extreme, self.trailing_time = price, now
            return False
        delta = Decimal(self.trailing_delta) / BIPS
        if self.side == SELL:
            if price <= self.trail_extreme * (1 - delta):
                return True
            self.trail_extreme = max(self.trail_extreme, price)
        else:
            if price >= self.trail_extreme * (1 + delta):
                return True
            self.trail_extreme = min(self.trail_extreme, price)
        return False


def stop_reached(side: str, type: str, stop_price: Decimal, price: Decimal) -> bool:
    """Whether `price` meets the stop condition: BUY STOP_LOSS and SELL TAKE_PROFIT when price >= stop,
    SELL STOP_LOSS and BUY TAKE_PROFIT when price <= stop."""
    rising = type.startswith("STOP_LOSS") == (side == BUY)
    return price >= stop_price if rising else price <= stop_price


def validate_params(
    side: str,
    type: str,
    quantity: Decimal | None,
    quote_order_qty: Decimal | None,
    price: Decimal | None,
    tif: str | None,
    stop_price: Decimal | None = None,
    trailing_delta: int | None = None,
    pegged: bool = False,
) -> None:
    """Raise the error Binance gives for a missing, unexpected or invalid order parameter.

    A `pegged` order (pegPriceType sent) may leave out `price` (web-socket-api.md, Pegged Orders)."""
    if side not in (BUY, SELL):
        raise SimError(-1117, "Invalid side.")
    if type not in ORDER_TYPES:
        raise SimError(-1116, "Invalid orderType.")
    if tif is not None and tif not in TIME_IN_FORCES and type in LIMIT_PRICED_TYPES:
        raise SimError(-1115, "Invalid timeInForce.")
    if type in CONDITIONAL_TYPES:
        if stop_price is None and trailing_delta is None:
            raise SimError(-1102, "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!")
        if quantity is None:
            raise mandatory("quantity")
        if quote_order_qty is not None:
            raise not_required("quoteOrderQty")
        if type in STOP_LIMIT_TYPES:
            if tif is None:
                raise mandatory("timeInForce")
            if price is None and not pegged:
                raise mandatory("price")
        else:
            if tif is not None:
                raise not_required("timeInForce")
            if price is not None:
                raise not_required("price")
        return
    if stop_price is not None:
        raise not_required("stopPrice")
    if trailing_delta is not None:
        raise not_required("trailingDelta")
    if type == "LIMIT":
        if tif is None:
            raise mandatory("timeInForce")
        if quantity is None:
            raise mandatory("quantity")
        if price is None and not pegged:
            raise mandatory("price")
        if quote_order_qty is not None:
            raise not_required("quoteOrderQty")
    elif type == "LIMIT_MAKER":
        if quantity is None:
            raise mandatory("quantity")
        if price is None and not pegged:
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
