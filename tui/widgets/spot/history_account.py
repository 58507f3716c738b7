"""The account panel: commission rates on one symbol, the unfilled-order counts against their limits, and
the filters that apply to the account on that symbol (myFilters).

Gauges are text (`[████······] 3 of 50`), so they read the same in every theme and over SSH."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from textual.widgets import Static

from tui.domain.money import fmt
from tui.domain.spot.account import AccountCommission, TradeCommissionRates, UnfilledOrderCount
from tui.domain.spot.market import AccountFilters, FilterRule

GAUGE_WIDTH = 20


def percent(rate: Decimal) -> str:
    """A rate as a percentage with 4 decimals: 0.001 -> `0.1000%`."""
    return f"{fmt(rate * 100, 4)}%"


def gauge(count: int, limit: int, width: int = GAUGE_WIDTH) -> str:
    """`[███·················]`: how much of `limit` is used; any use shows at least one block."""
    if limit <= 0:
        return "[" + "?" * width + "]"
    filled = min(width, round(width * count / limit))
    if count > 0:
        filled = max(filled, 1)
    return "[" + "█" * filled + "·" * (width - filled) + "]"


def count_line(c: UnfilledOrderCount) -> str:
    """`orders/10s  [██··················] 3 of 50`."""
    label = f"orders/{c.window}"
    return f"{label:<12}{gauge(c.count, c.limit)} {c.count} of {c.limit}"


def _rates_line(name: str, r: TradeCommissionRates) -> str:
    return f"{name:<10}" + "".join(f"{percent(v):>11}" for v in (r.maker, r.taker, r.buyer, r.seller))


def commission_lines(c: AccountCommission) -> list[str]:
    lines = [
        f"Commission on {c.symbol} (percent of each trade)",
        f"{'rate':<10}" + "".join(f"{h:>11}" for h in ("maker", "taker", "buyer", "seller")),
        _rates_line("standard", c.standard),
        _rates_line("special", c.special),
        _rates_line("tax", c.tax),
    ]
    enabled = "yes" if c.discount_enabled_for_account and c.discount_enabled_for_symbol else "no"
    asset = c.discount_asset or "-"
    lines.append(
        f"discount  {asset} rate {fmt(c.discount, 8)} · in use: {enabled} "
        f"(account {'yes' if c.discount_enabled_for_account else 'no'}, "
        f"symbol {'yes' if c.discount_enabled_for_symbol else 'no'})"
    )
    return lines


def _filter_line(f: FilterRule) -> str:
    fields = " ".join(f"{k} {v.normalize():f}" if isinstance(v, Decimal) else f"{k} {v}" for k, v in f.fields.items())
    return f"  {f.filter_type}: {fields}" if fields else f"  {f.filter_type}"


def filter_lines(filters: AccountFilters) -> list[str]:
    """myFilters as lines: the symbol's filters, then the exchange's and the account's (MAX_ASSET)."""
    lines = [f"Filters on {filters.symbol} for this account (myFilters)"]
    lines += [_filter_line(f) for f in filters.symbol_filters]
    lines += [_filter_line(f) for f in filters.exchange_filters]
    lines += [_filter_line(f) for f in filters.asset_filters] or ["  no asset limits (MAX_ASSET)"]
    return lines


class AccountPanel(Static):
    """Commission rates and unfilled-order gauges; each half shows its own error or loading state."""

    DEFAULT_CSS = """
    AccountPanel { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(markup=False, **kwargs)  # gauges and error texts hold square brackets
        self.commission_text = "Commission: loading…"
        self.counts_text = "Unfilled orders: loading…"
        self.filters_text = "Filters: loading…"

    @property
    def text(self) -> str:
        return f"{self.commission_text}\n\n{self.counts_text}\n\n{self.filters_text}"

    def _show(self) -> None:
        self.update(self.text)

    def show_commission(self, commission: AccountCommission) -> None:
        self.commission_text = "\n".join(commission_lines(commission))
        self._show()

    def show_counts(self, counts: Sequence[UnfilledOrderCount]) -> None:
        lines = ["Unfilled orders (placed in the current window, against the limit)"]
        lines += [count_line(c) for c in counts] or ["no order limits reported"]
        self.counts_text = "\n".join(lines)
        self._show()

    def show_filters(self, filters: AccountFilters) -> None:
        self.filters_text = "\n".join(filter_lines(filters))
        self._show()

    def show_filters_error(self, error: object) -> None:
        self.filters_text = f"Filters: error: {error}. Press r to try again."
        self._show()

    def show_loading(self) -> None:
        self.commission_text = "Commission: loading…"
        self.counts_text = "Unfilled orders: loading…"
        self.filters_text = "Filters: loading…"
        self._show()

    def show_commission_error(self, error: object) -> None:
        self.commission_text = f"Commission: error: {error}. Press r to try again."
        self._show()

    def show_counts_error(self, error: object) -> None:
        self.counts_text = f"Unfilled orders: error: {error}. Press r to try again."
        self._show()
