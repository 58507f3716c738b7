"""Where the app keeps its files. Paths are functions, not constants, so tests (and users) can relocate them.

`BINANCE_TUI_HOME`, when set, puts every file the app writes (data, config, downloads) under one
directory; the test-suite uses it to keep each run away from the user's real files.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "binance-tui"


def _home_override() -> Path | None:
    value = os.environ.get("BINANCE_TUI_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    """Where the app keeps its state (demo keys, job lists)."""
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def config_path() -> Path:
    """The TOML file with the profiles (created with comments on first run; see tui/config/default_config.py)."""
    return config_dir() / "config.toml"


def keys_dir() -> Path:
    """Where `python -m tui keys` puts generated key pairs (0700 dir, 0600 private key files)."""
    return config_dir() / "keys"


def export_jobs_path() -> Path:
    """The futures export job list, kept across restarts."""
    return data_dir() / "export-jobs.json"


def downloads_dir() -> Path:
    """Where exported files are saved: the user's downloads dir (under BINANCE_TUI_HOME in tests)."""
    home = _home_override()
    return home / "downloads" if home else Path(platformdirs.user_downloads_dir())


def demo_keys_dir() -> Path:
    """Demo API keys of all three types for the embedded exchange (0700 dir, 0600 files)."""
    return data_dir() / "demo-keys"
