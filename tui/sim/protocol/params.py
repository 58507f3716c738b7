"""Parsing request parameters the way Binance rejects them (-1100 / -1102 / -1121 ...).

Values come either from WS API JSON (strings, ints, Decimals via `parse_float=Decimal`, bools,
lists) or from REST query strings (always strings); both go through the same functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tui.sim.protocol.errors import ApiError, bad_symbol, mandatory

_DECIMAL_RE = re.compile(r"^([0-9]{1,20})(\.[0-9]{1,20})?$")
_INT_RE = re.compile(r"^-?[0-9]{1,20}$")
_SYMBOL_RE = re.compile(r"^[A-Z0-9\-_.]{1,20}$")

Params = Mapping[str, Any]


def _present(params: Params, name: str) -> bool:
    return name in params and params[name] is not None and params[name] != ""


def opt_str(params: Params, name: str) -> str | None:
    if not _present(params, name):
        return None
    value = params[name]
    if not isinstance(value, str):
        raise mandatory(name)
    return value


def req_str(params: Params, name: str) -> str:
    value = opt_str(params, name)
    if value is None:
        raise mandatory(name)
    return value


def opt_decimal(params: Params, name: str) -> Decimal | None:
    if not _present(params, name):
        return None
    value = params[name]
    if isinstance(value, bool):
        raise mandatory(name)
    text = str(value) if not isinstance(value, Decimal) else f"{value:f}"
    if not _DECIMAL_RE.match(text):
        raise ApiError(
            -1100, f"Illegal characters found in parameter '{name}'; legal range is '{_DECIMAL_RE.pattern}'."
        )
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise mandatory(name) from None


def opt_int(params: Params, name: str) -> int | None:
    if not _present(params, name):
        return None
    value = params[name]
    if isinstance(value, bool):
        raise mandatory(name)
    if isinstance(value, int):
        return value
    text = str(value)
    if not _INT_RE.match(text):
        raise ApiError(-1100, f"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.")
    return int(text)


def req_int(params: Params, name: str) -> int:
    value = opt_int(params, name)
    if value is None:
        raise mandatory(name)
    return value


def opt_bool(params: Params, name: str, default: bool) -> bool:
    if not _present(params, name):
        return default
    value = params[name]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise mandatory(name)


def opt_enum(params: Params, name: str, allowed: Collection[str], error: ApiError) -> str | None:
    value = opt_str(params, name)
    if value is not None and value not in allowed:
        raise error
    return value


def symbol(params: Params, known: Collection[str], name: str = "symbol") -> str:
    value = req_str(params, name)
    if not _SYMBOL_RE.match(value) or value not in known:
        raise bad_symbol()
    return value


def symbol_list(params: Params, known: Collection[str]) -> list[str] | None:
    """`symbol` xor `symbols` (a JSON array, or its text in a query string); None means all."""
    single = opt_str(params, "symbol")
    many = params.get("symbols")
    if single is not None and many not in (None, ""):
        raise ApiError(-1101, "Too many parameters; expected 'symbol' and received 'symbols'.")
    if single is not None:
        return [symbol(params, known)]
    if many in (None, ""):
        return None
    if isinstance(many, str):
        try:
            many = json.loads(many)
        except ValueError:
            raise mandatory("symbols") from None
    if not isinstance(many, list) or not many or not all(isinstance(s, str) for s in many):
        raise mandatory("symbols")
    if len(set(many)) != len(many):
        raise ApiError(-1151, "Symbol is present multiple times in the list.")
    for s in many:
        if s not in known:
            raise bad_symbol()
    return list(many)


def limit(params: Params, default: int, maximum: int, *, clamp: bool = False) -> int:
    value = opt_int(params, "limit")
    if value is None:
        return default
    if value <= 0:
        raise ApiError(-1130, "Data sent for parameter 'limit' is not valid.")
    if value > maximum:
        if clamp:
            return maximum
        raise ApiError(-1130, "Data sent for parameter 'limit' is not valid.")
    return value
