from decimal import Decimal as D

from tui.domain.options.chain import OptionQuote
from tui.domain.options.order_entry import parse_option_entry

QUOTE = OptionQuote(
    "BTCUSDT-261127-60000-C", mark=D("2500"), low_limit=D("1875"), high_limit=D("3125"), min_qty=D("0.01")
)


def test_valid_limit_and_market() -> None:
    entry = parse_option_entry(QUOTE, order_type="LIMIT", quantity_text="0.1", price_text="2500")
    assert entry.ok and entry.quantity == D("0.1") and entry.price == D("2500")
    market = parse_option_entry(QUOTE, order_type="MARKET", quantity_text="0.05")
    assert market.ok and market.price is None


def test_price_band_is_enforced_before_sending() -> None:
    high = parse_option_entry(QUOTE, order_type="LIMIT", quantity_text="0.1", price_text="3125.5")
    assert "highPriceLimit" in high.errors["price"]
    low = parse_option_entry(QUOTE, order_type="LIMIT", quantity_text="0.1", price_text="1000")
    assert "lowPriceLimit" in low.errors["price"]


def test_quantity_step_and_garbage() -> None:
    assert (
        "multiple of 0.01" in parse_option_entry(QUOTE, order_type="MARKET", quantity_text="0.015").errors["quantity"]
    )
    assert "minimum" in parse_option_entry(QUOTE, order_type="MARKET", quantity_text="0.001").errors["quantity"]
    assert (
        "number" in parse_option_entry(QUOTE, order_type="LIMIT", quantity_text="x", price_text="1").errors["quantity"]
    )
