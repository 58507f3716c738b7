"""Parsing of the options venue's stream payloads (seed 002) into the events of `tui.domain.options.events`.

Market streams: `<symbol>@ticker`, `<symbol>@trade`, `<symbol>@kline_<interval>`, `<symbol>@depth<N>`.
User stream: ACCOUNT_UPDATE, ORDER_TRADE_UPDATE and `listenKeyExpired`. Unknown event types parse
to None so a new venue event never breaks a feed; a known event with a field this client cannot
read (an order status code it does not know included) is a `MalformedResponse`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tui.domain.options.events import (
    ORDER_STATUS_BY_CODE,
    AccountUpdate,
    BalanceUpdate,
    ListenKeyExpired,
    MarketEvent,
    OptionDepthEvent,
    OptionKlineEvent,
    OptionTickerEvent,
    OptionTradeEvent,
    OrderChange,
    OrderTradeUpdate,
    PositionUpdate,
    StreamKline,
    StreamTrade,
    UserEvent,
)
from tui.exchange.options.codec import MalformedResponse, as_int, dec, field, levels


def _list(d: Mapping[str, Any], key: str) -> list[Any]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{key!r} is not a list")
    return value


# -- market streams ----------------------------------------------------------------------------


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


def parse_depth_event(d: Mapping[str, Any]) -> OptionDepthEvent:
    return OptionDepthEvent(
        symbol=str(field(d, "s")),
        event_time=as_int(field(d, "E"), "E"),
        bids=levels(d.get("b", []), "b"),
        asks=levels(d.get("a", []), "a"),
    )


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


def _status_code(o: Mapping[str, Any]) -> int:
    code = as_int(field(o, "s"), "s")
    if code not in ORDER_STATUS_BY_CODE:
        raise MalformedResponse(f"unknown order status code {code}")
    return code


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
            status_code=_status_code(o),
            reduce_only=bool(o.get("r", False)),
            trade_time=as_int(o.get("T", 0), "T"),
            self_trade_prevention=as_int(o.get("stp", 0), "stp"),
        )
        for o in _list(d, "o")
    )
    return OrderTradeUpdate(event_time=as_int(field(d, "E"), "E"), orders=orders)


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
