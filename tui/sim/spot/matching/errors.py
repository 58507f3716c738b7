"""The engine's one exception type, carrying Binance's error code, message and HTTP-like status."""

from __future__ import annotations


class SimError(Exception):
    """A Binance error: code, msg, HTTP-like status."""

    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.status = status


INSUFFICIENT = "Account has insufficient balance for requested action."


def mandatory(name: str) -> SimError:
    return SimError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def not_required(name: str) -> SimError:
    return SimError(-1106, f"Parameter '{name}' sent when not required.")


def rejected(msg: str) -> SimError:
    return SimError(-2010, msg)


def unknown_order() -> SimError:
    return SimError(-2011, "Unknown order sent.")
