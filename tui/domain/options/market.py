"""Market data of the options venue as the REST API reports it: series, 24h tickers, marks, books, bars, trades.

Every money field is a Decimal built from what the wire carried (the codec decodes bare JSON numbers
as Decimal too). Parsing lives in `tui.exchange.options.codec`; these are the shapes it produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.domain.options.contracts import OptionContract, OptionSide


@dataclass(frozen=True)
class OptionSymbol:
    """One listed series (`optionInfo`, `exchangeInfo.optionSymbols`).

    The seed lists no tick size or price filter for options; the live price band comes with the
    mark (`MarkPrice.high_price_limit` / `low_price_limit`).
    """

    id: int
    contract_id: int
    symbol: str
    contract: OptionContract
    underlying: str
    quote_asset: str
    side: OptionSide
    strike: Decimal
    unit: Decimal
    min_qty: Decimal
    leverage: Decimal
    expiry_ms: int


@dataclass(frozen=True)
class OptionUnderlying:
    id: int
    base_asset: str
    quote_asset: str
    underlying: str
    settle_asset: str


@dataclass(frozen=True)
class OptionExchangeInfo:
    timezone: str
    server_time: int
    contracts: tuple[OptionUnderlying, ...]
    assets: tuple[str, ...]
    symbols: tuple[OptionSymbol, ...]


@dataclass(frozen=True)
class OptionTicker:
    """24-hour statistics of one series (`GET /api/v1/ticker`)."""

    symbol: str
    price_change: Decimal
    price_change_percent: Decimal
    last_price: Decimal
    last_qty: Decimal
    open: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal
    amount: Decimal | None  # the seed's example shows null
    open_time: int
    close_time: int
    first_trade_id: int
    trade_count: int
    strike_price: Decimal


@dataclass(frozen=True)
class MarkPrice:
    """The venue's mark, implied vols and greeks of one series (`GET /api/v1/mark`).

    Greeks are in the venue's units (theta per day, vega per vol point, see `tui.domain.options.greeks`).
    `mark_iv` is None: the seed publishes only bid and ask IV (use `mid_iv`).
    """

    symbol: str
    mark_price: Decimal
    bid_iv: Decimal
    ask_iv: Decimal
    delta: Decimal
    theta: Decimal
    gamma: Decimal
    vega: Decimal
    high_price_limit: Decimal
    low_price_limit: Decimal
    mark_iv: Decimal | None = None

    @property
    def mid_iv(self) -> Decimal:
        return (self.bid_iv + self.ask_iv) / 2


@dataclass(frozen=True)
class OptionDepth:
    """An order book snapshot: best first on both sides."""

    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


@dataclass(frozen=True)
class OptionKline:
    open_time: int
    close_time: int
    interval: str
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    taker_volume: Decimal
    taker_amount: Decimal
    trade_count: int


@dataclass(frozen=True)
class OptionPublicTrade:
    """One trade of the tape. `qty` and `quote_qty` are signed like `side` (-1 sell, 1 buy)."""

    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    time: int
    side: int
    id: int | None = None  # not in the seed's example; kept when the venue sends it

    @property
    def is_buy(self) -> bool:
        return self.side > 0
