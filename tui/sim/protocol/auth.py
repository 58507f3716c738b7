"""API-key registry, signature verification and the timing rule, as Binance documents them.

Signature payloads (web-socket-api.md "SIGNED request example"): every param except `signature`,
sorted by name, `name=value` joined by `&`, values as they appear (no percent-encoding), UTF-8.
HMAC-SHA256 signatures are hex and compared case-insensitively; RSA (PKCS#1 v1.5, SHA-256) and
Ed25519 signatures are base64 and case-sensitive.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from tui.sim.protocol.errors import ApiError, bad_api_key_format, bad_signature, mandatory, rejected_api_key

DEFAULT_RECV_WINDOW = Decimal(5000)
MAX_RECV_WINDOW = Decimal(60000)
ALL_PERMISSIONS = frozenset({"TRADE", "USER_DATA", "USER_STREAM"})
_API_KEY_RE = re.compile(r"^[A-Za-z0-9]{1,128}$")


class KeyType(StrEnum):
    HMAC = "HMAC"
    RSA = "RSA"
    ED25519 = "ED25519"


@dataclass(frozen=True)
class ApiKey:
    """One registered key: how to verify its signatures, whose account it acts for, what it may do."""

    api_key: str
    key_type: KeyType
    account_id: str
    secret: bytes | None = None
    public_key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey | None = None
    permissions: frozenset[str] = field(default_factory=lambda: ALL_PERMISSIONS)

    def verify(self, payload: str, signature: str) -> bool:
        data = payload.encode("utf-8")
        if self.key_type is KeyType.HMAC:
            assert self.secret is not None
            expected = hmac.new(self.secret, data, hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, signature.lower())
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        try:
            if self.key_type is KeyType.RSA:
                assert isinstance(self.public_key, rsa.RSAPublicKey)
                self.public_key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                assert isinstance(self.public_key, ed25519.Ed25519PublicKey)
                self.public_key.verify(raw, data)
        except InvalidSignature:
            return False
        return True


class KeyRegistry:
    """api_key -> `ApiKey`."""

    def __init__(self) -> None:
        self._keys: dict[str, ApiKey] = {}

    def add(self, key: ApiKey) -> None:
        self._keys[key.api_key] = key

    def add_hmac(self, api_key: str, secret: str, account_id: str) -> None:
        self.add(ApiKey(api_key, KeyType.HMAC, account_id, secret=secret.encode("utf-8")))

    def add_rsa(self, api_key: str, public_key: rsa.RSAPublicKey, account_id: str) -> None:
        self.add(ApiKey(api_key, KeyType.RSA, account_id, public_key=public_key))

    def add_ed25519(self, api_key: str, public_key: ed25519.Ed25519PublicKey, account_id: str) -> None:
        self.add(ApiKey(api_key, KeyType.ED25519, account_id, public_key=public_key))

    def lookup(self, api_key: object, permission: str | None = None) -> ApiKey:
        """The key for `api_key`; -2014 if absent or malformed, -2015 if unknown or lacking `permission`."""
        if not isinstance(api_key, str) or not _API_KEY_RE.match(api_key):
            raise bad_api_key_format()
        key = self._keys.get(api_key)
        if key is None or (permission is not None and permission not in key.permissions):
            raise rejected_api_key()
        return key


def payload_value(value: Any) -> str:
    """A JSON param value as it appears in the signature payload (true, 100, 0.10000000, text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal | int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), default=str)


def ws_payload(params: Mapping[str, Any]) -> str:
    """The WebSocket API signature payload: all params but `signature`, sorted, `k=v` joined by `&`."""
    return "&".join(f"{k}={payload_value(params[k])}" for k in sorted(params) if k != "signature")


def verify_signed(registry: KeyRegistry, params: Mapping[str, Any], permission: str | None = None) -> ApiKey:
    """Check apiKey and signature of a WS API request (timestamp is checked by `check_timestamp`)."""
    key = registry.lookup(params.get("apiKey"), permission)
    signature = params.get("signature")
    if not isinstance(signature, str) or not signature:
        raise mandatory("signature")
    if not key.verify(ws_payload(params), signature):
        raise bad_signature()
    return key


def _as_decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise mandatory(name)
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise mandatory(name) from None
    if not result.is_finite():
        raise mandatory(name)
    return result


def timestamp_ms(value: Any, name: str = "timestamp") -> Decimal:
    """A timestamp param in milliseconds; values with 16+ digits are taken as microseconds."""
    ts = _as_decimal(value, name)
    return ts / 1000 if ts >= Decimal(10) ** 15 else ts


def check_timestamp(params: Mapping[str, Any], server_time_ms: int) -> None:
    """Timing security: timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow."""
    if "timestamp" not in params:
        raise mandatory("timestamp")
    ts = timestamp_ms(params["timestamp"])
    window = DEFAULT_RECV_WINDOW
    if "recvWindow" in params:
        window = _as_decimal(params["recvWindow"], "recvWindow")
        if window > MAX_RECV_WINDOW:
            raise ApiError(-1102, f"'recvWindow' contains unexpected value. Cannot be greater than {MAX_RECV_WINDOW}.")
        if window <= 0:
            raise mandatory("recvWindow")
    if ts >= server_time_ms + 1000:
        raise ApiError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    if server_time_ms - ts > window:
        raise ApiError(-1021, "Timestamp for this request is outside of the recvWindow.")


def rest_payload(query_string: str, body: str = "") -> tuple[str, str | None]:
    """REST `totalParams` (query string then body, as sent) without the signature, and the signature.

    The signature must be the last parameter; everything before it is signed byte for byte.
    """
    total = query_string + body
    parts = total.split("&")
    signature = None
    kept = []
    for part in parts:
        if part.startswith("signature="):
            signature = part[len("signature=") :]
        else:
            kept.append(part)
    return "&".join(kept), signature
