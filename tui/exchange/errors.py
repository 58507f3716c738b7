"""Errors the exchange layer raises; one family so the UI has one place to turn them into messages.

Every error carries Binance's numeric `code`, its `msg` and the response `status`. Transport
failures (no answer in time, no connection) reuse the codes Binance gives their server-side twins
(-1007 TIMEOUT, -1001 DISCONNECTED) with `status` 0, because for a person the meaning is the same:
the request's outcome is unknown, look at open orders before trying again.

No error message ever contains a secret: signatures, keys and request params are never put in args.
"""

from __future__ import annotations


class ExchangeError(Exception):
    """The exchange (or the way to it) refused a request. `str()` shows "code msg"."""

    def __init__(
        self, code: int, msg: str, status: int = 400, *, outcome_unknown: bool = False, data: dict | None = None
    ) -> None:
        super().__init__(code, msg, status)
        self.data = data  # the error's `data` object, if any (order.cancelReplace's -2021 / -2022)
        self.code = code
        self.msg = msg
        self.status = status
        # True when the request may have been executed anyway (timeout, connection lost after
        # sending, -1007, 5xx): the caller must look the order up, never assume it was rejected.
        self.outcome_unknown = outcome_unknown

    def __str__(self) -> str:
        return f"{self.code} {self.msg}"


class RateLimited(ExchangeError):
    """HTTP/WS status 429 (slow down) or 418 (IP banned).

    `retry_after_ms` is the server time (epoch ms) from which requests may be sent again, or None
    when the exchange did not say. Until then the client refuses requests locally.
    """

    def __init__(self, code: int, msg: str, status: int = 429, retry_after_ms: int | None = None) -> None:
        super().__init__(code, msg, status)
        self.retry_after_ms = retry_after_ms

    @property
    def banned(self) -> bool:
        return self.status == 418


class RequestTimeout(ExchangeError):
    """No response arrived in time. The request may or may not have been executed."""

    def __init__(self, method: str, timeout: float) -> None:
        super().__init__(
            -1007, f"No response to {method} within {timeout:g} s; execution status unknown.", 0, outcome_unknown=True
        )
        self.method = method


class NotConnected(ExchangeError):
    """The connection is not open (never opened, closed, or dropped while the request was pending)."""

    def __init__(self, detail: str = "Not connected to the exchange.", *, outcome_unknown: bool = False) -> None:
        super().__init__(-1001, detail, 0, outcome_unknown=outcome_unknown)
