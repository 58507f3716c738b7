"""Profiles: named venues (URLs of every API), the key each one signs with, and its safety flags.

They live in `config_path()` (TOML), created with comments on first run. Keys never live there: a
profile names a key *file* (PEM, optionally encrypted) or an *environment variable* holding the
secret; `tui.keystore.load.load_signer` reads them. `demo` is the embedded exchange and always exists.

Errors are `ConfigError`s whose message names the file and the line or key at fault.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.config.paths import config_path
from tui.exchange.endpoints import Endpoints

DEMO = "demo"
KEY_TYPES = ("ed25519", "rsa", "hmac")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_TOP_FIELDS = ("default_profile", "profiles")
_PROFILE_FIELDS = ("description", "embedded", "live", "read_only", "confirm_orders", "endpoints", "key")
_HTTP_FIELDS = ("rest", "futures_rest", "options_rest")
_WS_FIELDS = ("ws_api", "streams", "options_streams")
_REQUIRED_ENDPOINTS = ("rest", "ws_api", "streams")
_ENDPOINT_FIELDS = ("rest", "ws_api", "streams", "futures_rest", "options_rest", "options_streams")
_KEY_FIELDS = (
    "type",
    "api_key",
    "api_key_env",
    "secret_env",
    "secret_file",
    "private_key_file",
    "private_key_env",
    "passphrase",
)


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


# --- loading ---------------------------------------------------------------------------------------


def load_config(path: Path | None = None, *, create: bool = True) -> Config:
    """Read the config file (creating the commented default first if `create` and it is missing)."""
    path = Path(path) if path is not None else config_path()
    if not path.exists():
        if not create:
            raise ConfigError(f"{path}: config file not found")
        write_default_config(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate the TOML `text` of the config file at `path` (used for messages and relative paths)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    where = _Locator(text, path)
    where.no_unknown(doc, (), _TOP_FIELDS)
    raw_profiles = doc.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise ConfigError(f"{where.at((), 'profiles')}: 'profiles' must be a table of [profiles.NAME] tables")
    profiles: dict[str, Profile] = {}
    for name, raw in raw_profiles.items():
        if not _NAME_RE.match(name):
            raise ConfigError(
                f"{where.at(('profiles', name))}: profile name {name!r} may use only letters, digits, '-' and '_'"
            )
        if not isinstance(raw, dict):
            raise ConfigError(f"{where.at(('profiles',), name)}: profile {name!r} must be a table [profiles.{name}]")
        profiles[name] = _profile(name, raw, where, path.parent)
    profiles.setdefault(DEMO, DEMO_PROFILE)
    default = doc.get("default_profile", DEMO)
    if not isinstance(default, str) or default not in profiles:
        known = ", ".join(sorted(profiles))
        raise ConfigError(f"{where.at((), 'default_profile')}: default_profile {default!r} is not one of: {known}")
    return Config(path=path, profiles=profiles, default_profile=default)


def _profile(name: str, raw: dict[str, Any], where: _Locator, base: Path) -> Profile:
    table = ("profiles", name)
    where.no_unknown(raw, table, _PROFILE_FIELDS)
    embedded = where.boolean(raw, table, "embedded", False)
    read_only = where.boolean(raw, table, "read_only", False)
    confirm = where.boolean(raw, table, "confirm_orders", True)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{where.at(table, 'description')}: description must be a string")
    if embedded:
        for forbidden in ("endpoints", "key"):
            if forbidden in raw:
                raise ConfigError(
                    f"{where.at(table, forbidden)}: profile {name!r} is embedded (the built-in exchange with "
                    f"its demo keys); remove its {forbidden} or set embedded = false"
                )
        live = where.boolean(raw, table, "live", False)
        return Profile(name, None, None, read_only, confirm, live, description)
    if "endpoints" not in raw:
        raise ConfigError(
            f"{where.at(table)}: profile {name!r} needs [profiles.{name}.endpoints] with rest, ws_api and "
            f"streams (or embedded = true for the built-in exchange)"
        )
    endpoints = _endpoints(raw["endpoints"], (*table, "endpoints"), where)
    live = where.boolean(raw, table, "live", _looks_live(endpoints))
    key = _key(raw["key"], (*table, "key"), where, base) if "key" in raw else None
    return Profile(name, endpoints, key, read_only, confirm, live, description)


def _looks_live(endpoints: Endpoints) -> bool:
    """Production Binance hosts (binance.com, but not its demo-* hosts) mean real money."""
    for url in (endpoints.rest, endpoints.ws_api, endpoints.streams):
        host = (urlsplit(url).hostname or "").lower()
        if (host == "binance.com" or host.endswith(".binance.com")) and not host.startswith("demo-"):
            return True
    return False


def _endpoints(raw: Any, table: tuple[str, ...], where: _Locator) -> Endpoints:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where.at(table[:-1], table[-1])}: endpoints must be a table")
    where.no_unknown(raw, table, _ENDPOINT_FIELDS)
    urls: dict[str, str | None] = {}
    for name in _ENDPOINT_FIELDS:
        value = raw.get(name)
        if value is None or value == "":
            if name in _REQUIRED_ENDPOINTS:
                raise ConfigError(f"{where.at(table)}: missing {name} (a URL) in [{'.'.join(table)}]")
            urls[name] = None
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{where.at(table, name)}: {name} must be a URL string")
        schemes = ("http", "https") if name in _HTTP_FIELDS else ("ws", "wss")
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.hostname:
            raise ConfigError(
                f"{where.at(table, name)}: {name} = {value!r} is not a {' or '.join(s + '://' for s in schemes)} URL"
            )
        urls[name] = value.rstrip("/")
    return Endpoints(
        rest=urls["rest"] or "",
        ws_api=urls["ws_api"] or "",
        streams=urls["streams"] or "",
        futures_rest=urls["futures_rest"],
        options_rest=urls["options_rest"],
        options_streams=urls["options_streams"],
    )


def _key(raw: Any, table: tuple[str, ...], where: _Locator, base: Path) -> KeySpec:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where.at(table[:-1], table[-1])}: key must be a table [{'.'.join(table)}]")
    where.no_unknown(raw, table, _KEY_FIELDS)
    for name, value in raw.items():
        if name != "passphrase" and not isinstance(value, str):
            raise ConfigError(f"{where.at(table, name)}: {name} must be a string")
    kind = str(raw.get("type", "")).lower()
    if kind not in KEY_TYPES:
        raise ConfigError(f"{where.at(table, 'type')}: key type must be one of {', '.join(KEY_TYPES)}")
    passphrase = where.boolean(raw, table, "passphrase", False)

    def one_of(a: str, b: str) -> str:
        given = [n for n in (a, b) if raw.get(n)]
        if len(given) != 1:
            raise ConfigError(f"{where.at(table)}: [{'.'.join(table)}] needs exactly one of {a} or {b}")
        return given[0]

    def env(name: str) -> str | None:
        value = raw.get(name)
        if value is not None and not _ENV_RE.match(value):
            raise ConfigError(f"{where.at(table, name)}: {name} = {value!r} is not an environment variable name")
        return value or None

    def file(name: str) -> Path | None:
        value = raw.get(name)
        if not value:
            return None
        path = Path(os.path.expanduser(value))
        return path if path.is_absolute() else base / path

    one_of("api_key", "api_key_env")
    if kind == "hmac":
        for wrong in ("private_key_file", "private_key_env"):
            if wrong in raw:
                raise ConfigError(f"{where.at(table, wrong)}: an hmac key has a secret (secret_env or secret_file)")
        if passphrase:
            raise ConfigError(f"{where.at(table, 'passphrase')}: passphrases protect PEM private keys, not hmac")
        one_of("secret_env", "secret_file")
    else:
        for wrong in ("secret_env", "secret_file"):
            if wrong in raw:
                raise ConfigError(
                    f"{where.at(table, wrong)}: an {kind} key is a PEM private key (private_key_file or private_key_env)"
                )
        one_of("private_key_file", "private_key_env")
    return KeySpec(
        type=kind,
        api_key=raw.get("api_key") or None,
        api_key_env=env("api_key_env"),
        secret_env=env("secret_env"),
        secret_file=file("secret_file"),
        private_key_file=file("private_key_file"),
        private_key_env=env("private_key_env"),
        passphrase=passphrase,
    )


class _Locator:
    """Finds the line of a table or key in the TOML text, so messages can say `file:line`."""

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]#]+?)\s*\]\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = _dotted(header.group(1))
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((*table, *_dotted(key.group(1))), number)

    def at(self, table: tuple[str, ...], key: str | None = None) -> str:
        """`file:line` of `key` in `table` (or of the table), or `file [table] key` if not found."""
        wanted = (*table, key) if key else table
        line = self.lines.get(wanted)
        if line is not None:
            return f"{self.path}:{line}"
        while table and table not in self.lines:
            table = table[:-1]
        line = self.lines.get(table)
        where = f":{line}" if line else ""
        return f"{self.path}{where} ({'.'.join(wanted)})" if wanted else str(self.path)

    def no_unknown(self, raw: dict[str, Any], table: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        for name in raw:
            if name not in allowed:
                section = f"[{'.'.join(table)}]" if table else "the top level"
                raise ConfigError(
                    f"{self.at(table, name)}: unknown key {name!r} in {section}; expected one of {', '.join(allowed)}"
                )

    def boolean(self, raw: dict[str, Any], table: tuple[str, ...], name: str, default: bool) -> bool:
        value = raw.get(name, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.at(table, name)}: {name} must be true or false, not {value!r}")
        return value


def _dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


# --- writing ---------------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """`value` as a TOML basic string."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically as a 0600 file, creating its directory 0700."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def write_default_config(path: Path | None = None) -> Path:
    """Create the commented default config file (0600, in a 0700 dir) unless it exists."""
    path = Path(path) if path is not None else config_path()
    if not path.exists():
        write_private_text(path, DEFAULT_CONFIG)
    return path


