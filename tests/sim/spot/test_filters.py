"""The simulator's own filters (tui.sim.spot.filters), edge by edge, from the wording of filters.md."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from tui.sim.spot.filters import (
    SymbolRules,
    filter_failure,
    first_failure,
    iceberg_parts,
    lot_size,
    max_num_algo_orders,
    max_num_order_lists,
    notional,
    price_filter,
    trailing_delta,
    uses_above_bounds,
)

RULES = SymbolRules(
    symbol="BTCUSDT",
    base_asset="BTC",
    quote_asset="USDT",
    tick_size=D("0.01"),
    min_price=D("0.10"),
    max_price=D("1000"),
    step_size=D("0.001"),
    min_qty=D("0.001"),
    max_qty=D("100"),
    min_notional=D("5"),
    max_notional=D("10000"),
    apply_min_to_market=True,
    apply_max_to_market=False,
    market_step_size=D("0.01"),
    market_min_qty=D("0.01"),
    market_max_qty=D("10"),
    order_types=("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT"),
    iceberg_parts=10,
    min_trailing_above_delta=10,
    max_trailing_above_delta=2000,
    min_trailing_below_delta=20,
    max_trailing_below_delta=1000,
)


# -- PRICE_FILTER: price >= minPrice, <= maxPrice, price % tickSize == 0; each rule off at 0 -------------


@pytest.mark.parametrize(
    ("price", "failed"),
    [
        ("0.10", None),  # == minPrice
        ("0.09", "PRICE_FILTER"),
        ("1000", None),  # == maxPrice
        ("1000.01", "PRICE_FILTER"),
        ("12.34", None),
        ("12.345", "PRICE_FILTER"),  # off the tick
        ("0", "PRICE_FILTER"),
        ("-1", "PRICE_FILTER"),
    ],
)
def test_price_filter_edges(price: str, failed: str | None) -> None:
    assert price_filter(RULES, D(price)) == failed


def test_price_filter_rules_are_disabled_at_zero() -> None:
    off = replace(RULES, min_price=D(0), max_price=D(0), tick_size=D(0))
    assert price_filter(off, D("0.0000001")) is None
    assert price_filter(off, D("99999999.123")) is None
    assert price_filter(off, D(0)) == "PRICE_FILTER"  # a price is still above zero


# -- LOT_SIZE and MARKET_LOT_SIZE: quantity >= minQty, <= maxQty, quantity % stepSize == 0 -------------


@pytest.mark.parametrize(
    ("qty", "market", "failed"),
    [
        ("0.001", False, None),  # == minQty
        ("0.0009", False, "LOT_SIZE"),
        ("100", False, None),  # == maxQty
        ("100.001", False, "LOT_SIZE"),
        ("1.0005", False, "LOT_SIZE"),  # off the step
        ("0", False, "LOT_SIZE"),
        ("0.01", True, None),  # == market minQty
        ("0.005", True, "MARKET_LOT_SIZE"),  # passes LOT_SIZE, not MARKET_LOT_SIZE's minQty
        ("10", True, None),  # == market maxQty
        ("10.01", True, "MARKET_LOT_SIZE"),
        ("1.005", True, "MARKET_LOT_SIZE"),  # off the market step
        ("0.0005", True, "LOT_SIZE"),  # LOT_SIZE is tried first
    ],
)
def test_lot_size_edges(qty: str, market: bool, failed: str | None) -> None:
    assert lot_size(RULES, D(qty), market=market) == failed


def test_market_lot_size_absent_when_its_bounds_are_zero() -> None:
    without = replace(RULES, market_min_qty=D(0), market_max_qty=D(0), market_step_size=D(0))
    assert not without.has_market_lot_size
    assert lot_size(without, D("50"), market=True) is None


# -- NOTIONAL: minNotional <= price * quantity <= maxNotional; applyMin/MaxToMarket for MARKET ---------


@pytest.mark.parametrize(
    ("value", "market", "failed"),
    [
        ("5", False, None),  # == minNotional
        ("4.99", False, "NOTIONAL"),
        ("10000", False, None),  # == maxNotional
        ("10000.01", False, "NOTIONAL"),
        ("4.99", True, "NOTIONAL"),  # applyMinToMarket
        ("10000.01", True, None),  # not applyMaxToMarket
    ],
)
def test_notional_edges(value: str, market: bool, failed: str | None) -> None:
    assert notional(RULES, D(value), market=market) == failed


def test_notional_apply_flags_switch_market_bounds() -> None:
    flipped = replace(RULES, apply_min_to_market=False, apply_max_to_market=True)
    assert notional(flipped, D("1"), market=True) is None
    assert notional(flipped, D("10000.01"), market=True) == "NOTIONAL"


# -- ICEBERG_PARTS: CEIL(qty / icebergQty) <= limit; icebergQty itself meets LOT_SIZE ------------------


@pytest.mark.parametrize(
    ("qty", "iceberg", "failed"),
    [
        ("1", "0.1", None),  # exactly 10 parts
        ("1.001", "0.1", "ICEBERG_PARTS"),  # CEIL gives 11
        ("1", "0.0005", "LOT_SIZE"),  # the visible part is below minQty
        ("1", "0.1005", "LOT_SIZE"),  # the visible part is off the step
    ],
)
def test_iceberg_parts_edges(qty: str, iceberg: str, failed: str | None) -> None:
    assert iceberg_parts(RULES, D(qty), D(iceberg)) == failed


# -- TRAILING_DELTA: above bounds for STOP_LOSS BUY / TAKE_PROFIT SELL, below for the others ----------


@pytest.mark.parametrize(
    ("order_type", "side", "above"),
    [
        ("STOP_LOSS", "BUY", True),
        ("STOP_LOSS_LIMIT", "BUY", True),
        ("TAKE_PROFIT", "SELL", True),
        ("TAKE_PROFIT_LIMIT", "SELL", True),
        ("STOP_LOSS", "SELL", False),
        ("STOP_LOSS_LIMIT", "SELL", False),
        ("TAKE_PROFIT", "BUY", False),
        ("TAKE_PROFIT_LIMIT", "BUY", False),
    ],
)
def test_trailing_direction(order_type: str, side: str, above: bool) -> None:
    assert uses_above_bounds(order_type, side) is above


@pytest.mark.parametrize(
    ("side", "delta", "failed"),
    [
        ("BUY", 10, None),  # == minTrailingAboveDelta
        ("BUY", 9, "TRAILING_DELTA"),
        ("BUY", 2000, None),  # == maxTrailingAboveDelta
        ("BUY", 2001, "TRAILING_DELTA"),
        ("SELL", 20, None),  # == minTrailingBelowDelta
        ("SELL", 19, "TRAILING_DELTA"),
        ("SELL", 1000, None),  # == maxTrailingBelowDelta
        ("SELL", 1001, "TRAILING_DELTA"),
        ("BUY", 0, "TRAILING_DELTA"),
    ],
)
def test_trailing_delta_edges(side: str, delta: int, failed: str | None) -> None:
    assert trailing_delta(RULES, "STOP_LOSS", side, delta) == failed


# -- MAX_NUM_ALGO_ORDERS and MAX_NUM_ORDER_LISTS: open ones per account and symbol -----------------------


def test_max_num_algo_orders_edges() -> None:
    five = replace(RULES, max_num_algo_orders=5)
    assert max_num_algo_orders(five, 4) is None  # the 5th may open
    assert max_num_algo_orders(five, 5) == "MAX_NUM_ALGO_ORDERS"
    assert max_num_algo_orders(replace(RULES, max_num_algo_orders=0), 1000) is None  # no such filter


def test_max_num_order_lists_edges() -> None:
    assert max_num_order_lists(20, 19) is None
    assert max_num_order_lists(20, 20) == "MAX_NUM_ORDER_LISTS"


# -- whole orders: which filter is reported first ------------------------------------------------------


def test_limit_order_checks_price_then_quantity_then_notional_then_iceberg() -> None:
    def failed(price: str, qty: str, iceberg: str | None = None) -> str | None:
        return first_failure(
            RULES, order_type="LIMIT", side="BUY", price=D(price), quantity=D(qty),
            iceberg_qty=D(iceberg) if iceberg else None,
        )  # fmt: skip

    assert failed("10", "1") is None
    assert failed("10.001", "0.0001") == "PRICE_FILTER"
    assert failed("10", "0.0001") == "LOT_SIZE"
    assert failed("1", "1") == "NOTIONAL"  # 1 < minNotional 5
    assert failed("10", "1", "0.05") == "ICEBERG_PARTS"  # 20 parts


def test_market_order_by_quantity_uses_the_reference_price_for_notional() -> None:
    def failed(qty: str, ref: str | None) -> str | None:
        return first_failure(
            RULES, order_type="MARKET", side="SELL", price=None, quantity=D(qty),
            reference_price=D(ref) if ref else None,
        )  # fmt: skip

    assert failed("0.1", "100") is None
    assert failed("0.01", "100") == "NOTIONAL"  # 1 < 5
    assert failed("0.01", None) is None  # no price to check against yet
    assert failed("20", "100") == "MARKET_LOT_SIZE"


def test_market_order_by_quote_amount_checks_it_as_the_notional() -> None:
    def failed(quote: str) -> str | None:
        return first_failure(
            RULES, order_type="MARKET", side="BUY", price=None, quantity=None, quote_order_qty=D(quote)
        )

    assert failed("5") is None
    assert failed("4.99") == "NOTIONAL"
    assert failed("0") == "NOTIONAL"
    both = first_failure(RULES, order_type="MARKET", side="BUY", price=None, quantity=D("1"), quote_order_qty=D("10"))
    assert both == "LOT_SIZE"


def test_stop_market_order_checks_stop_price_trailing_then_market_quantity_and_notional_at_the_stop() -> None:
    def failed(stop: str | None, qty: str, delta: int | None = None) -> str | None:
        return first_failure(
            RULES, order_type="STOP_LOSS", side="SELL", price=None, quantity=D(qty),
            stop_price=D(stop) if stop else None, reference_price=D("100"), trailing=delta,
        )  # fmt: skip

    assert failed("100", "0.1") is None
    assert failed("100.001", "0.1") == "PRICE_FILTER"
    assert failed("100", "0.1", 5) == "TRAILING_DELTA"
    assert failed("100", "0.0005") == "LOT_SIZE"
    assert failed("100", "0.015") == "MARKET_LOT_SIZE"
    assert failed("10", "0.1") == "NOTIONAL"  # 1 at the stop price
    assert failed(None, "0.04", 100) == "NOTIONAL"  # trailing without a stop: 4 at the reference price


def test_stop_limit_order_checks_stop_price_before_price() -> None:
    failed = first_failure(
        RULES, order_type="STOP_LOSS_LIMIT", side="SELL", price=D("1.001"), quantity=D("1"),
        stop_price=D("2000"),
    )  # fmt: skip
    assert failed == "PRICE_FILTER"
    ok = first_failure(
        RULES, order_type="STOP_LOSS_LIMIT", side="SELL", price=D("99"), quantity=D("1"), stop_price=D("100")
    )
    assert ok is None


def test_filter_failure_is_binance_error() -> None:
    err = filter_failure("LOT_SIZE")
    assert (err.code, err.msg) == (-1013, "Filter failure: LOT_SIZE")
