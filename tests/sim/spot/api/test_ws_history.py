"""History and account queries over a real socket, checked against web-socket-api.md: account.commission
and account.rateLimits.orders ("Query unfilled order count")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.sim.conftest import ApiClient
from tui.sim.server import SimServer

pytestmark = pytest.mark.timeout(30)


async def test_account_commission_shape(api: ApiClient) -> None:
    r = await api.signed("account.commission", {"symbol": "BTCUSDT"})
    assert r["status"] == 200, r
    result = r["result"]
    assert set(result) == {"symbol", "standardCommission", "specialCommission", "taxCommission", "discount"}
    assert result["symbol"] == "BTCUSDT"
    for block in ("standardCommission", "specialCommission", "taxCommission"):
        assert set(result[block]) == {"maker", "taker", "buyer", "seller"}
    assert result["standardCommission"]["maker"] == "0.00100000"
    assert set(result["discount"]) == {"enabledForAccount", "enabledForSymbol", "discountAsset", "discount"}


async def test_unfilled_order_count_moves_with_orders(api: ApiClient, sim: SimServer) -> None:
    r = await api.signed("account.rateLimits.orders")
    assert r["status"] == 200, r
    before = r["result"]
    assert [(x["rateLimitType"], x["interval"], x["intervalNum"], x["limit"]) for x in before] == [
        ("ORDERS", "SECOND", 10, 50),
        ("ORDERS", "DAY", 1, 160000),
    ]
    # weight 40 is charged, and the response's own rateLimits carry only REQUEST_WEIGHT (no account ORDERS rows)
    assert [x["rateLimitType"] for x in r["rateLimits"]] == ["REQUEST_WEIGHT"]

    bid, _ = sim.engine.best_bid_ask("BTCUSDT")
    assert bid
    order = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": str(bid[0] - Decimal(500)),
        "quantity": "0.001",
    }
    assert (await api.signed("order.place", order))["status"] == 200
    after = (await api.signed("account.rateLimits.orders"))["result"]
    day_before, day_after = before[1]["count"], after[1]["count"]
    assert day_after == day_before + 1
    assert after[0]["count"] in (before[0]["count"] + 1, 1)  # 1 if a 10 s window began in between


async def test_unfilled_order_count_needs_a_key(api: ApiClient) -> None:
    r = await api.call("account.rateLimits.orders")
    assert r["status"] in (400, 401) and r["error"]["code"] == -2014


async def _day_count(api: ApiClient) -> int:
    r = await api.signed("account.rateLimits.orders")
    assert r["status"] == 200, r
    day = r["result"][1]
    assert day["interval"] == "DAY"
    return int(day["count"])


async def test_first_fills_take_orders_off_the_unfilled_count(api: ApiClient, sim: SimServer) -> None:
    """order_count_decrement.md: an order's first fill decrements the count (by one as taker, by
    more as maker: five in the simulator), later fills and cancels don't, and it never goes below 0."""
    bid, ask = sim.engine.best_bid_ask("BTCUSDT")
    assert bid and ask and ask[0] - bid[0] > Decimal("0.02")
    start = await _day_count(api)
    far = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001"}
    for i in range(6):
        assert (await api.signed("order.place", {**far, "price": str(bid[0] - 500 - i)}))["status"] == 200
    inside = {**far, "price": str(bid[0] + Decimal("0.01")), "quantity": "0.002"}
    placed = await api.signed("order.place", inside)
    assert placed["status"] == 200 and placed["result"]["status"] == "NEW"
    assert await _day_count(api) == start + 7
    # The demo account (STP mode NONE) sells into its own best bid: one fill as maker, one as taker.
    sell = {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.001"}
    r = await api.signed("order.place", sell)
    assert r["status"] == 200 and r["result"]["status"] == "FILLED", r
    assert await _day_count(api) == start + 8 - 5 - 1
    # A second fill of the same resting order is not a first fill: only the new taker's -1 applies.
    r = await api.signed("order.place", sell)
    assert r["status"] == 200 and Decimal(r["result"]["fills"][0]["price"]) == Decimal(inside["price"]), r
    assert await _day_count(api) == start + 2 + 1 - 1
    # Cancels change nothing.
    assert (await api.signed("openOrders.cancelAll", {"symbol": "BTCUSDT"}))["status"] == 200
    assert await _day_count(api) == start + 2


async def test_fill_credit_never_goes_below_zero(api: ApiClient, sim: SimServer) -> None:
    bid, _ = sim.engine.best_bid_ask("BTCUSDT")
    assert bid
    # A day's window is fresh at start; a fill after the only order counted leaves zero, not less.
    start = await _day_count(api)
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.002"}
    assert (await api.signed("order.place", {**order, "price": str(bid[0] + Decimal("0.01"))}))["status"] == 200
    sell = {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.001"}
    assert (await api.signed("order.place", sell))["status"] == 200
    assert await _day_count(api) == max(0, start + 2 - 5 - 1) == 0
