"""The simulator's symbol rules and the filters it applies to an order before matching it.

Written from Binance's filters.md on its own, not shared with the client's checks in
`tui.domain.spot`: the two must be able to catch each other's mistakes. A failing order is
rejected with -1013 "Filter failure: <FILTER NAME>" (errors.md, "Filter failures"); only the first
failing filter is reported, in the order `first_failure` tries them.

A limit of 0 means the rule is switched off (filters.md says so for PRICE_FILTER; the simulator
reads every numeric bound the same way, and a symbol without a filter carries zeros).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from tui.domain.money import ZERO
from tui.sim.spot.matching.errors import SimError

ALGO_TYPES = ("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")  # MAX_NUM_ALGO_ORDERS' "algo"
_PRICED_AT_TRIGGER = ("STOP_LOSS", "TAKE_PROFIT")  # no price: quantity rules of MARKET, notional at the stop


@dataclass(frozen=True)
class SymbolRules:
    """One symbol as the simulator's exchangeInfo describes it: assets, filter bounds and permissions."""

    symbol: str
    base_asset: str
    quote_asset: str
    tick_size: Decimal  # PRICE_FILTER
    min_price: Decimal
    max_price: Decimal
    step_size: Decimal  # LOT_SIZE
    min_qty: Decimal
    max_qty: Decimal
    min_notional: Decimal  # NOTIONAL
    max_notional: Decimal
    apply_min_to_market: bool = True
    apply_max_to_market: bool = False
    market_step_size: Decimal = ZERO  # MARKET_LOT_SIZE
    market_min_qty: Decimal = ZERO
    market_max_qty: Decimal = ZERO
    base_asset_precision: int = 8
    quote_asset_precision: int = 8
    order_types: tuple[str, ...] = ("LIMIT", "LIMIT_MAKER", "MARKET")
    status: str = "TRADING"
    iceberg_allowed: bool = True
    allow_trailing_stop: bool = True
    iceberg_parts: int = 0  # ICEBERG_PARTS `limit`
    min_trailing_above_delta: int = 0  # TRAILING_DELTA, in BIPS
    max_trailing_above_delta: int = 0
    min_trailing_below_delta: int = 0
    max_trailing_below_delta: int = 0
    max_num_algo_orders: int = 0  # MAX_NUM_ALGO_ORDERS
    default_stp_mode: str = "NONE"
    allowed_stp_modes: tuple[str, ...] = ("NONE",)
    peg_instructions_allowed: bool = False  # exchangeInfo `pegInstructionsAllowed`

    @property
    def has_market_lot_size(self) -> bool:
        """Whether MARKET_LOT_SIZE is in force (a symbol without it carries zero bounds)."""
        return self.market_max_qty > 0 or self.market_step_size > 0


def _within(value: Decimal, low: Decimal, high: Decimal, interval: Decimal) -> bool:
    """`value` >= low, <= high and `value` % interval == 0, each rule off when its bound is 0."""
    if low > 0 and value < low:
        return False
    if high > 0 and value > high:
        return False
    return interval <= 0 or value % interval == 0


def price_filter(rules: SymbolRules, price: Decimal) -> str | None:
    """PRICE_FILTER for a `price` or `stopPrice`; a price must also be above zero."""
    ok = price > 0 and _within(price, rules.min_price, rules.max_price, rules.tick_size)
    return None if ok else "PRICE_FILTER"


def lot_size(rules: SymbolRules, quantity: Decimal, *, market: bool = False) -> str | None:
    """LOT_SIZE for a `quantity` or `icebergQty`, then MARKET_LOT_SIZE for a MARKET `quantity`."""
    if quantity <= 0 or not _within(quantity, rules.min_qty, rules.max_qty, rules.step_size):
        return "LOT_SIZE"
    market_rule = market and rules.has_market_lot_size
    if market_rule and not _within(quantity, rules.market_min_qty, rules.market_max_qty, rules.market_step_size):
        return "MARKET_LOT_SIZE"
    return None


def notional(rules: SymbolRules, value: Decimal, *, market: bool = False) -> str | None:
    """NOTIONAL: minNotional <= price * quantity <= maxNotional; on MARKET orders each bound only when
    applyMinToMarket / applyMaxToMarket says so."""
    if (not market or rules.apply_min_to_market) and rules.min_notional > 0 and value < rules.min_notional:
        return "NOTIONAL"
    if (not market or rules.apply_max_to_market) and rules.max_notional > 0 and value > rules.max_notional:
        return "NOTIONAL"
    return None


