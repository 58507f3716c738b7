"""Smart Order Routing over a real socket: sor.order.place, sor.order.test, myAllocations and the user
data they produce, checked against faqs/sor_faq.md, web-socket-api.md and user-data-stream.md.

The books are the test's own: the synthetic market's quotes are canceled and a "maker" account quotes
BTCUSDT and BTCUSDC (the sim's one SOR configuration), like the FAQ's examples at a tenth of the size.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest

from tests.sim.conftest import ApiClient
from tui.sim.server import SimServer
from tui.sim.spot.matching.engine import SimError

pytestmark = pytest.mark.timeout(30)
USDT, USDC = "BTCUSDT", "BTCUSDC"
D = Decimal


@pytest.fixture
async def books(sim: SimServer) -> SimServer:
    for mm in ("mm-1", "mm-2"):
        for s in (USDT, USDC, "ETHUSDT"):
            with contextlib.suppress(SimError):
                sim.engine.cancel_all(mm, s)
    sim.engine.open_account("maker", {"USDT": D("10000000"), "USDC": D("10000000"), "BTC": D("100")})
    sim.engine.open_account("demo", {"USDT": D("100000"), "USDC": D("5000"), "BTC": D("1")})
    return sim


def quote(sim: SimServer, symbol: str, side: str, price: str, qty: str) -> int:
    placed = sim.engine.place_order(
        "maker", symbol, side, "LIMIT", price=D(price), quantity=D(qty), time_in_force="GTC"
    )
    return placed.order.order_id


def faq_asks(sim: SimServer) -> None:
    """sor_faq.md Example 1's ask side (BTCUSDP left out), quantities / 10."""
    quote(sim, USDT, "SELL", "30800", "0.3")
    quote(sim, USDT, "SELL", "30500", "0.3")
    quote(sim, USDC, "SELL", "30000", "0.1")
    quote(sim, USDC, "SELL", "28000", "0.1")


