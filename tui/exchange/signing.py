"""Request signing for the WebSocket API: HMAC-SHA256, RSA (PKCS#1 v1.5, SHA-256) and Ed25519.

The signature payload is every request param except `signature`, sorted by name and joined as
`name=value` pairs with `&`, values not URL-encoded, signed as UTF-8 (web-socket-api.md, "SIGNED
request example"). Key material lives only inside the signer objects; their `repr()` shows the key
type and a shortened API key, never the secret. Also here: the REST signed query (`signed_query`)
and the read-only guard (`ReadOnlySigner`, `check_read_only`). Reading keys from files is in
`tui.exchange.key_files`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from tui.domain.money import wire
from tui.exchange.errors import ExchangeError

KEY_TYPES = ("HMAC", "RSA", "ED25519")


@runtime_checkable
class Signer(Protocol):
    """Something that can authorise SIGNED requests for one API key."""

    @property
    def api_key(self) -> str: ...

    @property
    def key_type(self) -> str:
        """ "HMAC", "RSA" or "ED25519"."""
        ...

    def sign(self, payload: str) -> str: ...


def _wire_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return wire(value)
    if isinstance(value, float):
        raise TypeError("floats are not accepted in signed params; pass a Decimal or a string")
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), separators=(",", ":"), ensure_ascii=False)
    return str(value)


def ws_api_payload(params: Mapping[str, Any]) -> str:
    """The signature payload for `params`: sorted by name, `k=v` joined with `&`, nothing encoded.

    `signature` itself and params whose value is None are left out (None params are not sent).
    """
    return "&".join(
        f"{key}={_wire_value(value)}"
        for key, value in sorted(params.items())
        if key != "signature" and value is not None
    )


def _short(api_key: str) -> str:
    return f"{api_key[:6]}…" if len(api_key) > 8 else "…"


class _SignerBase:
    __slots__ = ("_api_key",)
    key_type = ""

    def __init__(self, api_key: str) -> None:
        if not api_key:
            raise ValueError("API key is empty")
        self._api_key = api_key

    @property
    def api_key(self) -> str:
        return self._api_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api_key={_short(self._api_key)!r}, secret=<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # keep key material out of pickles (and so out of copies in logs)
        raise TypeError(f"{type(self).__name__} holds key material and cannot be pickled")


class HmacSigner(_SignerBase):
    """HMAC-SHA256 of the payload with the secret key, hex encoded."""

    __slots__ = ("_secret",)
    key_type = "HMAC"

    def __init__(self, api_key: str, secret: str | bytes) -> None:
        super().__init__(api_key)
        if not secret:
            raise ValueError("HMAC secret is empty")
        self._secret = secret.encode() if isinstance(secret, str) else bytes(secret)

    def sign(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _load_private_key(private_key: Any, expected: type, what: str) -> Any:
    if isinstance(private_key, (bytes, str)):
        data = private_key.encode() if isinstance(private_key, str) else private_key
        try:
            private_key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            # The original exception may quote the key bytes; do not chain it.
            raise ValueError(f"not an unencrypted PEM {what} private key") from None
    if not isinstance(private_key, expected):
        raise ValueError(f"expected an {what} private key, got {type(private_key).__name__}")
    return private_key


class RsaSigner(_SignerBase):
    """RSASSA-PKCS1-v1_5 with SHA-256, base64 encoded. `private_key` is a key object or PEM bytes."""

    __slots__ = ("_key",)
    key_type = "RSA"

    def __init__(self, api_key: str, private_key: RSAPrivateKey | bytes | str) -> None:
        super().__init__(api_key)
        self._key: RSAPrivateKey = _load_private_key(private_key, RSAPrivateKey, "RSA")

    def sign(self, payload: str) -> str:
        raw = self._key.sign(payload.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode("ascii")


class Ed25519Signer(_SignerBase):
    """Ed25519 over the payload, base64 encoded. The only key type allowed for session.logon."""

    __slots__ = ("_key",)
    key_type = "ED25519"

    def __init__(self, api_key: str, private_key: Ed25519PrivateKey | bytes | str) -> None:
        super().__init__(api_key)
        self._key: Ed25519PrivateKey = _load_private_key(private_key, Ed25519PrivateKey, "Ed25519")

    def sign(self, payload: str) -> str:
        return base64.b64encode(self._key.sign(payload.encode("utf-8"))).decode("ascii")


# --- read-only guard -------------------------------------------------------------------------------

# WS API methods that place, change or cancel orders (web-socket-api.md, "Trading requests").
# Reads such as order.status and orderList.status are allowed.
_READ_METHODS = frozenset(
    {"order.status", "order.amendments", "orderList.status", "openOrders.status", "openOrderLists.status"}
)
_TRADING_PREFIXES = ("order.", "orderList.", "sor.order.")
_TRADING_METHODS = frozenset({"openOrders.cancelAll", "openOrderLists.cancelAll"})
# REST requests that trade or move funds: POST/PUT/DELETE on these paths (spot `/api/v3`, options
# `/api/v1` or `/eapi/v1`, futures `/fapi/v1` prefixes stripped). POST /bill and the listenKey
# calls only read, so they stay allowed.
_TRADING_REST_PATHS = (
    "/order",
    "/orderList",
    "/sor/order",
    "/batchOrders",
    "/allOpenOrders",
    "/openOrders",
    "/transfer",
    "/countdownCancelAll",
    "/block/order",
    "/asset/transfer",
    "/capital/withdraw",
)


def is_trading_request(method: str) -> bool:
    """True when `method` (a WS API method, or "VERB /path" for REST) trades or moves funds."""
    name = method.strip()
    if " " in name:
        verb, _, path = name.partition(" ")
        for prefix in ("/api/v1", "/eapi/v1", "/fapi/v1", "/api/v3", "/sapi/v1"):
            if path.startswith(prefix + "/"):
                path = path[len(prefix) :]
                break
        if verb.upper() not in ("POST", "PUT", "DELETE"):
            return False
        return any(path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in _TRADING_REST_PATHS)
    if name in _READ_METHODS:
        return False
    return name in _TRADING_METHODS or name.startswith(_TRADING_PREFIXES)


class ReadOnlyRefused(ExchangeError):
    """A trading request on a read-only profile; it was refused locally and never sent."""

    def __init__(self, method: str, profile: str = "") -> None:
        where = f"profile {profile!r} is read-only" if profile else "this profile is read-only"
        super().__init__(-1002, f"Refused: {where}; {method} was not sent.", 0)
        self.method = method
        self.profile = profile


def _payload_keys(payload: str) -> set[str]:
    return {part.partition("=")[0] for part in payload.split("&")}


class ReadOnlySigner:
    """Wraps the signer of a read-only profile: signs reads, refuses anything that trades.

    The sure guard is `check_read_only(signer, method)`, called by the transport before it sends
    (`WsApiClient._request`, `OptionsRestClient.request`): it sees the method name. `sign()` adds a
    second line of defence for transports that do not call it: it refuses any payload carrying
    `side`, which every order placement has and no read does. (It cannot catch cancels, whose
    params match order.status, nor requests sent unsigned after an Ed25519 `session.logon`.)
    """

    __slots__ = ("_inner", "profile")
    read_only = True

    def __init__(self, inner: Signer, profile: str = "") -> None:
        self._inner = inner
        self.profile = profile

    @property
    def inner(self) -> Signer:
        return self._inner

    @property
    def api_key(self) -> str:
        return self._inner.api_key

    @property
    def key_type(self) -> str:
        return self._inner.key_type

    def check(self, method: str) -> None:
        if is_trading_request(method):
            raise ReadOnlyRefused(method, self.profile)

    def sign(self, payload: str) -> str:
        if "side" in _payload_keys(payload):
            raise ReadOnlyRefused("an order", self.profile)
        return self._inner.sign(payload)

    def __repr__(self) -> str:
        return f"ReadOnlySigner({self._inner!r}, profile={self.profile!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("ReadOnlySigner holds key material and cannot be pickled")


def is_read_only(signer: object) -> bool:
    """True for the signer of a read-only profile (a ReadOnlySigner)."""
    return bool(getattr(signer, "read_only", False))


def check_read_only(signer: object, method: str) -> None:
    """Raise ReadOnlyRefused if `signer` belongs to a read-only profile and `method` trades.

    `method` is a WS API method ("order.place") or "VERB /path" for REST ("POST /api/v1/order").
    A no-op for ordinary signers and for None (no key), so transports can call it unconditionally.
    """
    if is_read_only(signer) and is_trading_request(method):
        raise ReadOnlyRefused(method, str(getattr(signer, "profile", "")))


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, float):
        raise TypeError("floats are not accepted in signed params; pass an int, Decimal or string")
    return quote(str(value), safe="")


def signed_query(params: Mapping[str, Any], signer: Signer, timestamp_ms: int, recv_window: int | None) -> str:
    """The full query string of a SIGNED request: params in order, recvWindow, timestamp, signature.

    The payload signed is exactly the URL-encoded query string before `&signature=`.
    """
    pairs = [(k, v) for k, v in params.items() if v is not None]
    if recv_window is not None:
        pairs.append(("recvWindow", recv_window))
    pairs.append(("timestamp", timestamp_ms))
    payload = "&".join(f"{quote(k, safe='')}={_query_value(v)}" for k, v in pairs)
    return f"{payload}&signature={quote(signer.sign(payload), safe='')}"
