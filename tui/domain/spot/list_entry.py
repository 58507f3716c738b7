"""Validate an order list typed into the list form (OCO, OTO, OTOCO, OPO, OPOCO) and the new quantity of an
amend; pure, nothing is sent.

Errors are keyed by the form field they belong to: `working_price`, `pending_stop`, `limit`, ... and
`form` for what belongs to no single field, so the form can put each message under its own input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tui.domain.money import to_decimal, wire
from tui.domain.spot.filters import SymbolRules, check_notional, check_order, check_price, check_quantity
from tui.domain.spot.order_entry import fields_for
from tui.domain.spot.orders import ListKind, ListLeg, OrderListRequest, OrderType, Side, TimeInForce


@dataclass(frozen=True)
class ListEntry:
    request: OrderListRequest | None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LegText:
    """One leg of an OTO-family list as typed: the chosen type, side and TIF, and each amount's raw text."""

    type: OrderType
    side: Side = Side.BUY
    price: str = ""
    stop: str = ""
    trailing: str = ""
    quantity: str = ""
    time_in_force: TimeInForce = TimeInForce.GTC


@dataclass(frozen=True)
class PairText:
    """An OCO pair as typed (an OCO itself, or the pending pair of an OTOCO / OPOCO): a LIMIT_MAKER at
    `limit` and a STOP_LOSS_LIMIT triggered at `stop` with limit price `stop_limit` (default: the stop)."""

    side: Side
    quantity: str
    limit: str
    stop: str
    stop_limit: str = ""


WORKING_TYPES = (OrderType.LIMIT, OrderType.LIMIT_MAKER)  # web-socket-api.md: workingType
# Any type may wait as the pending order (a MARKET one only by quantity: no quoteOrderQty).
PENDING_TYPES = tuple(OrderType)

KIND_HELP: dict[ListKind, str] = {
    ListKind.OCO: "a take-profit and a stop on one quantity: one fills or triggers, the other is cancelled",
    ListKind.OTO: "the pending order goes on the book only when the working order has fully filled",
    ListKind.OTOCO: "when the working order fills, an OCO pair (take profit + stop) goes on the book",
    ListKind.OPO: "a working BUY; when it fills, the pending SELL sells what it bought (net of fees)",
    ListKind.OPOCO: "a working BUY; when it fills, an OCO pair sells what it bought (net of fees)",
}


def leg_fields(order_type: OrderType) -> frozenset[str]:
    """The inputs a list leg of this type takes: `price`, `quantity`, `tif`, `stop` (stop price and
    trailing delta). No iceberg or quote amount in the form's list legs."""
    return fields_for(order_type) - {"iceberg", "quote"}


def _amount(text: str, label: str, errors: dict[str, str], key: str) -> Decimal | None:
    text = text.strip()
    if not text:
        errors[key] = f"{label} is required."
        return None
    try:
        value = to_decimal(text)
    except ValueError:
        errors[key] = f"{label} must be a number (got {text!r})."
        return None
    if value <= 0:
        errors[key] = f"{label} must be greater than zero."
        return None
    return value