def order(**kw: Any) -> dict[str, Any]:
    return {"symbol": USDT, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", **kw}


def free(sim: SimServer, asset: str) -> Decimal:
    return sim.engine.balances("demo")[asset][0]


async def test_exchange_info_publishes_the_sor_configuration(api: ApiClient) -> None:
    info = (await api.call("exchangeInfo"))["result"]
    assert info["sors"] == [{"baseAsset": "BTC", "symbols": ["BTCUSDT", "BTCUSDC"]}]
    usdc = next(s for s in info["symbols"] if s["symbol"] == USDC)
    assert (usdc["baseAsset"], usdc["quoteAsset"]) == ("BTC", "USDC")


async def test_buy_takes_the_cheaper_usdc_book_and_pays_usdt(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    usdt, usdc, btc = free(books, "USDT"), free(books, "USDC"), free(books, "BTC")
    r = await api.signed("sor.order.place", order(quantity="0.05", price="31000", newClientOrderId="sor-1"))
    assert r["status"] == 200, r
    assert isinstance(r["result"], list) and len(r["result"]) == 1
    res = r["result"][0]
    assert res["symbol"] == USDT and res["clientOrderId"] == "sor-1" and res["orderListId"] == -1
    assert (res["status"], res["executedQty"], res["cummulativeQuoteQty"]) == ("FILLED", "0.05000000", "1400.00000000")
    assert res["price"] == "31000.00000000" and res["origQty"] == "0.05000000"
    assert res["origQuoteOrderQty"] == "0.00000000"
    assert res["workingTime"] == res["transactTime"]
    assert res["fills"] == [
        {
            "matchType": "ONE_PARTY_TRADE_REPORT",
            "price": "28000.00000000",
            "qty": "0.05000000",
            "commission": "0.00005000",
            "commissionAsset": "BTC",
            "tradeId": -1,
            "allocId": 0,
        }
    ]
    assert res["workingFloor"] == "SOR" and res["usedSor"] is True and res["selfTradePreventionMode"] == "NONE"
    # the account paid USDT (not USDC) and got the BTC less the taker commission
    assert free(books, "USDT") == usdt - D("1400")
    assert free(books, "USDC") == usdc
    assert free(books, "BTC") == btc + D("0.05") - D("0.00005")
    # the liquidity came off the USDC book; the USDT book is untouched
    _, _, usdc_asks = books.engine.depth(USDC)
    _, _, usdt_asks = books.engine.depth(USDT)
    assert usdc_asks[0] == (D("28000"), D("0.05"))
    assert usdt_asks == [(D("30500"), D("0.3")), (D("30800"), D("0.3"))]
    assert books.engine.last_price(USDC) == D("28000")


async def test_best_prices_across_books_in_order(api: ApiClient, books: SimServer) -> None:
    """sor_faq.md Example 2 (without BTCUSDP): 0.5 BTC from three levels of two books."""
    faq_asks(books)
    res = (await api.signed("sor.order.place", order(quantity="0.5", price="31000")))["result"][0]
    assert [(f["price"], f["qty"], f["allocId"]) for f in res["fills"]] == [
        ("28000.00000000", "0.10000000", 0),
        ("30000.00000000", "0.10000000", 1),
        ("30500.00000000", "0.30000000", 2),
    ]
    assert res["status"] == "FILLED" and res["cummulativeQuoteQty"] == "14950.00000000"
    assert all(f["tradeId"] == -1 and f["matchType"] == "ONE_PARTY_TRADE_REPORT" for f in res["fills"])


async def test_allocations_are_recorded_and_queryable(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    first = (await api.signed("sor.order.place", order(quantity="0.15", price="31000")))["result"][0]
    second = (await api.signed("sor.order.place", order(quantity="0.1", price="31000")))["result"][0]
    r = await api.signed("myAllocations", {"symbol": USDT})
    assert r["status"] == 200
    rows = r["result"]
    assert [(a["allocationId"], a["orderId"], a["price"], a["qty"]) for a in rows] == [
        (0, first["orderId"], "28000.00000000", "0.10000000"),
        (1, first["orderId"], "30000.00000000", "0.05000000"),
        (2, second["orderId"], "30000.00000000", "0.05000000"),
        (3, second["orderId"], "30500.00000000", "0.05000000"),
    ]
    assert rows[0] == {
        "symbol": USDT,
        "allocationId": 0,
        "allocationType": "SOR",
        "orderId": first["orderId"],
        "orderListId": -1,
        "price": "28000.00000000",
        "qty": "0.10000000",
        "quoteQty": "2800.00000000",
        "commission": "0.00010000",
        "commissionAsset": "BTC",
        "time": first["transactTime"],
        "isBuyer": True,
        "isMaker": False,
        "isAllocator": False,
    }
    assert r["rateLimits"][-1]["count"] >= 20  # weight 20

    async def ids(**params: Any) -> list[int]:
        reply = await api.signed("myAllocations", {"symbol": USDT, **params})
        assert reply["status"] == 200, reply
        return [a["allocationId"] for a in reply["result"]]

    assert await ids(orderId=second["orderId"]) == [2, 3]
    assert await ids(orderId=first["orderId"], fromAllocationId=1) == [1]
    assert await ids(fromAllocationId=2) == [2, 3]
    assert await ids(limit=2) == [0, 1]
    assert await ids(endTime=second["transactTime"], limit=1) == [3]
    assert await ids(startTime=first["transactTime"], endTime=second["transactTime"]) == [0, 1, 2, 3]
    assert await ids(startTime=second["transactTime"] + 1) == []
    assert await ids() == [0, 1, 2, 3]
    # allocations belong to the order's symbol; the USDC book's own history has none
    assert (await api.signed("myAllocations", {"symbol": USDC}))["result"] == []
    # and they are not trades
    assert (await api.signed("myTrades", {"symbol": USDT}))["result"] == []

    bad = await api.signed("myAllocations", {"symbol": USDT, "orderId": 1, "startTime": 1})
    assert bad["error"]["code"] == -1128
    bad = await api.signed("myAllocations", {"symbol": USDT, "startTime": 0, "endTime": 25 * 3600 * 1000})
    assert bad["error"]["code"] == -1127
    bad = await api.signed("myAllocations", {"symbol": USDT, "limit": 1001})
    assert bad["error"]["code"] == -1130
    bad = await api.signed("myAllocations", {"symbol": USDT, "fromId": 1})
    assert bad["error"]["code"] == -1104


async def test_gtc_remainder_rests_on_the_original_book(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    res = (await api.signed("sor.order.place", order(quantity="0.6", price="30600")))["result"][0]
    assert res["status"] == "PARTIALLY_FILLED" and res["executedQty"] == "0.50000000"
    assert res["workingFloor"] == "EXCHANGE" and res["usedSor"] is True
    bids_usdt = books.engine.depth(USDT)[1]
    assert bids_usdt == [(D("30600"), D("0.1"))]
    assert books.engine.depth(USDC)[1] == []
    status = (await api.signed("order.status", {"symbol": USDT, "orderId": res["orderId"]}))["result"]
    assert status["status"] == "PARTIALLY_FILLED" and status["isWorking"] is True
    # what rests still locks its USDT: 0.1 * 30600
    assert books.engine.balances("demo")["USDT"][1] == D("3060")
    # and it fills on its own book like any order
    books.engine.place_order("maker", USDT, "SELL", "LIMIT", price=D("30600"), quantity=D("0.1"), time_in_force="GTC")
    status = (await api.signed("order.status", {"symbol": USDT, "orderId": res["orderId"]}))["result"]
    assert status["status"] == "FILLED"


async def test_gtc_with_nothing_to_route_goes_straight_to_the_book(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    res = (await api.signed("sor.order.place", order(quantity="0.01", price="27000")))["result"][0]
    assert res["status"] == "NEW" and res["fills"] == [] and res["workingFloor"] == "EXCHANGE"
    assert books.engine.depth(USDT)[1] == [(D("27000"), D("0.01"))]


async def test_ioc_remainder_expires(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    res = (await api.signed("sor.order.place", order(quantity="0.3", price="30200", timeInForce="IOC")))["result"][0]
    assert res["status"] == "EXPIRED" and res["executedQty"] == "0.20000000"
    assert res["expiryReason"] == "UNFILLED_IOC_QUANTITY_EXPIRED" and res["workingFloor"] == "SOR"
    assert books.engine.depth(USDT)[1] == [] and books.engine.open_orders("demo") == []
    assert books.engine.balances("demo")["USDT"][1] == 0  # nothing left locked


async def test_market_remainder_expires(api: ApiClient, books: SimServer) -> None:
    """sor_faq.md Example 3: more than all books hold; the rest expires."""
    faq_asks(books)
    usdt = free(books, "USDT")
    res = (await api.signed("sor.order.place", {"symbol": USDT, "side": "BUY", "type": "MARKET", "quantity": "1.1"}))[
        "result"
    ][0]
    assert res["status"] == "EXPIRED" and res["executedQty"] == "0.80000000"
    assert res["cummulativeQuoteQty"] == "24190.00000000" and res["price"] == "0.00000000"
    assert res["timeInForce"] == "GTC" and res["type"] == "MARKET"
    assert [f["allocId"] for f in res["fills"]] == [0, 1, 2, 3]
    assert res["expiryReason"] == "INSUFFICIENT_LIQUIDITY"
    assert free(books, "USDT") == usdt - D("24190")
    assert books.engine.depth(USDT)[2] == [] and books.engine.depth(USDC)[2] == []


async def test_fok_is_all_or_nothing_across_books(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    res = (await api.signed("sor.order.place", order(quantity="0.9", price="31000", timeInForce="FOK")))["result"][0]
    assert res["status"] == "EXPIRED" and res["fills"] == [] and res["expiryReason"] == "UNFILLED_FOK_ORDER_EXPIRED"
    assert len(books.engine.depth(USDC)[2]) == 2
    res = (await api.signed("sor.order.place", order(quantity="0.8", price="31000", timeInForce="FOK")))["result"][0]
    assert res["status"] == "FILLED" and len(res["fills"]) == 4


async def test_sell_receives_the_order_symbols_quote(api: ApiClient, books: SimServer) -> None:
    """sor_faq.md Example 4, quantities / 10: the better USDC bids, paid out in USDT."""
    quote(books, USDT, "BUY", "29500", "0.5")
    quote(books, USDC, "BUY", "35000", "0.5")
    quote(books, USDC, "BUY", "30000", "0.5")
    usdt, usdc = free(books, "USDT"), free(books, "USDC")
    books.engine.open_account("demo", {"BTC": D("1")})
    params = order(side="SELL", quantity="1", price="29000")
    res = (await api.signed("sor.order.place", params))["result"][0]
    assert res["status"] == "FILLED" and res["cummulativeQuoteQty"] == "32500.00000000"
    assert [(f["price"], f["commissionAsset"]) for f in res["fills"]] == [
        ("35000.00000000", "USDT"),
        ("30000.00000000", "USDT"),
    ]
    commission = sum(D(f["commission"]) for f in res["fills"])
    assert commission == D("32.5")
    assert free(books, "USDT") == usdt + D("32500") - commission
    assert free(books, "USDC") == usdc and free(books, "BTC") == 0
    assert books.engine.depth(USDT)[1] == [(D("29500"), D("0.5"))]


async def test_rejections(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)

    async def error(params: dict[str, Any], method: str = "sor.order.place") -> tuple[int, str]:
        r = await api.signed(method, params)
        assert r["status"] == 400, r
        return r["error"]["code"], r["error"]["msg"]

    assert await error(order(type="LIMIT_MAKER", quantity="0.01", price="27000")) == (-1116, "Invalid orderType.")
    assert (await error({"symbol": USDT, "side": "BUY", "type": "STOP_LOSS", "quantity": "0.01"}))[0] == -1116
    assert await error({"symbol": USDT, "side": "BUY", "type": "MARKET", "quoteOrderQty": "100"}) == (
        -1106,
        "Parameter 'quoteOrderQty' sent when not required.",
    )
    no_sor = {"symbol": "ETHUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.01"}
    assert await error(no_sor) == (-1013, "This symbol has no SOR.")
    assert await error(no_sor, "sor.order.test") == (-1013, "This symbol has no SOR.")
    assert (await error({**order(quantity="0.01", price="27000"), "stopPrice": "1"}))[0] == -1104
    assert (await error(order(symbol="XYZUSDT", quantity="0.01", price="1")))[0] == -1121
    assert (await error(order(quantity="0.01")))[0] == -1102  # LIMIT needs a price
    assert (await error(order(quantity="0.00001", price="30000")))[0] == -1013  # NOTIONAL
    assert await error(order(quantity="10", price="31000")) == (
        -2010,
        "Account has insufficient balance for requested action.",
    )
    # a MARKET buy must afford what the route costs
    books.engine.open_account("demo", {"USDT": D("1000")})
    assert (await error({"symbol": USDT, "side": "BUY", "type": "MARKET", "quantity": "0.05"}))[0] == -2010
    assert books.engine.open_orders("demo") == [] and books.engine.sor.allocations("demo", USDT) == []


async def test_sor_order_test_checks_without_placing(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    r = await api.signed("sor.order.test", order(quantity="0.05", price="31000"))
    assert r["status"] == 200 and r["result"] == {}
    assert r["rateLimits"][-1]["count"] >= 1 and "ORDERS" not in str(r["rateLimits"])
    r = await api.signed("sor.order.test", order(quantity="0.05", price="31000", computeCommissionRates=True))
    assert r["result"] == {
        "standardCommissionForOrder": {"maker": "0.00100000", "taker": "0.00100000"},
        "taxCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": "0.00000000",
        },
    }
    assert len(books.engine.depth(USDC)[2]) == 2 and books.engine.open_orders("demo") == []
    assert books.engine.sor.allocations("demo", USDT) == []
    bad = await api.signed("sor.order.test", order(type="LIMIT_MAKER", quantity="0.05", price="27000"))
    assert bad["error"]["code"] == -1116


async def test_places_count_as_orders(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    r = await api.signed("sor.order.place", order(quantity="0.01", price="27000"))
    assert [x["rateLimitType"] for x in r["rateLimits"]] == ["ORDERS", "ORDERS", "REQUEST_WEIGHT"]
    assert r["rateLimits"][0]["count"] == 1


async def test_user_stream_events(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200
    res = (await api.signed("sor.order.place", order(quantity="0.15", price="30000", timeInForce="IOC")))["result"][0]
    oid = res["orderId"]
    new = (await api.event("executionReport", x="NEW", i=oid))["event"]
    assert new["s"] == USDT and new["k"] == "SOR" and new["uS"] is True and "b" not in new and "a" not in new
    trades = [(await api.event("executionReport", x="TRADE", i=oid))["event"] for _ in range(2)]
    assert [(t["L"], t["l"], t["a"], t["t"]) for t in trades] == [
        ("28000.00000000", "0.10000000", 0, -1),
        ("30000.00000000", "0.05000000", 1, -1),
    ]
    assert all(t["b"] == "ONE_PARTY_TRADE_REPORT" and t["k"] == "SOR" and t["uS"] is True for t in trades)
    assert trades[1]["X"] == "FILLED" and trades[1]["Z"] == "4300.00000000" and trades[1]["N"] == "BTC"
    position = (await api.event("outboundAccountPosition"))["event"]
    assert {b["a"] for b in position["B"]} == {"BTC", "USDT"}  # USDC is not touched
    # the maker on the USDC book saw ordinary trades; the demo account gets no report of them
    assert not any(m.get("event", {}).get("s") == USDC for m in api.events)


async def test_expired_event_carries_the_sor_fields(api: ApiClient, books: SimServer) -> None:
    faq_asks(books)
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200
    res = (await api.signed("sor.order.place", order(quantity="0.3", price="29000", timeInForce="IOC")))["result"][0]
    expired = (await api.event("executionReport", x="EXPIRED", i=res["orderId"]))["event"]
    assert expired["X"] == "EXPIRED" and expired["z"] == "0.10000000" and expired["uS"] is True
    assert expired["k"] == "SOR" and expired["eR"] == "UNFILLED_IOC_QUANTITY_EXPIRED" and "a" not in expired
