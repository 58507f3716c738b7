"""Bottom status line: each connection's state as a word, round trip, clock offset, and the
exchange's request-weight and order-count limits as text gauges (readable without colour)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.common.header_bar import STATE_MARKS

GAUGE_CELLS = 8
COMPACT_BELOW = 110  # columns: below this, short names and the state word only when not live
SHORT_NAMES = {"ws-api": "api", "market": "mkt", "account": "acct", "options-market": "opt", "options-user": "optu"}


@dataclass(frozen=True)
class Gauge:
    label: str
    used: int
    limit: int

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


@dataclass(frozen=True)
class StatusSnapshot:
    states: tuple[tuple[str, str], ...] = ()
    rtt_ms: float | None = None
    offset_ms: float | None = None
    gauges: tuple[Gauge, ...] = ()


def gauge_text(gauge: Gauge, cells: int = GAUGE_CELLS) -> str:
    filled = min(cells, round(gauge.share * cells))
    return f"{gauge.label} {'▮' * filled}{'▯' * (cells - filled)} {gauge.used}/{gauge.limit}"


class StatusBar(Widget):
    COMPONENT_CLASSES = {"status--ok", "status--warn", "status--hot", "status--dim"}

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; }
    StatusBar > .status--ok { color: $success; }
    StatusBar > .status--warn { color: $warning; }
    StatusBar > .status--hot { color: $error; text-style: bold; }
    StatusBar > .status--dim { color: $text-muted; }
    """

    snapshot: reactive[StatusSnapshot] = reactive(StatusSnapshot)

    def render(self) -> Text:
        snap = self.snapshot
        compact = self.size.width < COMPACT_BELOW
        out = Text(no_wrap=True, overflow="ellipsis")
        dim = self.get_component_rich_style("status--dim")
        for name, state in snap.states:
            style = self.get_component_rich_style("status--ok" if state == "live" else "status--warn")
            out.append(f" {SHORT_NAMES.get(name, name) if compact else name} ", style=dim)
            # Compact: "●" alone means live; anything else is spelt out, so no state hides in a colour.
            word = "" if compact and state == "live" else f" {state}"
            out.append(f"{STATE_MARKS.get(state, '?')}{word}", style=style)
            out.append(" │" if not compact else "", style=dim)
        if snap.rtt_ms is not None:
            out.append(f" {snap.rtt_ms:.0f}ms" if compact else f" rtt {snap.rtt_ms:.0f} ms", style=dim)
        if snap.offset_ms is not None:
            out.append(f" {snap.offset_ms:+.0f}" if compact else f" · clock {snap.offset_ms:+.0f} ms │", style=dim)
        for gauge in snap.gauges[:1] if compact else snap.gauges:
            hot = gauge.share >= 0.8
            style = self.get_component_rich_style("status--hot" if hot else "status--dim")
            out.append(" " + gauge_text(gauge, 4 if compact else GAUGE_CELLS) + ("!" if hot else ""), style=style)
        return out
