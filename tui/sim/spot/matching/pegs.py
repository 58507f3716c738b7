"""Pegged orders (faqs/pegged_orders.md): limit orders whose price is taken from the book.

`pegPriceType=PRIMARY_PEG` takes the best price on the order's own side of the book, `MARKET_PEG` the
best on the opposite side; `pegOffsetType=PRICE_LEVEL` with `pegOffsetValue=N` takes the price level N
levels deeper into that side instead. Our reading of "offset by existing price levels, deeper into the
order book": the best level is level 0, so offset 1 is the next existing level behind it (offsets
count existing levels, not ticks), and offset 0 is the best price itself.

The peg is taken once, when the order enters the book: at placement for LIMIT and LIMIT_MAKER, when
the stop fires for STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT. From then on the order is a plain limit
order at that price (it is not re-pegged as the book moves). The order must pass the filters at the
pegged price, and also at `price` when one was sent; `price` is otherwise only reported back.

Pure functions of a book, a symbol's rules and an order: `intake` prices a pegged order entering the
book, `triggers` a pegged stop-limit order when it fires.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tui.domain.money import ZERO
from tui.sim.spot.filters import SymbolRules, filter_failure, first_failure
from tui.sim.spot.matching.book import Book
from tui.sim.spot.matching.errors import SimError, mandatory, not_required, rejected
from tui.sim.spot.matching.orders import Order, OrderParams

if TYPE_CHECKING:
    pass

PEG_PRICE_TYPES = ("PRIMARY_PEG", "MARKET_PEG")
PEG_OFFSET_TYPES = ("PRICE_LEVEL",)
MAX_PEG_OFFSET = 100
PEGGABLE_TYPES = ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")
TOO_THIN = "Order book liquidity is too low for this pegged order."


def validate_peg(rules: SymbolRules, p: OrderParams) -> None:
    """Raise Binance's error for peg parameters this order or symbol cannot take (no-op if unpegged)."""
    if p.peg_price_type is None:
        if p.peg_offset_type is not None:
            raise not_required("pegOffsetType")
        if p.peg_offset_value is not None:
            raise not_required("pegOffsetValue")
        return
    if p.peg_price_type not in PEG_PRICE_TYPES:
        raise SimError(-1210, "Invalid pegPriceType.")
    if p.peg_offset_type is not None and p.peg_offset_type not in PEG_OFFSET_TYPES:
        raise SimError(-1211, "Invalid pegOffsetType.")
    if (p.peg_offset_type is None) != (p.peg_offset_value is None):  # "must be specified together"
        raise mandatory("pegOffsetType" if p.peg_offset_type is None else "pegOffsetValue")
    if p.peg_offset_value is not None and not 0 <= p.peg_offset_value <= MAX_PEG_OFFSET:
        raise SimError(-1130, "Data sent for parameter 'pegOffsetValue' is not valid.")
    if not rules.peg_instructions_allowed:
        raise rejected("Pegged orders are not supported for this symbol.")
    if p.type not in PEGGABLE_TYPES:
        raise rejected("This order type may not use pegged price.")
    if p.type == "LIMIT_MAKER" and p.peg_price_type != "PRIMARY_PEG":
        raise rejected("This price peg cannot be used with this order type.")
    if p.type == "LIMIT" and p.peg_price_type == "PRIMARY_PEG" and (p.time_in_force or "GTC") != "GTC":
        # pegged_orders.md: "With pegPriceType=PRIMARY_PEG only timeInForce=GTC is allowed"; errors.md has
        # no peg-specific message for it, so the one for disallowed timeInForce combinations.
        raise rejected("Unsupported order combination")


def peg_price(book: Book, side: str, peg_price_type: str, offset: int | None) -> Decimal | None:
    """The price a pegged order of `side` would take now; None if the book has no such level."""
    book_side = book.side(side) if peg_price_type == "PRIMARY_PEG" else book.opposite(side)
    depth = (offset or 0) + 1
    levels = book_side.top(depth)
    return levels[-1][0] if len(levels) == depth else None


def _filter_error(
    rules: SymbolRules, order_type: str, side: str, price: Decimal, quantity: Decimal, iceberg: Decimal | None
) -> SimError | None:
    failed = first_failure(rules, order_type=order_type, side=side, price=price, quantity=quantity, iceberg_qty=iceberg)
    return None if failed is None else filter_failure(failed)


def entry_price(book: Book, rules: SymbolRules, p: OrderParams) -> Decimal:
    """The pegged price of a LIMIT / LIMIT_MAKER request entering the book now, checked against the
    filters (its `price`, if sent, was checked with the rest of the request)."""
    assert p.peg_price_type is not None and p.quantity is not None
    price = peg_price(book, p.side, p.peg_price_type, p.peg_offset_value)
    if price is None:
        raise rejected(TOO_THIN)
    error = _filter_error(rules, p.type, p.side, price, p.quantity, p.iceberg_qty)
    if error is not None:
        raise error
    return price


def mark(order: Order, p: OrderParams, pegged_price: Decimal | None) -> None:
    """Record a new order's peg instructions (`pegged_price` None: taken later, at the trigger)."""
    if p.peg_price_type is None:
        return
    order.peg_price_type = p.peg_price_type
    order.peg_offset_value = p.peg_offset_value
    order.sent_price = p.price if p.price is not None else ZERO
    if pegged_price is not None:
        order.price = order.pegged_price = pegged_price


def peg_at_trigger(book: Book, rules: SymbolRules, order: Order) -> str:
    """Take the peg of a fired stop-limit order; "" if it may go to work, else its expiry reason.

    A BUY that may go to work then gives back what it locked at the sent price (if any), so the trigger
    locks again at the pegged price (or rejects the order if the account cannot pay for it any more)."""
    price = peg_price(book, order.side, order.peg_price_type, order.peg_offset_value)
    if price is None:
        return "INSUFFICIENT_LIQUIDITY"
    iceberg = order.iceberg_qty if order.iceberg_qty > 0 else None
    if _filter_error(rules, order.type, order.side, price, order.orig_qty, iceberg) is not None:
        return "REJECTED"
    order.price = order.pegged_price = price
    return ""
