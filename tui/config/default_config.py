"""The commented config file written on first run, and writing private (0600) files."""

from __future__ import annotations

import os
from pathlib import Path

from tui.config.paths import config_path


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
