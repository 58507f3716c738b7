"""Profiles: named venues (URLs of every API), the key each one signs with, and its safety flags.

The values here are what the config file (`tui.config.config_reader`) says. Keys never live in it: a
profile names a key *file* (PEM, optionally encrypted) or an *environment variable* holding the
secret; `tui.keystore.load.load_signer` reads them. `demo` is the embedded exchange and always exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.exchange.endpoints import Endpoints

DEMO = "demo"
KEY_TYPES = ("ed25519", "rsa", "hmac")


class ConfigError(ValueError):
    """The config file cannot be used as it is; the message names the file and the line or key."""


class UnknownProfile(ConfigError):
    """`--profile NAME` names no profile in the config."""


def _short(api_key: str) -> str:
    return f"{api_key[:6]}…" if len(api_key) > 8 else "…"


@dataclass(frozen=True)
class KeySpec:
    """Where a profile's key comes from. Holds names of files and variables, never key material.

    `type` is "ed25519", "rsa" or "hmac". The API key is given inline (`api_key`, not a secret) or
    read from `api_key_env`. HMAC secrets come from `secret_env` or `secret_file`; RSA and Ed25519
    private keys (PEM) from `private_key_file` or `private_key_env`. `passphrase`: the PEM is
    encrypted and the passphrase is asked at start (kept in memory only).
    """

    type: str
    api_key: str | None = None
    api_key_env: str | None = None
    secret_env: str | None = None
    secret_file: Path | None = None
    private_key_file: Path | None = None
    private_key_env: str | None = None
    passphrase: bool = False

    def __repr__(self) -> str:
        parts = [f"type={self.type!r}"]
        if self.api_key:
            parts.append(f"api_key={_short(self.api_key)!r}")
        for name in ("api_key_env", "secret_env", "secret_file", "private_key_file", "private_key_env"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={str(value)!r}")
        parts.append(f"passphrase={self.passphrase}")
        return f"KeySpec({', '.join(parts)})"

    __str__ = __repr__

    @property
    def source(self) -> str:
        """Where the secret half comes from, for messages: a file path or `$VARIABLE`."""
        if self.private_key_file is not None:
            return str(self.private_key_file)
        if self.secret_file is not None:
            return str(self.secret_file)
        return f"${self.private_key_env or self.secret_env}"


@dataclass(frozen=True)
class Profile:
    """One named venue and how to trade on it.

    `endpoints` None means the embedded exchange (signed with its demo keys). `live`: real money.
    `read_only`: the console hides and refuses every trading action. `confirm_orders`: ask before
    every order.
    """

    name: str
    endpoints: Endpoints | None
    key: KeySpec | None = None
    read_only: bool = False
    confirm_orders: bool = True
    live: bool = False
    description: str = ""

    @property
    def embedded(self) -> bool:
        return self.endpoints is None


@dataclass(frozen=True)
class Config:
    """The parsed config file: every profile by name, and the one used without `--profile`."""

    path: Path
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str = DEMO

    def profile(self, name: str | None = None) -> Profile:
        """The profile called `name` (default: `default_profile`); UnknownProfile if there is none."""
        wanted = name or self.default_profile
        try:
            return self.profiles[wanted]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise UnknownProfile(f"no profile {wanted!r} in {self.path}; known profiles: {known}") from None


DEMO_PROFILE = Profile(name=DEMO, endpoints=None, description="the embedded exchange simulator")