def render_key(spec: KeySpec, base: Path) -> str:
    """The `[profiles.NAME.key]` body lines for `spec` (paths under `base` written relative to it)."""

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(base))
        except ValueError:
            return str(p)

    lines = [f"type = {toml_string(spec.type)}"]
    if spec.api_key:
        lines.append(f"api_key = {toml_string(spec.api_key)}")
    for name in ("api_key_env", "secret_env", "private_key_env"):
        value = getattr(spec, name)
        if value:
            lines.append(f"{name} = {toml_string(value)}")
    for name in ("secret_file", "private_key_file"):
        value = getattr(spec, name)
        if value is not None:
            lines.append(f"{name} = {toml_string(rel(value))}")
    if spec.type != "hmac":
        lines.append(f"passphrase = {'true' if spec.passphrase else 'false'}")
    return "\n".join(lines) + "\n"


def record_key(profile: str, spec: KeySpec, path: Path | None = None) -> Config:
    """Write `spec` as `[profiles.<profile>.key]` into the config file, keeping everything else.

    Replaces an existing key table of that profile, or adds one after the profile's last table.
    The result is parsed before it is written, so a failed edit leaves the file as it was.
    """
    path = Path(path) if path is not None else config_path()
    config = load_config(path)
    if profile not in config.profiles or config.profiles[profile].embedded:
        raise ConfigError(f"{path}: profile {profile!r} is not a venue profile in this file; add [profiles.{profile}]")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    headers = [(i, _dotted(m.group(1))) for i, line in enumerate(lines) if (m := _Locator._HEADER.match(line))]
    body = render_key(spec, path.parent)
    key_table = ("profiles", profile, "key")
    mine = [i for i, table in headers if table[:2] == ("profiles", profile)]
    if not mine:
        raise ConfigError(f"{path}: profile {profile!r} has no [profiles.{profile}] table to add the key to")
    existing = [i for i, table in headers if table == key_table]

    def section_end(start: int) -> int:
        """After the table's last setting: comments and blank lines that follow stay below it."""
        later = [i for i, _ in headers if i > start]
        end = later[0] if later else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return end

    if existing:
        start = existing[0]
        lines[start + 1 : section_end(start)] = [body]
    else:
        end = section_end(mine[-1])
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        follows = end < len(lines) and lines[end].strip() != ""
        lines[end:end] = [f"\n[profiles.{profile}.key]\n", body, *(["\n"] if follows else [])]
    text = "".join(lines)
    try:
        new = parse_config(text, path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: could not record the key automatically ({exc}); edit the file by hand") from None
    write_private_text(path, text)
    return new


DEFAULT_CONFIG = """\
# binance-tui configuration: one [profiles.NAME] table per venue you trade on.
# Created on first run; edit freely. Pick one with `python -m tui --profile NAME`.
#
# KEYS NEVER GO IN THIS FILE. A profile's [profiles.NAME.key] table names where the key is:
#   type = "ed25519" | "rsa" | "hmac"      (Binance recommends ed25519)
#   api_key = "..."  or  api_key_env = "VARIABLE"   (the API key itself is not a secret)
#   ed25519 / rsa:  private_key_file = "keys/NAME-ed25519.pem"   (PEM; relative to this file)
#                   or private_key_env = "VARIABLE"               (PEM text in a variable)
#                   passphrase = true   when the PEM is encrypted; it is asked at start and
#                                       kept in memory only
#   hmac:           secret_env = "VARIABLE"  or  secret_file = "path"
# Key files must be readable by you alone (chmod 600); others are refused.
# `python -m tui keys --profile NAME` creates an encrypted Ed25519 key pair, shows the public
# key to register on Binance, records the API key here and checks it with account.status.
#
# Per-profile flags:
#   embedded = true        the built-in exchange simulator (offline; its own demo keys)
#   live = true            real money: shown differently on screen. Inferred from the URLs
#                          (binance.com hosts other than demo-*) when left out.
#   read_only = true       hide and refuse every trading action (orders, cancels, transfers)
#   confirm_orders = true  ask before sending every order (set false to skip, per profile)
#
# [profiles.NAME.endpoints]: rest, ws_api, streams are required; futures_rest (USD-M history
# exports), options_rest and options_streams are optional; "" means the venue has none.

default_profile = "demo"

[profiles.demo]
description = "The embedded exchange simulator: offline, synthetic market, demo keys"
embedded = true
read_only = false
confirm_orders = true

[profiles.testnet]
description = "Binance Spot Test Network (testnet.binance.vision): free test funds"
live = false
read_only = false
confirm_orders = true

[profiles.testnet.endpoints]
rest = "https://testnet.binance.vision"
ws_api = "wss://ws-api.testnet.binance.vision/ws-api/v3"
streams = "wss://stream.testnet.binance.vision"
futures_rest = "https://testnet.binancefuture.com"
# The options API documentation names https://testnet.binanceops.com as its test REST base; set
# both options URLs to use it.
options_rest = ""
options_streams = ""

# [profiles.testnet.key]
# type = "ed25519"
# api_key = "paste the API key Binance shows after you register the public key"
# private_key_file = "keys/testnet-ed25519.pem"
# passphrase = true

[profiles.demo-mode]
description = "Binance Demo Trading (demo.binance.com): real market data, simulated funds"
live = false
read_only = false
confirm_orders = true

[profiles.demo-mode.endpoints]
rest = "https://demo-api.binance.com"
ws_api = "wss://demo-ws-api.binance.com/ws-api/v3"
streams = "wss://demo-stream.binance.com"
futures_rest = "https://demo-fapi.binance.com"
options_rest = ""
options_streams = ""

# [profiles.demo-mode.key]
# type = "ed25519"
# api_key_env = "BINANCE_DEMO_API_KEY"
# private_key_file = "keys/demo-mode-ed25519.pem"
# passphrase = true

[profiles.live]
description = "Binance (real money)"
live = true
read_only = false
confirm_orders = true

[profiles.live.endpoints]
rest = "https://api.binance.com"
ws_api = "wss://ws-api.binance.com:443/ws-api/v3"
streams = "wss://stream.binance.com:9443"
futures_rest = "https://fapi.binance.com"
# The console's options client speaks the /api/v1 options API; fill these in for a venue that
# serves it.
options_rest = ""
options_streams = ""

# [profiles.live.key]
# type = "ed25519"
# api_key = "..."
# private_key_file = "keys/live-ed25519.pem"
# passphrase = true

# A custom profile, e.g. a `python -m tui sim` running elsewhere, watched without trading:
# [profiles.lab]
# read_only = true
# [profiles.lab.endpoints]
# rest = "http://127.0.0.1:8080"
# ws_api = "ws://127.0.0.1:8080/ws-api/v3"
# streams = "ws://127.0.0.1:8080"
# [profiles.lab.key]
# type = "hmac"
# api_key_env = "LAB_API_KEY"
# secret_env = "LAB_SECRET_KEY"
"""
