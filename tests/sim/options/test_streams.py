"""Options streams: gzip frames by default, the BINARY switch, market streams, and the listenKey
user-data stream with expiry and renewal on an accelerated clock."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
import websockets

from tests.sim.options.conftest import Rest, Venue, error, frame, ok
from tests.sim.options.test_rest_market import _symbol

MINUTE = 60_000


async def _next(ws: Any, pred: Any = lambda m: True, timeout: float = 3.0) -> Any:
    async with asyncio.timeout(timeout):
        while True:
            msg = frame(await ws.recv())
            if pred(msg):
                return msg


async def test_gzip_by_default_then_binary_false(venue: Venue) -> None:
    symbol = _symbol(venue)
    async with websockets.connect(f"{venue.stream_url}/ws") as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": [f"{symbol}@depth5"], "id": 7}))
        raw = await ws.recv()
        assert isinstance(raw, bytes) and raw[:2] == b"\x1f\x8b"  # gzip magic
        assert frame(raw) == {"result": None, "id": 7}
        depth = await _next(ws)
        assert isinstance(depth, dict) and depth["e"] == "depth" and depth["s"] == symbol
        assert len(depth["b"]) <= 5 and depth["b"] and depth["a"]
        await ws.send(json.dumps({"method": "BINARY", "params": ["false"], "id": 1}))
        async with asyncio.timeout(3):  # frames queued before the switch may still be gzip
            while True:
                raw = await ws.recv()
                if frame(raw).get("id") == 1:
                    break
        assert isinstance(raw, str) and json.loads(raw) == {"result": None, "id": 1}
        for _ in range(3):
            assert isinstance(await ws.recv(), str)
        await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 2}))
        reply = await _next(ws, lambda m: m.get("id") == 2)
        assert reply["result"] == [f"{symbol}@depth5"]
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["NOPE-1@ticker"], "id": 3}))
        bad = await _next(ws, lambda m: m.get("id") == 3)
        assert bad["error"]["code"] == 2


async def test_ticker_stream_has_greeks_and_ivs(venue: Venue, rest: Rest) -> None:
    symbol = _symbol(venue, "ETHUSDT", "C")
    async with websockets.connect(f"{venue.stream_url}/ws/{symbol.lower()}@ticker") as ws:
        t = await _next(ws, lambda m: m.get("e") == "ticker")
    assert t["s"] == symbol
    for k in ("o", "h", "l", "c", "V", "A", "p", "Q", "F", "L", "n", "b", "a", "d", "t", "g", "v"):
        assert k in t
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    assert float(t["d"]) == pytest.approx(m["delta"], abs=1e-7)
    assert float(t["v"]) == pytest.approx(m["vega"], abs=1e-6)
    assert float(t["b"]) == pytest.approx(float(m["bidIV"])) and float(t["a"]) == pytest.approx(float(m["askIV"]))


async def test_trade_and_kline_streams_combined(venue: Venue, rest: Rest) -> None:
    symbol = _symbol(venue)
    url = f"{venue.stream_url}/stream?streams={symbol}@trade/{symbol}@kline_1m"
    async with websockets.connect(url) as ws:
        await asyncio.sleep(0.1)
        await rest.data(
            "POST", "/api/v1/order", {"symbol": symbol, "side": "BUY", "type": "MARKET", "quantity": "0.03"}
        )
        trade = await _next(ws, lambda m: m["stream"].endswith("@trade"))
        kline = await _next(ws, lambda m: m["stream"].endswith("@kline_1m"))
    t = trade["data"]
    assert t["e"] == "trade" and t["s"] == symbol and t["t"][0]["q"] == "0.03" and t["t"][0]["s"] == "1"
    k = kline["data"]
    assert k["e"] == "kline" and k["k"][-1]["i"] == "1m" and k["k"][-1]["v"] == "0.03" and k["k"][-1]["n"] == 1


async def test_listen_key_rest_lifecycle(rest: Rest, venue: Venue) -> None:
    key = (await rest.data("POST", "/api/v1/userDataStream"))["listenKey"]
    assert isinstance(key, str) and len(key) >= 40
    assert (await rest.data("POST", "/api/v1/userDataStream"))["listenKey"] == key  # same key, extended
    venue.clock.advance(50 * MINUTE)
    r = await rest.signed("PUT", "/api/v1/userDataStream", {"listenKey": key})
    assert r.json() == {"code": 0, "msg": "success"}
    venue.clock.advance(50 * MINUTE)  # 100 minutes after creation, 50 after the renewal
    ok(await rest.signed("PUT", "/api/v1/userDataStream", {"listenKey": key}))
    venue.clock.advance(61 * MINUTE)
    error(await rest.signed("PUT", "/api/v1/userDataStream", {"listenKey": key}), -1125)
    fresh = (await rest.data("POST", "/api/v1/userDataStream"))["listenKey"]
    assert fresh != key
    r = await rest.signed("DELETE", "/api/v1/userDataStream", {"listenKey": fresh})
    assert r.json() == {"code": 0, "msg": "success"}
    error(await rest.signed("DELETE", "/api/v1/userDataStream", {"listenKey": fresh}), -1125)
    error(await rest.signed("PUT", "/api/v1/userDataStream", {"listenKey": "x" * 64}), -1125)
    error(await rest.signed("PUT", "/api/v1/userDataStream"), -1102)


async def test_user_stream_events_and_expiry(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue)
    key = (await rest.data("POST", "/api/v1/userDataStream"))["listenKey"]
    async with websockets.connect(f"{venue.stream_url}/ws/{key}") as ws:
        await asyncio.sleep(0.1)
        o = await rest.data(
            "POST", "/api/v1/order", {"symbol": symbol, "side": "BUY", "type": "MARKET", "quantity": "0.02",
                                      "clientOrderId": "u1"}
        )  # fmt: skip
        accepted = await _next(ws, lambda m: m.get("e") == "ORDER_TRADE_UPDATE")
        filled = await _next(ws, lambda m: m.get("e") == "ORDER_TRADE_UPDATE")
        account = await _next(ws, lambda m: m.get("e") == "ACCOUNT_UPDATE")
        (a,) = accepted["o"]
        assert a["oid"] == int(o["id"]) and a["S"] == symbol and a["cid"] == "u1" and a["s"] == 0 and a["e"] == "0"
        assert set(a) == {"T", "oid", "S", "cid", "q", "stp", "r", "c", "s", "e", "ec", "f"}
        (f,) = filled["o"]
        assert f["s"] == 2 and f["e"] == "0.02" and f["T"] == venue.clock() and Decimal(f["f"]) > 0
        (b,) = account["B"]
        assert set(b) == {"b", "m", "u", "U", "o", "p", "r", "M"}
        (acct,) = await rest.data("GET", "/api/v1/account")
        assert Decimal(b["b"]) == Decimal(str(acct["balance"]))
        (p,) = account["P"]
        assert p["S"] == symbol and p["c"] == 0.02 and p["r"] == 0.02
        await rest.data("POST", "/api/v1/transfer", {"currency": "USDT", "type": "IN", "amount": "1"})
        moved = await _next(ws, lambda m: m.get("e") == "ACCOUNT_UPDATE")
        assert Decimal(moved["B"][0]["b"]) == Decimal(b["b"]) + 1 and "P" not in moved
        # The accelerated clock passes the key's 60 minutes: the server says so and closes.
        venue.clock.advance(61 * MINUTE)
        expired = await _next(ws, lambda m: m.get("e") == "listenKeyExpired")
        assert expired["E"] == venue.clock()
        with pytest.raises(websockets.ConnectionClosed):
            async with asyncio.timeout(3):
                while True:
                    await ws.recv()