def iceberg_parts(rules: SymbolRules, quantity: Decimal, iceberg_qty: Decimal) -> str | None:
    """LOT_SIZE for the visible part, then ICEBERG_PARTS: CEIL(qty / icebergQty) <= limit."""
    if (failed := lot_size(rules, iceberg_qty)) is not None:
        return failed
    parts = (quantity / iceberg_qty).to_integral_value(rounding=ROUND_CEILING)
    return "ICEBERG_PARTS" if 0 < rules.iceberg_parts < parts else None


def uses_above_bounds(order_type: str, side: str) -> bool:
    """TRAILING_DELTA: STOP_LOSS(_LIMIT) BUY and TAKE_PROFIT(_LIMIT) SELL take the "above" bounds,
    STOP_LOSS(_LIMIT) SELL and TAKE_PROFIT(_LIMIT) BUY the "below" ones."""
    return order_type.startswith("STOP_LOSS") == (side == "BUY")


def trailing_delta(rules: SymbolRules, order_type: str, side: str, delta: int) -> str | None:
    """TRAILING_DELTA: min <= trailingDelta <= max for the order's direction (and above zero)."""
    if uses_above_bounds(order_type, side):
        low, high = rules.min_trailing_above_delta, rules.max_trailing_above_delta
    else:
        low, high = rules.min_trailing_below_delta, rules.max_trailing_below_delta
    ok = delta > 0 and not (low > 0 and delta < low) and not (high > 0 and delta > high)
    return None if ok else "TRAILING_DELTA"


def max_num_algo_orders(rules: SymbolRules, open_algo_orders: int) -> str | None:
    """MAX_NUM_ALGO_ORDERS: a new algo order fails once the account has `maxNumAlgoOrders` of them open on
    the symbol (0: no such filter)."""
    return "MAX_NUM_ALGO_ORDERS" if 0 < rules.max_num_algo_orders <= open_algo_orders else None


def max_num_order_lists(limit: int, open_lists: int) -> str | None:
    """MAX_NUM_ORDER_LISTS: a new list fails once the account has `maxNumOrderLists` open on the symbol
    (an OTOCO counts as one)."""
    return "MAX_NUM_ORDER_LISTS" if open_lists >= limit else None


def first_failure(
    rules: SymbolRules,
    *,
    order_type: str,
    side: str,
    price: Decimal | None,
    quantity: Decimal | None,
    quote_order_qty: Decimal | None = None,
    reference_price: Decimal | None = None,
    stop_price: Decimal | None = None,
    trailing: int | None = None,
    iceberg_qty: Decimal | None = None,
    pegged: bool = False,
) -> str | None:
    """The name of the first filter an order of an allowed type fails, or None if it passes them all.

    Order: the stop price and trailing delta of a conditional order; then a STOP_LOSS / TAKE_PROFIT
    (no price) by the MARKET quantity rules and its notional at the stop (else `reference_price`); a
    priced order by price, quantity, notional, iceberg parts; a MARKET order by quantity and notional
    at `reference_price` (filters.md: the average price stands in), or by its quoteOrderQty as the
    notional. A `pegged` order may come without a price: it is checked again once pegged.
    """
    failed: str | None = None
    if order_type in ALGO_TYPES:
        if stop_price is not None:
            failed = price_filter(rules, stop_price)
        if failed is None and trailing is not None:
            failed = trailing_delta(rules, order_type, side, trailing)
        if failed is not None:
            return failed
    if order_type in _PRICED_AT_TRIGGER:
        if quantity is None:
            return "LOT_SIZE"
        at = stop_price if stop_price is not None else reference_price
        return lot_size(rules, quantity, market=True) or (
            notional(rules, quantity * at, market=True) if at is not None else None
        )
    if order_type == "MARKET":
        if (quantity is None) == (quote_order_qty is None):
            return "LOT_SIZE"
        if quantity is not None:
            return lot_size(rules, quantity, market=True) or (
                notional(rules, quantity * reference_price, market=True) if reference_price is not None else None
            )
        assert quote_order_qty is not None
        return notional(rules, quote_order_qty, market=True) if quote_order_qty > 0 else "NOTIONAL"
    if price is None and not pegged:
        return "PRICE_FILTER"
    if price is not None and (failed := price_filter(rules, price)) is not None:
        return failed
    if quantity is None:
        return "LOT_SIZE"
    if (failed := lot_size(rules, quantity)) is not None:
        return failed
    if price is not None and (failed := notional(rules, price * quantity)) is not None:
        return failed
    if iceberg_qty is not None and quantity > 0:
        return iceberg_parts(rules, quantity, iceberg_qty)
    return None


def filter_failure(name: str) -> SimError:
    """errors.md: an order that fails filter `name` is rejected with -1013 "Filter failure: NAME"."""
    return SimError(-1013, f"Filter failure: {name}")
