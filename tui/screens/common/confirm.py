"""A yes/no confirmation modal: enter or y confirms, escape or n declines."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.screens.common.base import BaseModal


class ConfirmScreen(BaseModal[bool]):
    """Asks before anything irreversible. Focus starts on Back, so Enter alone never confirms:
    `y` (or Tab to the confirm button, then Enter) does."""

    BINDINGS = [
        Binding("y", "answer(True)", "Confirm"),
        Binding("n,escape", "answer(False)", "Back"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmScreen #question { height: auto; }
    ConfirmScreen #keys { height: auto; color: $text-muted; padding-top: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; padding-top: 1; }
    ConfirmScreen Button { margin-left: 1; }
    """

    def __init__(self, question: str, title: str = "Send this order?", confirm_label: str = "Send") -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble((self.title_text, "bold"), "\n\n", self.question), id="question")
            # Said in words: the buttons' own labels can be cut short in a narrow terminal.
            yield Static(f"y: {self.confirm_label.lower()}  ·  n or escape: back", id="keys")
            with Horizontal():
                yield Button("Back [n]", compact=True, id="no")
                yield Button(f"{self.confirm_label} [y]", variant="warning", compact=True, id="yes")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
