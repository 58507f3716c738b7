"""Every key, generated from the bindings so it can never fall out of date."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.screens.common.base import BaseModal


def _key_label(key: str) -> str:
    return ", ".join(k.replace("ctrl+", "Ctrl+").replace("shift+", "Shift+") for k in key.split(","))


class HelpScreen(BaseModal[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 72; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        self.table = table = Table(box=None, expand=True, show_header=False)
        table.add_column("Key", style="bold", width=16)
        table.add_column("Action")
        for title, bindings in self.sections:
            table.add_row(f"[u]{title}[/u]", "")
            for binding in bindings:
                if binding.description:
                    table.add_row(_key_label(binding.key_display or binding.key), binding.description)
            table.add_row("", "")
        table.add_row("Ctrl+P", "Command palette: every action by name")
        with VerticalScroll():
            yield Static("[b]Keys[/b]  (escape closes)")
            yield Static(table)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
