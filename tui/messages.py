"""App-wide messages. Each carries an immutable snapshot, never a shared mutable structure."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.domain.options.chain import OptionChain, OptionsBook
from tui.domain.order_book import Level
from tui.domain.spot.account import Balance, CommissionRates
from tui.domain.spot.market import Kline, Ticker24h, Trade
from tui.domain.spot.orders import Order, OrderRequest


@dataclass
class BookUpdated(Message):
    """The top of the local order book for `symbol`, as of `update_id`."""

    symbol: str
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    update_id: int
    state: str  # "live", "syncing", ...
    resyncs: int


@dataclass
class TradesUpdated(Message):
    symbol: str
    trades: tuple[Trade, ...]  # newest first


@dataclass
class KlinesUpdated(Message):
    symbol: str
    interval: str
    klines: tuple[Kline, ...]  # oldest first


@dataclass
class TickerUpdated(Message):
    ticker: Ticker24h


@dataclass
class OrdersUpdated(Message):
    """Every open order the account has, on every symbol."""

    orders: tuple[Order, ...]


@dataclass
class BalancesUpdated(Message):
    balances: tuple[Balance, ...]
    commission: CommissionRates | None = None


@dataclass
class ConnectionStatus(Message):
    """A connection or feed changed state: connecting, live, stale, resyncing, reconnecting, closed."""

    name: str
    state: str
    detail: str = ""


@dataclass
class OrderAccepted(Message):
    request: OrderRequest
    order: Order


@dataclass
class OrderRejected(Message):
    request: OrderRequest
    code: int
    msg: str


@dataclass
class SessionReady(Message):
    """The session is connected, logged on and knows the symbols' rules."""

    symbols: tuple[str, ...]


@dataclass
class OptionChainUpdated(Message):
    chain: OptionChain


@dataclass
class OptionsBookUpdated(Message):
    book: OptionsBook


@dataclass
class OptionOrderDone(Message):
    """An options order/cancel finished: `ok` with a summary, or the venue's code and message."""

    ok: bool
    text: str
    code: int = 0
