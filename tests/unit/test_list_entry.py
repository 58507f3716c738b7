from decimal import Decimal as D

from tests.unit.test_filters import RULES
from tui.domain.list_entry import parse_amend, parse_oco
from tui.domain.orders import OrderType, Side


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
