"""Where a venue lives: the base URLs of each API, as a profile (or the embedded exchange) gives them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoints:
    """Where one spot venue lives: REST base, WebSocket API and market-stream base URLs."""

    rest: str
    ws_api: str
    streams: str
    futures_rest: str | None = None  # USD-M futures REST base (history exports); None: not available
    options_rest: str | None = None  # European options REST base (`/api/v1/...`); None: not available
    options_streams: str | None = None  # options market + user streams base
