"""Decimal helpers: money travels as `Decimal` from wire string to screen, never float."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

ZERO = Decimal(0)


def to_decimal(value: str | int | Decimal) -> Decimal:
    """Parse a wire value (string or int) into a Decimal; raise ValueError on garbage.

    Floats are refused on purpose: they would smuggle binary rounding into prices.
    """
    if isinstance(value, float):  # pragma: no cover - a programming error, not user input
        raise TypeError("floats are not accepted for money; pass the wire string")
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def decimals_of(step: Decimal) -> int:
    """Number of fractional digits a step size implies (0.01 -> 2, 1 -> 0, 0.00100000 -> 3)."""
    if step <= 0:
        return 8
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` down to a multiple of `step` (a step of 0 leaves it unchanged)."""
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def is_multiple(value: Decimal, step: Decimal) -> bool:
    """True if value is an exact multiple of step (a step of 0 disables the rule)."""
    if step <= 0:
        return True
    return value % step == 0


def fmt(value: Decimal, places: int) -> str:
    """Fixed-point string with exactly `places` decimals, for display and for the wire."""
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_DOWN):f}"


def wire(value: Decimal) -> str:
    """Plain (non-scientific) string of a Decimal for sending: 1E+1 -> '10', 0.000010 -> '0.00001'."""
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"
