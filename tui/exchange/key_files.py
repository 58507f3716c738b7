"""Key material from files and the environment: demo keys, PEM private keys (optionally encrypted),
and the `Secret` wrapper that keeps them out of reprs and tracebacks.

Files that group or others may read are refused (InsecureKeyFile); errors name the file or variable
and never quote the key or the passphrase. The signers themselves are in `tui.exchange.signing`.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from tui.exchange.signing import Ed25519Signer, HmacSigner, RsaSigner, Signer


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


# --- profile keys (PEM files, optionally encrypted; secrets from env vars) ------------------------


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
