"""Request signing for the WebSocket API: HMAC-SHA256, RSA (PKCS#1 v1.5, SHA-256) and Ed25519.

The signature payload is every request param except `signature`, sorted by name and joined as
`name=value` pairs with `&`, values not URL-encoded, signed as UTF-8 (web-socket-api.md, "SIGNED
request example"). Key material lives only inside the signer objects; their `repr()` shows the key
type and a shortened API key, never the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
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


class InsecureKeyFile(PermissionError):
    """A key file may be read by other users; refuse to use it until its mode is fixed."""


def _read_private_file(path: Path) -> bytes:
    """Read a file holding key material, refusing it if group or others may read or write it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"key file not found: {path}") from None
    if os.name == "posix" and mode & 0o077:
        raise InsecureKeyFile(
            f"{path} is accessible by other users (mode {stat.filemode(mode)}); "
            f"keys must be private to you. Fix it with: chmod 600 {path}"
        )
    return path.read_bytes()


def load_demo_signer(keys_dir: Path, key_type: str) -> Signer:
    """Load one of the demo keys from `keys_dir/demo-keys.json` ("hmac", "rsa" or "ed25519").

    The JSON holds {"hmac": {"apiKey", "secretKey"}, "rsa": {"apiKey", "privateKeyFile"},
    "ed25519": {"apiKey", "privateKeyFile"}}; private key files are unencrypted PKCS#8 PEM, relative
    to `keys_dir`. Files readable by group or others are refused (InsecureKeyFile).
    """
    kind = key_type.strip().lower()
    if kind not in ("hmac", "rsa", "ed25519"):
        raise ValueError(f"unknown key type {key_type!r}; expected hmac, rsa or ed25519")
    index_path = Path(keys_dir) / "demo-keys.json"
    try:
        index = json.loads(_read_private_file(index_path))
        entry = index[kind]
        api_key = entry["apiKey"]
    except json.JSONDecodeError:
        raise ValueError(f"{index_path} is not valid JSON") from None
    except (KeyError, TypeError):
        raise ValueError(f"{index_path} has no usable {kind!r} entry with an apiKey") from None
    if kind == "hmac":
        secret = entry.get("secretKey")
        if not isinstance(secret, str) or not secret:
            raise ValueError(f"{index_path}: the hmac entry has no secretKey")
        return HmacSigner(api_key, secret)
    key_file = entry.get("privateKeyFile")
    if not isinstance(key_file, str) or not key_file:
        raise ValueError(f"{index_path}: the {kind} entry has no privateKeyFile")
    key_path = Path(key_file) if Path(key_file).is_absolute() else Path(keys_dir) / key_file
    pem = _read_private_file(key_path)
    if kind == "rsa":
        return RsaSigner(api_key, pem)
    return Ed25519Signer(api_key, pem)


# --- loaders for profile keys (PEM files, optionally encrypted; secrets from env vars) -----------


class Secret:
    """Key material or a passphrase in transit: bytes whose `repr()`/`str()` never show them.

    Loaders pass secrets around wrapped in this, and unwrap them only inline at the call that
    needs them, so a traceback rendered with its locals (Textual's and Rich's are) never shows one.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | bytes) -> None:
        self._value = value.encode("utf-8") if isinstance(value, str) else bytes(value)

    def reveal(self) -> bytes:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret(<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("Secret cannot be pickled")


class KeyLoadError(ValueError):
    """A key could not be loaded; the message says which file or variable and what to do."""


class WrongPassphrase(KeyLoadError):
    """The passphrase does not decrypt the private key file."""


_WHAT = {"RSA": (RSAPrivateKey, "RSA"), "ED25519": (Ed25519PrivateKey, "Ed25519")}


def read_private_file(path: Path) -> Secret:
    """The bytes of a key file (refused with InsecureKeyFile if group or others may access it)."""
    return Secret(_read_private_file(Path(path)))


def load_private_key(pem: Secret, key_type: str, *, password: Secret | None = None, source: str = "key") -> Any:
    """A private key object of `key_type` ("RSA" or "ED25519") from PEM, decrypting it with `password`.

    Errors name `source` (a file or variable name) and never quote the PEM or the passphrase.
    """
    kind = key_type.upper()
    if kind not in _WHAT:
        raise KeyLoadError(f"{source}: key type {key_type!r} has no private key file; expected RSA or ED25519")
    expected, what = _WHAT[kind]
    encrypted = b"ENCRYPTED" in pem.reveal()[:200]
    try:
        key = serialization.load_pem_private_key(pem.reveal(), password=password.reveal() if password else None)
    except TypeError:
        # cryptography says whether a password was missing or superfluous; say what to change.
        if encrypted:
            raise KeyLoadError(
                f"{source} is encrypted but no passphrase was given (set passphrase = true in the profile's key)"
            ) from None
        raise KeyLoadError(
            f"{source} is not encrypted, but the profile asks for a passphrase (set passphrase = false)"
        ) from None
    except ValueError:
        # The original exception may quote key bytes; do not chain it.
        if encrypted and password:
            raise WrongPassphrase(f"wrong passphrase for {source} (or the file is damaged)") from None
        raise KeyLoadError(f"{source} is not a PEM {what} private key") from None
    except Exception:
        raise KeyLoadError(f"{source} could not be read as a PEM {what} private key") from None
    if not isinstance(key, expected):
        raise KeyLoadError(f"{source} holds an {type(key).__name__}, not an {what} private key")
    return key


def signer_for(key_type: str, api_key: str, private_key: Any) -> Signer:
    """An RsaSigner or Ed25519Signer for an already loaded private key object."""
    if key_type.upper() == "RSA":
        return RsaSigner(api_key, private_key)
    if key_type.upper() == "ED25519":
        return Ed25519Signer(api_key, private_key)
    raise KeyLoadError(f"no asymmetric signer for key type {key_type!r}")


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
