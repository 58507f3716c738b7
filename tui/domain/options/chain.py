"""The option chain and options account as the console shows them: immutable views, Decimal money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tui.domain.options.orders import OrderSide, OrderStatus, OrderType
from tui.domain.options.portfolio import PortfolioGreeks


@dataclass(frozen=True)
class OptionQuote:
    """One contract's line in the chain: the venue's mark, IVs and greeks (None until known)."""

    symbol: str
    mark: Decimal | None = None
    bid_iv: Decimal | None = None
    ask_iv: Decimal | None = None
    delta: Decimal | None = None
    gamma: Decimal | None = None
    theta: Decimal | None = None
    vega: Decimal | None = None
    last: Decimal | None = None
    volume: Decimal | None = None
    low_limit: Decimal | None = None
    high_limit: Decimal | None = None
    min_qty: Decimal = Decimal("0.01")
    unit: Decimal = Decimal(1)
    mismatched: tuple[str, ...] = ()  # greeks cross-check: fields where the venue and Black-Scholes disagree


@dataclass(frozen=True)
class ChainRow:
    strike: Decimal
    call: OptionQuote | None
    put: OptionQuote | None


@dataclass(frozen=True)
class OptionChain:
    underlying: str
    expiry: date | None
    expiries: tuple[date, ...]
    index: Decimal | None
    rows: tuple[ChainRow, ...] = ()

    @property
    def atm_strike(self) -> Decimal | None:
        """The listed strike nearest the index."""
        if self.index is None or not self.rows:
            return None
        index = self.index
        return min((row.strike for row in self.rows), key=lambda strike: abs(strike - index))

    def quote(self, symbol: str) -> OptionQuote | None:
        for row in self.rows:
            for quote in (row.call, row.put):
                if quote is not None and quote.symbol == symbol:
                    return quote
        return None


@dataclass(frozen=True)
class OptionPositionView:
    symbol: str
    quantity: Decimal  # signed
    entry_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    ror: Decimal
    reducible_qty: Decimal


@dataclass(frozen=True)
class OptionOrderView:
    order_id: int
    symbol: str
    side: OrderSide
    type: OrderType
    price: Decimal
    quantity: Decimal
    executed_qty: Decimal
    status: OrderStatus
    reduce_only: bool
    client_order_id: str


@dataclass(frozen=True)
class OptionAccountView:
    asset: str
    equity: Decimal
    available: Decimal
    order_margin: Decimal
    position_margin: Decimal
    maint_margin: Decimal
    unrealized_pnl: Decimal


@dataclass(frozen=True)
class OptionsBook:
    """Everything the account side of the options screen shows, as one snapshot."""

    accounts: tuple[OptionAccountView, ...] = ()
    positions: tuple[OptionPositionView, ...] = ()
    orders: tuple[OptionOrderView, ...] = ()
    greeks: tuple[PortfolioGreeks, ...] = ()  # per underlying
