"""History and account queries over a real socket, checked against web-socket-api.md: account.commission
and account.rateLimits.orders ("Query unfilled order count")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.sim.server import SimServer

from .conftest import ApiClient

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
