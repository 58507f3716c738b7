"""What the console needs to start: the venue, the key, the symbols, the profile and its safety flags."""

from __future__ import annotations

from dataclasses import dataclass

from tui.exchange.endpoints import Endpoints


@dataclass(frozen=True)
class Settings:
    """What the console needs to start: which venue, which key, which symbols, which profile.

    The profile fields are for the UI to show and enforce: `profile_name` is always on screen,
    `live` marks real money, `read_only` hides and refuses every trading action (the session's
    signer refuses too: `tui.exchange.signing.check_read_only`), `confirm_orders` asks before each
    order.
    """

    endpoints: Endpoints | None = None  # None: start the embedded exchange
    key_type: str = "ed25519"
    symbols: tuple[str, ...] = ("BTCUSDT", "ETHUSDT", "BNBUSDT")
    seed: int = 7
    profile_name: str = "demo"
    read_only: bool = False
    confirm_orders: bool = True
    live: bool = False
