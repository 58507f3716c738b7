"""What every screen may ask of the app that runs it, as a protocol so screens need not import the app.

`tui.app.TradingApp` provides it (mypy checks that there); a screen reaches it through
`BaseScreen.console`.
"""

from __future__ import annotations

from typing import Protocol

from tui.config.settings import Settings
from tui.exchange.futures.jobs import JobManager
from tui.exchange.options.session import OptionsSession


class Console(Protocol):
    """The profile's settings, whether trading is off, and the venues beyond spot (None: not configured)."""

    settings: Settings
    read_only: bool
    options: OptionsSession | None
    exports: JobManager | None

    async def start_options(self) -> None:
        """Start the options session once, however many times its screen opens."""
        ...
