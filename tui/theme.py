"""The console's own theme variables ($bid, $ask) and its default dark theme.

Widgets use only variables, never literal colours, so any Textual theme works; themes that don't
define bid/ask get the defaults below.
"""

from __future__ import annotations

from textual.theme import Theme

BID_ASK_DEFAULTS = {"bid": "#2EBD85", "ask": "#F6465D"}

BINANCE_DARK = Theme(
    name="binance-dark",
    primary="#F0B90B",
    secondary="#848E9C",
    accent="#FCD535",
    warning="#F0B90B",
    error="#F6465D",
    success="#2EBD85",
    background="#0B0E11",
    surface="#181A20",
    panel="#1E2329",
    foreground="#EAECEF",
    dark=True,
    variables=dict(BID_ASK_DEFAULTS),
)
