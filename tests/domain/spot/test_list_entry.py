from dataclasses import replace
from decimal import Decimal as D

from tests.domain.spot.test_filters import RULES
from tui.domain.spot.list_entry import (
    LegText,
    PairText,
    describe_list,
    parse_amend,
    parse_oco,
    parse_opo,
    parse_opoco,
    parse_oto,
    parse_otoco,
)
from tui.domain.spot.orders import ListKind, OrderType, Side, TimeInForce


def test_sell_oco_has_the_maker_above_and_the_stop_below() -> None:
    entry = parse_oco(
        RULES,
        side=Side.SELL,
        quantity_text="0.01",
        limit_text="62000",
        stop_text="58000",
        stop_limit_text="57900",
        last_price=D("60000"),
    )
    assert entry.errors == {}
    req = entry.request
    assert req is not None and req.above.type is OrderType.LIMIT_MAKER and req.above.price == D("62000")
    assert (
        req.below.type is OrderType.STOP_LOSS_LIMIT
        and req.below.stop_price == D("58000")
        and req.below.price == D("57900")
    )


def test_oco_price_relation_is_checked_before_sending() -> None:
    entry = parse_oco(
        RULES,
        side=Side.SELL,
        quantity_text="0.01",
        limit_text="59000",
        stop_text="58000",
        stop_limit_text="",
        last_price=D("60000"),
    )
    assert entry.request is None and "limit > last price" in entry.errors["form"]
    buy = parse_oco(
        RULES,
        side=Side.BUY,
        quantity_text="0.01",
        limit_text="58000",
        stop_text="62000",
        stop_limit_text="",
        last_price=D("60000"),
    )
    assert buy.request is not None and buy.request.above.type is OrderType.STOP_LOSS_LIMIT


def test_amend_only_lowers_above_what_filled() -> None:
    assert parse_amend(RULES, text="0.005", orig_qty=D("0.01"), executed_qty=D("0.002")) == (D("0.005"), "")
    assert "only lower" in parse_amend(RULES, text="0.02", orig_qty=D("0.01"), executed_qty=D("0"))[1]
    assert "already filled" in parse_amend(RULES, text="0.001", orig_qty=D("0.01"), executed_qty=D("0.002"))[1]


# -- OTO, OTOCO, OPO, OPOCO ---------------------------------------------------------------------

ALL_TYPES = replace(
    RULES,
    order_types=tuple(t.value for t in OrderType),
    min_trailing_above_delta=10,
    max_trailing_above_delta=2000,
    min_trailing_below_delta=10,
    max_trailing_below_delta=2000,
)
BUY_WORKING = LegText(OrderType.LIMIT, Side.BUY, price="60000", quantity="0.01")


def test_oto_pending_quantity_defaults_to_the_working_quantity() -> None:
    entry = parse_oto(ALL_TYPES, working=BUY_WORKING, pending=LegText(OrderType.LIMIT_MAKER, Side.SELL, price="62000"))
    assert entry.errors == {}
    req = entry.request
    assert req is not None and req.kind is ListKind.OTO
    assert req.working == replace(
        req.working, type=OrderType.LIMIT, side=Side.BUY, price=D("60000"), quantity=D("0.01")
    )
    assert req.working.time_in_force is TimeInForce.GTC
    assert req.pending is not None and req.pending.quantity == D("0.01") and req.pending.price == D("62000")
    assert req.pending.time_in_force is None  # LIMIT_MAKER takes none


def test_oto_pending_stop_takes_only_what_its_type_needs() -> None:
    pending = LegText(OrderType.STOP_LOSS, Side.SELL, price="123", stop="58000", quantity="0.005")
    entry = parse_oto(ALL_TYPES, working=BUY_WORKING, pending=pending)
    assert entry.errors == {}
    leg = entry.request.pending
    assert leg.price is None and leg.stop_price == D("58000") and leg.quantity == D("0.005")
    trailing = parse_oto(
        ALL_TYPES,
        working=BUY_WORKING,
        pending=LegText(OrderType.STOP_LOSS_LIMIT, Side.SELL, price="57900", trailing="150"),
    )
    assert trailing.request.pending.trailing_delta == 150 and trailing.request.pending.stop_price is None
    neither = parse_oto(
        ALL_TYPES, working=BUY_WORKING, pending=LegText(OrderType.STOP_LOSS_LIMIT, Side.SELL, price="57900")
    )
    assert neither.request is None and "stop price, a trailing delta" in neither.errors["pending_stop"]


