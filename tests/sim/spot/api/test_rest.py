"""The public REST routes over a real socket (httpx), checked against rest-api.md."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from tui.sim.protocol.rate_limits import RateLimitConfig
from tui.sim.server import SimServer

pytestmark = pytest.mark.timeout(30)


async def test_public_endpoints(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        r = await http.get("/api/v3/ping")
        assert r.status_code == 200 and r.json() == {} and r.headers["X-MBX-USED-WEIGHT-1M"] == "1"
        assert "serverTime" in (await http.get("/api/v3/time")).json()
        info = (await http.get("/api/v3/exchangeInfo", params={"symbols": json.dumps(["BTCUSDT", "BNBUSDT"])})).json()
        assert [s["symbol"] for s in info["symbols"]] == ["BTCUSDT", "BNBUSDT"]
        assert {r["rateLimitType"] for r in info["rateLimits"]} == {"REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"}
        one = (await http.get("/api/v3/exchangeInfo", params={"symbol": "ETHUSDT"})).json()
        assert one["symbols"][0]["filters"][1]["stepSize"] == "0.00010000"

        r = await http.get("/api/v3/depth", params={"symbol": "BTCUSDT"})
        depth = r.json()
        assert depth["lastUpdateId"] == sim.engine.update_id("BTCUSDT") and depth["bids"] and depth["asks"]
        assert Decimal(depth["bids"][0][0]) < Decimal(depth["asks"][0][0])
        before = int(r.headers["X-MBX-USED-WEIGHT-1M"])
        r = await http.get("/api/v3/depth", params={"symbol": "BTCUSDT", "limit": 5000})
        assert int(r.headers["X-MBX-USED-WEIGHT-1M"]) == before + 250

        klines = (await http.get("/api/v3/klines", params={"symbol": "BTCUSDT", "interval": "1m", "limit": 5})).json()
        assert len(klines) == 5 and isinstance(klines[0][0], int) and klines[0][11] == "0"
        ticker = (await http.get("/api/v3/ticker/24hr", params={"symbol": "BTCUSDT"})).json()
        assert ticker["symbol"] == "BTCUSDT" and "weightedAvgPrice" in ticker
        assert len((await http.get("/api/v3/ticker/24hr")).json()) == len(sim.engine.specs) == 4
        book = (await http.get("/api/v3/ticker/bookTicker", params={"symbol": "BTCUSDT"})).json()
        assert Decimal(book["bidPrice"]) == Decimal(depth["bids"][0][0])
        avg = (await http.get("/api/v3/avgPrice", params={"symbol": "BTCUSDT"})).json()
        assert avg["mins"] == 5 and Decimal(avg["price"]) > 0


async def test_rest_errors(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        r = await http.get("/api/v3/depth", params={"symbol": "XYZ"})
        assert r.status_code == 400 and r.json() == {"code": -1121, "msg": "Invalid symbol."}
        r = await http.get("/api/v3/depth")
        assert r.json()["code"] == -1102
        r = await http.get("/api/v3/klines", params={"symbol": "BTCUSDT", "interval": "2x"})
        assert r.json() == {"code": -1120, "msg": "Invalid interval."}
        r = await http.get("/api/v3/exchangeInfo", params={"symbol": "BTCUSDT", "symbols": '["ETHUSDT"]'})
        assert r.status_code == 400


@pytest.mark.parametrize("sim_options", [{"rate_limits": RateLimitConfig.tiny(weight=25)}], indirect=True)
async def test_rest_429(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        assert (await http.get("/api/v3/exchangeInfo")).status_code == 200
        r = await http.get("/api/v3/exchangeInfo")
        assert r.status_code == 429 and r.json()["code"] == -1003
        assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_thread_server_and_call(sim_thread: SimServer) -> None:
    """The daemon-thread server: reachable from sync code, engine reachable through `call`."""
    depth = httpx.get(f"{sim_thread.rest_url}/api/v3/depth", params={"symbol": "ETHUSDT", "limit": 1}, timeout=5).json()
    assert sim_thread.call(sim_thread.engine.update_id, "ETHUSDT") >= depth["lastUpdateId"]
    balances = sim_thread.call(sim_thread.engine.balances, "demo")
    assert balances["USDT"][0] > 0
