"""Market-data and filter methods of the WS API over a real socket, checked against web-socket-api.md
and against what the engine traded: trades.recent / .historical / .aggregate, uiKlines (and klines'
timeZone), ticker (rolling window), ticker.tradingDay, ticker.price, myFilters; and their REST mirrors.

Trades are made by the demo account taking the market makers' asks with a MARKET order, whose reply
lists the fills (trade ids, prices, quantities) every answer here is compared with."""

from __future__ import annotations

import json
import time
from decimal import Decimal as D
from typing import Any

import httpx
import pytest

from tests.sim.conftest import ApiClient
from tui.sim.server import SimServer

pytestmark = pytest.mark.timeout(30)

SYMBOL = "BTCUSDT"
DAY = 86_400_000
TRADE_KEYS = ["id", "price", "qty", "quoteQty", "time", "isBuyerMaker", "isBestMatch"]
FULL_KEYS = [
    "symbol", "priceChange", "priceChangePercent", "weightedAvgPrice", "openPrice", "highPrice", "lowPrice",
    "lastPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId", "lastId", "count",
]  # fmt: skip
MINI_KEYS = [k for k in FULL_KEYS if k not in ("priceChange", "priceChangePercent", "weightedAvgPrice")]


async def take_asks(api: ApiClient, qty: str = "0.01") -> list[dict[str, Any]]:
    """A MARKET buy from the demo account; its fills (each one public trade, buyer the taker)."""
    r = await api.signed("order.place", {"symbol": SYMBOL, "side": "BUY", "type": "MARKET", "quantity": qty})
    assert r["status"] == 200 and r["result"]["status"] == "FILLED", r
    fills: list[dict[str, Any]] = r["result"]["fills"]
    assert fills
    return fills


