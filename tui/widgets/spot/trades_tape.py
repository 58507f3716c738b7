"""The public trades tape, newest first; the arrow says who took liquidity, colour only repeats it."""

from __future__ import annotations

import time

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.domain.money import fmt
from tui.domain.spot.market import Trade
from tui.domain.spot.orders import Side


class TradesTape(Widget):
    COMPONENT_CLASSES = {"trades--buy", "trades--sell", "trades--dim"}

    DEFAULT_CSS = """
    TradesTape { height: 1fr; }
    TradesTape > .trades--buy { color: $bid; }
    TradesTape > .trades--sell { color: $ask; }
    TradesTape > .trades--dim { color: $text-muted; }
    """

    trades: reactive[tuple[Trade, ...]] = reactive(tuple)
    price_decimals: reactive[int] = reactive(2)
    qty_decimals: reactive[int] = reactive(5)

    def render(self) -> Text:
        if not self.trades:
            return Text("Waiting for trades…", style=self.get_component_rich_style("trades--dim"))
        out = Text(no_wrap=True, overflow="crop")
        dim = self.get_component_rich_style("trades--dim")
        for trade in self.trades[: max(1, self.content_size.height)]:
            buy = trade.aggressor is Side.BUY
            style = self.get_component_rich_style("trades--buy" if buy else "trades--sell")
            out.append("▲ " if buy else "▼ ", style=style)
            out.append(fmt(trade.price, self.price_decimals), style=style)
            out.append(" ")
            out.append(fmt(trade.qty, self.qty_decimals))
            out.append(" " + time.strftime("%H:%M:%S", time.gmtime(trade.time / 1000)), style=dim)
            out.append("\n")
        return out
