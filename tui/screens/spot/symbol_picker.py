"""Pick a symbol from the exchange's list by keyboard."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.common.base import BaseModal


class SymbolPicker(BaseModal[str | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    DEFAULT_CSS = """
    SymbolPicker { align: center middle; }
    SymbolPicker > Vertical { width: 30; height: auto; max-height: 80%; border: thick $primary; background: $surface; }
    SymbolPicker OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, symbols: list[str], current: str) -> None:
        super().__init__()
        self.symbols = symbols
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Symbol[/b]")
            yield OptionList(*[Option(s, id=s) for s in self.symbols])

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.symbols:
            options.highlighted = self.symbols.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
