"""An exported CSV as a table: parse, sort by a column (numbers as numbers), filter rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class CsvTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def parse_csv(text: str) -> CsvTable:
    """One header row, then data rows; short rows are padded so every row has every column."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        headers = tuple(h.strip() for h in next(reader))
    except StopIteration:
        raise ValueError("the file is empty") from None
    if not any(headers):
        raise ValueError("the file has no header row")
    width = len(headers)
    rows = tuple(tuple((row + [""] * width)[:width]) for row in reader if row)
    return CsvTable(headers, rows)


def _sort_key(value: str) -> tuple[int, Decimal | str]:
    try:
        return (0, Decimal(value.replace(",", "")))
    except InvalidOperation:
        return (1, value.casefold())


def sort_rows(table: CsvTable, column: int, *, descending: bool = False) -> CsvTable:
    """Stable sort by one column; numbers compare as Decimals, text case-insensitively after them."""
    rows = sorted(table.rows, key=lambda row: _sort_key(row[column]), reverse=descending)
    return CsvTable(table.headers, tuple(rows))


def filter_rows(table: CsvTable, query: str) -> CsvTable:
    """`text` keeps rows containing it anywhere; `column=value` keeps rows whose column contains it.

    Matching ignores case. An unknown column name is an error, not an empty result.
    """
    query = query.strip()
    if not query:
        return table
    column: int | None = None
    needle = query
    if "=" in query:
        name, needle = (part.strip() for part in query.split("=", 1))
        lowered = [h.casefold() for h in table.headers]
        if name.casefold() not in lowered:
            raise ValueError(f"no column named {name!r}; columns are: {', '.join(table.headers)}")
        column = lowered.index(name.casefold())
    needle = needle.casefold()
    if column is None:
        rows = tuple(row for row in table.rows if any(needle in cell.casefold() for cell in row))
    else:
        rows = tuple(row for row in table.rows if needle in row[column].casefold())
    return CsvTable(table.headers, rows)
