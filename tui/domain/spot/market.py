"""Public market data and account filters as immutable values: trade prints, klines and 24h tickers,
trades from the trade history, aggregate trades, window tickers (rolling window and trading day), price tickers, and the filters
that apply to an account on a symbol (myFilters). Prices and quantities are Decimal; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from tui.domain.spot.orders import Side

FilterValue = Decimal | int | bool | str


@dataclass(frozen=True)
class MarketTrade:
    """One public trade from trades.recent / trades.historical."""

    trade_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    time: int
    buyer_is_maker: bool
    best_match: bool = True

    @property
    def aggressor(self) -> Side:
        """The side that took liquidity: a buyer-maker trade was a sell hitting the bid."""
        return Side.SELL if self.buyer_is_maker else Side.BUY


@dataclass(frozen=True)
class AggTrade:
    """One aggregate trade: consecutive fills of one taker order at one price."""

    agg_id: int
    price: Decimal
    qty: Decimal
    first_trade_id: int
    last_trade_id: int
    time: int
    buyer_is_maker: bool
    best_match: bool = True

    @property
    def trade_count(self) -> int:
        return self.last_trade_id - self.first_trade_id + 1 if self.first_trade_id >= 0 else 0


@dataclass(frozen=True)
class WindowTicker:
    """Price change statistics over a window: the rolling `ticker` or `ticker.tradingDay`.

    The change and weighted average are None for a MINI ticker, which does not carry them. Ids are
    -1 when no trade with an id fell in the window."""

    symbol: str
    open_price: Decimal
    high: Decimal
    low: Decimal
    last_price: Decimal
    volume: Decimal
    quote_volume: Decimal
    open_time: int
    close_time: int
    first_id: int
    last_id: int
    count: int
    price_change: Decimal | None = None
    price_change_percent: Decimal | None = None
    weighted_avg_price: Decimal | None = None

    @property
    def mini(self) -> bool:
        return self.price_change is None


@dataclass(frozen=True)
class PriceTicker:
    """The latest price of a symbol (ticker.price)."""

    symbol: str
    price: Decimal


@dataclass(frozen=True)
class FilterRule:
    """One filter as the exchange lists it (filters.md): its type and its other fields, numbers that
    travel as strings parsed into Decimal."""

    filter_type: str
    fields: Mapping[str, FilterValue]

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def __hash__(self) -> int:
        return hash((self.filter_type, tuple(sorted(self.fields.items()))))

    def __getitem__(self, name: str) -> FilterValue:
        return self.fields[name]


@dataclass(frozen=True)
class AccountFilters:
    """myFilters: the exchange, symbol and asset filters that apply to an account on one symbol."""

    symbol: str
    exchange_filters: tuple[FilterRule, ...]
    symbol_filters: tuple[FilterRule, ...]
    asset_filters: tuple[FilterRule, ...]

    def symbol_filter(self, filter_type: str) -> FilterRule | None:
        return next((f for f in self.symbol_filters if f.filter_type == filter_type), None)

    def max_asset(self, asset: str) -> Decimal | None:
        """The MAX_ASSET limit on `asset` (the most one order may transact), if the account has one."""
        for f in self.asset_filters:
            if f.filter_type == "MAX_ASSET" and f.fields.get("asset") == asset:
                limit = f.fields.get("limit")
                return limit if isinstance(limit, Decimal) else None
        return None


@dataclass(frozen=True)
class Trade:
    """One public trade print."""

    trade_id: int
    price: Decimal
    qty: Decimal
    time: int
    buyer_is_maker: bool

    @property
    def aggressor(self) -> Side:
        """The side that took liquidity: a buyer-maker print was a sell hitting the bid."""
        return Side.SELL if self.buyer_is_maker else Side.BUY


@dataclass(frozen=True)
class Kline:
    open_time: int
    close_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    closed: bool = True


@dataclass(frozen=True)
class Ticker24h:
    symbol: str
    last_price: Decimal
    price_change: Decimal
    price_change_percent: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal
    quote_volume: Decimal
