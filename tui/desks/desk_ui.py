"""What a desk may ask of the screen that runs it: a modal's answer, a notice, a message to it."""

from __future__ import annotations

from typing import Protocol, TypeVar

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

Answer = TypeVar("Answer")


class DeskUI(Protocol):
    """The screen side of a desk (a `BaseScreen` provides it). `ask` works only from a worker."""

    async def ask(self, modal: Screen[Answer]) -> Answer: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None: ...

    def post_message(self, message: Message) -> bool: ...
