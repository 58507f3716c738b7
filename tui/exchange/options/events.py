"""Stream payloads of the options venue (seed 002) as frozen dataclasses with Decimal fields.

Market streams: `<symbol>@ticker` (24h stats with bid/ask IV and delta/theta/gamma/vega),
`<symbol>@trade`, `<symbol>@kline_<interval>` (previous and current bar), `<symbol>@depth<N>`.
User stream: ACCOUNT_UPDATE, ORDER_TRADE_UPDATE and `listenKeyExpired`. Unknown event types parse
to None so a new venue event never breaks a feed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.exchange.options.codec import MalformedResponse, as_int, dec, field, levels

# The seed shows ORDER_TRADE_UPDATE's `s` as a number without a table; this is the order of the
# REST statuses (and what the simulator sends).
ORDER_STATUS_BY_CODE = {0: "ACCEPTED", 1: "PARTIALLY_FILLED", 2: "FILLED", 3: "CANCELLED", 4: "REJECTED"}


def _list(d: Mapping[str, Any], key: str) -> list[Any]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{key!r} is not a list")
    return value


# -- market streams ----------------------------------------------------------------------------


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


def parse_ticker_event(d: Mapping[str, Any]) -> OptionTickerEvent:
    return OptionTickerEvent(
        symbol=str(field(d, "s")),
        event_time=as_int(field(d, "E"), "E"),
        open=dec(field(d, "o"), "o"),
        high=dec(field(d, "h"), "h"),
        low=dec(field(d, "l"), "l"),
        last=dec(field(d, "c"), "c"),
        volume=dec(field(d, "V"), "V"),
        amount=dec(d.get("A", 0), "A"),
        price_change_percent=dec(d.get("p", 0), "p"),
        last_qty=dec(d.get("Q", 0), "Q"),
        first_trade_id=as_int(d.get("F", 0), "F"),
        last_trade_id=as_int(d.get("L", 0), "L"),
        trade_count=as_int(d.get("n", 0), "n"),
        bid_iv=dec(field(d, "b"), "b"),
        ask_iv=dec(field(d, "a"), "a"),
        delta=dec(field(d, "d"), "d"),
        theta=dec(field(d, "t"), "t"),
        gamma=dec(field(d, "g"), "g"),
        vega=dec(field(d, "v"), "v"),
    )


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


def parse_trade_event(d: Mapping[str, Any]) -> OptionTradeEvent:
    trades = tuple(
        StreamTrade(
            trade_id=as_int(field(t, "t"), "t"),
            price=dec(field(t, "p"), "p"),
            qty=dec(field(t, "q"), "q"),
            buy_order_id=as_int(t.get("b", 0), "b"),
            sell_order_id=as_int(t.get("a", 0), "a"),
            time=as_int(field(t, "T"), "T"),
            side=as_int(t.get("s", 0), "s"),
        )
        for t in _list(d, "t")
    )
    return OptionTradeEvent(symbol=str(field(d, "s")), event_time=as_int(field(d, "E"), "E"), trades=trades)


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


def parse_kline_event(d: Mapping[str, Any]) -> OptionKlineEvent:
    raw = d.get("k")
    rows = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    bars = tuple(
        StreamKline(
            open_time=as_int(field(k, "t"), "t"),
            interval=str(k.get("i", "")),
            first_trade_id=as_int(k.get("F", 0), "F"),
            last_trade_id=as_int(k.get("L", 0), "L"),
            open=dec(field(k, "o"), "o"),
            high=dec(field(k, "h"), "h"),
            low=dec(field(k, "l"), "l"),
            close=dec(field(k, "c"), "c"),
            volume=dec(k.get("v", 0), "v"),
            trade_count=as_int(k.get("n", 0), "n"),
            amount=dec(k.get("q", 0), "q"),
            closed=bool(k.get("x", False)),
            taker_volume=dec(k.get("V", 0), "V"),
            taker_amount=dec(k.get("Q", 0), "Q"),
        )
        for k in rows
    )
    return OptionKlineEvent(symbol=str(field(d, "s")), event_time=as_int(field(d, "E"), "E"), bars=bars)


@dataclass(frozen=True)
class OptionDepthEvent:
    """`<symbol>@depth<N>`: a snapshot of the top N levels (not a diff)."""

    symbol: str
    event_time: int
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


def parse_depth_event(d: Mapping[str, Any]) -> OptionDepthEvent:
    return OptionDepthEvent(
        symbol=str(field(d, "s")),
        event_time=as_int(field(d, "E"), "E"),
        bids=levels(d.get("b", []), "b"),
        asks=levels(d.get("a", []), "a"),
    )


MarketEvent = OptionTickerEvent | OptionTradeEvent | OptionKlineEvent | OptionDepthEvent
_MARKET_PARSERS: dict[str, Callable[[Mapping[str, Any]], MarketEvent]] = {
    "ticker": parse_ticker_event,
    "trade": parse_trade_event,
    "kline": parse_kline_event,
    "depth": parse_depth_event,
}


def parse_market_event(data: Any) -> MarketEvent | None:
    """A market stream payload as its event, or None for an event type this client does not know."""
    if not isinstance(data, dict):
        return None
    parser = _MARKET_PARSERS.get(str(data.get("e")))
    return parser(data) if parser is not None else None


# -- user data stream --------------------------------------------------------------------------


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


def parse_account_update(d: Mapping[str, Any]) -> AccountUpdate:
    balances = tuple(
        BalanceUpdate(
            balance=dec(field(b, "b"), "b"),
            mark_value=dec(b.get("m", 0), "m"),
            unrealized_pnl=dec(b.get("u", 0), "u"),
            unrealized_pnl_short=dec(b.get("U", 0), "U"),
            order_margin=dec(b.get("o", 0), "o"),
            position_margin=dec(b.get("p", 0), "p"),
            reduce_margin=dec(b.get("r", 0), "r"),
            maint_margin=dec(b.get("M", 0), "M"),
        )
        for b in _list(d, "B")
    )
    positions = tuple(
        PositionUpdate(
            symbol=str(field(p, "S")),
            quantity=dec(field(p, "c"), "c"),
            reducible_qty=dec(p.get("r", 0), "r"),
            mark_value=dec(p.get("p", 0), "p"),
            entry_price=dec(p.get("a", 0), "a"),
        )
        for p in _list(d, "P")
    )
    return AccountUpdate(event_time=as_int(field(d, "E"), "E"), balances=balances, positions=positions)


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
    status_code: int
    reduce_only: bool
    trade_time: int
    self_trade_prevention: int

    @property
    def status(self) -> str:
        return ORDER_STATUS_BY_CODE.get(self.status_code, f"UNKNOWN({self.status_code})")

    @property
    def is_open(self) -> bool:
        return self.status_code in (0, 1)


@dataclass(frozen=True)
class OrderTradeUpdate:
    event_time: int
    orders: tuple[OrderChange, ...]


def parse_order_trade_update(d: Mapping[str, Any]) -> OrderTradeUpdate:
    orders = tuple(
        OrderChange(
            order_id=as_int(field(o, "oid"), "oid"),
            symbol=str(field(o, "S")),
            client_order_id=str(o.get("cid") or ""),
            quantity=dec(field(o, "q"), "q"),
            executed_qty=dec(o.get("e", 0), "e"),
            executed_amount=dec(o.get("ec", 0), "ec"),
            fee=dec(o.get("f", 0), "f"),
            status_code=as_int(field(o, "s"), "s"),
            reduce_only=bool(o.get("r", False)),
            trade_time=as_int(o.get("T", 0), "T"),
            self_trade_prevention=as_int(o.get("stp", 0), "stp"),
        )
        for o in _list(d, "o")
    )
    return OrderTradeUpdate(event_time=as_int(field(d, "E"), "E"), orders=orders)


@dataclass(frozen=True)
class ListenKeyExpired:
    event_time: int


UserEvent = AccountUpdate | OrderTradeUpdate | ListenKeyExpired


def parse_user_event(data: Any) -> UserEvent | None:
    """A user stream payload as its event, or None for an event type this client does not know."""
    if not isinstance(data, dict):
        return None
    kind = data.get("e")
    if kind == "ACCOUNT_UPDATE":
        return parse_account_update(data)
    if kind == "ORDER_TRADE_UPDATE":
        return parse_order_trade_update(data)
    if kind == "listenKeyExpired":
        return ListenKeyExpired(event_time=as_int(data.get("E", 0), "E"))
    return None
