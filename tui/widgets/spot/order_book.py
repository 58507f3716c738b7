"""The order book ladder: asks above, spread, bids below, with size bars."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.domain.money import fmt
from tui.messages import BookUpdated

BAR = "█"
HALF = "▌"


class OrderBookView(Widget):
    """Renders a `BookUpdated` snapshot; the feed decides how often that changes."""

    COMPONENT_CLASSES = {
        "order-book--bid",
        "order-book--ask",
        "order-book--bid-bar",
        "order-book--ask-bar",
        "order-book--dim",
    }

    DEFAULT_CSS = """
    OrderBookView { height: 1fr; }
    OrderBookView > .order-book--bid { color: $bid; }
    OrderBookView > .order-book--ask { color: $ask; }
    OrderBookView > .order-book--bid-bar { color: $bid 35%; }
    OrderBookView > .order-book--ask-bar { color: $ask 35%; }
    OrderBookView > .order-book--dim { color: $text-muted; }
    """

    snapshot: reactive[BookUpdated | None] = reactive(None)
    price_decimals: reactive[int] = reactive(2)
    qty_decimals: reactive[int] = reactive(5)
    own_prices: reactive[frozenset[Decimal]] = reactive(frozenset)
    """Prices where the account has open orders on this symbol: marked ◆ in the ladder."""

    def render(self) -> Text:
        snap = self.snapshot
        height = max(3, self.content_size.height)
        width = max(20, self.content_size.width)
        if snap is None or (not snap.bids and not snap.asks):
            state = snap.state if snap else "connecting"
            return Text(f"Order book: {state}…", style=self.get_component_rich_style("order-book--dim"))
        rows_each = max(1, (height - 1) // 2)
        asks = list(snap.asks[:rows_each])
        bids = list(snap.bids[:rows_each])
        biggest = max((q for _, q in asks + bids), default=Decimal(1)) or Decimal(1)
        pw = max(len(fmt(p, self.price_decimals)) for p, _ in asks + bids)
        qw = max(len(fmt(q, self.qty_decimals)) for _, q in asks + bids)
        bar_w = max(0, width - pw - qw - 4)
        out = Text(no_wrap=True, overflow="crop")
        ask_style = self.get_component_rich_style("order-book--ask")
        bid_style = self.get_component_rich_style("order-book--bid")
        for _ in range(rows_each - len(asks)):
            out.append("\n")
        for price, qty in reversed(asks):
            self._row(out, price, qty, biggest, pw, qw, bar_w, ask_style, "order-book--ask-bar")
        out.append(self._spread_line(snap, width), style=self.get_component_rich_style("order-book--dim"))
        out.append("\n")
        for price, qty in bids:
            self._row(out, price, qty, biggest, pw, qw, bar_w, bid_style, "order-book--bid-bar")
        return out

    def _row(self, out: Text, price, qty, biggest, pw: int, qw: int, bar_w: int, style, bar_class: str) -> None:  # type: ignore[no-untyped-def]
        out.append("◆" if price in self.own_prices else " ", style=style)
        out.append(fmt(price, self.price_decimals).rjust(pw), style=style)
        out.append(" ")
        out.append(fmt(qty, self.qty_decimals).rjust(qw))
        out.append(" ")
        cells = float(qty / biggest) * bar_w  # display only: bar length, never sent anywhere
        whole = int(cells)
        out.append(BAR * whole + (HALF if cells - whole >= 0.5 else ""), style=self.get_component_rich_style(bar_class))
        out.append("\n")

    def _spread_line(self, snap: BookUpdated, width: int) -> str:
        if snap.bids and snap.asks:
            bid, ask = snap.bids[0][0], snap.asks[0][0]
            spread = ask - bid
            bps = spread / ((ask + bid) / 2) * 10000
            text = f"spread {fmt(spread, self.price_decimals)} ({bps:.1f} bp)"
        else:
            text = "spread –"
        if snap.state != "live":
            text += f"  [{snap.state}]"
        return text.center(width)[:width]