def _bips(text: str, errors: dict[str, str], key: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        errors[key] = f"Trailing delta is a whole number of basis points above zero, like 100 for 1 % (got {text!r})."
        return None
    return int(text)


def _leg(
    rules: SymbolRules,
    leg: LegText,
    prefix: str,
    errors: dict[str, str],
    *,
    quantity: Decimal | None = None,
    reference_price: Decimal | None = None,
    typed_quantity: bool = True,
) -> ListLeg | None:
    """Parse and filter-check one leg. `quantity` stands in when the leg has no quantity of its own (an OPO
    pending leg, a blank pending quantity); the leg then carries it only if `typed_quantity`."""
    what = prefix.capitalize()
    needs = leg_fields(leg.type)
    mine: dict[str, str] = {}
    price = _amount(leg.price, f"{what} price", mine, f"{prefix}_price") if "price" in needs else None
    stop = trailing = None
    if "stop" in needs:
        if leg.stop.strip():
            stop = _amount(leg.stop, f"{what} stop price", mine, f"{prefix}_stop")
        trailing = _bips(leg.trailing, mine, f"{prefix}_trailing")
        if stop is None and trailing is None and not mine.keys() & {f"{prefix}_stop", f"{prefix}_trailing"}:
            mine[f"{prefix}_stop"] = "Give a stop price, a trailing delta, or both (the stop then activates the trail)."
    qty = quantity
    if typed_quantity and (leg.quantity.strip() or quantity is None):
        qty = _amount(leg.quantity, f"{what} quantity", mine, f"{prefix}_quantity")
    # Each amount on its own first, so every bad input says so at once; then the order as a whole.
    for key, value in ((f"{prefix}_price", price), (f"{prefix}_stop", stop)):
        if value is not None and key not in mine and (f := check_price(rules, value)) is not None:
            mine[key] = f"{f.message} ({f.filter})"
    qty_key = f"{prefix}_quantity"
    if typed_quantity and qty is not None and qty_key not in mine and (f := check_quantity(rules, qty)) is not None:
        mine[qty_key] = f"{f.message} ({f.filter})"
    if not mine and qty is not None:
        checked = check_order(
            rules,
            order_type=leg.type.value,
            price=price,
            quantity=qty,
            quote_order_qty=None,
            reference_price=price or stop or reference_price,
            side=leg.side.value,
            stop_price=stop,
            trailing_delta=trailing,
        )
        # A failure lands on the input it is about; the quantity of an OPO leg is not typed, so its
        # failures (and NOTIONAL) go to the leg's price when there is one.
        fallback = f"{prefix}_quantity" if typed_quantity else f"{prefix}_price" if price else "form"
        where = {"price": f"{prefix}_price", "stop_price": f"{prefix}_stop", "trailing_delta": f"{prefix}_trailing"}
        where["type"] = f"{prefix}_type"
        for failure in checked.failures:
            mine.setdefault(where.get(failure.field, fallback), f"{failure.message} ({failure.filter})")
    errors.update(mine)
    if mine or qty is None:
        return None
    return ListLeg(
        leg.type,
        side=leg.side,
        quantity=qty if typed_quantity else None,
        price=price,
        stop_price=stop,
        trailing_delta=trailing,
        time_in_force=leg.time_in_force if "tif" in needs else None,
    )


def _working(rules: SymbolRules, leg: LegText, errors: dict[str, str]) -> ListLeg | None:
    if leg.type not in WORKING_TYPES:
        errors["working_type"] = "The working order must be LIMIT or LIMIT_MAKER."
        return None
    return _leg(rules, leg, "working", errors)


def _pair(
    rules: SymbolRules,
    pair: PairText,
    errors: dict[str, str],
    *,
    quantity: Decimal | None = None,
    anchor: Decimal | None = None,
    anchor_name: str = "last price",
    noun: str = "OCO",
) -> tuple[ListLeg, ListLeg, Decimal] | None:
    """(above, below, quantity) of an OCO pair, or None with `errors` filled.

    SELL: limit above `anchor`, stop below it (take profit or stop out). BUY: the mirror image. For an OCO
    the anchor is the last price and the exchange checks the same relation ("The relationship of the
    prices for the orders is not correct."); for a pending pair it is the working price, where the market
    stands when the pair goes on the book.
    """
    mine: dict[str, str] = {}
    qty = quantity
    if pair.quantity.strip() or quantity is None:
        qty = _amount(pair.quantity, "Quantity", mine, "quantity")
    limit = _amount(pair.limit, "Limit price", mine, "limit")
    stop = _amount(pair.stop, "Stop price", mine, "stop")
    stop_limit = _amount(pair.stop_limit, "Stop-limit price", mine, "stop_limit") if pair.stop_limit.strip() else stop
    for key, value in (("limit", limit), ("stop", stop), ("stop_limit", stop_limit)):
        if value is not None and key not in mine and (f := check_price(rules, value)) is not None:
            mine[key] = f"{f.message} ({f.filter})"
    if qty is not None and "quantity" not in mine:
        if (f := check_quantity(rules, qty)) is not None:
            mine["quantity"] = f"{f.message} ({f.filter})"
        else:
            for value in (limit, stop_limit):
                if value is not None and (f := check_notional(rules, value * qty)) is not None:
                    mine["quantity"] = f"{f.message} ({f.filter})"
                    break
    if not mine and limit is not None and stop is not None:
        sell = pair.side is Side.SELL
        if anchor is not None:
            ok = limit > anchor > stop if sell else limit < anchor < stop
            middle = f" {anchor_name} ({anchor.normalize():f}) {'>' if sell else '<'}"
        else:
            ok = limit > stop if sell else limit < stop
            middle = ""
        if not ok:
            mine["form"] = f"A {pair.side.value} {noun} needs limit {'>' if sell else '<'}{middle} stop."
    errors.update(mine)
    if mine or qty is None or limit is None or stop is None:
        return None
    maker = ListLeg(OrderType.LIMIT_MAKER, price=limit)
    stopper = ListLeg(OrderType.STOP_LOSS_LIMIT, price=stop_limit, stop_price=stop, time_in_force=TimeInForce.GTC)
    above, below = (maker, stopper) if pair.side is Side.SELL else (stopper, maker)
    return above, below, qty


def parse_oco(
    rules: SymbolRules,
    *,
    side: Side,
    quantity_text: str,
    limit_text: str,
    stop_text: str,
    stop_limit_text: str,
    last_price: Decimal | None,
) -> ListEntry:
    """A classic OCO: a LIMIT_MAKER at `limit` plus a STOP_LOSS_LIMIT (stop, then stop-limit price); SELL:
    limit > last price > stop, BUY the mirror image, checked here so nothing is sent that would be refused."""
    errors: dict[str, str] = {}
    pair = PairText(side, quantity_text, limit_text, stop_text, stop_limit_text)
    parsed = _pair(rules, pair, errors, anchor=last_price)
    if parsed is None:
        return ListEntry(None, errors)
    above, below, qty = parsed
    return ListEntry(OrderListRequest.oco(rules.symbol, side, qty, above=above, below=below))


def parse_oto(rules: SymbolRules, *, working: LegText, pending: LegText) -> ListEntry:
    """OTO: a LIMIT / LIMIT_MAKER working order; the pending order (any type; a blank quantity means the
    working quantity) is placed when the working order has fully filled."""
    errors: dict[str, str] = {}
    work = _working(rules, working, errors)
    qty = work.quantity if work is not None else None
    ref = work.price if work is not None else None
    pend = _leg(rules, pending, "pending", errors, quantity=qty, reference_price=ref)
    if work is None or pend is None or errors:
        return ListEntry(None, errors)
    return ListEntry(OrderListRequest.oto(rules.symbol, working=work, pending=pend))


def parse_otoco(rules: SymbolRules, *, working: LegText, pair: PairText) -> ListEntry:
    """OTOCO: a working order, then an OCO pair on the book once it has filled (a blank pair quantity means
    the working quantity); the pair's limit and stop sit either side of the working price."""
    errors: dict[str, str] = {}
    work = _working(rules, working, errors)
    qty = work.quantity if work is not None else None
    anchor = work.price if work is not None else None
    parsed = _pair(rules, pair, errors, quantity=qty, anchor=anchor, anchor_name="working price", noun="pending pair")
    if work is None or parsed is None or errors:
        return ListEntry(None, errors)
    above, below, pair_qty = parsed
    return ListEntry(
        OrderListRequest.otoco(rules.symbol, working=work, side=pair.side, quantity=pair_qty, above=above, below=below)
    )


def _opo_sides(working: LegText, pending_side: Side, errors: dict[str, str]) -> None:
    # faqs/opo.md: "Only working orders on the BUY side and pending order(s) on the SELL side are accepted."
    if working.side is not Side.BUY:
        errors["working_side"] = "An OPO's working order must be a BUY."
    if pending_side is not Side.SELL:
        errors["pending_side"] = "An OPO's pending orders must be SELLs: they sell what the working order bought."


def parse_opo(rules: SymbolRules, *, working: LegText, pending: LegText) -> ListEntry:
    """OPO: an OTO whose pending SELL has no quantity of its own: it sells what the working BUY received
    (net of commission, rounded down to the step size) once that has fully filled (faqs/opo.md). Its
    filters are checked here as if it sold the working quantity; the exchange checks again when it is placed."""
    errors: dict[str, str] = {}
    _opo_sides(working, pending.side, errors)
    work = _working(rules, working, errors)
    qty = work.quantity if work is not None else None
    ref = work.price if work is not None else None
    pend = _leg(rules, pending, "pending", errors, quantity=qty, reference_price=ref, typed_quantity=False)
    if work is None or pend is None or errors:
        return ListEntry(None, errors)
    return ListEntry(OrderListRequest.opo(rules.symbol, working=work, pending=pend))


def parse_opoco(rules: SymbolRules, *, working: LegText, pair: PairText) -> ListEntry:
    """OPOCO: a working BUY, then a SELL OCO pair sized by what it bought (faqs/opo.md)."""
    errors: dict[str, str] = {}
    _opo_sides(working, pair.side, errors)
    work = _working(rules, working, errors)
    qty = work.quantity if work is not None else None
    anchor = work.price if work is not None else None
    untyped = PairText(pair.side, "", pair.limit, pair.stop, pair.stop_limit)
    parsed = _pair(
        rules, untyped, errors, quantity=qty, anchor=anchor, anchor_name="working price", noun="pending pair"
    )
    if work is None or parsed is None or errors:
        return ListEntry(None, errors)
    above, below, _ = parsed
    return ListEntry(OrderListRequest.opoco(rules.symbol, working=work, above=above, below=below))


def parse_amend(
    rules: SymbolRules, *, text: str, orig_qty: Decimal, executed_qty: Decimal
) -> tuple[Decimal | None, str]:
    """order.amend.keepPriority only lowers a quantity: above what already filled, below the current."""
    errors: dict[str, str] = {}
    value = _amount(text, "New quantity", errors, "q")
    if value is None:
        return None, errors["q"]
    if value >= orig_qty:
        return None, f"Keep-priority amends only lower the quantity: enter less than {orig_qty.normalize():f}."
    if value <= executed_qty:
        return None, f"{executed_qty.normalize():f} has already filled: enter more than that (or cancel the order)."
    if (f := check_quantity(rules, value)) is not None:
        return None, f"{f.message} ({f.filter})"
    return value, ""


def _describe_leg(leg: ListLeg, rules: SymbolRules, qty: str = "") -> str:
    parts = [p for p in (leg.side.value if leg.side else "", qty, leg.type.value) if p]
    if leg.time_in_force is not None:
        parts.append(leg.time_in_force.value)
    if leg.price is not None:
        parts.append(f"at {wire(leg.price)} {rules.quote_asset}")
    elif leg.type in (OrderType.MARKET, OrderType.STOP_LOSS, OrderType.TAKE_PROFIT):
        parts.append("at market")
    if leg.stop_price is not None:
        parts.append(f"stop {wire(leg.stop_price)}")
    if leg.trailing_delta is not None:
        parts.append(f"trailing {leg.trailing_delta} bips ({leg.trailing_delta / 100:g} %)")
    return " ".join(parts)


def describe_list(request: OrderListRequest, rules: SymbolRules) -> str:
    """What will be sent, leg by leg, for the confirmation step."""
    base = rules.base_asset
    lines = [f"{request.kind.value.upper()} on {request.symbol}: {KIND_HELP[request.kind]}"]
    opo = request.kind in (ListKind.OPO, ListKind.OPOCO)
    bought = "what the working order bought"
    if request.working is not None:
        w = request.working
        lines.append("working: " + _describe_leg(w, rules, f"{wire(w.quantity or Decimal(0))} {base}"))
    if request.pending is not None:
        p = request.pending
        qty = bought if opo else f"{wire(p.quantity or Decimal(0))} {base}"
        lines.append("pending: " + _describe_leg(p, rules, qty))
    if request.above is not None and request.below is not None:
        qty = bought if opo else f"{wire(request.quantity or Decimal(0))} {base}"
        head = "" if request.kind is ListKind.OCO else "then "
        lines.append(f"{head}OCO pair: {request.side} {qty}")
        lines.append("  above: " + _describe_leg(request.above, rules))
        lines.append("  below: " + _describe_leg(request.below, rules))
    if request.stp_mode is not None:
        lines.append(f"self-trade prevention: {request.stp_mode.value}")
    return "\n".join(lines)
