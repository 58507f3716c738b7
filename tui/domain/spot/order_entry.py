"""Turn what a person typed into an `OrderRequest`, or into one clear message per bad field.

Nothing here sends anything: the order form calls `parse_order_entry` and only a clean result is
ever handed to the session. An order the person routes with Smart Order Routing comes out wrapped in a
`SorOrderRequest`, so it can only ever reach sor.order.test / sor.order.place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tui.domain.money import to_decimal
from tui.domain.spot.account import CommissionRates
from tui.domain.spot.filters import SymbolRules, check_order
from tui.domain.spot.orders import OrderRequest, OrderType, PegPriceType, Side, StpMode, TimeInForce
from tui.domain.spot.sor import SorConfig

# What sor.order.place takes (web-socket-api.md): LIMIT and MARKET, by quantity only (no quoteOrderQty).
SOR_ORDER_TYPES = (OrderType.LIMIT, OrderType.MARKET)
# What may be pegged (faqs/pegged_orders.md): the limit types; never MARKET, STOP_LOSS, TAKE_PROFIT, nor SOR.
PEG_ORDER_TYPES = (OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT)
MAX_PEG_OFFSET = 100  # pegOffsetValue, in PRICE_LEVELs


@dataclass(frozen=True)
class SorOrderRequest:
    """An order to place with Smart Order Routing: previewed with sor.order.test and sent with
    sor.order.place, never order.place. `symbols` are the books of its SOR configuration it may take from.

    A wrapper rather than a flag on `OrderRequest`: every other path (order.place, cancel-replace, order
    lists) takes an `OrderRequest` and would silently drop such a flag; a separate type makes the
    dashboard choose the SOR path explicitly, and mypy checks that it does."""

    request: OrderRequest
    symbols: tuple[str, ...]


def sor_route_available(sor: SorConfig | None, symbol: str, order_type: OrderType) -> bool:
    """Whether an order of this type on `symbol` can be routed with SOR (the form offers the route only then)."""
    return sor is not None and symbol in sor.symbols and order_type in SOR_ORDER_TYPES


def peg_available(rules: SymbolRules, order_type: OrderType, *, via_sor: bool = False) -> bool:
    """Whether the form offers a price peg: the symbol allows pegs, the type takes them, and it is not SOR."""
    return rules.peg_instructions_allowed and order_type in PEG_ORDER_TYPES and not via_sor


def _peg_errors(
    rules: SymbolRules, order_type: OrderType, peg: PegPriceType, tif: TimeInForce, via_sor: bool
) -> str | None:
    """Why this peg cannot go with this order (faqs/pegged_orders.md), or None."""
    if via_sor:
        return "Smart Order Routing does not take pegged orders: route it to its own book, or drop the peg."
    if not rules.peg_instructions_allowed:
        return f"{rules.symbol} does not allow pegged orders."
    if order_type not in PEG_ORDER_TYPES:
        return f"{order_type.value} orders cannot be pegged (only LIMIT, LIMIT_MAKER and the stop-limit types)."
    if order_type is OrderType.LIMIT_MAKER and peg is not PegPriceType.PRIMARY_PEG:
        return "LIMIT_MAKER can only peg to the best price on its own side (PRIMARY_PEG)."
    if order_type is OrderType.LIMIT and peg is PegPriceType.PRIMARY_PEG and tif is not TimeInForce.GTC:
        return f"A LIMIT order pegged with PRIMARY_PEG must be GTC, not {tif.value}: set Time in force to GTC."
    return None


def _parse_offset(text: str) -> tuple[int | None, str | None]:
    text = text.strip()
    if not text:
        return None, None
    if not text.isdigit() or int(text) > MAX_PEG_OFFSET:
        return None, f"Offset is a whole number of price levels from 0 to {MAX_PEG_OFFSET} (got {text!r})."
    return int(text), None


@dataclass(frozen=True)
class OrderEntry:
    """Parsed form: the request if valid, else per-field errors; notional/fee estimates either way."""

    request: OrderRequest | None
    errors: dict[str, str] = field(default_factory=dict)
    notional: Decimal | None = None
    fee: Decimal | None = None
    """Upper bound of the commission, in `fee_asset`: what the order receives (BUY pays in the
    base asset, SELL in the quote asset), at the taker rate unless the order can only make."""
    fee_asset: str = ""
    sor: SorConfig | None = None
    """The SOR configuration the order is routed across; None: placed on its own book only."""

    @property
    def submission(self) -> OrderRequest | SorOrderRequest | None:
        """What the form hands back: the request, wrapped when it goes through SOR; None while invalid."""
        if self.request is None:
            return None
        return SorOrderRequest(self.request, self.sor.symbols) if self.sor is not None else self.request


def _parse_amount(text: str, label: str) -> tuple[Decimal | None, str | None]:
    text = text.strip()
    if not text:
        return None, None
    if "," in text:
        # "0,5" must never become 5: a decimal comma is refused rather than guessed at.
        return None, f"{label}: use . as the decimal point, without thousands separators (got {text!r})."
    try:
        value = to_decimal(text)
    except ValueError:
        return None, f"{label} must be a number, like 0.5 (got {text!r})."
    if value <= 0:
        return None, f"{label} must be greater than zero."
    return value, None


# Which inputs each order type takes (web-socket-api.md, order.place "mandatory parameters").
FIELDS: dict[OrderType, frozenset[str]] = {
    OrderType.LIMIT: frozenset({"price", "quantity", "tif", "iceberg"}),
    OrderType.LIMIT_MAKER: frozenset({"price", "quantity", "iceberg"}),
    OrderType.MARKET: frozenset({"quantity", "quote"}),
    OrderType.STOP_LOSS: frozenset({"quantity", "stop"}),
    OrderType.TAKE_PROFIT: frozenset({"quantity", "stop"}),
    OrderType.STOP_LOSS_LIMIT: frozenset({"price", "quantity", "tif", "stop", "iceberg"}),
    OrderType.TAKE_PROFIT_LIMIT: frozenset({"price", "quantity", "tif", "stop", "iceberg"}),
}


def fields_for(order_type: OrderType, *, via_sor: bool = False) -> frozenset[str]:
    """The inputs `order_type` takes; with SOR, never a quote amount (sor.order.place has no quoteOrderQty)."""
    return FIELDS[order_type] - {"quote"} if via_sor else FIELDS[order_type]


def trailing_trigger(side: Side, reference: Decimal, bips: int) -> Decimal:
    """Where a trailing order would trigger if the price turned now: SELLs trail the peak and fire
    `bips` below it, BUYs trail the trough and fire `bips` above it (trailing-stop FAQ)."""
    step = Decimal(bips) / Decimal(10_000)
    return reference * (1 - step) if side is Side.SELL else reference * (1 + step)


def stp_choices(rules: SymbolRules) -> tuple[StpMode, ...]:
    """The selfTradePreventionMode values the form offers: the symbol's allowed modes, default first.

    TRANSFER is left out unless it is the default: it needs trade groups, which the console does not use.
    """
    known = {m.value: m for m in StpMode}
    default = known.get(rules.default_stp_mode)
    others = [known[m] for m in rules.allowed_stp_modes if m in known and m != rules.default_stp_mode]
    return tuple(([default] if default is not None else []) + [m for m in others if m is not StpMode.TRANSFER])


def _parse_bips(text: str) -> tuple[int | None, str | None]:
    text = text.strip()
    if not text:
        return None, None
    if not text.isdigit():
        return None, f"Trailing delta is a whole number of basis points, like 100 for 1 % (got {text!r})."
    value = int(text)
    if value <= 0:
        return None, "Trailing delta must be greater than zero."
    return value, None


def parse_order_entry(
    rules: SymbolRules,
    *,
    side: Side,
    order_type: OrderType,
    price_text: str = "",
    quantity_text: str = "",
    quote_text: str = "",
    stop_text: str = "",
    trailing_text: str = "",
    iceberg_text: str = "",
    time_in_force: TimeInForce = TimeInForce.GTC,
    reference_price: Decimal | None = None,
    commission: CommissionRates | None = None,
    stp_mode: StpMode | None = None,
    sor: SorConfig | None = None,
    peg: PegPriceType | None = None,
    peg_offset_text: str = "",
) -> OrderEntry:
    """`stp_mode` is what the person picked; it is sent only when it differs from the symbol's default.
    `sor`: route the order with Smart Order Routing across that configuration (LIMIT or MARKET by quantity).
    `peg`: take the limit price from the book (the price is then optional), `peg_offset_text` levels deeper."""
    needs = fields_for(order_type, via_sor=sor is not None)
    errors: dict[str, str] = {}
    offset = None
    if peg is not None:
        why = _peg_errors(rules, order_type, peg, time_in_force, sor is not None)
        if why:
            errors["peg_price_type"] = why
        offset, err = _parse_offset(peg_offset_text)
        if err:
            errors["peg_offset_value"] = err
    elif peg_offset_text.strip():
        errors["peg_offset_value"] = "An offset needs a peg: choose one, or clear the offset."
    market = order_type is OrderType.MARKET
    if sor is not None and rules.symbol not in sor.symbols:
        errors["route"] = f"{rules.symbol} is not in a Smart Order Routing configuration: place it on its own book."
    elif sor is not None and order_type not in SOR_ORDER_TYPES:
        errors["route"] = f"Smart Order Routing takes LIMIT and MARKET orders only, not {order_type.value}."
    if sor is not None and quote_text.strip():
        errors["quote_order_qty"] = (
            f"Smart Order Routing takes a quantity in {rules.base_asset}, not an amount in {rules.quote_asset}."
        )

    def amount(name: str, text: str, label: str) -> Decimal | None:
        value, err = _parse_amount(text, label)
        if err:
            errors[name] = err
        return value

    price = amount("price", price_text, "Price") if "price" in needs else None
    quantity, err = _parse_amount(quantity_text, "Quantity")
    if err:
        errors["quantity"] = err
    quote = amount("quote_order_qty", quote_text, "Quote amount") if "quote" in needs else None
    stop_price = trailing = iceberg = None
    if "stop" in needs:
        stop_price, err = _parse_amount(stop_text, "Stop price")
        if err:
            errors["stop_price"] = err
        trailing, err = _parse_bips(trailing_text)
        if err:
            errors["trailing_delta"] = err
        if stop_price is None and trailing is None and not errors.keys() & {"stop_price", "trailing_delta"}:
            errors["stop_price"] = (
                "Give a stop price, a trailing delta, or both (the stop price then activates the trail)."
            )
    if "iceberg" in needs:
        iceberg, err = _parse_amount(iceberg_text, "Iceberg quantity")
        if err:
            errors["iceberg_qty"] = err
    if "price" in needs and price is None and "price" not in errors and peg is None:
        errors["price"] = "Price is required for this order type."
    if market and quantity is None and quote is None and not errors:
        errors["quantity"] = (
            f"Enter a quantity in {rules.base_asset} or an amount in {rules.quote_asset}."
            if "quote" in needs
            else f"Enter a quantity in {rules.base_asset}."
        )
    if market and quantity is not None and quote is not None:
        errors["quote_order_qty"] = "Give either a quantity or a quote amount, not both."
    if not market and quantity is None and "quantity" not in errors:
        errors["quantity"] = "Quantity is required."

    notional: Decimal | None = None
    execution_price = price or stop_price or reference_price
    if quantity is not None and execution_price is not None:
        notional = quantity * execution_price
    elif market and quote is not None:
        notional = quote
    fee: Decimal | None = None
    fee_asset = rules.base_asset if side is Side.BUY else rules.quote_asset
    if notional is not None and commission is not None:
        rate = commission.maker if order_type is OrderType.LIMIT_MAKER else commission.taker
        if side is Side.SELL:
            fee = notional * rate
        elif quantity is not None:
            fee = quantity * rate
        elif reference_price:
            fee = notional / reference_price * rate

    if not errors:
        checked = check_order(
            rules,
            order_type=order_type.value,
            price=price,
            quantity=quantity,
            quote_order_qty=quote,
            reference_price=reference_price,
            side=side.value,
            stop_price=stop_price,
            trailing_delta=trailing,
            iceberg_qty=iceberg,
            pegged=peg is not None,
        )
        for failure in checked.failures:
            known = ("price", "quantity", "quote_order_qty", "stop_price", "trailing_delta", "iceberg_qty")
            key = failure.field if failure.field in known else "form"
            errors.setdefault(key, f"{failure.message} ({failure.filter})")
    if (
        stp_mode is not None
        and stp_mode.value != rules.default_stp_mode
        and stp_mode.value not in rules.allowed_stp_modes
    ):
        allowed = ", ".join(rules.allowed_stp_modes)
        errors["stp_mode"] = f"{rules.symbol} allows self-trade prevention modes {allowed}, not {stp_mode.value}."
    if errors:
        return OrderEntry(None, errors, notional, fee, fee_asset, sor)
    request = OrderRequest(
        symbol=rules.symbol,
        side=side,
        type=order_type,
        quantity=quantity,
        quote_order_qty=quote,
        price=price,
        time_in_force=time_in_force if "tif" in needs else None,
        stop_price=stop_price,
        trailing_delta=trailing,
        iceberg_qty=iceberg,
        stp_mode=stp_mode if stp_mode is not None and stp_mode.value != rules.default_stp_mode else None,
        peg_price_type=peg,
        peg_offset_value=offset,
    )
    return OrderEntry(request, {}, notional, fee, fee_asset, sor)
