"""A downloaded export opened as a table: sort by the column under the cursor, filter by text."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tui.domain.futures.csv_table import CsvTable, filter_rows, parse_csv, sort_rows


class CsvTableScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("s", "sort", "Sort by column"),
        Binding("slash", "filter", "Filter", key_display="/"),
    ]

    DEFAULT_CSS = """
    CsvTableScreen { layout: vertical; }
    CsvTableScreen #csv-title { height: 1; background: $panel; padding: 0 1; }
    CsvTableScreen #csv-filter { height: 1; }
    CsvTableScreen DataTable { height: 1fr; }
    """

    def __init__(self, table: CsvTable, title: str) -> None:
        super().__init__()
        self.table = table
        self.view = table
        self.title_text = title
        self.sort_column: int | None = None
        self.descending = False

    @classmethod
    def from_file(cls, path: str | Path, title: str) -> CsvTableScreen:
        return cls(parse_csv(Path(path).read_text(encoding="utf-8")), title)

    def compose(self) -> ComposeResult:
        yield Static(id="csv-title")
        yield Input(
            placeholder="filter: text, or column=value (enter applies, escape leaves)", compact=True, id="csv-filter"
        )
        yield DataTable(cursor_type="cell", zebra_stripes=True, id="csv")
        yield Footer()

    def on_mount(self) -> None:
        grid = self.query_one(DataTable)
        for header in self.table.headers:
            grid.add_column(header)
        self._fill()
        grid.focus()

    def _fill(self) -> None:
        grid = self.query_one(DataTable)
        column = grid.cursor_column  # clear() resets the cursor; the person's column must stay
        grid.clear()
        grid.add_rows(self.view.rows)
        grid.move_cursor(row=0, column=column)
        order = ""
        if self.sort_column is not None:
            order = f" · sorted by {self.table.headers[self.sort_column]} {'↓' if self.descending else '↑'}"
        self.query_one("#csv-title", Static).update(
            f"{self.title_text} · {len(self.view.rows)} of {len(self.table.rows)} rows{order}"
        )

    def _apply(self) -> None:
        query = self.query_one("#csv-filter", Input).value
        try:
            view = filter_rows(self.table, query)
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        if self.sort_column is not None:
            view = sort_rows(view, self.sort_column, descending=self.descending)
        self.view = view
        self._fill()

    def action_sort(self) -> None:
        column = self.query_one(DataTable).cursor_column
        self.descending = not self.descending if self.sort_column == column else False
        self.sort_column = column
        self._apply()

    def action_filter(self) -> None:
        self.query_one("#csv-filter", Input).focus()

    @on(Input.Submitted, "#csv-filter")
    def _filter_submitted(self) -> None:
        self._apply()
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        if self.focused is self.query_one("#csv-filter", Input):
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()
