"""The WebSocket API over a real socket, checked against web-socket-api.md."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import websockets

from tests.sim.conftest import ApiClient
from tui.sim.protocol.rate_limits import RateLimitConfig
from tui.sim.server import SimServer

pytestmark = pytest.mark.timeout(30)


def best(sim: SimServer) -> tuple[Decimal, Decimal]:
    bid, ask = sim.engine.best_bid_ask("BTCUSDT")
    assert bid and ask
    return bid[0], ask[0]


async def test_public_methods(api: ApiClient, sim: SimServer) -> None:
    r = await api.call("ping")
    assert r["status"] == 200 and r["result"] == {}
    assert r["rateLimits"] == [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000, "count": 3}
    ]  # 2 for connecting + 1
    r = await api.call("v3/time")
    assert abs(r["result"]["serverTime"] - time.time() * 1000) < 5000
    r = await api.call("time", {"returnRateLimits": False})
    assert "rateLimits" not in r

    info = (await api.call("exchangeInfo", {"symbol": "BTCUSDT"}))["result"]
    assert [s["symbol"] for s in info["symbols"]] == ["BTCUSDT"]
    sym = info["symbols"][0]
    filters = {f["filterType"]: f for f in sym["filters"]}
    assert filters["PRICE_FILTER"] == {
        "filterType": "PRICE_FILTER",
        "minPrice": "0.01000000",
        "maxPrice": "1000000.00000000",
        "tickSize": "0.01000000",
    }
    assert filters["LOT_SIZE"]["stepSize"] == "0.00001000"
    assert set(filters) == {
        "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL", "ICEBERG_PARTS", "TRAILING_DELTA",
        "MAX_NUM_ALGO_ORDERS", "MAX_NUM_ORDER_LISTS", "MAX_NUM_ORDER_AMENDS",
    }  # fmt: skip
    assert filters["TRAILING_DELTA"] == {
        "filterType": "TRAILING_DELTA",
        "minTrailingAboveDelta": 10,
        "maxTrailingAboveDelta": 2000,
        "minTrailingBelowDelta": 10,
        "maxTrailingBelowDelta": 2000,
    }
    assert filters["ICEBERG_PARTS"]["limit"] == 10 and filters["MAX_NUM_ALGO_ORDERS"]["maxNumAlgoOrders"] == 5
    assert sym["icebergAllowed"] is True and sym["allowTrailingStop"] is True
    assert sym["defaultSelfTradePreventionMode"] == "NONE"
    assert sym["allowedSelfTradePreventionModes"] == [
        "NONE",
        "EXPIRE_TAKER",
        "EXPIRE_MAKER",
        "EXPIRE_BOTH",
        "DECREMENT",
    ]
    assert filters["NOTIONAL"]["minNotional"] == "5.00000000" and filters["NOTIONAL"]["applyMinToMarket"] is True
    assert sym["baseAssetPrecision"] == 8 and sym["orderTypes"] == [
        "LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT",
    ]  # fmt: skip
    assert info["exchangeFilters"] == [] and info["rateLimits"][0]["rateLimitType"] == "REQUEST_WEIGHT"
    many = (await api.call("exchangeInfo", {"symbols": ["BTCUSDT", "ETHUSDT"]}))["result"]
    assert len(many["symbols"]) == 2

    depth = await api.call("depth", {"symbol": "BTCUSDT", "limit": 5})
    assert depth["rateLimits"][0]["count"] == 3 + 1 + 1 + 20 + 20 + 5
    result = depth["result"]
    assert result["lastUpdateId"] == sim.engine.update_id("BTCUSDT")
    assert len(result["bids"]) == 5 and Decimal(result["bids"][0][0]) > Decimal(result["bids"][1][0])
    assert Decimal(result["asks"][0][0]) < Decimal(result["asks"][1][0])
    assert len(result["bids"][0][0].split(".")[1]) == 8

    klines = (await api.call("klines", {"symbol": "BTCUSDT", "interval": "1m", "limit": 3}))["result"]
    assert len(klines) == 3 and len(klines[0]) == 12 and klines[0][6] == klines[0][0] + 59_999
    ticker = (await api.call("ticker.24hr", {"symbol": "BTCUSDT"}))["result"]
    assert ticker["symbol"] == "BTCUSDT" and {"lastPrice", "priceChangePercent", "count"} <= set(ticker)
    tickers = (await api.call("ticker.24hr", {"symbols": ["BTCUSDT", "ETHUSDT"]}))["result"]
    assert [t["symbol"] for t in tickers] == ["BTCUSDT", "ETHUSDT"]
    book = (await api.call("ticker.book", {"symbol": "BTCUSDT"}))["result"]
    bid, ask = best(sim)
    assert Decimal(book["bidPrice"]) == bid and Decimal(book["askPrice"]) == ask
    avg = (await api.call("avgPrice", {"symbol": "BTCUSDT"}))["result"]
    assert avg["mins"] == 5 and Decimal(avg["price"]) > 0


async def test_request_errors(api: ApiClient) -> None:
    r = await api.send_raw("{not json")
    assert r["id"] is None and r["status"] == 400 and r["error"]["code"] == -1135
    r = await api.call("no.such.method")
    assert r["status"] == 400 and r["error"]["code"] == -1020
    r = await api.call("depth", {})
    assert r["error"] == {
        "code": -1102,
        "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    }
    r = await api.call("depth", {"symbol": "NOPE"})
    assert r["error"] == {"code": -1121, "msg": "Invalid symbol."}
    r = await api.call("depth", {"symbol": "BTCUSDT", "depth": 5})
    assert r["error"]["code"] == -1104
    r = await api.call("klines", {"symbol": "BTCUSDT", "interval": "7m"})
    assert r["error"] == {"code": -1120, "msg": "Invalid interval."}


@pytest.mark.parametrize("key_type", ["hmac", "rsa", "ed25519"])
async def test_signed_request_each_key_type(api: ApiClient, key_type: str) -> None:
    r = await api.signed("account.status", {}, key_type)
    assert r["status"] == 200, r
    result = r["result"]
    assert result["canTrade"] is True and result["commissionRates"]["maker"] == "0.00100000"
    balances = {b["asset"]: b for b in result["balances"]}
    assert balances["USDT"]["free"] == "10000.00000000"


async def test_signature_and_timing_errors(api: ApiClient, signer) -> None:  # type: ignore[no-untyped-def]
    params = signer.sign({}, "ed25519")
    params["signature"] = signer.sign({"omitZeroBalances": True}, "ed25519")["signature"]
    r = await api.call("account.status", params)
    assert r["status"] == 400 and r["error"] == {"code": -1022, "msg": "Signature for this request is not valid."}
    params = signer.sign({}, "hmac")
    params["signature"] = params["signature"].upper()  # HMAC compare is case-insensitive
    assert (await api.call("account.status", params))["status"] == 200

    stale = int(time.time() * 1000) - 10_000
    r = await api.call("account.status", signer.sign({}, "rsa", timestamp=stale))
    assert r["error"] == {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}
    r = await api.call("account.status", signer.sign({"recvWindow": 20000}, "rsa", timestamp=stale))
    assert r["status"] == 200
    future = int(time.time() * 1000) + 5_000
    r = await api.call("account.status", signer.sign({}, "hmac", timestamp=future))
    assert r["error"]["code"] == -1021 and "ahead" in r["error"]["msg"]

    r = await api.call("account.status", {"timestamp": int(time.time() * 1000)})
    assert r["status"] == 401 and r["error"] == {"code": -2014, "msg": "API-key format invalid."}
    r = await api.call("account.status", {**signer.sign({}), "apiKey": "Z" * 64})
    assert r["error"] == {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}


async def test_session_logon_status_logout(api: ApiClient) -> None:
    r = await api.signed("session.logon", {}, "hmac")
    assert r["error"]["code"] == -2015  # only Ed25519 keys can log on
    r = await api.logon()
    assert r["status"] == 200 and r["result"]["apiKey"] == api.signer.api_keys["ed25519"]
    assert r["result"]["userDataStream"] is False and r["result"]["authorizedSince"] > 0
    r = await api.call("account.status", {"timestamp": int(time.time() * 1000)})
    assert r["status"] == 200
    r = await api.call("account.status", {})
    assert r["error"]["code"] == -1102
    r = await api.call("session.logout")
    assert r["result"]["apiKey"] is None
    r = await api.call("session.status")
    assert r["result"]["apiKey"] is None and r["result"]["authorizedSince"] is None
    r = await api.call("account.status", {"timestamp": int(time.time() * 1000)})
    assert r["error"]["code"] == -2014


async def test_order_lifecycle(api: ApiClient, sim: SimServer) -> None:
    bid, ask = best(sim)
    low = str(bid - Decimal("500"))
    r = await api.signed(
        "order.place",
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": low,
            "quantity": "0.001",
            "newClientOrderId": "mine-1",
        },
    )
    assert r["status"] == 200, r
    order = r["result"]
    assert order["status"] == "NEW" and order["fills"] == [] and order["clientOrderId"] == "mine-1"
    assert order["price"] == f"{Decimal(low):.8f}" and order["origQty"] == "0.00100000" and order["orderListId"] == -1
    assert [x["rateLimitType"] for x in r["rateLimits"]] == ["ORDERS", "ORDERS", "REQUEST_WEIGHT"]
    assert r["rateLimits"][0]["count"] == 1

    status = (await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": order["orderId"]}))["result"]
    assert status["status"] == "NEW" and status["isWorking"] is True and status["stopPrice"] == "0.00000000"
    opened = (await api.signed("openOrders.status", {"symbol": "BTCUSDT"}))["result"]
    assert [o["orderId"] for o in opened] == [order["orderId"]]

    r = await api.signed("order.cancel", {"symbol": "BTCUSDT", "origClientOrderId": "mine-1"})
    assert r["result"]["status"] == "CANCELED" and r["result"]["origClientOrderId"] == "mine-1"
    r = await api.signed("order.cancel", {"symbol": "BTCUSDT", "orderId": order["orderId"]})
    assert r["error"] == {"code": -2011, "msg": "Unknown order sent."}
    r = await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": 999999})
    assert r["error"] == {"code": -2013, "msg": "Order does not exist."}

    # MARKET by quantity: FULL by default, with fills
    r = await api.signed("order.place", {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.002"})
    filled = r["result"]
    assert filled["status"] == "FILLED" and filled["executedQty"] == "0.00200000" and filled["fills"]
    assert filled["fills"][0]["commissionAsset"] == "BTC" and Decimal(filled["fills"][0]["price"]) >= ask
    # MARKET by quote amount, RESULT response
    r = await api.signed(
        "order.place",
        {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quoteOrderQty": "100", "newOrderRespType": "RESULT"},
    )
    assert r["result"]["status"] == "FILLED" and "fills" not in r["result"]
    assert r["result"]["origQuoteOrderQty"] == "100.00000000"
    # LIMIT_MAKER defaults to ACK
    r = await api.signed(
        "order.place",
        {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT_MAKER", "price": str(ask + 1000), "quantity": "0.001"},
    )
    assert set(r["result"]) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}

    trades = (await api.signed("myTrades", {"symbol": "BTCUSDT"}))["result"]
    assert trades and trades[0]["orderId"] == filled["orderId"] and trades[0]["isBuyer"] is True
    history = (await api.signed("allOrders", {"symbol": "BTCUSDT"}))["result"]
    assert [o["status"] for o in history] == ["CANCELED", "FILLED", "FILLED", "NEW"]
    canceled = (await api.signed("openOrders.cancelAll", {"symbol": "BTCUSDT"}))["result"]
    assert [o["status"] for o in canceled] == ["CANCELED"]


async def test_order_test_and_errors(api: ApiClient, sim: SimServer) -> None:
    bid, ask = best(sim)
    base = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "price": str(bid - 100)}
    r = await api.signed("order.test", {**base, "quantity": "0.001"})
    assert r["result"] == {} and "ORDERS" not in str(r["rateLimits"])
    r = await api.signed("order.test", {**base, "quantity": "0.001", "computeCommissionRates": True})
    assert r["result"]["standardCommissionForOrder"] == {"maker": "0.00100000", "taker": "0.00100000"}
    assert r["rateLimits"][-1]["count"] >= 21

    r = await api.signed("order.place", {**base, "quantity": "0.0000001"})
    assert r["error"] == {"code": -1013, "msg": "Filter failure: LOT_SIZE"}
    r = await api.signed("order.place", {**base, "quantity": "0.000015"})
    assert r["error"] == {"code": -1013, "msg": "Filter failure: LOT_SIZE"}
    r = await api.signed("order.place", {**base, "quantity": "0.00001"})
    assert r["error"] == {"code": -1013, "msg": "Filter failure: NOTIONAL"}
    r = await api.signed("order.place", {**base, "quantity": "5"})
    assert r["error"] == {"code": -2010, "msg": "Account has insufficient balance for requested action."}
    r = await api.signed("order.place", {**{k: v for k, v in base.items() if k != "timeInForce"}, "quantity": "0.001"})
    assert r["error"] == {
        "code": -1102,
        "msg": "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
    }
    r = await api.signed(
        "order.place",
        {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT_MAKER", "price": str(ask + 10), "quantity": "0.001"},
    )
    assert r["error"] == {"code": -2010, "msg": "Order would immediately match and take."}
    r = await api.signed("order.place", {**base, "quantity": "abc"})
    assert r["error"]["code"] == -1100
    r = await api.signed("order.cancel", {"symbol": "BTCUSDT"})
    assert r["error"]["code"] == -1102


@pytest.mark.parametrize("sim_options", [{"rate_limits": RateLimitConfig.tiny(weight=10, orders=2)}], indirect=True)
async def test_rate_limits_429(api: ApiClient, sim: SimServer) -> None:
    # connecting cost 2; five pings bring us to 7, then exchangeInfo (20) breaks the limit of 10
    for _ in range(5):
        assert (await api.call("ping"))["status"] == 200
    r = await api.call("exchangeInfo")
    assert r["status"] == 429 and r["error"]["code"] == -1003
    data = r["error"]["data"]
    assert data["retryAfter"] > data["serverTime"] and data["retryAfter"] % 60_000 == 0
    assert r["rateLimits"][0]["count"] > 10


@pytest.mark.parametrize("sim_options", [{"rate_limits": RateLimitConfig.tiny(weight=10_000, orders=2)}], indirect=True)
async def test_order_rate_limit(api: ApiClient, sim: SimServer) -> None:
    bid, _ = best(sim)
    order = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": str(bid - 500),
        "quantity": "0.001",
    }
    statuses = [(await api.signed("order.place", order))["status"] for _ in range(3)]
    assert statuses[:2] == [200, 200]
    if statuses[2] == 200:  # a 10 s bucket boundary fell between the orders
        statuses.append((await api.signed("order.place", order))["status"])
    r = await api.signed("order.place", order) if statuses[-1] == 200 else None
    assert 429 in statuses or (r is not None and r["status"] == 429)


async def test_user_data_stream(api: ApiClient, sim: SimServer) -> None:
    r = await api.call("userDataStream.subscribe")
    assert r["error"]["code"] == -2015  # needs session.logon first
    await api.logon()
    r = await api.call("userDataStream.subscribe")
    sid = r["result"]["subscriptionId"]
    assert sid == 0
    assert (await api.call("userDataStream.subscribe"))["error"]["code"] == -2035
    assert (await api.call("session.status"))["result"]["userDataStream"] is True
    assert (await api.call("session.subscriptions"))["result"] == [{"subscriptionId": 0}]

    bid, _ = best(sim)
    ts = int(time.time() * 1000)
    placed = await api.call(
        "order.place",
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": str(bid - 200),
            "quantity": "0.001",
            "timestamp": ts,
        },
    )
    oid = placed["result"]["orderId"]
    new = await api.event("executionReport", i=oid, x="NEW")
    ev = new["event"]
    assert new["subscriptionId"] == 0
    assert ev["X"] == "NEW" and ev["l"] == "0.00000000" and ev["t"] == -1 and ev["N"] is None and ev["w"] is True
    assert ev["C"] == "" and ev["O"] > 0 and "W" in ev and ev["V"] == "NONE"
    pos = await api.event("outboundAccountPosition")
    assert {b["a"] for b in pos["event"]["B"]} == {"USDT"}

    await api.call("order.cancel", {"symbol": "BTCUSDT", "orderId": oid, "timestamp": int(time.time() * 1000)})
    cancel = (await api.event("executionReport", i=oid, x="CANCELED"))["event"]
    assert cancel["C"] == placed["result"]["clientOrderId"] and cancel["c"] != cancel["C"]

    await api.call(
        "order.place",
        {
            "symbol": "BTCUSDT",
            "side": "SELL",
            "type": "MARKET",
            "quantity": "0.001",
            "timestamp": int(time.time() * 1000),
        },
    )
    trade = (await api.event("executionReport", x="TRADE"))["event"]
    assert trade["X"] == "FILLED" and trade["t"] > 0 and trade["N"] == "USDT" and trade["m"] is False
    assert Decimal(trade["Y"]) == Decimal(trade["l"]) * Decimal(trade["L"])

    sim.credit("demo", "BNB", Decimal("1.5"))
    update = (await api.event("balanceUpdate"))["event"]
    assert update["a"] == "BNB" and update["d"] == "1.50000000"

    assert (await api.call("userDataStream.unsubscribe", {"subscriptionId": sid}))["result"] == {}
    await api.event("eventStreamTerminated")
    assert (await api.call("session.status"))["result"]["userDataStream"] is False


async def test_subscribe_by_signature_and_logout_ends_it(api: ApiClient, sim: SimServer) -> None:
    r = await api.signed("userDataStream.subscribe.signature", {}, "rsa")
    assert r["result"] == {"subscriptionId": 0}
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["error"]["code"] == -2035  # same account
    await api.call("session.logout")
    assert (await api.call("session.subscriptions"))["result"] == [{"subscriptionId": 0}]
    sim.credit("demo", "USDT", Decimal("1"))
    assert (await api.event("balanceUpdate"))["subscriptionId"] == 0


async def test_returnratelimits_false_in_url(sim: SimServer) -> None:
    async with websockets.connect(sim.ws_api_url + "?returnRateLimits=false") as ws:
        await ws.send('{"id": "a", "method": "ping"}')
        assert (await ws.recv()) == '{"id":"a","status":200,"result":{}}'
