"""Validate an options order typed into the form: one clear message per bad field, nothing sent.

The venue's price band (`lowPriceLimit`..`highPriceLimit` from `/api/v1/mark`) is enforced here,
before sending, and so is the quantity step (the series' minimum quantity).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tui.domain.money import is_multiple, to_decimal
from tui.domain.options.chain import OptionQuote


@dataclass(frozen=True)
class OptionEntry:
    quantity: Decimal | None = None
    price: Decimal | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _amount(text: str, label: str) -> tuple[Decimal | None, str | None]:
    text = text.strip()
    if not text:
        return None, f"{label} is required."
    if "," in text:
        return None, f"{label}: use . as the decimal point (got {text!r})."
    try:
        value = to_decimal(text)
    except ValueError:
        return None, f"{label} must be a number (got {text!r})."
    if value <= 0:
        return None, f"{label} must be greater than zero."
    return value, None


def parse_option_entry(quote: OptionQuote, *, order_type: str, quantity_text: str, price_text: str = "") -> OptionEntry:
    errors: dict[str, str] = {}
    quantity, err = _amount(quantity_text, "Quantity")
    if err:
        errors["quantity"] = err
    elif quantity is not None and quantity < quote.min_qty:
        errors["quantity"] = f"Quantity is below the minimum {quote.min_qty.normalize():f}."
    elif quantity is not None and not is_multiple(quantity, quote.min_qty):
        errors["quantity"] = f"Quantity must be a multiple of {quote.min_qty.normalize():f}."
    price: Decimal | None = None
    if order_type == "LIMIT":
        price, err = _amount(price_text, "Price")
        if err:
            errors["price"] = err
        elif price is not None and quote.high_limit is not None and price > quote.high_limit:
            errors["price"] = f"Price is above the venue's limit {quote.high_limit.normalize():f} (highPriceLimit)."
        elif price is not None and quote.low_limit is not None and price < quote.low_limit:
            errors["price"] = f"Price is below the venue's limit {quote.low_limit.normalize():f} (lowPriceLimit)."
    return OptionEntry(quantity, price, errors)
