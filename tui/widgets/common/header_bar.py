"""Top line: symbol, last price, 24h change and the venue (connection states are in the status bar)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.domain.money import fmt
from tui.domain.spot.market import Ticker24h

STATE_MARKS = {
    "live": "●",
    "connecting": "○",
    "syncing": "◐",
    "resyncing": "◐",
    "reconnecting": "◌",
    "stale": "◌",
    "closed": "✕",
    "error": "✕",
}


class HeaderBar(Widget):
    COMPONENT_CLASSES = {
        "header--up",
        "header--down",
        "header--ok",
        "header--warn",
        "header--symbol",
        "header--dim",
        "header--live",
    }

    DEFAULT_CSS = """
    HeaderBar { height: 1; background: $panel; }
    HeaderBar > .header--up { color: $bid; }
    HeaderBar > .header--down { color: $ask; }
    HeaderBar > .header--ok { color: $success; }
    HeaderBar > .header--warn { color: $warning; }
    HeaderBar > .header--symbol { text-style: bold; color: $accent; }
    HeaderBar > .header--dim { color: $text-muted; }
    HeaderBar > .header--live { background: $error; color: $background; text-style: bold; }
    HeaderBar.live { background: $error 30%; }
    """

    symbol: reactive[str] = reactive("")
    ticker: reactive[Ticker24h | None] = reactive(None)
    venue: reactive[str] = reactive("")
    profile: reactive[str] = reactive("")
    live: reactive[bool] = reactive(False)
    read_only: reactive[bool] = reactive(False)
    price_decimals: reactive[int] = reactive(2)

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f" {self.symbol} ", style=self.get_component_rich_style("header--symbol"))
        tick = self.ticker
        if tick is not None and tick.symbol == self.symbol:
            up = tick.price_change >= 0
            style = self.get_component_rich_style("header--up" if up else "header--down")
            out.append(fmt(tick.last_price, self.price_decimals), style=style)
            out.append(f" {'▲' if up else '▼'}{tick.price_change_percent:+.2f}% ", style=style)
            out.append(
                f"H {fmt(tick.high, self.price_decimals)} L {fmt(tick.low, self.price_decimals)} ",
                style=self.get_component_rich_style("header--dim"),
            )
        else:
            out.append("–  ", style=self.get_component_rich_style("header--dim"))
        if self.profile:
            label = f" {self.profile.upper()} · REAL MONEY " if self.live else f" {self.profile} "
            out.append("│", style=self.get_component_rich_style("header--dim"))
            out.append(label, style=self.get_component_rich_style("header--live" if self.live else "header--dim"))
        if self.read_only:
            out.append("│ READ-ONLY ", style=self.get_component_rich_style("header--warn"))
        if self.venue:
            out.append(f"│ {self.venue} ", style=self.get_component_rich_style("header--dim"))
        return out
