"""order.place for stop, take-profit, trailing and iceberg orders, STP and newOrderRespType over a real
socket, with the user-data events each produces (web-socket-api.md, user-data-stream.md, stp_faq.md)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest

from tests.sim.conftest import ApiClient
from tui.sim.server import SimServer
from tui.sim.spot.matching.engine import SimError

pytestmark = pytest.mark.timeout(30)

BIG = {"USDT": Decimal("10000000"), "BTC": Decimal("100")}


@pytest.fixture
async def quiet(sim: SimServer) -> SimServer:
    """The BTCUSDT book emptied of the synthetic quotes, so tests print trades at prices they choose."""
    for mm in ("mm-1", "mm-2"):
        with contextlib.suppress(SimError):
            sim.engine.cancel_all(mm, "BTCUSDT")
    for acct in ("mover", "hitter"):
        sim.engine.open_account(acct, BIG)
    trade_at(sim, "60000")
    return sim


def trade_at(sim: SimServer, price: str, qty: str = "0.001") -> None:
    sim.engine.place_order(
        "mover", "BTCUSDT", "SELL", "LIMIT", price=Decimal(price), quantity=Decimal(qty), time_in_force="GTC"
    )
    sim.engine.place_order(
        "hitter", "BTCUSDT", "BUY", "LIMIT", price=Decimal(price), quantity=Decimal(qty), time_in_force="IOC"
    )


async def user_stream(api: ApiClient) -> None:
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200


def order(**kw: Any) -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.001", **kw}


async def test_stop_loss_limit_waits_then_works(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    r = await api.signed(
        "order.place",
        order(type="STOP_LOSS_LIMIT", timeInForce="GTC", price="58900", stopPrice="59000", newOrderRespType="RESULT",
              strategyId=37463720, strategyType=1000000),
    )  # fmt: skip
    res = r["result"]
    assert res["status"] == "NEW" and res["workingTime"] == -1 and res["stopPrice"] == "59000.00000000"
    assert res["strategyId"] == 37463720 and res["strategyType"] == 1000000
    assert "icebergQty" not in res and "trailingDelta" not in res and res["selfTradePreventionMode"] == "NONE"
    assert list(res)[-2:] == ["workingTime", "selfTradePreventionMode"]
    oid = res["orderId"]
    new = (await api.event("executionReport", i=oid, x="NEW"))["event"]
    assert new["o"] == "STOP_LOSS_LIMIT" and new["P"] == "59000.00000000" and new["w"] is False and "W" not in new
    assert new["j"] == 37463720 and new["J"] == 1000000 and "d" not in new
    status = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": oid}))["result"]
    assert status["isWorking"] is False and status["workingTime"] == -1 and status["icebergQty"] == "0.00000000"
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"] == [] and depth["bids"] == []  # waiting off the book

    trade_at(quiet, "59500")
    trade_at(quiet, "59000")
    fired = (await api.event("executionReport", i=oid, x="NEW"))["event"]
    assert fired["X"] == "NEW" and fired["w"] is True and fired["W"] >= new["E"]
    status = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": oid}))["result"]
    assert status["isWorking"] is True and status["workingTime"] == fired["W"]
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"] == [["58900.00000000", "0.00100000"]]


async def test_stop_loss_market_defaults_to_ack_and_fills_on_trigger(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    quiet.engine.place_order(
        "mover", "BTCUSDT", "BUY", "LIMIT", price=Decimal("58000"), quantity=Decimal("1"), time_in_force="GTC"
    )
    r = await api.signed("order.place", order(type="STOP_LOSS", stopPrice="59000"))
    assert set(r["result"]) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    oid = r["result"]["orderId"]
    trade_at(quiet, "58999")
    await api.event("executionReport", i=oid, x="NEW", w=True)
    trade = (await api.event("executionReport", i=oid, x="TRADE"))["event"]
    assert trade["X"] == "FILLED" and trade["L"] == "58000.00000000" and trade["o"] == "STOP_LOSS"
    full = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": oid}))["result"]
    assert full["status"] == "FILLED" and full["type"] == "STOP_LOSS" and full["stopPrice"] == "59000.00000000"


async def test_trailing_stop_reports_delta_and_tracking_time(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    r = await api.signed(
        "order.place",
        order(type="TAKE_PROFIT_LIMIT", timeInForce="GTC", price="61000", stopPrice="62000", trailingDelta=100,
              newOrderRespType="FULL"),
    )  # fmt: skip
    res = r["result"]
    assert res["trailingDelta"] == 100 and res["trailingTime"] == -1 and res["fills"] == []
    oid = res["orderId"]
    new = (await api.event("executionReport", i=oid, x="NEW"))["event"]
    assert new["d"] == 100 and new["D"] == -1
    for price in ("61000", "62000", "63000", "62370.01"):  # activates at 62000, peaks at 63000
        trade_at(quiet, price)
    status = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": oid}))["result"]
    assert status["isWorking"] is False and status["trailingTime"] > 0
    trade_at(quiet, "62370")  # 63000 * 0.99
    fired = (await api.event("executionReport", i=oid, x="NEW", w=True))["event"]
    assert fired["D"] == status["trailingTime"] and fired["d"] == 100


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (order(type="STOP_LOSS", stopPrice="61000"), {"code": -2010, "msg": "Order would trigger immediately."}),
        (order(type="TAKE_PROFIT", side="BUY", stopPrice="61000"), {"code": -2010, "msg": "Order would trigger immediately."}),
        (order(type="STOP_LOSS"), {"code": -1102, "msg": "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!"}),
        (order(type="STOP_LOSS", trailingDelta=5), {"code": -1013, "msg": "Filter failure: TRAILING_DELTA"}),
        (order(type="STOP_LOSS_LIMIT", stopPrice="59000", price="59000"), {"code": -1102, "msg": "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", stopPrice="1"), {"code": -1106, "msg": "Parameter 'stopPrice' sent when not required."}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", quantity="0.01", icebergQty="0.0001"), {"code": -1013, "msg": "Filter failure: ICEBERG_PARTS"}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", icebergQty="0.002"), {"code": -2010, "msg": "IcebergQty exceeds QTY."}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", strategyType=5), {"code": -1134, "msg": "strategyType was less than 1000000."}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", selfTradePreventionMode="SOMETIMES"), {"code": -1130, "msg": "Data sent for parameter 'selfTradePreventionMode' is not valid."}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", selfTradePreventionMode="TRANSFER"), {"code": -1013, "msg": "This symbol does not allow the specified self-trade prevention mode."}),
        (order(type="LIMIT", timeInForce="GTC", price="70000", newOrderRespType="MOST"), {"code": -1130, "msg": "Data sent for parameter 'newOrderRespType' is not valid."}),
    ],
)  # fmt: skip
async def test_documented_errors(
    api: ApiClient, quiet: SimServer, params: dict[str, Any], error: dict[str, Any]
) -> None:
    for method in ("order.test", "order.place"):
        r = await api.signed(method, params)
        assert r["status"] == 400 and r["error"] == error, method


async def test_max_num_algo_orders(api: ApiClient, quiet: SimServer) -> None:
    for _ in range(5):
        assert (await api.signed("order.place", order(type="STOP_LOSS", stopPrice="50000")))["status"] == 200
    r = await api.signed("order.place", order(type="STOP_LOSS", stopPrice="50000"))
    assert r["error"] == {"code": -1013, "msg": "Filter failure: MAX_NUM_ALGO_ORDERS"}
    canceled = (await api.signed("openOrders.cancelAll", {"symbol": "BTCUSDT"}))["result"]
    assert [o["status"] for o in canceled] == ["CANCELED"] * 5 and canceled[0]["stopPrice"] == "50000.00000000"


async def test_iceberg_shows_its_part(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    r = await api.signed(
        "order.place", order(type="LIMIT", timeInForce="GTC", price="61000", quantity="0.005", icebergQty="0.002")
    )
    res = r["result"]
    assert res["icebergQty"] == "0.00200000" and res["status"] == "NEW"
    ev = (await api.event("executionReport", i=res["orderId"], x="NEW"))["event"]
    assert ev["F"] == "0.00200000" and ev["q"] == "0.00500000"
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"] == [["61000.00000000", "0.00200000"]]
    quiet.engine.place_order("hitter", "BTCUSDT", "BUY", "MARKET", quantity=Decimal("0.003"))
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"] == [["61000.00000000", "0.00100000"]]  # the second part, partly taken
    status = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": res["orderId"]}))["result"]
    assert status["executedQty"] == "0.00300000" and status["icebergQty"] == "0.00200000"


async def test_stp_expire_maker_against_own_orders(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    bids = []
    for price in ("59990", "59980"):
        r = await api.signed("order.place", order(side="BUY", type="LIMIT", timeInForce="GTC", price=price))
        bids.append(r["result"]["orderId"])
    r = await api.signed(
        "order.place",
        order(type="LIMIT", timeInForce="GTC", price="59980", quantity="0.003", selfTradePreventionMode="EXPIRE_MAKER"),
    )
    res = r["result"]
    assert res["status"] == "NEW" and res["fills"] == [] and res["selfTradePreventionMode"] == "EXPIRE_MAKER"
    assert res["preventedMatches"] == [
        {"preventedMatchId": 0, "makerOrderId": bids[0], "price": "59990.00000000", "makerPreventedQuantity": "0.00100000"},
        {"preventedMatchId": 1, "makerOrderId": bids[1], "price": "59980.00000000", "makerPreventedQuantity": "0.00100000"},
    ]  # fmt: skip
    assert list(res)[-3:] == ["fills", "preventedMatches", "selfTradePreventionMode"]
    ev = (await api.event("executionReport", i=bids[0], x="TRADE_PREVENTION"))["event"]
    assert ev["X"] == "EXPIRED_IN_MATCH" and ev["v"] == 0 and ev["A"] == ev["B"] == "0.00100000"
    assert ev["U"] == res["orderId"] and ev["Cs"] == "BTCUSDT" and ev["pL"] == "59990.00000000" and ev["u"] == -1
    maker = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": bids[1]}))["result"]
    assert maker["status"] == "EXPIRED_IN_MATCH" and maker["preventedMatchId"] == 1
    assert maker["preventedQuantity"] == "0.00100000" and maker["selfTradePreventionMode"] == "NONE"


async def test_stp_expire_taker_and_decrement(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    r = await api.signed(
        "order.place", order(side="BUY", type="LIMIT", timeInForce="GTC", price="59990", quantity="0.003")
    )
    bid = r["result"]["orderId"]
    r = await api.signed(
        "order.place", order(type="LIMIT", timeInForce="GTC", price="59990", selfTradePreventionMode="EXPIRE_TAKER")
    )
    res = r["result"]
    assert res["status"] == "EXPIRED_IN_MATCH" and res["preventedQuantity"] == "0.00100000"
    assert res["preventedMatches"][0]["takerPreventedQuantity"] == "0.00100000"
    assert "makerPreventedQuantity" not in res["preventedMatches"][0]
    taker = (await api.event("executionReport", i=res["orderId"], x="TRADE_PREVENTION"))["event"]
    assert taker["X"] == "EXPIRED_IN_MATCH" and taker["U"] == bid and taker["V"] == "EXPIRE_TAKER"

    r = await api.signed(
        "order.place",
        order(
            type="LIMIT",
            timeInForce="GTC",
            price="59990",
            selfTradePreventionMode="DECREMENT",
            newOrderRespType="RESULT",
        ),
    )
    assert r["result"]["status"] == "EXPIRED_IN_MATCH" and "preventedMatches" not in r["result"]
    maker = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": bid}))["result"]
    assert maker["status"] == "NEW" and maker["preventedQuantity"] == "0.00100000"
    ev = (await api.event("executionReport", i=bid, x="TRADE_PREVENTION"))["event"]
    assert ev["X"] == "NEW" and ev["A"] == "0.00100000"
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["bids"] == [["59990.00000000", "0.00200000"]]


async def test_order_test_with_commission_rates_for_conditional_order(api: ApiClient, quiet: SimServer) -> None:
    params = order(
        type="STOP_LOSS_LIMIT", timeInForce="GTC", price="58000", stopPrice="59000", computeCommissionRates=True
    )
    r = await api.signed("order.test", params)
    assert r["result"] == {
        "standardCommissionForOrder": {"maker": "0.00100000", "taker": "0.00100000"},
        "specialCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
        "taxCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": "0.00000000",
        },
    }
    assert r["rateLimits"][-1]["count"] >= 20
    assert (await api.signed("openOrders.status", {"symbol": "BTCUSDT"}))["result"] == []
