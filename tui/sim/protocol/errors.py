"""Binance error replies as one exception type, shared by the WS API, REST routes and auth.

Codes and messages follow errors.md; `status` is the HTTP status (also the WS API `status` field).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request the exchange refuses: `{"code": code, "msg": msg}` with HTTP-like `status`."""

    def __init__(self, code: int, msg: str, status: int = 400, data: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.status = status
        self.data = data

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "msg": self.msg}
        if self.data is not None:
            body["data"] = self.data
        return body


def mandatory(name: str) -> ApiError:
    return ApiError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def invalid_param(name: str) -> ApiError:
    return ApiError(-1130, f"Data sent for parameter '{name}' is not valid.")


def bad_symbol() -> ApiError:
    return ApiError(-1121, "Invalid symbol.")


def bad_interval() -> ApiError:
    return ApiError(-1120, "Invalid interval.")


def bad_api_key_format() -> ApiError:
    return ApiError(-2014, "API-key format invalid.", 401)


def rejected_api_key() -> ApiError:
    return ApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401)


def bad_signature() -> ApiError:
    return ApiError(-1022, "Signature for this request is not valid.")