async def sweep_own_ladder(api: ApiClient, sim: SimServer) -> list[dict[str, Any]]:
    """The demo account rests one sell 2 ticks under the best ask and two more 1 tick under it, then
    buys all three with one MARKET order (its STP mode is NONE): three trades at two prices."""
    bid, ask = sim.engine.best_bid_ask(SYMBOL)
    assert ask and bid and ask[0] - bid[0] > D("0.05")
    sell = {"symbol": SYMBOL, "side": "SELL", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001"}
    for price in (ask[0] - D("0.02"), ask[0] - D("0.01"), ask[0] - D("0.01")):
        assert (await api.signed("order.place", {**sell, "price": str(price)}))["status"] == 200
    fills = await take_asks(api, "0.003")
    assert [D(f["price"]) for f in fills] == [ask[0] - D("0.02"), ask[0] - D("0.01"), ask[0] - D("0.01")]
    return fills


async def weight_of(api: ApiClient, method: str, params: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    """The REQUEST_WEIGHT a call adds (the count before it read from a 1-weight `time` call); retried
    if a new minute window starts in between."""
    for _ in range(3):
        before = (await api.call("time"))["rateLimits"][0]["count"]
        r = await api.call(method, params)
        after = r["rateLimits"][0]["count"]
        if after > before:
            return after - before, r
    raise AssertionError("the weight window kept resetting")


def error(r: dict[str, Any]) -> tuple[int, str]:
    assert r["status"] == 400, r
    return r["error"]["code"], r["error"]["msg"]


# --- trades -----------------------------------------------------------------------------------------


async def test_recent_trades_are_the_engine_fills(api: ApiClient) -> None:
    fills = await take_asks(api)
    weight, r = await weight_of(api, "trades.recent", {"symbol": SYMBOL, "limit": len(fills)})
    assert weight == 25
    rows = r["result"]
    assert [row["id"] for row in rows] == [f["tradeId"] for f in fills]
    for row, fill in zip(rows, fills, strict=True):
        assert list(row) == TRADE_KEYS
        assert row["price"] == fill["price"] and row["qty"] == fill["qty"]
        assert D(row["quoteQty"]) == D(fill["price"]) * D(fill["qty"]) and len(row["quoteQty"].split(".")[1]) == 8
        assert row["isBuyerMaker"] is False and row["isBestMatch"] is True  # the buyer took liquidity
    assert [x["time"] for x in rows] == sorted(x["time"] for x in rows)
    everything = (await api.call("trades.recent", {"symbol": SYMBOL}))["result"]
    assert everything[-len(fills) :] == rows and len(everything) <= 500


async def test_trade_limits_and_errors(api: ApiClient) -> None:
    await take_asks(api)
    assert (await api.call("trades.recent", {"symbol": SYMBOL, "limit": 1000}))["status"] == 200
    for method in ("trades.recent", "trades.historical", "trades.aggregate"):
        for bad in (1001, 0, -5):
            assert error(await api.call(method, {"symbol": SYMBOL, "limit": bad})) == (
                -1130,
                "Data sent for parameter 'limit' is not valid.",
            )
        assert error(await api.call(method, {"symbol": SYMBOL, "limit": "ten"}))[0] == -1100
        assert error(await api.call(method, {})) == (
            -1102,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        )
        assert error(await api.call(method, {"symbol": "NOPEUSDT"})) == (-1121, "Invalid symbol.")
    assert error(await api.call("trades.recent", {"symbol": SYMBOL, "fromId": 1}))[0] == -1104
    assert error(await api.call("trades.historical", {"symbol": SYMBOL, "fromId": "x"}))[0] == -1100


async def test_historical_trades_from_id(api: ApiClient) -> None:
    first = await take_asks(api)
    second = await take_asks(api)
    ids = [f["tradeId"] for f in first + second]
    weight, r = await weight_of(api, "trades.historical", {"symbol": SYMBOL, "fromId": ids[0]})
    assert weight == 25 and [x["id"] for x in r["result"]] == ids
    one = (await api.call("trades.historical", {"symbol": SYMBOL, "fromId": ids[1], "limit": 1}))["result"]
    assert [x["id"] for x in one] == [ids[1]] and one[0]["price"] == (first + second)[1]["price"]
    assert (await api.call("trades.historical", {"symbol": SYMBOL, "fromId": ids[-1] + 1000}))["result"] == []
    latest = (await api.call("trades.historical", {"symbol": SYMBOL, "limit": 2}))["result"]
    assert [x["id"] for x in latest] == ids[-2:]  # without fromId: the most recent


async def test_aggregate_trades_group_one_taker_at_one_price(api: ApiClient, sim: SimServer) -> None:
    await take_asks(api)  # an earlier aggregate, to page past
    fills = await sweep_own_ladder(api, sim)
    weight, r = await weight_of(api, "trades.aggregate", {"symbol": SYMBOL, "limit": 2})
    assert weight == 4
    aggs = r["result"]
    assert len(aggs) == 2 and aggs[0]["f"] == fills[0]["tradeId"]
    assert [list(a) for a in aggs] == [["a", "p", "q", "f", "l", "T", "m", "M"]] * len(aggs)
    by_price: dict[str, D] = {}
    for f in fills:
        by_price[f["price"]] = by_price.get(f["price"], D(0)) + D(f["qty"])
    assert [a["p"] for a in aggs] == list(by_price)  # one aggregate per price the order reached
    assert [D(a["q"]) for a in aggs] == list(by_price.values()) == [D("0.001"), D("0.002")]
    assert [(a["f"], a["l"]) for a in aggs] == [(fills[0]["tradeId"],) * 2, (fills[1]["tradeId"], fills[2]["tradeId"])]
    assert all(a["m"] is False and a["M"] is True for a in aggs)
    assert [a["a"] for a in aggs] == list(range(aggs[0]["a"], aggs[0]["a"] + len(aggs)))

    first = aggs[0]
    paged = (await api.call("trades.aggregate", {"symbol": SYMBOL, "fromId": first["a"], "limit": 1}))["result"]
    assert paged == [first]
    t = first["T"]
    since = (await api.call("trades.aggregate", {"symbol": SYMBOL, "startTime": t}))["result"]
    assert since[: len(aggs)] == aggs and all(a["T"] >= t for a in since)
    before = (await api.call("trades.aggregate", {"symbol": SYMBOL, "endTime": t - 1}))["result"]
    assert all(a["T"] < t for a in before)
    window = (await api.call("trades.aggregate", {"symbol": SYMBOL, "startTime": t, "endTime": t}))["result"]
    assert window[0] == first
    recent = (await api.call("trades.aggregate", {"symbol": SYMBOL}))["result"]
    assert recent[-len(aggs) :] == aggs

    for combo in ({"startTime": t}, {"endTime": t}, {"startTime": t, "endTime": t}):
        r = await api.call("trades.aggregate", {"symbol": SYMBOL, "fromId": first["a"], **combo})
        assert error(r) == (-1128, "Combination of optional parameters invalid.")


# --- klines ------------------------------------------------------------------------------------------


async def test_ui_klines_match_klines(api: ApiClient) -> None:
    await take_asks(api)
    params = {"symbol": SYMBOL, "interval": "1m", "limit": 10}
    weight, r = await weight_of(api, "uiKlines", params)
    assert weight == 2
    assert r["result"] == (await api.call("klines", params))["result"]
    assert len(r["result"]) == 10 and len(r["result"][0]) == 12
    assert len((await api.call("uiKlines", {"symbol": SYMBOL, "interval": "1s"}))["result"]) == 500  # default
    assert error(await api.call("uiKlines", {"symbol": SYMBOL, "interval": "1m", "limit": 1001}))[0] == -1130
    assert error(await api.call("uiKlines", {"symbol": SYMBOL, "interval": "2m"})) == (-1120, "Invalid interval.")
    assert error(await api.call("uiKlines", {"symbol": SYMBOL}))[0] == -1102


@pytest.mark.parametrize("method", ["klines", "uiKlines"])
async def test_klines_time_zone_moves_the_boundaries(api: ApiClient, method: str) -> None:
    utc = (await api.call(method, {"symbol": SYMBOL, "interval": "1h", "timeZone": "0"}))["result"]
    assert all(k[0] % 3_600_000 == 0 for k in utc)
    zoned = (await api.call(method, {"symbol": SYMBOL, "interval": "1h", "timeZone": "05:45"}))["result"]
    assert zoned and all((k[0] + 345 * 60_000) % 3_600_000 == 0 for k in zoned)
    assert all(k[6] == k[0] + 3_599_999 for k in zoned)
    assert zoned[-1][4] == utc[-1][4]  # both end with the last price
    whole = sum(D(k[5]) for k in utc[1:])
    assert sum(D(k[5]) for k in zoned if k[0] >= utc[1][0]) <= whole  # a regrouping, not new volume
    day = (await api.call(method, {"symbol": SYMBOL, "interval": "1d", "timeZone": "-1:00"}))["result"]
    assert all((k[0] - 3_600_000) % DAY == 0 for k in day)
    for text in ("+8", "-12:00", "14:00", "0:00"):
        assert (await api.call(method, {"symbol": SYMBOL, "interval": "4h", "timeZone": text}))["status"] == 200
    for text in ("15", "-12:30", "14:01", "5:60", "UTC", "8h"):
        r = await api.call(method, {"symbol": SYMBOL, "interval": "1h", "timeZone": text})
        assert error(r) == (-1130, "Data sent for parameter 'timeZone' is not valid."), text


# --- tickers -----------------------------------------------------------------------------------------


async def test_price_ticker_is_the_last_trade(api: ApiClient, sim: SimServer) -> None:
    fills = await take_asks(api)
    weight, r = await weight_of(api, "ticker.price", {"symbol": SYMBOL})
    assert weight == 2 and r["result"] == {"symbol": SYMBOL, "price": fills[-1]["price"]}
    weight, r = await weight_of(api, "ticker.price")
    assert weight == 4 and [x["symbol"] for x in r["result"]] == list(sim.engine.specs)
    weight, r = await weight_of(api, "ticker.price", {"symbols": ["ETHUSDT", SYMBOL]})
    assert weight == 4 and [x["symbol"] for x in r["result"]] == ["ETHUSDT", SYMBOL]
    assert r["result"][1]["price"] == fills[-1]["price"]
    trading = await api.call("ticker.price", {"symbolStatus": "TRADING"})
    assert len(trading["result"]) == len(sim.engine.specs)
    assert (await api.call("ticker.price", {"symbols": [SYMBOL], "symbolStatus": "HALT"}))["result"] == []


async def test_ticker_symbol_errors(api: ApiClient) -> None:
    for method in ("ticker.price", "ticker", "ticker.tradingDay"):
        r = await api.call(method, {"symbol": SYMBOL, "symbols": ["ETHUSDT"]})
        assert error(r) == (-1101, "Too many parameters; expected 'symbol' and received 'symbols'.")
        assert error(await api.call(method, {"symbols": [SYMBOL, SYMBOL]})) == (
            -1151,
            "Symbol is present multiple times in the list.",
        )
        assert error(await api.call(method, {"symbols": ["NOPEUSDT"]})) == (-1121, "Invalid symbol.")
        assert error(await api.call(method, {"symbol": SYMBOL, "symbolStatus": "HALT"})) == (
            -1220,
            "The symbol's status does not match the requested symbolStatus.",
        )
        assert error(await api.call(method, {"symbol": SYMBOL, "symbolStatus": "OPEN"})) == (
            -1122,
            "Invalid symbolStatus.",
        )
    for method in ("ticker", "ticker.tradingDay"):
        assert error(await api.call(method)) == (
            -1102,
            "Param 'symbol' or 'symbols' must be sent, but both were empty/null!",
        )
        assert error(await api.call(method, {"symbol": SYMBOL, "type": "HALF"})) == (-1139, "Invalid ticker type.")


async def test_rolling_ticker_over_the_trades(api: ApiClient) -> None:
    fills = await take_asks(api)
    weight, r = await weight_of(api, "ticker", {"symbol": SYMBOL, "windowSize": "1m"})
    assert weight == 4
    t = r["result"]
    assert list(t) == FULL_KEYS and t["symbol"] == SYMBOL
    assert t["openTime"] % 60_000 == 0 and 60_000 <= t["closeTime"] - t["openTime"] < 120_000
    assert t["lastPrice"] == fills[-1]["price"] and t["lastId"] == fills[-1]["tradeId"]
    assert D(t["highPrice"]) >= D(fills[-1]["price"]) and D(t["lowPrice"]) <= D(fills[0]["price"])
    assert D(t["priceChange"]) == D(t["lastPrice"]) - D(t["openPrice"])
    assert len(t["priceChangePercent"].split(".")[1]) == 3
    bars = (await api.call("klines", {"symbol": SYMBOL, "interval": "1m", "startTime": t["openTime"]}))["result"]
    assert D(t["volume"]) == sum(D(k[5]) for k in bars) >= sum(D(f["qty"]) for f in fills)
    assert D(t["quoteVolume"]) == sum(D(k[7]) for k in bars)
    assert t["count"] == sum(k[8] for k in bars)
    assert D(t["weightedAvgPrice"]) == (D(t["quoteVolume"]) / D(t["volume"])).quantize(D("0.00000001"))

    mini = (await api.call("ticker", {"symbol": SYMBOL, "windowSize": "1m", "type": "MINI"}))["result"]
    assert list(mini) == MINI_KEYS and mini["lastPrice"] == t["lastPrice"]
    default = (await api.call("ticker", {"symbol": SYMBOL}))["result"]
    assert 86_400_000 <= default["closeTime"] - default["openTime"] < 86_460_000  # 1d, from a minute start
    assert D(default["volume"]) >= D(t["volume"])
    week = (await api.call("ticker", {"symbol": SYMBOL, "windowSize": "7d"}))["result"]
    assert D(week["volume"]) >= D(t["volume"]) and week["lastId"] == t["lastId"]
    weight, r = await weight_of(api, "ticker", {"symbols": ["ETHUSDT", SYMBOL, "BNBUSDT"], "windowSize": "59m"})
    assert weight == 12 and [x["symbol"] for x in r["result"]] == ["ETHUSDT", SYMBOL, "BNBUSDT"]


async def test_rolling_window_sizes_and_weight_cap(api: ApiClient) -> None:
    for size in ("1m", "59m", "1h", "23h", "1d", "7d"):
        assert (await api.call("ticker", {"symbol": SYMBOL, "windowSize": size}))["status"] == 200, size
    for size in ("0m", "60m", "24h", "8d", "1w", "1d2h", "1M", "d", "01m", " 1m"):
        r = await api.call("ticker", {"symbol": SYMBOL, "windowSize": size})
        assert error(r) == (-1130, "Data sent for parameter 'windowSize' is not valid."), size
    many = [f"SYM{i}USDT" for i in range(51)]
    weight, r = await weight_of(api, "ticker", {"symbols": many})
    assert weight == 200 and r["error"]["code"] == -1121  # charged before the names are read
    weight, r = await weight_of(api, "ticker.tradingDay", {"symbols": many[:50]})
    assert weight == 200
    r = await api.call("ticker", {"symbols": [f"SYM{i}USDT" for i in range(201)]})
    assert error(r) == (-1101, "Too many parameters sent for this endpoint.")


async def test_trading_day_ticker(api: ApiClient) -> None:
    fills = await take_asks(api)
    weight, r = await weight_of(api, "ticker.tradingDay", {"symbol": SYMBOL})
    assert weight == 4
    t = r["result"]
    assert list(t) == FULL_KEYS
    assert t["openTime"] % DAY == 0 and t["closeTime"] == t["openTime"] + DAY - 1
    assert t["lastPrice"] == fills[-1]["price"] and t["lastId"] == fills[-1]["tradeId"]
    bars = (await api.call("klines", {"symbol": SYMBOL, "interval": "1m", "startTime": t["openTime"]}))["result"]
    if len(bars) < 1000:  # the day so far fits in one klines page
        assert D(t["volume"]) == sum(D(k[5]) for k in bars)
    zoned = (await api.call("ticker.tradingDay", {"symbol": SYMBOL, "timeZone": "+8", "type": "MINI"}))["result"]
    assert list(zoned) == MINI_KEYS
    assert (zoned["openTime"] + 8 * 3_600_000) % DAY == 0 and zoned["closeTime"] == zoned["openTime"] + DAY - 1
    assert zoned["openTime"] <= zoned["closeTime"] and zoned["lastPrice"] == t["lastPrice"]
    weight, r = await weight_of(api, "ticker.tradingDay", {"symbols": [SYMBOL, "ETHUSDT"], "timeZone": "-5:30"})
    assert weight == 8 and [x["symbol"] for x in r["result"]] == [SYMBOL, "ETHUSDT"]
    assert all((x["openTime"] - 330 * 60_000) % DAY == 0 for x in r["result"])
    r = await api.call("ticker.tradingDay", {"symbol": SYMBOL, "timeZone": "+15"})
    assert error(r) == (-1130, "Data sent for parameter 'timeZone' is not valid.")
    assert error(await api.call("ticker.tradingDay", {"symbol": SYMBOL, "windowSize": "1d"}))[0] == -1104


# --- myFilters ---------------------------------------------------------------------------------------


async def test_my_filters_are_exchange_info_s(api: ApiClient) -> None:
    info = (await api.call("exchangeInfo", {"symbol": "ETHUSDT"}))["result"]
    for _ in range(3):
        before = (await api.call("time"))["rateLimits"][0]["count"]
        r = await api.signed("myFilters", {"symbol": "ETHUSDT"})
        if r["rateLimits"][0]["count"] > before:
            break
    assert r["status"] == 200, r
    assert r["rateLimits"][0]["count"] - before == 40
    assert list(r["result"]) == ["exchangeFilters", "symbolFilters", "assetFilters"]
    assert r["result"]["exchangeFilters"] == info["exchangeFilters"]
    assert r["result"]["symbolFilters"] == info["symbols"][0]["filters"]
    assert r["result"]["assetFilters"] == []
    await api.logon()  # a logged-on session needs no signature, only a timestamp
    r = await api.call("myFilters", {"symbol": SYMBOL, "timestamp": int(time.time() * 1000)})
    assert r["status"] == 200, r


async def test_my_filters_errors(api: ApiClient) -> None:
    r = await api.call("myFilters", {"symbol": SYMBOL})
    assert r["status"] == 401 and r["error"]["code"] == -2014  # no key at all
    assert error(await api.signed("myFilters", {}))[0] == -1102
    assert error(await api.signed("myFilters", {"symbol": "NOPEUSDT"})) == (-1121, "Invalid symbol.")
    assert error(await api.signed("myFilters", {"symbol": SYMBOL, "limit": 5}))[0] == -1104


# --- REST mirrors ------------------------------------------------------------------------------------


async def test_rest_mirrors_answer_as_the_ws_api(api: ApiClient, sim: SimServer) -> None:
    fills = await take_asks(api)
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:

        async def get(path: str, params: dict[str, Any], weight: int) -> Any:
            for _ in range(3):
                before = int((await http.get("/api/v3/ping")).headers["X-MBX-USED-WEIGHT-1M"])
                r = await http.get(path, params=params)
                used = int(r.headers["X-MBX-USED-WEIGHT-1M"])
                if used > before:
                    assert used - before == weight, path
                    return r.json()
            raise AssertionError("the weight window kept resetting")

        n = len(fills)
        ws = (await api.call("trades.recent", {"symbol": SYMBOL, "limit": n}))["result"]
        assert await get("/api/v3/trades", {"symbol": SYMBOL, "limit": n}, 25) == ws
        first = fills[0]["tradeId"]
        hist = await get("/api/v3/historicalTrades", {"symbol": SYMBOL, "fromId": first}, 25)
        assert [t["id"] for t in hist] == [f["tradeId"] for f in fills]
        aggs = await get("/api/v3/aggTrades", {"symbol": SYMBOL, "limit": 3}, 4)
        assert aggs == (await api.call("trades.aggregate", {"symbol": SYMBOL, "limit": 3}))["result"]
        r = await http.get("/api/v3/aggTrades", params={"symbol": SYMBOL, "fromId": 1, "startTime": 1})
        assert r.status_code == 400 and r.json()["code"] == -1128

        price = await get("/api/v3/ticker/price", {"symbol": SYMBOL}, 2)
        assert price == {"symbol": SYMBOL, "price": fills[-1]["price"]}
        assert len(await get("/api/v3/ticker/price", {}, 4)) == len(sim.engine.specs)
        two = json.dumps(["ETHUSDT", SYMBOL])
        assert [x["symbol"] for x in await get("/api/v3/ticker/price", {"symbols": two}, 4)] == ["ETHUSDT", SYMBOL]
        rolling = await get("/api/v3/ticker", {"symbols": two, "windowSize": "2h", "type": "MINI"}, 8)
        assert [list(x) for x in rolling] == [MINI_KEYS, MINI_KEYS] and rolling[1]["lastPrice"] == fills[-1]["price"]
        day = await get("/api/v3/ticker/tradingDay", {"symbol": SYMBOL, "timeZone": "8"}, 4)
        assert list(day) == FULL_KEYS and (day["openTime"] + 8 * 3_600_000) % DAY == 0
        r = await http.get("/api/v3/ticker", params={"symbols": json.dumps([f"S{i}" for i in range(101)])})
        assert r.status_code == 400 and r.json()["code"] == -1101  # REST allows 100 symbols
        r = await http.get("/api/v3/ticker")
        assert r.json()["code"] == -1102
        ui = await get("/api/v3/uiKlines", {"symbol": SYMBOL, "interval": "1m", "limit": 3}, 2)
        assert ui == (await api.call("klines", {"symbol": SYMBOL, "interval": "1m", "limit": 3}))["result"]
