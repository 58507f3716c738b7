"""An order request's way into the engine: every check Binance makes before the order exists (its
parameters, the symbol's permissions, self-trade prevention mode, filters, duplicate ids, what it would
do on the book now, the account's funds), then the order built from it, id not yet given.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.domain.money import ZERO
from tui.sim.spot.filters import filter_failure, first_failure, max_num_algo_orders
from tui.sim.spot.matching import pegs
from tui.sim.spot.matching.accounts import Account
from tui.sim.spot.matching.errors import SimError, rejected
from tui.sim.spot.matching.events import SymbolSpec
from tui.sim.spot.matching.orders import (
    BUY,
    CONDITIONAL_TYPES,
    ICEBERG_TYPES,
    STP_MODES,
    Order,
    OrderParams,
    stop_reached,
    validate_params,
)
from tui.sim.spot.matching.state import EngineState


@dataclass(frozen=True)
class Prepared:
    """A checked order request: the order (no id yet), and whether it is a quoteOrderQty MARKET order
    that will run out of book (so expires even when what it can buy is all filled)."""

    order: Order
    exhausted: bool = False


def prepare(
    state: EngineState, acct: Account, spec: SymbolSpec, p: OrderParams, *, check_funds: bool = True
) -> Prepared:
    """Validate one order request (raising Binance's error) and build the order, id not yet given."""
    rules = spec.rules
    book = state.book(rules.symbol)
    side, type, quantity, price = p.side, p.type, p.quantity, p.price
    pegged = p.peg_price_type is not None
    validate_params(
        side, type, quantity, p.quote_order_qty, price, p.time_in_force, p.stop_price, p.trailing_delta, pegged
    )
    if type not in rules.order_types:
        raise SimError(-1116, "Invalid orderType.")
    pegs.validate_peg(rules, p)
    if p.strategy_type is not None and p.strategy_type < 1_000_000:
        raise SimError(-1134, "strategyType was less than 1000000.")
    stp = p.stp_mode or rules.default_stp_mode
    if stp not in STP_MODES:
        raise SimError(-1130, "Data sent for parameter 'selfTradePreventionMode' is not valid.")
    if stp not in rules.allowed_stp_modes:
        raise SimError(-1013, "This symbol does not allow the specified self-trade prevention mode.")
    if p.trailing_delta is not None and not rules.allow_trailing_stop:
        raise rejected("Trailing stop orders are not supported for this symbol.")
    if p.iceberg_qty is not None and not rules.iceberg_allowed:
        raise rejected("Iceberg orders are not supported for this symbol.")
    failed = first_failure(
        rules,
        order_type=type,
        side=side,
        price=price,
        quantity=quantity,
        quote_order_qty=p.quote_order_qty,
        reference_price=book.reference_price(),
        stop_price=p.stop_price,
        trailing=p.trailing_delta,
        iceberg_qty=p.iceberg_qty,
        pegged=pegged,
    )
    if failed is not None:
        raise filter_failure(failed)
    conditional = type in CONDITIONAL_TYPES
    if conditional and (failed := max_num_algo_orders(rules, acct.count_open(rules.symbol, CONDITIONAL_TYPES))):
        raise filter_failure(failed)
    if p.client_order_id and p.client_order_id in acct.open_ids:
        raise rejected("Duplicate order sent.")
    if p.iceberg_qty is not None:
        if type not in ICEBERG_TYPES or (p.time_in_force or "GTC") != "GTC":
            raise rejected("Unsupported order combination")
        assert quantity is not None
        if p.iceberg_qty >= quantity:
            raise rejected("IcebergQty exceeds QTY.")
    buy = side == BUY
    opposite = book.opposite(side)
    if pegged and not conditional:  # a stop-limit order takes its peg when it fires (`triggers`)
        price = pegs.entry_price(book, rules, p)
    if type == "LIMIT_MAKER":
        best = opposite.best()
        assert price is not None
        if best is not None and (best <= price if buy else best >= price):
            raise rejected("Order would immediately match and take.")
    last = book.last_price
    if p.stop_price is not None and last is not None and stop_reached(side, type, p.stop_price, last):
        raise rejected("Order would trigger immediately.")
    exhausted = False
    if type == "MARKET" and p.quote_order_qty is not None:
        quantity, exhausted = opposite.plan_quote(p.quote_order_qty, rules.step_size)
        if quantity <= 0:
            if not opposite.prices:
                raise rejected("Order book liquidity is less than symbol minimum quantity.")
            raise rejected("Order book liquidity is less than `LOT_SIZE` filter minimum quantity.")
    assert quantity is not None
    if check_funds:
        funds_price = ZERO if pegged and price is None else price  # a pegged stop-limit: priced when it fires
        acct.check_funds(rules, opposite, buy, type, quantity, p.quote_order_qty, funds_price)
    now = state.clock_ms()
    order = Order.new(
        acct.account_id, rules.symbol, side, type, p.time_in_force or "GTC", price, quantity, p.quote_order_qty,
        now, 0, p.client_order_id or "",
    )  # fmt: skip
    order.stop_price = p.stop_price if p.stop_price is not None else ZERO
    order.trailing_delta = p.trailing_delta or 0
    order.iceberg_qty = p.iceberg_qty if p.iceberg_qty is not None else ZERO
    order.stp_mode = stp
    order.strategy_id, order.strategy_type = p.strategy_id, p.strategy_type
    order.pending = conditional
    pegs.mark(order, p, None if conditional else price)
    return Prepared(order, exhausted)
