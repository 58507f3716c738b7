"""order.cancelReplace, order.amend.keepPriority, order lists, myPreventedMatches over a real socket, with
the user-data events they produce (web-socket-api.md, user-data-stream.md, errors.md)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest

from tests.sim.conftest import ApiClient
from tui.sim.server import SimServer
from tui.sim.spot.matching.engine import SimError

pytestmark = pytest.mark.timeout(30)
S = "BTCUSDT"


@pytest.fixture
async def quiet(sim: SimServer) -> SimServer:
    for mm in ("mm-1", "mm-2"):
        with contextlib.suppress(SimError):
            sim.engine.cancel_all(mm, S)
    for acct in ("mover", "hitter"):
        sim.engine.open_account(acct, {"USDT": Decimal("10000000"), "BTC": Decimal("100")})
    trade_at(sim, "60000")
    return sim


def trade_at(sim: SimServer, price: str, qty: str = "0.001") -> None:
    sim.engine.place_order(
        "mover", S, "SELL", "LIMIT", price=Decimal(price), quantity=Decimal(qty), time_in_force="GTC"
    )
    sim.engine.place_order(
        "hitter", S, "BUY", "LIMIT", price=Decimal(price), quantity=Decimal(qty), time_in_force="IOC"
    )


async def user_stream(api: ApiClient) -> None:
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200


def limit(**kw: Any) -> dict[str, Any]:
    return {"symbol": S, "side": "SELL", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001", **kw}


async def test_cancel_replace_success(api: ApiClient, quiet: SimServer) -> None:
    oid = (await api.signed("order.place", limit(price="61000", newClientOrderId="old")))["result"]["orderId"]
    r = await api.signed(
        "order.cancelReplace",
        limit(price="61500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=oid, cancelNewClientOrderId="gone",
              newClientOrderId="new"),
    )  # fmt: skip
    assert r["status"] == 200
    res = r["result"]
    assert (res["cancelResult"], res["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    assert res["cancelResponse"]["status"] == "CANCELED" and res["cancelResponse"]["clientOrderId"] == "gone"
    assert res["cancelResponse"]["origClientOrderId"] == "old"
    assert res["newOrderResponse"]["clientOrderId"] == "new" and res["newOrderResponse"]["fills"] == []


async def test_cancel_replace_stop_on_failure_400(api: ApiClient, quiet: SimServer) -> None:
    r = await api.signed(
        "order.cancelReplace", limit(price="61500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=999)
    )
    assert r["status"] == 400
    assert r["error"] == {
        "code": -2022,
        "msg": "Order cancel-replace failed.",
        "data": {
            "cancelResult": "FAILURE",
            "newOrderResult": "NOT_ATTEMPTED",
            "cancelResponse": {"code": -2011, "msg": "Unknown order sent."},
            "newOrderResponse": None,
        },
    }


async def test_cancel_replace_409_shapes(api: ApiClient, quiet: SimServer) -> None:
    # cancel fails, new order placed
    r = await api.signed(
        "order.cancelReplace", limit(price="61500", cancelReplaceMode="ALLOW_FAILURE", cancelOrderId=999)
    )
    assert r["status"] == 409 and r["error"]["code"] == -2021
    assert r["error"]["msg"] == "Order cancel-replace partially failed."
    data = r["error"]["data"]
    assert (data["cancelResult"], data["newOrderResult"]) == ("FAILURE", "SUCCESS")
    assert data["cancelResponse"] == {"code": -2011, "msg": "Unknown order sent."}
    assert data["newOrderResponse"]["status"] == "NEW"
    # cancel succeeds, new order rejected (LIMIT_MAKER that would take)
    oid = data["newOrderResponse"]["orderId"]
    trade_at(quiet, "60000")
    quiet.engine.place_order(
        "mover", S, "BUY", "LIMIT", price=Decimal("60500"), quantity=Decimal("0.001"), time_in_force="GTC"
    )
    r = await api.signed(
        "order.cancelReplace",
        {"symbol": S, "side": "SELL", "type": "LIMIT_MAKER", "quantity": "0.001", "price": "60400",
         "cancelReplaceMode": "STOP_ON_FAILURE", "cancelOrderId": oid},
    )  # fmt: skip
    assert r["status"] == 409
    data = r["error"]["data"]
    assert (data["cancelResult"], data["newOrderResult"]) == ("SUCCESS", "FAILURE")
    assert data["cancelResponse"]["status"] == "CANCELED"
    assert data["newOrderResponse"] == {"code": -2010, "msg": "Order would immediately match and take."}
    # both fail
    r = await api.signed(
        "order.cancelReplace",
        {"symbol": S, "side": "SELL", "type": "LIMIT_MAKER", "quantity": "0.001", "price": "60400",
         "cancelReplaceMode": "ALLOW_FAILURE", "cancelOrderId": oid},
    )  # fmt: skip
    assert r["status"] == 400 and r["error"]["code"] == -2022
    assert (r["error"]["data"]["cancelResult"], r["error"]["data"]["newOrderResult"]) == ("FAILURE", "FAILURE")


async def test_cancel_replace_restrictions(api: ApiClient, quiet: SimServer) -> None:
    oid = (await api.signed("order.place", limit(price="61000")))["result"]["orderId"]
    r = await api.signed(
        "order.cancelReplace",
        limit(price="61500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=oid,
              cancelRestrictions="ONLY_PARTIALLY_FILLED"),
    )  # fmt: skip
    assert r["status"] == 400
    assert r["error"]["data"]["cancelResponse"]["msg"] == "Order was not canceled due to cancel restrictions."


@pytest.mark.parametrize("sim_options", [{"rate_limits": None}], indirect=True)
async def test_cancel_replace_rate_limit_modes(api: ApiClient, quiet: SimServer) -> None:
    from tui.sim.protocol.rate_limits import RateLimitConfig, RateLimiter

    api_limiter = RateLimiter(RateLimitConfig.tiny(weight=1000, orders=1), quiet.clock_ms)
    quiet.ws_api.limiter = api_limiter
    oid = (await api.signed("order.place", limit(price="61000")))["result"]["orderId"]
    r = await api.signed(
        "order.cancelReplace", limit(price="61500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=oid)
    )
    assert r["status"] == 429 and r["error"]["code"] == -1015
    r = await api.signed(
        "order.cancelReplace",
        limit(price="61500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=oid, orderRateLimitExceededMode="CANCEL_ONLY"),
    )  # fmt: skip
    assert r["status"] == 409 and r["error"]["code"] == -2021
    data = r["error"]["data"]
    assert (data["cancelResult"], data["newOrderResult"]) == ("SUCCESS", "FAILURE")
    assert data["newOrderResponse"]["code"] == -1015


async def test_amend_keep_priority(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    oid = (await api.signed("order.place", limit(price="61000", quantity="0.01", newClientOrderId="mine")))["result"][
        "orderId"
    ]
    quiet.engine.place_order(
        "mover", S, "SELL", "LIMIT", price=Decimal("61000"), quantity=Decimal("0.01"), time_in_force="GTC"
    )
    r = await api.signed("order.amend.keepPriority", {"symbol": S, "orderId": oid, "newQty": "0.004"})
    res = r["result"]
    amended = res["amendedOrder"]
    assert list(amended) == [
        "symbol", "orderId", "orderListId", "origClientOrderId", "clientOrderId", "price", "qty", "executedQty",
        "preventedQty", "quoteOrderQty", "cumulativeQuoteQty", "status", "timeInForce", "type", "side", "workingTime",
        "selfTradePreventionMode",
    ]  # fmt: skip
    assert amended["qty"] == "0.00400000" and amended["origClientOrderId"] == "mine" and amended["orderListId"] == -1
    ev = (await api.event("executionReport", i=oid, x="REPLACED"))["event"]
    assert (
        ev["q"] == "0.00400000"
        and ev["C"] == "mine"
        and ev["c"] == amended["clientOrderId"]
        and ev["I"] == res["executionId"]
    )
    trade = quiet.engine.place_order(
        "hitter", S, "BUY", "LIMIT", price=Decimal("61000"), quantity=Decimal("0.004"), time_in_force="IOC"
    )
    assert trade.fills[0].qty == Decimal("0.004")
    assert (await api.signed("order.status", {"symbol": S, "orderId": oid}))["result"]["status"] == "FILLED"
    hist = (await api.signed("order.amendments", {"symbol": S, "orderId": oid}))["result"]
    assert hist == [{"symbol": S, "orderId": oid, "executionId": res["executionId"], "origClientOrderId": "mine",
                     "newClientOrderId": amended["clientOrderId"], "origQty": "0.01000000", "newQty": "0.00400000",
                     "time": res["transactTime"]}]  # fmt: skip
    r = await api.signed("order.amend.keepPriority", {"symbol": S, "orderId": 9999, "newQty": "0.001"})
    assert r["error"]["code"] == -2013


async def test_oco_place_events_and_cancel(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    r = await api.signed(
        "orderList.place.oco",
        {"symbol": S, "side": "SELL", "quantity": "0.001", "aboveType": "LIMIT_MAKER", "abovePrice": "61000",
         "belowType": "STOP_LOSS_LIMIT", "belowPrice": "58900", "belowStopPrice": "59000", "belowTimeInForce": "GTC",
         "listClientOrderId": "pair", "newOrderRespType": "RESULT"},
    )  # fmt: skip
    res = r["result"]
    assert (res["contingencyType"], res["listStatusType"], res["listOrderStatus"]) == (
        "OCO",
        "EXEC_STARTED",
        "EXECUTING",
    )
    assert res["listClientOrderId"] == "pair" and [o["type"] for o in res["orderReports"]] == [
        "STOP_LOSS_LIMIT",
        "LIMIT_MAKER",
    ]
    assert all(o["orderListId"] == res["orderListId"] for o in res["orderReports"])
    assert res["orderReports"][0]["workingTime"] == -1
    ls = (await api.event("listStatus", g=res["orderListId"]))["event"]
    assert (ls["c"], ls["l"], ls["L"], ls["r"], ls["C"]) == ("OCO", "EXEC_STARTED", "EXECUTING", "NONE", "pair")
    assert [o["i"] for o in ls["O"]] == [o["orderId"] for o in res["orders"]]
    leg = (await api.event("executionReport", x="NEW", o="LIMIT_MAKER"))["event"]
    assert leg["g"] == res["orderListId"]
    status = (await api.signed("orderList.status", {"orderListId": res["orderListId"]}))["result"]
    assert status["listOrderStatus"] == "EXECUTING" and "orderReports" not in status
    assert len((await api.signed("openOrderLists.status"))["result"]) == 1
    # canceling one leg cancels the list
    c = (await api.signed("order.cancel", {"symbol": S, "orderId": res["orders"][1]["orderId"]}))["result"]
    assert c["listStatusType"] == "ALL_DONE" and [o["status"] for o in c["orderReports"]] == ["CANCELED", "CANCELED"]
    done = (await api.event("listStatus", g=res["orderListId"], l="ALL_DONE"))["event"]
    assert done["L"] == "ALL_DONE"
    assert (await api.signed("openOrderLists.status"))["result"] == []
    assert [lst["orderListId"] for lst in (await api.signed("allOrderLists"))["result"]] == [res["orderListId"]]
    r = await api.signed("orderList.cancel", {"symbol": S, "orderListId": res["orderListId"]})
    assert r["error"]["code"] == -2011


async def test_deprecated_oco_and_oto_fill(api: ApiClient, quiet: SimServer) -> None:
    await user_stream(api)
    r = await api.signed(
        "orderList.place",
        {"symbol": S, "side": "SELL", "quantity": "0.001", "price": "61000", "stopPrice": "59000",
         "stopLimitPrice": "58900", "stopLimitTimeInForce": "GTC"},
    )  # fmt: skip
    assert [o["type"] for o in r["result"]["orderReports"]] == ["STOP_LOSS_LIMIT", "LIMIT_MAKER"]
    assert "fills" in r["result"]["orderReports"][1]  # FULL by default
    r = await api.signed(
        "orderList.place.oto",
        {"symbol": S, "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "59900", "workingQuantity": "0.001",
         "workingTimeInForce": "GTC", "pendingType": "LIMIT", "pendingSide": "SELL", "pendingPrice": "62000",
         "pendingQuantity": "0.001", "pendingTimeInForce": "GTC"},
    )  # fmt: skip
    res = r["result"]
    assert res["contingencyType"] == "OTO"
    assert [o["status"] for o in res["orderReports"]] == ["NEW", "PENDING_NEW"]
    assert res["orderReports"][1]["workingTime"] == -1
    pending_id = res["orders"][1]["orderId"]
    quiet.engine.place_order(
        "hitter", S, "SELL", "LIMIT", price=Decimal("59900"), quantity=Decimal("0.001"), time_in_force="IOC"
    )
    placed = (await api.event("executionReport", i=pending_id, x="NEW", X="NEW"))["event"]
    assert placed["w"] is True and placed["g"] == res["orderListId"]
    r = await api.signed("openOrders.cancelAll", {"symbol": S})
    kinds = sorted("orderReports" in item for item in r["result"])
    assert kinds == [True, True]  # both lists, in the documented order-list shape


async def test_list_errors(api: ApiClient, quiet: SimServer) -> None:
    r = await api.signed(
        "orderList.place.oco",
        {"symbol": S, "side": "SELL", "quantity": "0.001", "aboveType": "STOP_LOSS", "aboveStopPrice": "59000",
         "belowType": "LIMIT_MAKER", "belowPrice": "61000"},
    )  # fmt: skip
    assert r["error"]["code"] == -1166 or r["error"]["code"] == -1158
    r = await api.signed(
        "orderList.place.opo",
        {"symbol": S, "workingType": "LIMIT", "workingSide": "SELL", "workingPrice": "61000", "workingQuantity": "0.001",
         "workingTimeInForce": "GTC", "pendingType": "MARKET", "pendingSide": "BUY"},
    )  # fmt: skip
    assert r["error"] == {"code": -1222, "msg": "Working order in an OPO list must be a bid."}


async def test_my_prevented_matches(api: ApiClient, quiet: SimServer) -> None:
    maker = (await api.signed("order.place", limit(price="61000")))["result"]["orderId"]
    taker = (
        await api.signed(
            "order.place", {**limit(price="61000"), "side": "BUY", "selfTradePreventionMode": "EXPIRE_MAKER"}
        )
    )["result"]
    r = await api.signed("myPreventedMatches", {"symbol": S, "orderId": taker["orderId"]})
    (m,) = r["result"]
    assert m["makerOrderId"] == maker and m["selfTradePreventionMode"] == "EXPIRE_MAKER"
    assert m["makerPreventedQuantity"] == "0.00100000" and "takerPreventedQuantity" not in m
    by_id = await api.signed("myPreventedMatches", {"symbol": S, "preventedMatchId": m["preventedMatchId"]})
    assert by_id["result"] == [m]
    bad = await api.signed("myPreventedMatches", {"symbol": S})
    assert bad["error"]["code"] == -1128
