"""Readers that take one field out of an untrusted wire object and check its type. No I/O.

Every codec reads Binance's replies and stream frames through these, so a malformed value raises
ValueError naming the field and the message type (`what`), and a caller can log and skip one bad
frame instead of dying on a KeyError or a wrong type deep inside a feed. Money must arrive as a
string (or an integer) and goes straight to Decimal, never through float.

A reader with a `default` returns it when the field is absent or null; without one, absence is an
error.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from tui.domain.money import to_decimal

T = TypeVar("T")
MISSING: Any = object()
"""The default of every reader's `default`: the field is required."""


def expect_object(value: Any, what: str) -> dict[str, Any]:
    """`value` itself, if it is a JSON object; ValueError otherwise."""
    if not isinstance(value, dict):
        raise ValueError(f"{what}: expected an object, got {type(value).__name__}")
    return value


def expect_list(value: Any, what: str) -> list[Any]:
    """`value` itself, if it is a JSON array; ValueError otherwise."""
    if not isinstance(value, list):
        raise ValueError(f"{what}: expected a list, got {type(value).__name__}")
    return value


def field(d: dict[str, Any], key: str, what: str, default: Any = MISSING) -> Any:
    """The raw value under `key`, unchecked; `default` when absent or null."""
    value = d.get(key, MISSING)
    if value is MISSING or value is None:
        if default is MISSING:
            raise ValueError(f"{what}: missing field {key!r}")
        return default
    return value


def _converted(d: dict[str, Any], key: str, what: str, fn: Callable[[Any], T], default: Any) -> T:
    value = field(d, key, what, default)
    if value is default and default is not MISSING:
        return value  # type: ignore[no-any-return]
    try:
        return fn(value)
    except (ValueError, TypeError, ArithmeticError):
        raise ValueError(f"{what}: bad value for {key!r}: {value!r}") from None


def _money(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise TypeError("money must travel as a string")
    return to_decimal(v)


def _integer(v: Any) -> int:
    if isinstance(v, bool):
        raise TypeError("bool is not an int")
    return int(v)


def _boolean(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError("not a boolean")
    return v


def decimal_field(d: dict[str, Any], key: str, what: str, default: Any = MISSING) -> Decimal:
    """A money or quantity field (a decimal string; a float is refused) as Decimal."""
    return _converted(d, key, what, _money, default)


def int_field(d: dict[str, Any], key: str, what: str, default: Any = MISSING) -> int:
    """An integer field (ids, times, counts); a boolean is refused."""
    return _converted(d, key, what, _integer, default)


def str_field(d: dict[str, Any], key: str, what: str, default: Any = MISSING) -> str:
    """A text field (symbols, statuses, client ids)."""
    return _converted(d, key, what, str, default)


def bool_field(d: dict[str, Any], key: str, what: str, default: Any = MISSING) -> bool:
    """A JSON boolean field; anything else (0/1, "true") is refused."""
    return _converted(d, key, what, _boolean, default)
