"""History tables: a status line over a row table, and the rows for orders, our trades, order lists,
amendments, prevented matches and SOR allocations. Rendering only; the history screen fetches and hands rows in."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.domain.money import fmt
from tui.domain.spot.account import AccountTrade
from tui.domain.spot.orders import Order, OrderAmendment, OrderList, PreventedMatch
from tui.domain.spot.sor import Allocation


def counted(n: int, noun: str) -> str:
    """`1 order`, `3 orders`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def clock(ms: int) -> str:
    """Epoch ms as `MM-DD HH:MM:SS` UTC (short enough for 80 columns)."""
    return time.strftime("%m-%d %H:%M:%S", time.gmtime(ms / 1000)) if ms > 0 else ""


def plain(value: Decimal, places: int = 8) -> str:
    """`value` cut to `places` decimals without trailing zeros (`0.00100000` -> `0.001`)."""
    text = fmt(value, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Precision:
    """How many decimals prices and quantities of the symbol show with."""

    price: int = 8
    qty: int = 8


# The columns a person needs most come first: at 80 columns the rest scroll into view sideways.
ORDER_COLUMNS = ("Id", "Time", "Side", "Type", "Status", "Price", "Qty", "Filled", "Avg")
TRADE_COLUMNS = ("Time", "Side", "Price", "Qty", "Commission", "Role", "Quote", "Order", "Trade")
LIST_COLUMNS = ("List", "Time", "Symbol", "Type", "Status", "Legs")
AMENDMENT_COLUMNS = ("Exec id", "Time", "Qty before", "Qty after", "Client id after")
PREVENTED_COLUMNS = ("Match", "Time", "Mode", "Price", "Taker order", "Maker order", "Taker qty", "Maker qty")
ALLOCATION_COLUMNS = ("Alloc", "Time", "Side", "Price", "Qty", "Quote", "Commission", "Order", "Role", "Type")


def order_row(o: Order, p: Precision) -> tuple[str, ...]:
    price = fmt(o.price, p.price) if o.price else ("MARKET" if o.type == "MARKET" else "")
    if o.stop_price:
        price = f"{price} stop {fmt(o.stop_price, p.price)}".strip()
    avg = fmt(o.avg_price, p.price) if o.executed_qty else ""
    return (
        str(o.order_id),
        clock(o.time),
        o.side,
        o.type,
        o.status,
        price,
        fmt(o.orig_qty, p.qty),
        fmt(o.executed_qty, p.qty),
        avg,
    )


def trade_row(t: AccountTrade, p: Precision) -> tuple[str, ...]:
    return (
        clock(t.time),
        str(t.side),
        fmt(t.price, p.price),
        fmt(t.qty, p.qty),
        f"{plain(t.commission)} {t.commission_asset}",
        "maker" if t.is_maker else "taker",
        plain(t.quote_qty),
        str(t.order_id),
        str(t.id),
    )


def list_row(lst: OrderList, legs: Mapping[int, Order]) -> tuple[str, ...]:
    """`legs`: orders we already know by id, to show each leg's type and status; unknown legs show their id."""

    def leg(order_id: int) -> str:
        o = legs.get(order_id)
        return f"#{order_id} {o.type} {o.status}" if o is not None else f"#{order_id}"

    status = (
        lst.list_order_status if lst.reject_reason in ("", "NONE") else f"{lst.list_order_status} {lst.reject_reason}"
    )
    return (
        str(lst.order_list_id),
        clock(lst.transaction_time),
        lst.symbol,
        lst.contingency_type,
        status,
        ", ".join(leg(oid) for oid, _ in lst.order_ids),
    )


def amendment_row(a: OrderAmendment, p: Precision) -> tuple[str, ...]:
    return (str(a.execution_id), clock(a.time), fmt(a.orig_qty, p.qty), fmt(a.new_qty, p.qty), a.new_client_order_id)


def prevented_row(m: PreventedMatch, p: Precision) -> tuple[str, ...]:
    return (
        str(m.prevented_match_id),
        clock(m.time),
        m.mode,
        fmt(m.price, p.price),
        str(m.taker_order_id),
        str(m.maker_order_id),
        fmt(m.taker_prevented_qty, p.qty),
        fmt(m.maker_prevented_qty, p.qty),
    )


def allocation_row(a: Allocation, p: Precision) -> tuple[str, ...]:
    """One myAllocations row; Role says maker or taker (and allocator when the account was the router)."""
    role = "maker" if a.is_maker else "taker"
    if a.is_allocator:
        role += ", allocator"
    return (
        str(a.allocation_id),
        clock(a.time),
        str(a.side),
        fmt(a.price, p.price),
        fmt(a.qty, p.qty),
        plain(a.quote_qty),
        f"{plain(a.commission)} {a.commission_asset}",
        str(a.order_id),
        role,
        a.allocation_type,
    )


class HistoryPane(Vertical):
    """One history tab's body: a status line (loading, error, empty, what is shown) over a table.

    Errors are words on the status line ("Error: ..."), not only a colour."""

    DEFAULT_CSS = """
    HistoryPane { height: 1fr; }
    HistoryPane > .history-status { height: auto; padding: 0 1; color: $text-muted; }
    HistoryPane > .history-status.-error { color: $error; }
    HistoryPane > DataTable { height: 1fr; }
    """

    def __init__(self, columns: Sequence[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.columns = tuple(columns)
        self.status_text = ""
        self.rows: tuple[tuple[str, ...], ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(classes="history-status", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True)

    @property
    def table(self) -> DataTable[str]:
        return self.query_one(DataTable)

    def on_mount(self) -> None:
        for name in self.columns:
            self.table.add_column(name, key=name)

    def _status(self, text: str, *, error: bool = False) -> None:
        self.status_text = text
        status = self.query_one(".history-status", Static)
        status.set_class(error, "-error")
        status.update(text)

    def show_loading(self, what: str) -> None:
        self._status(f"Loading {what}…")

    def show_message(self, text: str) -> None:
        """A status without rows (e.g. nothing selected yet)."""
        self.rows = ()
        self.table.clear()
        self._status(text)

    def show_error(self, what: str, error: object) -> None:
        """Keep whatever rows were shown; say plainly that refreshing them failed."""
        self._status(f"Error loading {what}: {error}. Press r to try again.", error=True)

    def show_rows(self, rows: Iterable[tuple[str, ...]], keys: Iterable[str], *, summary: str, empty: str) -> None:
        """Replace the rows, keeping the cursor on the same key where it survives."""
        table = self.table
        rows, keys = tuple(rows), tuple(keys)
        current = self.current_key
        table.clear()
        for row, key in zip(rows, keys, strict=True):
            table.add_row(*row, key=key)
        self.rows = rows
        if current is not None and current in keys:
            table.move_cursor(row=keys.index(current))
        self._status(summary if rows else empty)

    @property
    def current_key(self) -> str | None:
        """Row key under the cursor, if any row is shown."""
        table = self.table
        if not self.rows or not 0 <= table.cursor_row < table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
