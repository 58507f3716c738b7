"""Klines as a sparkline of closes, with the interval, last close and range written out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from tui.domain.money import fmt
from tui.domain.spot.market import Kline


class KlineChart(Widget):
    DEFAULT_CSS = """
    KlineChart { height: 1fr; layout: vertical; }
    KlineChart > #kline-caption { height: 1; color: $text-muted; }
    KlineChart > Sparkline { height: 1fr; }
    KlineChart > Sparkline > .sparkline--max-color { color: $bid; }
    KlineChart > Sparkline > .sparkline--min-color { color: $ask; }
    """

    klines: reactive[tuple[Kline, ...]] = reactive(tuple)
    interval: reactive[str] = reactive("1m")
    price_decimals: reactive[int] = reactive(2)

    def compose(self) -> ComposeResult:
        yield Static(id="kline-caption")
        yield Sparkline([], summary_function=max)

    def watch_klines(self) -> None:
        self._refresh()

    def watch_interval(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        if not self.is_mounted:
            return
        caption = self.query_one("#kline-caption", Static)
        spark = self.query_one(Sparkline)
        width = max(10, self.content_size.width)
        klines = self.klines[-width:]
        if not klines:
            caption.update(Text(f"Klines {self.interval}: loading…"))
            spark.data = []
            return
        low = min(k.low for k in klines)
        high = max(k.high for k in klines)
        last = klines[-1]
        change = (last.close - klines[0].open) / klines[0].open * 100 if klines[0].open else 0
        caption.update(
            Text(
                f"{self.interval} ×{len(klines)}  C {fmt(last.close, self.price_decimals)}  "
                f"H {fmt(high, self.price_decimals)}  L {fmt(low, self.price_decimals)}  {change:+.2f}%"
            )
        )
        # Display only: the sparkline scales floats; nothing here is ever sent.
        base = float(low)
        spark.data = [float(k.close) - base for k in klines]
