"""Validate an OCO typed into the form and the new quantity of an amend; pure, nothing is sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .filters import SymbolRules, check_price, check_quantity
from .money import to_decimal
from .orders import ListLeg, OrderListRequest, OrderType, Side, TimeInForce


@dataclass(frozen=True)
class ListEntry:
    request: OrderListRequest | None
    errors: dict[str, str] = field(default_factory=dict)


def _amount(text: str, label: str, errors: dict[str, str], key: str) -> Decimal | None:
    text = text.strip()
    if not text:
        errors[key] = f"{label} is required."
        return None
    try:
        value = to_decimal(text)
    except ValueError:
        errors[key] = f"{label} must be a number (got {text!r})."
        return None
    if value <= 0:
        errors[key] = f"{label} must be greater than zero."
        return None
    return value


def parse_oco(
    rules: SymbolRules,
    *,
    side: Side,
    quantity_text: str,
    limit_text: str,
    stop_text: str,
    stop_limit_text: str,
    last_price: Decimal | None,
) -> ListEntry:
    """A classic OCO: a LIMIT_MAKER at `limit` plus a STOP_LOSS_LIMIT (stop, then stop-limit price).

    SELL: limit above the last price, stop below it (take profit or stop out). BUY: the mirror image.
    The exchange checks the same relation ("The relationship of the prices for the orders is not
    correct."); checking it here means nothing is sent that would be refused for it.
    """
    errors: dict[str, str] = {}
    quantity = _amount(quantity_text, "Quantity", errors, "quantity")
    limit = _amount(limit_text, "Limit price", errors, "limit")
    stop = _amount(stop_text, "Stop price", errors, "stop")
    stop_limit = _amount(stop_limit_text, "Stop-limit price", errors, "stop_limit") if stop_limit_text.strip() else stop
    for key, value in (("limit", limit), ("stop", stop), ("stop_limit", stop_limit)):
        if value is not None and key not in errors and (f := check_price(rules, value)) is not None:
            errors[key] = f"{f.message} ({f.filter})"
    if quantity is not None and "quantity" not in errors and (f := check_quantity(rules, quantity)) is not None:
        errors["quantity"] = f"{f.message} ({f.filter})"
    if not errors and limit is not None and stop is not None and last_price is not None:
        if side is Side.SELL and not (limit > last_price > stop):
            errors["form"] = f"A SELL OCO needs limit > last price ({last_price.normalize():f}) > stop."
        if side is Side.BUY and not (limit < last_price < stop):
            errors["form"] = f"A BUY OCO needs limit < last price ({last_price.normalize():f}) < stop."
    if errors or quantity is None or limit is None or stop is None:
        return ListEntry(None, errors)
    maker = ListLeg(OrderType.LIMIT_MAKER, price=limit)
    stopper = ListLeg(OrderType.STOP_LOSS_LIMIT, price=stop_limit, stop_price=stop, time_in_force=TimeInForce.GTC)
    above, below = (maker, stopper) if side is Side.SELL else (stopper, maker)
    return ListEntry(OrderListRequest.oco(rules.symbol, side, quantity, above=above, below=below))


def parse_amend(
    rules: SymbolRules, *, text: str, orig_qty: Decimal, executed_qty: Decimal
) -> tuple[Decimal | None, str]:
    """order.amend.keepPriority only lowers a quantity: above what already filled, below the current."""
    errors: dict[str, str] = {}
    value = _amount(text, "New quantity", errors, "q")
    if value is None:
        return None, errors["q"]
    if value >= orig_qty:
        return None, f"Keep-priority amends only lower the quantity: enter less than {orig_qty.normalize():f}."
    if value <= executed_qty:
        return None, f"{executed_qty.normalize():f} has already filled: enter more than that (or cancel the order)."
    if (f := check_quantity(rules, value)) is not None:
        return None, f"{f.message} ({f.filter})"
    return value, ""
