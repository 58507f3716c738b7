from decimal import Decimal as D

from tests.unit.test_filters import RULES
from tui.domain.order_entry import parse_order_entry
from tui.domain.orders import CommissionRates, OrderType, Side, TimeInForce

FEES = CommissionRates(maker=D("0.001"), taker=D("0.001"))


def test_valid_limit_order_gives_request_notional_and_fee() -> None:
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000.5", quantity_text="0.01", commission=FEES
    )
    assert entry.errors == {}
    assert entry.request is not None
    assert entry.request.price == D("60000.5") and entry.request.quantity == D("0.01")
    assert entry.request.time_in_force is TimeInForce.GTC
    assert entry.notional == D("600.005")
    assert entry.fee == D("0.00001") and entry.fee_asset == "BTC"  # a buyer pays in what it receives


def test_each_bad_field_gets_its_own_message_and_no_request() -> None:
    entry = parse_order_entry(RULES, side=Side.SELL, order_type=OrderType.LIMIT, price_text="abc", quantity_text="")
    assert entry.request is None
    assert "must be a number" in entry.errors["price"]
    assert "required" in entry.errors["quantity"]


def test_filter_failures_are_named() -> None:
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000.001", quantity_text="0.01"
    )
    assert entry.request is None
    assert "PRICE_FILTER" in entry.errors["price"]
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000", quantity_text="0.000001"
    )
    assert "LOT_SIZE" in entry.errors["quantity"]
    entry = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="10", quantity_text="0.1")
    assert "NOTIONAL" in entry.errors["form"]


def test_market_needs_exactly_one_amount() -> None:
    none = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.MARKET)
    assert none.request is None and "quantity" in none.errors
    both = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.MARKET, quantity_text="0.001", quote_text="100")
    assert both.request is None
    quote = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.MARKET, quote_text="100", reference_price=D("60000")
    )
    assert quote.request is not None and quote.request.quote_order_qty == D("100") and quote.request.price is None
    assert quote.request.time_in_force is None


def test_limit_maker_uses_maker_fee_and_no_time_in_force() -> None:
    fees = CommissionRates(maker=D("0.0002"), taker=D("0.001"))
    entry = parse_order_entry(
        RULES, side=Side.SELL, order_type=OrderType.LIMIT_MAKER, price_text="100", quantity_text="1", commission=fees
    )
    assert entry.request is not None and entry.request.time_in_force is None
    assert entry.fee == D("0.02") and entry.fee_asset == "USDT"


def test_decimal_comma_is_refused_not_guessed() -> None:
    entry = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000", quantity_text="0,5")
    assert entry.request is None
    assert "decimal point" in entry.errors["quantity"]
