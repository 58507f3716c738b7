"""Turn what a person typed into an `OrderRequest`, or into one clear message per bad field.

Nothing here sends anything: the order form calls `parse_order_entry` and only a clean result is
ever handed to the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .filters import SymbolRules, check_order
from .money import to_decimal
from .orders import CommissionRates, OrderRequest, OrderType, Side, TimeInForce


@dataclass(frozen=True)
class OrderEntry:
    """Parsed form: the request if valid, else per-field errors; notional/fee estimates either way."""

    request: OrderRequest | None
    errors: dict[str, str] = field(default_factory=dict)
    notional: Decimal | None = None
    fee: Decimal | None = None
    """Upper bound of the commission, in `fee_asset`: what the order receives (BUY pays in the
    base asset, SELL in the quote asset), at the taker rate unless the order can only make."""
    fee_asset: str = ""


def _parse_amount(text: str, label: str) -> tuple[Decimal | None, str | None]:
    text = text.strip()
    if not text:
        return None, None
    if "," in text:
        # "0,5" must never become 5: a decimal comma is refused rather than guessed at.
        return None, f"{label}: use . as the decimal point, without thousands separators (got {text!r})."
    try:
        value = to_decimal(text)
    except ValueError:
        return None, f"{label} must be a number, like 0.5 (got {text!r})."
    if value <= 0:
        return None, f"{label} must be greater than zero."
    return value, None


def parse_order_entry(
    rules: SymbolRules,
    *,
    side: Side,
    order_type: OrderType,
    price_text: str = "",
    quantity_text: str = "",
    quote_text: str = "",
    time_in_force: TimeInForce = TimeInForce.GTC,
    reference_price: Decimal | None = None,
    commission: CommissionRates | None = None,
) -> OrderEntry:
    errors: dict[str, str] = {}
    market = order_type is OrderType.MARKET
    price, err = (None, None) if market else _parse_amount(price_text, "Price")
    if err:
        errors["price"] = err
    quantity, err = _parse_amount(quantity_text, "Quantity")
    if err:
        errors["quantity"] = err
    quote, err = _parse_amount(quote_text, "Quote amount") if market else (None, None)
    if err:
        errors["quote_order_qty"] = err
    if not market and price is None and "price" not in errors:
        errors["price"] = "Price is required for a limit order."
    if market and quantity is None and quote is None and not errors:
        errors["quantity"] = f"Enter a quantity in {rules.base_asset} or an amount in {rules.quote_asset}."
    if market and quantity is not None and quote is not None:
        errors["quote_order_qty"] = "Give either a quantity or a quote amount, not both."
    if not market and quantity is None and "quantity" not in errors:
        errors["quantity"] = "Quantity is required."

    notional: Decimal | None = None
    if price is not None and quantity is not None:
        notional = price * quantity
    elif market and quote is not None:
        notional = quote
    elif market and quantity is not None and reference_price is not None:
        notional = quantity * reference_price
    fee: Decimal | None = None
    fee_asset = rules.base_asset if side is Side.BUY else rules.quote_asset
    if notional is not None and commission is not None:
        rate = commission.maker if order_type is OrderType.LIMIT_MAKER else commission.taker
        if side is Side.SELL:
            fee = notional * rate
        elif quantity is not None:
            fee = quantity * rate
        elif reference_price:
            fee = notional / reference_price * rate

    if not errors:
        checked = check_order(
            rules,
            order_type=order_type.value,
            price=price,
            quantity=quantity,
            quote_order_qty=quote,
            reference_price=reference_price,
        )
        for failure in checked.failures:
            key = failure.field if failure.field in ("price", "quantity", "quote_order_qty") else "form"
            errors.setdefault(key, f"{failure.message} ({failure.filter})")
    if errors:
        return OrderEntry(None, errors, notional, fee, fee_asset)
    request = OrderRequest(
        symbol=rules.symbol,
        side=side,
        type=order_type,
        quantity=quantity,
        quote_order_qty=quote,
        price=price,
        time_in_force=time_in_force if order_type is OrderType.LIMIT else None,
    )
    return OrderEntry(request, {}, notional, fee, fee_asset)
