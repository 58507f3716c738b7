"""Symbol trading rules (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL, ICEBERG_PARTS, TRAILING_DELTA,
MAX_NUM_ALGO_ORDERS) and the checks they imply.

The checks follow Binance's filters.md to the letter; both the order form (to refuse bad input before
anything is sent) and the simulator (to reject with -1013 "Filter failure: NAME") call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from tui.domain.money import ZERO, decimals_of, is_multiple


@dataclass(frozen=True)
class SymbolRules:
    """What the exchange allows on one symbol, as exchangeInfo describes it."""

    symbol: str
    base_asset: str
    quote_asset: str
    tick_size: Decimal
    min_price: Decimal
    max_price: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_notional: Decimal
    max_notional: Decimal
    apply_min_to_market: bool = True
    apply_max_to_market: bool = False
    market_step_size: Decimal = ZERO
    market_min_qty: Decimal = ZERO
    market_max_qty: Decimal = ZERO
    base_asset_precision: int = 8
    quote_asset_precision: int = 8
    order_types: tuple[str, ...] = ("LIMIT", "LIMIT_MAKER", "MARKET")
    status: str = "TRADING"
    # Conditional and iceberg orders, STP. Zero limits mean the filter is absent (disabled).
    iceberg_allowed: bool = True
    allow_trailing_stop: bool = True
    iceberg_parts: int = 0  # ICEBERG_PARTS limit
    min_trailing_above_delta: int = 0  # TRAILING_DELTA, in BIPS
    max_trailing_above_delta: int = 0
    min_trailing_below_delta: int = 0
    max_trailing_below_delta: int = 0
    max_num_algo_orders: int = 0  # MAX_NUM_ALGO_ORDERS
    default_stp_mode: str = "NONE"
    allowed_stp_modes: tuple[str, ...] = ("NONE",)
    peg_instructions_allowed: bool = False  # exchangeInfo `pegInstructionsAllowed` (pegged_orders.md)

    @property
    def price_decimals(self) -> int:
        return decimals_of(self.tick_size)

    @property
    def qty_decimals(self) -> int:
        return decimals_of(self.step_size)


@dataclass(frozen=True)
class FilterFailure:
    """One violated rule: which order field, which exchange filter, and a message a person can act on."""

    field: str
    filter: str
    message: str


@dataclass(frozen=True)
class Checked:
    """Result of checking an order against the rules; empty `failures` means it may be sent."""

    failures: tuple[FilterFailure, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.failures

    def for_field(self, name: str) -> FilterFailure | None:
        return next((f for f in self.failures if f.field == name), None)


def check_price(rules: SymbolRules, price: Decimal) -> FilterFailure | None:
    """PRICE_FILTER: price >= minPrice, <= maxPrice, multiple of tickSize (0 disables each rule)."""
    if price <= 0:
        return FilterFailure("price", "PRICE_FILTER", "Price must be greater than zero.")
    if rules.min_price > 0 and price < rules.min_price:
        return FilterFailure("price", "PRICE_FILTER", f"Price is below the minimum {rules.min_price.normalize():f}.")
    if rules.max_price > 0 and price > rules.max_price:
        return FilterFailure("price", "PRICE_FILTER", f"Price is above the maximum {rules.max_price.normalize():f}.")
    if not is_multiple(price, rules.tick_size):
        return FilterFailure(
            "price", "PRICE_FILTER", f"Price must be a multiple of the tick size {rules.tick_size.normalize():f}."
        )
    return None


def check_quantity(rules: SymbolRules, qty: Decimal, *, market: bool = False) -> FilterFailure | None:
    """LOT_SIZE (and MARKET_LOT_SIZE for MARKET orders, where configured)."""
    if qty <= 0:
        return FilterFailure("quantity", "LOT_SIZE", "Quantity must be greater than zero.")
    checks = [("LOT_SIZE", rules.min_qty, rules.max_qty, rules.step_size)]
    if market and (rules.market_max_qty > 0 or rules.market_step_size > 0):
        checks.append(("MARKET_LOT_SIZE", rules.market_min_qty, rules.market_max_qty, rules.market_step_size))
    for name, lo, hi, step in checks:
        if lo > 0 and qty < lo:
            return FilterFailure("quantity", name, f"Quantity is below the minimum {lo.normalize():f}.")
        if hi > 0 and qty > hi:
            return FilterFailure("quantity", name, f"Quantity is above the maximum {hi.normalize():f}.")
        if not is_multiple(qty, step):
            return FilterFailure(
                "quantity", name, f"Quantity must be a multiple of the step size {step.normalize():f}."
            )
    return None


def check_notional(rules: SymbolRules, notional: Decimal, *, market: bool = False) -> FilterFailure | None:
    """NOTIONAL: minNotional <= price*qty <= maxNotional (for MARKET only if applyMin/MaxToMarket)."""
    apply_min = rules.apply_min_to_market if market else True
    apply_max = rules.apply_max_to_market if market else True
    if apply_min and rules.min_notional > 0 and notional < rules.min_notional:
        return FilterFailure(
            "notional",
            "NOTIONAL",
            f"Order value {notional.normalize():f} is below the minimum {rules.min_notional.normalize():f} {rules.quote_asset}.",
        )
    if apply_max and rules.max_notional > 0 and notional > rules.max_notional:
        return FilterFailure(
            "notional",
            "NOTIONAL",
            f"Order value {notional.normalize():f} is above the maximum {rules.max_notional.normalize():f} {rules.quote_asset}.",
        )
    return None


STOP_MARKET_TYPES = ("STOP_LOSS", "TAKE_PROFIT")
STOP_LIMIT_TYPES = ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")
CONDITIONAL_TYPES = STOP_MARKET_TYPES + STOP_LIMIT_TYPES  # the "algo" orders of MAX_NUM_ALGO_ORDERS


def trails_above(order_type: str, side: str) -> bool:
    """Whether a trailing order of this type and side triggers on a rise (filters.md TRAILING_DELTA:
    STOP_LOSS(_LIMIT) BUY and TAKE_PROFIT(_LIMIT) SELL use the "above" bounds)."""
    return order_type.startswith("STOP_LOSS") == (side == "BUY")


def check_trailing_delta(rules: SymbolRules, order_type: str, side: str, delta: int) -> FilterFailure | None:
    """TRAILING_DELTA: trailingDelta within the above/below bounds for the order's direction."""
    if trails_above(order_type, side):
        lo, hi, where = rules.min_trailing_above_delta, rules.max_trailing_above_delta, "above"
    else:
        lo, hi, where = rules.min_trailing_below_delta, rules.max_trailing_below_delta, "below"
    if delta <= 0 or (lo > 0 and delta < lo) or (hi > 0 and delta > hi):
        bounds = f"{lo}-{hi}" if hi > 0 else f"at least {max(lo, 1)}"
        return FilterFailure(
            "trailing_delta", "TRAILING_DELTA", f"Trailing delta must be {bounds} BIPS ({where} the market)."
        )
    return None


