"""Reading and validating the config file: TOML in `config_path()` -> `Config` with its profiles.

Errors are `ConfigError`s whose message names the file and the line or key at fault.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.config.default_config import write_default_config
from tui.config.paths import config_path
from tui.config.profiles import DEMO, DEMO_PROFILE, KEY_TYPES, Config, ConfigError, KeySpec, Profile
from tui.config.toml_text import TomlLocator
from tui.exchange.endpoints import Endpoints

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
    where = TomlLocator(text, path)
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


def _profile(name: str, raw: dict[str, Any], where: TomlLocator, base: Path) -> Profile:
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


def _endpoints(raw: Any, table: tuple[str, ...], where: TomlLocator) -> Endpoints:
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


def _key(raw: Any, table: tuple[str, ...], where: TomlLocator, base: Path) -> KeySpec:
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
