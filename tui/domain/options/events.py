"""What the options venue's streams report, as frozen dataclasses with Decimal fields.

Market streams: `<symbol>@ticker` (24h stats with bid/ask IV and greeks), `<symbol>@trade`,
`<symbol>@kline_<interval>` (previous and current bar), `<symbol>@depth<N>`. User stream:
ACCOUNT_UPDATE, ORDER_TRADE_UPDATE and `listenKeyExpired`. Parsing lives in
`tui.exchange.options.events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.domain.options.orders import OrderStatus

# The seed shows ORDER_TRADE_UPDATE's `s` as a number without a table; this is the order of the
# REST statuses (and what the simulator sends).
ORDER_STATUS_BY_CODE = dict(enumerate(OrderStatus))


@dataclass(frozen=True)
class OptionTickerEvent:
    """`<symbol>@ticker`: 24h statistics plus the venue's implied vols and greeks."""

    symbol: str
    event_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume: Decimal
    amount: Decimal
    price_change_percent: Decimal
    last_qty: Decimal
    first_trade_id: int
    last_trade_id: int
    trade_count: int
    bid_iv: Decimal
    ask_iv: Decimal
    delta: Decimal
    theta: Decimal
    gamma: Decimal
    vega: Decimal


@dataclass(frozen=True)
class StreamTrade:
    trade_id: int
    price: Decimal
    qty: Decimal  # signed like `side`
    buy_order_id: int
    sell_order_id: int
    time: int
    side: int  # -1 sell, 1 buy


@dataclass(frozen=True)
class OptionTradeEvent:
    """`<symbol>@trade`: one or more trades."""

    symbol: str
    event_time: int
    trades: tuple[StreamTrade, ...]


@dataclass(frozen=True)
class StreamKline:
    open_time: int
    interval: str
    first_trade_id: int
    last_trade_id: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    trade_count: int
    amount: Decimal
    closed: bool
    taker_volume: Decimal
    taker_amount: Decimal


@dataclass(frozen=True)
class OptionKlineEvent:
    """`<symbol>@kline_<interval>`: the previous bar and the current one (last)."""

    symbol: str
    event_time: int
    bars: tuple[StreamKline, ...]

    @property
    def current(self) -> StreamKline | None:
        return self.bars[-1] if self.bars else None


@dataclass(frozen=True)
class OptionDepthEvent:
    """`<symbol>@depth<N>`: a snapshot of the top N levels (not a diff)."""

    symbol: str
    event_time: int
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


MarketEvent = OptionTickerEvent | OptionTradeEvent | OptionKlineEvent | OptionDepthEvent


@dataclass(frozen=True)
class BalanceUpdate:
    """One `B` row of ACCOUNT_UPDATE."""

    balance: Decimal
    mark_value: Decimal  # m: value of the positions at mark
    unrealized_pnl: Decimal  # u
    unrealized_pnl_short: Decimal  # U: unrealized PnL of the short side
    order_margin: Decimal  # o
    position_margin: Decimal  # p
    reduce_margin: Decimal  # r
    maint_margin: Decimal  # M


@dataclass(frozen=True)
class PositionUpdate:
    """One `P` row of ACCOUNT_UPDATE: the position's state after the change (0 when closed)."""

    symbol: str
    quantity: Decimal  # c: signed
    reducible_qty: Decimal  # r
    mark_value: Decimal  # p
    entry_price: Decimal  # a


@dataclass(frozen=True)
class AccountUpdate:
    event_time: int
    balances: tuple[BalanceUpdate, ...]
    positions: tuple[PositionUpdate, ...]  # empty when no position changed


@dataclass(frozen=True)
class OrderChange:
    """One `o` row of ORDER_TRADE_UPDATE."""

    order_id: int
    symbol: str
    client_order_id: str
    quantity: Decimal
    executed_qty: Decimal
    executed_amount: Decimal
    fee: Decimal
    status_code: int  # s: an index into ORDER_STATUS_BY_CODE, checked when decoded
    reduce_only: bool
    trade_time: int
    self_trade_prevention: int

    @property
    def status(self) -> OrderStatus:
        return ORDER_STATUS_BY_CODE[self.status_code]

    @property
    def is_open(self) -> bool:
        return self.status.is_open


@dataclass(frozen=True)
class OrderTradeUpdate:
    event_time: int
    orders: tuple[OrderChange, ...]


@dataclass(frozen=True)
class ListenKeyExpired:
    event_time: int


UserEvent = AccountUpdate | OrderTradeUpdate | ListenKeyExpired
