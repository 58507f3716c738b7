"""The screens' common base: the typed way to the app (`console`), asking a modal from a worker, and
the one place a failed worker becomes a message on screen.

Textual hands a worker's state changes to the node that runs it and nowhere else (they do not
bubble), so a screen without a handler loses its workers' failures; deriving from `BaseScreen` (or
`BaseModal`) is what makes them visible.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.worker import Worker, WorkerState

from tui.exchange.errors import ExchangeError

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from tui.screens.common.console import Console

log = logging.getLogger(__name__)

Answer = TypeVar("Answer")


def describe_error(error: BaseException) -> str:
    """An error as a person reads it: the venue's own code and message for exchange errors."""
    if isinstance(error, ExchangeError):
        return f"{error.msg} (code {error.code})"
    return str(error) or type(error).__name__


def report_worker_failure(node: App[Any] | Widget, event: Worker.StateChanged) -> None:
    """Log a worker that ended in an error and show it; the app keeps running."""
    error = event.worker.error
    if event.state is not WorkerState.ERROR or error is None:
        return
    log.error("worker %s failed: %r", event.worker.name, error, exc_info=error)
    node.notify(f"{event.worker.name}: {describe_error(error)}", title="Error", severity="error", timeout=10)


class BaseScreen(Screen[ScreenResultType]):
    """Every full screen of ours: reaches the app through `console`, reports its workers' failures."""

    @property
    def console(self) -> Console:
        """The app's settings and venues, typed (the app is a `TradingApp`, which provides `Console`)."""
        return cast("Console", self.app)

    async def ask(self, modal: Screen[Answer]) -> Answer:
        """Show `modal` and wait for what it dismisses with (only from a worker)."""
        return await self.app.push_screen_wait(modal)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)


class BaseModal(ModalScreen[ScreenResultType], BaseScreen[ScreenResultType]):
    """Every modal of ours: a `BaseScreen` shown over the one below it."""