def test_list_errors_land_on_the_field_they_are_about() -> None:
    entry = parse_oto(
        ALL_TYPES,
        working=LegText(OrderType.LIMIT, Side.BUY, price="60000.001", quantity="abc"),
        pending=LegText(OrderType.TAKE_PROFIT_LIMIT, Side.SELL, price="", stop="62000", trailing="9"),
    )
    assert entry.request is None
    assert "PRICE_FILTER" in entry.errors["working_price"]
    assert "must be a number" in entry.errors["working_quantity"]
    assert "Pending price is required" in entry.errors["pending_price"]
    small = parse_oto(
        ALL_TYPES,
        working=BUY_WORKING,
        pending=LegText(OrderType.TAKE_PROFIT_LIMIT, Side.SELL, price="62000", stop="62000", trailing="5"),
    )
    assert "TRAILING_DELTA" in small.errors["pending_trailing"]
    notional = parse_oto(
        ALL_TYPES,
        working=LegText(OrderType.LIMIT, Side.BUY, price="100", quantity="0.01"),
        pending=LegText(OrderType.LIMIT, Side.SELL, price="101"),
    )
    assert "NOTIONAL" in notional.errors["working_quantity"]


def test_working_leg_must_be_limit_or_limit_maker() -> None:
    entry = parse_oto(
        ALL_TYPES,
        working=LegText(OrderType.MARKET, Side.BUY, quantity="0.01"),
        pending=LegText(OrderType.LIMIT, Side.SELL, price="62000"),
    )
    assert "LIMIT or LIMIT_MAKER" in entry.errors["working_type"]


def test_otoco_pair_sits_either_side_of_the_working_price() -> None:
    pair = PairText(Side.SELL, quantity="", limit="63000", stop="58000", stop_limit="57900")
    entry = parse_otoco(ALL_TYPES, working=BUY_WORKING, pair=pair)
    assert entry.errors == {}
    req = entry.request
    assert req.kind is ListKind.OTOCO and req.side is Side.SELL and req.quantity == D("0.01")
    assert req.above.type is OrderType.LIMIT_MAKER and req.above.price == D("63000")
    assert req.below.type is OrderType.STOP_LOSS_LIMIT and req.below.stop_price == D("58000")
    assert req.below.price == D("57900")
    wrong = parse_otoco(ALL_TYPES, working=BUY_WORKING, pair=replace(pair, stop="61000"))
    assert wrong.request is None and "limit > working price (60000) > stop" in wrong.errors["form"]
    own_qty = parse_otoco(ALL_TYPES, working=BUY_WORKING, pair=replace(pair, quantity="0.004"))
    assert own_qty.request.quantity == D("0.004")


def test_opo_pending_has_no_quantity_and_sides_are_fixed() -> None:
    entry = parse_opo(ALL_TYPES, working=BUY_WORKING, pending=LegText(OrderType.LIMIT, Side.SELL, price="62000"))
    assert entry.errors == {}
    req = entry.request
    assert req.kind is ListKind.OPO and req.pending.quantity is None and req.working.quantity == D("0.01")
    sides = parse_opo(
        ALL_TYPES,
        working=replace(BUY_WORKING, side=Side.SELL),
        pending=LegText(OrderType.LIMIT, Side.BUY, price="62000"),
    )
    assert "must be a BUY" in sides.errors["working_side"] and "must be SELLs" in sides.errors["pending_side"]
    # checked as if it sold the working quantity: too small a value shows on its price
    tiny = parse_opo(
        ALL_TYPES,
        working=LegText(OrderType.LIMIT, Side.BUY, price="600", quantity="0.01"),
        pending=LegText(OrderType.LIMIT, Side.SELL, price="400"),
    )
    assert "NOTIONAL" in tiny.errors["pending_price"]


def test_opoco_pair_sells_what_was_bought() -> None:
    pair = PairText(Side.SELL, quantity="5", limit="63000", stop="58000")
    entry = parse_opoco(ALL_TYPES, working=BUY_WORKING, pair=pair)
    assert entry.errors == {}
    req = entry.request
    assert req.kind is ListKind.OPOCO and req.quantity is None and req.side is Side.SELL
    assert req.below.price == D("58000")  # stop-limit defaults to the stop


def test_describe_list_says_each_leg() -> None:
    req = parse_otoco(ALL_TYPES, working=BUY_WORKING, pair=PairText(Side.SELL, "", "63000", "58000", "57900")).request
    text = describe_list(req, ALL_TYPES)
    assert text.startswith("OTOCO on BTCUSDT")
    assert "working: BUY 0.01 BTC LIMIT GTC at 60000 USDT" in text
    assert "OCO pair: SELL 0.01 BTC" in text and "above: LIMIT_MAKER at 63000" in text
    assert "below: STOP_LOSS_LIMIT GTC at 57900 USDT stop 58000" in text
    opo = parse_opo(ALL_TYPES, working=BUY_WORKING, pending=LegText(OrderType.MARKET, Side.SELL)).request
    assert "pending: SELL what the working order bought MARKET at market" in describe_list(opo, ALL_TYPES)
