"""Typed results of the European options REST API (seed 002) and the order request it sends.

Every money field is a Decimal built from what the wire carried: responses are decoded with
`parse_float=Decimal`, so even the fields the venue sends as bare JSON numbers (`markPrice`,
`equity`, `quantity`, ...) never pass through float. Parsers take the `data` member of the
`{"code", "msg", "data"}` envelope and raise `ExchangeError(-1006, ...)` on a shape they cannot read,
so a venue change shows up as one clear error instead of a KeyError deep in a screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from tui.domain.money import wire
from tui.domain.options.contracts import OptionContract, OptionSide, expiry_date_of, parse_option_symbol
from tui.exchange.errors import ExchangeError

T = TypeVar("T")

# One decoder for every body: numbers the venue sends unquoted still become Decimal, never float.
DECODER = json.JSONDecoder(parse_float=Decimal)

ORDER_SIDES = ("BUY", "SELL")
ORDER_TYPES = ("LIMIT", "MARKET")
TIME_IN_FORCE = ("GTC", "IOC", "FOK")
RESPONSE_TYPES = ("ACK", "RESULT")
TRANSFER_TYPES = ("IN", "OUT")


class MalformedResponse(ExchangeError):
    """The venue answered with a shape this client cannot read (-1006, like Binance's UNEXPECTED_RESP)."""

    def __init__(self, detail: str, status: int = 200) -> None:
        super().__init__(-1006, f"Unexpected response: {detail}", status)


# -- field readers -----------------------------------------------------------------------------


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


def parse_option_symbol_info(d: Mapping[str, Any]) -> OptionSymbol:
    symbol = str(field(d, "symbol"))
    strike = dec(field(d, "strikePrice"), "strikePrice")
    expiry = as_int(field(d, "expiryDate"), "expiryDate")
    try:
        side = OptionSide(str(field(d, "side")))
    except ValueError:
        raise MalformedResponse(f"unknown option side {d.get('side')!r}") from None
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


@dataclass(frozen=True)
class OptionDepth:
    """An order book snapshot: best first on both sides."""

    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


def parse_depth(data: Any) -> OptionDepth:
    d = as_dict(data, "depth")
    return OptionDepth(bids=levels(d.get("bids", []), "bids"), asks=levels(d.get("asks", []), "asks"))


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


@dataclass(frozen=True)
class OptionAccount:
    """One asset of the options account (`GET /api/v1/account`)."""

    asset: str
    equity: Decimal
    available: Decimal
    order_margin: Decimal
    position_margin: Decimal
    unrealized_pnl: Decimal
    maint_margin: Decimal
    balance: Decimal


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


@dataclass(frozen=True)
class OptionPosition:
    """One open position (`GET /api/v1/position`). `quantity` is signed: negative is short."""

    symbol: str
    side: str  # "LONG" or "SHORT"
    quantity: Decimal
    reducible_qty: Decimal
    entry_price: Decimal
    mark_price: Decimal
    mark_value: Decimal
    unrealized_pnl: Decimal
    ror: Decimal
    strike_price: Decimal
    expiry_ms: int
    leverage: Decimal
    auto_reduce_priority: int


def parse_position(d: Mapping[str, Any]) -> OptionPosition:
    return OptionPosition(
        symbol=str(field(d, "symbol")),
        side=str(field(d, "side")),
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


@dataclass(frozen=True)
class Bill:
    """One ledger entry (`POST /api/v1/bill`): FEE, CONTRACT, TRANSFER, ... `amount` < 0 flows out."""

    id: int
    currency: str
    amount: Decimal
    type: str
    create_time: int


def parse_bill(d: Mapping[str, Any]) -> Bill:
    return Bill(
        id=as_int(field(d, "id"), "id"),
        currency=str(field(d, "currency")),
        amount=dec(field(d, "amount"), "amount"),
        type=str(field(d, "type")),
        create_time=as_int(field(d, "createDate"), "createDate"),
    )


@dataclass(frozen=True)
class OptionOrder:
    """An order as the venue reports it (place, cancel, query, open and history lists)."""

    order_id: int
    symbol: str
    price: Decimal
    quantity: Decimal
    executed_qty: Decimal
    fee: Decimal
    side: str
    type: str
    time_in_force: str
    create_time: int
    status: str  # ACCEPTED, PARTIALLY_FILLED, FILLED, CANCELLED, REJECTED
    avg_price: Decimal
    source: str
    reduce_only: bool
    client_order_id: str

    @property
    def is_open(self) -> bool:
        return self.status in ("ACCEPTED", "PARTIALLY_FILLED")


def parse_order(d: Mapping[str, Any]) -> OptionOrder:
    return OptionOrder(
        order_id=as_int(field(d, "id"), "id"),
        symbol=str(field(d, "symbol")),
        price=dec(d.get("price") or 0, "price"),
        quantity=dec(field(d, "quantity"), "quantity"),
        executed_qty=dec(d.get("executedQty", 0), "executedQty"),
        fee=dec(d.get("fee", 0), "fee"),
        side=str(field(d, "side")),
        type=str(field(d, "type")),
        time_in_force=str(d.get("timeInForce") or ""),
        create_time=as_int(d.get("createDate", 0), "createDate"),
        status=str(field(d, "status")),
        avg_price=dec(d.get("avgPrice") or 0, "avgPrice"),
        source=str(d.get("source") or ""),
        reduce_only=bool(d.get("reduceOnly", False)),
        client_order_id=str(d.get("clientOrderId") or ""),
    )


@dataclass(frozen=True)
class OptionOrderRequest:
    """A new order, validated on construction; `params()` is what `POST /api/v1/order` sends.

    LIMIT needs a price (and defaults to GTC); MARKET takes neither price nor timeInForce. Decimals
    go out as plain strings (`Decimal("1E+1")` -> "10").
    """

    symbol: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal | None = None
    time_in_force: str | None = None
    reduce_only: bool = False
    client_order_id: str | None = None
    response_type: str = "RESULT"

    def __post_init__(self) -> None:
        if not self.symbol:
            raise ValueError("symbol is empty")
        if self.side not in ORDER_SIDES:
            raise ValueError(f"side must be BUY or SELL, not {self.side!r}")
        if self.type not in ORDER_TYPES:
            raise ValueError(f"type must be LIMIT or MARKET, not {self.type!r}")
        if not isinstance(self.quantity, Decimal) or not self.quantity.is_finite() or self.quantity <= 0:
            raise ValueError("quantity must be a positive Decimal")
        if self.type == "LIMIT":
            if not isinstance(self.price, Decimal) or not self.price.is_finite() or self.price <= 0:
                raise ValueError("a LIMIT order needs a positive Decimal price")
            if self.time_in_force is not None and self.time_in_force not in TIME_IN_FORCE:
                raise ValueError(f"timeInForce must be one of {', '.join(TIME_IN_FORCE)}")
        elif self.price is not None or self.time_in_force is not None:
            raise ValueError("a MARKET order takes no price and no timeInForce")
        if self.client_order_id is not None and not 0 < len(self.client_order_id) <= 36:
            raise ValueError("clientOrderId must be 1 to 36 characters")
        if self.response_type not in RESPONSE_TYPES:
            raise ValueError("response_type must be ACK or RESULT")

    def params(self) -> dict[str, str]:
        p = {"symbol": self.symbol, "side": self.side, "type": self.type, "quantity": wire(self.quantity)}
        if self.type == "LIMIT":
            assert self.price is not None
            p["price"] = wire(self.price)
            p["timeInForce"] = self.time_in_force or "GTC"
        if self.reduce_only:
            p["reduceOnly"] = "true"
        if self.client_order_id:
            p["clientOrderId"] = self.client_order_id
        p["newOrderRespType"] = self.response_type
        return p
