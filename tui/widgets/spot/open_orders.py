"""Open orders as a cursor-navigable table; the highlighted row is what `cancel` acts on."""

from __future__ import annotations

from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.domain.money import fmt
from tui.domain.spot.orders import Order


def _plain(value) -> str:  # type: ignore[no-untyped-def]
    return fmt(value, 8).rstrip("0").rstrip(".")


def _price(order: Order) -> str:
    """What the order works at: a pegged order's pegged price (marked), else its limit; MARKET if none."""
    if order.is_pegged:
        price = order.working_price
        return f"{_plain(price)} peg" if price else "peg"
    return _plain(order.price) if order.price else "MARKET"


class OpenOrdersTable(DataTable[str]):
    DEFAULT_CSS = """
    OpenOrdersTable { height: 1fr; }
    """

    COLUMNS = ("Symbol", "Side", "Type", "Price", "Stop", "Qty", "Filled", "Status", "Id", "List")

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._orders: dict[str, Order] = {}
        # Set when the order the person had highlighted disappeared (filled, cancelled elsewhere):
        # the cursor then sits on some other row the person did not choose, so nothing is
        # "selected" until they move the cursor themselves.
        self._selection_lost = False

    def on_mount(self) -> None:
        for name in self.COLUMNS:
            self.add_column(name, key=name)

    @property
    def selected_order(self) -> Order | None:
        if self._selection_lost or not self._orders or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return self._orders.get(key or "")

    def show(self, orders: tuple[Order, ...]) -> None:
        """Replace the rows with `orders`, keeping the cursor on the same order where it survives."""
        selected = self.selected_order
        # Legs of one order list sit together (under the list's first leg), each marked with the list.
        first_seen: dict[int, tuple[int, int]] = {}
        for o in sorted(orders, key=lambda o: (o.time, o.order_id)):
            if o.order_list_id >= 0:
                first_seen.setdefault(o.order_list_id, (o.time, o.order_id))
        ordered = sorted(
            orders,
            key=lambda o: (o.symbol, *(first_seen.get(o.order_list_id, (o.time, o.order_id))), o.order_id),
        )
        self._orders = {str(o.order_id): o for o in ordered}
        self.clear()
        for order in ordered:
            side = "▲ BUY" if order.side == "BUY" else "▼ SELL"
            self.add_row(
                order.symbol,
                side,
                order.type,
                _price(order),
                _plain(order.stop_price) if order.stop_price else ("trail" if order.trailing_delta else ""),
                fmt(order.orig_qty, 8).rstrip("0").rstrip("."),
                fmt(order.executed_qty, 8).rstrip("0").rstrip(".") or "0",
                order.status,
                str(order.order_id),
                f"└ list #{order.order_list_id}" if order.order_list_id >= 0 else "",
                key=str(order.order_id),
            )
        if selected is not None and str(selected.order_id) in self._orders:
            self.move_cursor(row=self.get_row_index(str(selected.order_id)))
        elif selected is not None:
            self._selection_lost = True

    def _chosen(self) -> None:
        self._selection_lost = False

    # Only the person's own cursor moves make a row "selected" again.
    def action_cursor_up(self) -> None:
        self._chosen()
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        self._chosen()
        super().action_cursor_down()

    def action_page_up(self) -> None:
        self._chosen()
        super().action_page_up()

    def action_page_down(self) -> None:
        self._chosen()
        super().action_page_down()

    def action_scroll_top(self) -> None:
        self._chosen()
        super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        self._chosen()
        super().action_scroll_bottom()

    async def _on_click(self, event: events.Click) -> None:
        self._chosen()
        await super()._on_click(event)
