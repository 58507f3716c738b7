"""Parsing of the European options REST API (seed 002): wire JSON into the types of `tui.domain.options`.

Every money field is a Decimal built from what the wire carried: responses are decoded with
`parse_float=Decimal`, so even the fields the venue sends as bare JSON numbers (`markPrice`,
`equity`, `quantity`, ...) never pass through float. Parsers take the `data` member of the
`{"code", "msg", "data"}` envelope and raise `MalformedResponse` (`ExchangeError(-1006, ...)`) on a
shape they cannot read, an enum value they do not know included, so a venue change shows up as
one clear error instead of a KeyError or a bad comparison deep in a screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from tui.domain.options.account import Bill, OptionAccount, OptionPosition, PositionSide
from tui.domain.options.contracts import OptionContract, OptionSide, expiry_date_of, parse_option_symbol
from tui.domain.options.market import (
    MarkPrice,
    OptionDepth,
    OptionExchangeInfo,
    OptionKline,
    OptionPublicTrade,
    OptionSymbol,
    OptionTicker,
    OptionUnderlying,
)
from tui.domain.options.orders import OptionOrder, OrderSide, OrderStatus, OrderType, TimeInForce
from tui.exchange.errors import ExchangeError

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

# One decoder for every body: numbers the venue sends unquoted still become Decimal, never float.
DECODER = json.JSONDecoder(parse_float=Decimal)


class MalformedResponse(ExchangeError):
    """The venue answered with a shape this client cannot read (-1006, like Binance's UNEXPECTED_RESP)."""

    def __init__(self, detail: str, status: int = 200) -> None:
        super().__init__(-1006, f"Unexpected response: {detail}", status)


def dec(value: Any, name: str = "value") -> Decimal:
    """A wire value (string, int or Decimal from the decoder) as a finite Decimal."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise MalformedResponse(f"{name} is not a number: {value!r:.40}") from None
    else:
        raise MalformedResponse(f"{name} is not a number: {value!r:.40}")
    if not result.is_finite():
        raise MalformedResponse(f"{name} is not finite")
    return result


def opt_dec(value: Any, name: str = "value") -> Decimal | None:
    return None if value is None or value == "" else dec(value, name)


def as_int(value: Any, name: str = "value") -> int:
    if isinstance(value, bool):
        raise MalformedResponse(f"{name} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, (str, Decimal)):
        try:
            result = Decimal(value)
            if result == result.to_integral_value():
                return int(result)
        except (InvalidOperation, ValueError):
            pass
    raise MalformedResponse(f"{name} is not an integer: {value!r:.40}")


def field(obj: Mapping[str, Any], key: str) -> Any:
    try:
        return obj[key]
    except (KeyError, TypeError):
        raise MalformedResponse(f"missing {key!r}") from None


def member(kind: type[E], value: Any, name: str) -> E:
    """A wire string as its enum member; a value the client does not know is a malformed answer."""
    try:
        return kind(str(value))
    except ValueError:
        raise MalformedResponse(f"unknown {name} {value!r:.40}") from None


def as_list(data: Any, parse: Callable[[Mapping[str, Any]], T], what: str) -> tuple[T, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise MalformedResponse(f"{what} is not a list")
    return tuple(parse(item) for item in data)


def as_dict(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise MalformedResponse(f"{what} is not an object")
    return data


def levels(rows: Any, what: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """`[["price", "qty"], ...]` as ((price, qty), ...)."""
    if not isinstance(rows, list):
        raise MalformedResponse(f"{what} is not a list")
    try:
        return tuple((dec(p, what), dec(q, what)) for p, q in rows)
    except (TypeError, ValueError):
        raise MalformedResponse(f"{what} rows are not [price, qty] pairs") from None


# -- market data -------------------------------------------------------------------------------


def parse_option_symbol_info(d: Mapping[str, Any]) -> OptionSymbol:
    symbol = str(field(d, "symbol"))
    strike = dec(field(d, "strikePrice"), "strikePrice")
    expiry = as_int(field(d, "expiryDate"), "expiryDate")
    side = member(OptionSide, field(d, "side"), "option side")
    underlying = str(field(d, "underlying"))
    try:
        contract = parse_option_symbol(symbol)
    except ValueError:  # an unusual name: build the series from the fields instead
        contract = OptionContract(underlying, expiry_date_of(expiry), strike, side)
    return OptionSymbol(
        id=as_int(d.get("id", 0), "id"),
        contract_id=as_int(d.get("contractId", 0), "contractId"),
        symbol=symbol,
        contract=contract,
        underlying=underlying,
        quote_asset=str(d.get("quoteAsset", "")),
        side=side,
        strike=strike,
        unit=dec(d.get("unit", 1), "unit"),
        min_qty=dec(field(d, "minQty"), "minQty"),
        leverage=dec(d.get("leverage", 0), "leverage"),
        expiry_ms=expiry,
    )


def parse_exchange_info(data: Any) -> OptionExchangeInfo:
    d = as_dict(data, "exchangeInfo")
    contracts = as_list(
        d.get("optionContracts"),
        lambda c: OptionUnderlying(
            id=as_int(c.get("id", 0), "id"),
            base_asset=str(field(c, "baseAsset")),
            quote_asset=str(field(c, "quoteAsset")),
            underlying=str(field(c, "underlying")),
            settle_asset=str(c.get("settleAsset", "")),
        ),
        "optionContracts",
    )
    return OptionExchangeInfo(
        timezone=str(d.get("timezone", "UTC")),
        server_time=as_int(field(d, "serverTime"), "serverTime"),
        contracts=contracts,
        assets=as_list(d.get("optionAssets"), lambda a: str(field(a, "name")), "optionAssets"),
        symbols=as_list(d.get("optionSymbols"), parse_option_symbol_info, "optionSymbols"),
    )


def parse_ticker(d: Mapping[str, Any]) -> OptionTicker:
    return OptionTicker(
        symbol=str(field(d, "symbol")),
        price_change=dec(field(d, "priceChange"), "priceChange"),
        price_change_percent=dec(field(d, "priceChangePercent"), "priceChangePercent"),
        last_price=dec(field(d, "lastPrice"), "lastPrice"),
        last_qty=dec(field(d, "lastQty"), "lastQty"),
        open=dec(field(d, "open"), "open"),
        high=dec(field(d, "high"), "high"),
        low=dec(field(d, "low"), "low"),
        volume=dec(field(d, "volume"), "volume"),
        amount=opt_dec(d.get("amount"), "amount"),
        open_time=as_int(d.get("openTime", 0), "openTime"),
        close_time=as_int(d.get("closeTime", 0), "closeTime"),
        first_trade_id=as_int(d.get("firstTradeId", 0), "firstTradeId"),
        trade_count=as_int(d.get("tradeCount", 0), "tradeCount"),
        strike_price=dec(field(d, "strikePrice"), "strikePrice"),
    )


def parse_mark(d: Mapping[str, Any]) -> MarkPrice:
    return MarkPrice(
        symbol=str(field(d, "symbol")),
        mark_price=dec(field(d, "markPrice"), "markPrice"),
        bid_iv=dec(field(d, "bidIV"), "bidIV"),
        ask_iv=dec(field(d, "askIV"), "askIV"),
        delta=dec(field(d, "delta"), "delta"),
        theta=dec(field(d, "theta"), "theta"),
        gamma=dec(field(d, "gamma"), "gamma"),
        vega=dec(field(d, "vega"), "vega"),
        high_price_limit=dec(field(d, "highPriceLimit"), "highPriceLimit"),
        low_price_limit=dec(field(d, "lowPriceLimit"), "lowPriceLimit"),
        mark_iv=opt_dec(d.get("markIV"), "markIV"),
    )


def parse_depth(data: Any) -> OptionDepth:
    d = as_dict(data, "depth")
    return OptionDepth(bids=levels(d.get("bids", []), "bids"), asks=levels(d.get("asks", []), "asks"))


def parse_kline(d: Mapping[str, Any]) -> OptionKline:
    return OptionKline(
        open_time=as_int(field(d, "openTime"), "openTime"),
        close_time=as_int(field(d, "closeTime"), "closeTime"),
        interval=str(d.get("interval", "")),
        open=dec(field(d, "open"), "open"),
        high=dec(field(d, "high"), "high"),
        low=dec(field(d, "low"), "low"),
        close=dec(field(d, "close"), "close"),
        volume=dec(field(d, "volume"), "volume"),
        taker_volume=dec(d.get("takerVolume", 0), "takerVolume"),
        taker_amount=dec(d.get("takerAmount", 0), "takerAmount"),
        trade_count=as_int(d.get("tradeCount", 0), "tradeCount"),
    )


def parse_public_trade(d: Mapping[str, Any]) -> OptionPublicTrade:
    return OptionPublicTrade(
        price=dec(field(d, "price"), "price"),
        qty=dec(field(d, "qty"), "qty"),
        quote_qty=dec(field(d, "quoteQty"), "quoteQty"),
        time=as_int(field(d, "time"), "time"),
        side=as_int(field(d, "side"), "side"),
        id=as_int(d["id"], "id") if d.get("id") is not None else None,
    )


# -- account and trading -----------------------------------------------------------------------


def parse_account(d: Mapping[str, Any]) -> OptionAccount:
    return OptionAccount(
        asset=str(field(d, "currency")),
        equity=dec(field(d, "equity"), "equity"),
        available=dec(field(d, "available"), "available"),
        order_margin=dec(field(d, "orderMargin"), "orderMargin"),
        position_margin=dec(field(d, "positionMargin"), "positionMargin"),
        unrealized_pnl=dec(field(d, "unrealizedPNL"), "unrealizedPNL"),
        maint_margin=dec(field(d, "maintMargin"), "maintMargin"),
        balance=dec(field(d, "balance"), "balance"),
    )


def parse_position(d: Mapping[str, Any]) -> OptionPosition:
    return OptionPosition(
        symbol=str(field(d, "symbol")),
        side=member(PositionSide, field(d, "side"), "position side"),
        quantity=dec(field(d, "quantity"), "quantity"),
        reducible_qty=dec(d.get("reducibleQty", 0), "reducibleQty"),
        entry_price=dec(field(d, "entryPrice"), "entryPrice"),
        mark_price=dec(field(d, "markPrice"), "markPrice"),
        mark_value=dec(field(d, "markValue"), "markValue"),
        unrealized_pnl=dec(field(d, "unrealizedPNL"), "unrealizedPNL"),
        ror=dec(d.get("ror", 0), "ror"),
        strike_price=dec(d.get("strikePrice", 0), "strikePrice"),
        expiry_ms=as_int(d.get("expiryDate", 0), "expiryDate"),
        leverage=dec(d.get("leverage", 0), "leverage"),
        auto_reduce_priority=as_int(d.get("autoReducePriority", 0), "autoReducePriority"),
    )


def parse_bill(d: Mapping[str, Any]) -> Bill:
    return Bill(
        id=as_int(field(d, "id"), "id"),
        currency=str(field(d, "currency")),
        amount=dec(field(d, "amount"), "amount"),
        type=str(field(d, "type")),
        create_time=as_int(field(d, "createDate"), "createDate"),
    )


def parse_order(d: Mapping[str, Any]) -> OptionOrder:
    return OptionOrder(
        order_id=as_int(field(d, "id"), "id"),
        symbol=str(field(d, "symbol")),
        price=dec(d.get("price") or 0, "price"),
        quantity=dec(field(d, "quantity"), "quantity"),
        executed_qty=dec(d.get("executedQty", 0), "executedQty"),
        fee=dec(d.get("fee", 0), "fee"),
        side=member(OrderSide, field(d, "side"), "order side"),
        type=member(OrderType, field(d, "type"), "order type"),
        time_in_force=member(TimeInForce, d["timeInForce"], "timeInForce") if d.get("timeInForce") else None,
        create_time=as_int(d.get("createDate", 0), "createDate"),
        status=member(OrderStatus, field(d, "status"), "order status"),
        avg_price=dec(d.get("avgPrice") or 0, "avgPrice"),
        source=str(d.get("source") or ""),
        reduce_only=bool(d.get("reduceOnly", False)),
        client_order_id=str(d.get("clientOrderId") or ""),
    )