def check_iceberg(rules: SymbolRules, quantity: Decimal, iceberg_qty: Decimal) -> FilterFailure | None:
    """LOT_SIZE for the visible part, then ICEBERG_PARTS: CEIL(qty / icebergQty) <= limit."""
    if (f := check_quantity(rules, iceberg_qty)) is not None:
        return FilterFailure("iceberg_qty", f.filter, f"Iceberg part: {f.message}")
    parts = (quantity / iceberg_qty).to_integral_value(rounding=ROUND_CEILING)
    if rules.iceberg_parts > 0 and parts > rules.iceberg_parts:
        return FilterFailure(
            "iceberg_qty",
            "ICEBERG_PARTS",
            f"An iceberg may have at most {rules.iceberg_parts} parts; this one would have {parts}.",
        )
    return None


def check_order(
    rules: SymbolRules,
    *,
    order_type: str,
    price: Decimal | None,
    quantity: Decimal | None,
    quote_order_qty: Decimal | None,
    reference_price: Decimal | None,
    side: str | None = None,
    stop_price: Decimal | None = None,
    trailing_delta: int | None = None,
    iceberg_qty: Decimal | None = None,
    pegged: bool = False,
) -> Checked:
    """Check a whole order the way the exchange does before it reaches the matching engine.

    `reference_price` is the average/last price used for MARKET notional checks (filters.md: MARKET
    orders have no price, so an average of previous trade prices stands in). STOP_LOSS and TAKE_PROFIT
    are checked like MARKET orders by quantity (their notional at the stop price when there is one),
    the _LIMIT variants like LIMIT; `side` is needed for the TRAILING_DELTA direction. A `pegged` order
    takes its price from the book, so it may come without one (pegged_orders.md: it is then checked at
    the pegged price, which only the exchange knows).
    """
    failures: list[FilterFailure] = []
    if order_type not in rules.order_types:
        failures.append(
            FilterFailure("type", "ORDER_TYPES", f"{order_type} orders are not supported on {rules.symbol}.")
        )
        return Checked(tuple(failures))
    if order_type in CONDITIONAL_TYPES:
        if stop_price is not None and (f := check_price(rules, stop_price)) is not None:
            failures.append(FilterFailure("stop_price", f.filter, f"Stop price: {f.message}"))
        if (
            trailing_delta is not None
            and side is not None
            and (f := check_trailing_delta(rules, order_type, side, trailing_delta)) is not None
        ):
            failures.append(f)
    if order_type in STOP_MARKET_TYPES:
        if quantity is None:
            failures.append(FilterFailure("quantity", "LOT_SIZE", "Quantity is required for this order type."))
        elif (f := check_quantity(rules, quantity, market=True)) is not None:
            failures.append(f)
        else:
            at = stop_price if stop_price is not None else reference_price
            if at is not None and (f := check_notional(rules, quantity * at, market=True)) is not None:
                failures.append(f)
        return Checked(tuple(failures))
    market = order_type == "MARKET"
    if not market:
        if price is None:
            if not pegged:
                failures.append(FilterFailure("price", "PRICE_FILTER", "Price is required for this order type."))
        elif (f := check_price(rules, price)) is not None:
            failures.append(f)
        if quantity is None:
            failures.append(FilterFailure("quantity", "LOT_SIZE", "Quantity is required for this order type."))
        elif (f := check_quantity(rules, quantity)) is not None:
            failures.append(f)
        if (
            price is not None
            and quantity is not None
            and not failures
            and (f := check_notional(rules, price * quantity))
        ):
            failures.append(f)
        if (
            iceberg_qty is not None
            and quantity is not None
            and quantity > 0
            and not failures
            and (f := check_iceberg(rules, quantity, iceberg_qty)) is not None
        ):
            failures.append(f)
        return Checked(tuple(failures))
    if (quantity is None) == (quote_order_qty is None):
        failures.append(FilterFailure("quantity", "LOT_SIZE", "Give either a quantity or a quote amount, not both."))
        return Checked(tuple(failures))
    if quantity is not None:
        if (f := check_quantity(rules, quantity, market=True)) is not None or (
            reference_price is not None and (f := check_notional(rules, quantity * reference_price, market=True))
        ):
            failures.append(f)
    else:
        assert quote_order_qty is not None
        if quote_order_qty <= 0:
            failures.append(FilterFailure("quote_order_qty", "NOTIONAL", "Quote amount must be greater than zero."))
        elif (f := check_notional(rules, quote_order_qty, market=True)) is not None:
            failures.append(FilterFailure("quote_order_qty", f.filter, f.message))
    return Checked(tuple(failures))
