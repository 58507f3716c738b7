"""Market streams over a real socket, checked against web-socket-streams.md."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from decimal import Decimal
from typing import Any

import aiohttp
import httpx
import pytest
import websockets

from tui.sim.server import SimServer
from tui.sim.spot.api.stream_subscriptions import MAX_CONTROL_PER_SECOND

pytestmark = pytest.mark.timeout(30)


async def drive(sim: SimServer, seconds: float) -> None:
    """Step the (otherwise quiet) synthetic market for a while, as the server would."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sim.market.step(sim.clock_ms())
        await asyncio.sleep(0.05)


async def until(predicate: Any, timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def room_for(sim: SimServer, messages: int) -> None:
    """Wait until the only stream connection may send `messages` more control messages without
    passing the 5-per-second limit: the limiter's own window says when, not a fixed second."""
    assert sim.streams is not None
    (conn,) = sim.streams.connections

    def in_window() -> int:
        now = time.monotonic()
        return sum(1 for t in conn.control_times if now - t < 1.0)

    await until(lambda: in_window() + messages <= MAX_CONTROL_PER_SECOND)


async def collect(ws: Any, seconds: float) -> list[Any]:
    out: list[Any] = []
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            out.append(json.loads(await asyncio.wait_for(ws.recv(), left)))
        except TimeoutError:
            break
    return out


def apply(book: dict[str, dict[Decimal, Decimal]], event: dict[str, Any]) -> None:
    for side, key in (("bids", "b"), ("asks", "a")):
        for p, q in event[key]:
            if Decimal(q) == 0:
                book[side].pop(Decimal(p), None)
            else:
                book[side][Decimal(p)] = Decimal(q)


def as_book(snapshot: dict[str, Any]) -> dict[str, dict[Decimal, Decimal]]:
    return {side: {Decimal(p): Decimal(q) for p, q in snapshot[side]} for side in ("bids", "asks")}


async def test_depth_diffs_are_continuous_and_match_snapshots(sim: SimServer) -> None:
    async with (
        websockets.connect(f"{sim.stream_url}/ws/btcusdt@depth@100ms") as ws,
        httpx.AsyncClient(base_url=sim.rest_url) as http,
    ):
        stepping = asyncio.create_task(drive(sim, 1.0))
        await asyncio.sleep(0.3)
        snap = (await http.get("/api/v3/depth", params={"symbol": "BTCUSDT", "limit": 5000})).json()
        await stepping
        events = await collect(ws, 0.4)  # the last batch is flushed within 100 ms
        later = (await http.get("/api/v3/depth", params={"symbol": "BTCUSDT", "limit": 5000})).json()

    assert events and all(e["e"] == "depthUpdate" and e["s"] == "BTCUSDT" for e in events)
    for prev, nxt in itertools.pairwise(events):
        assert nxt["U"] == prev["u"] + 1 and nxt["U"] <= nxt["u"]
    assert events[0]["U"] <= snap["lastUpdateId"] + 1  # the stream started before the snapshot
    book = as_book(snap)
    applied = [e for e in events if e["u"] > snap["lastUpdateId"]]
    assert applied[0]["U"] <= snap["lastUpdateId"] + 1 <= applied[0]["u"]
    for e in applied:
        apply(book, e)
    assert events[-1]["u"] == later["lastUpdateId"]
    assert book == as_book(later)


async def test_dropped_depth_event_leaves_a_gap(sim: SimServer) -> None:
    async with websockets.connect(f"{sim.stream_url}/ws/btcusdt@depth@100ms") as ws:
        stepping = asyncio.create_task(drive(sim, 1.2))
        first = await collect(ws, 0.35)
        sim.streams.drop_next_depth_events(1)  # type: ignore[union-attr]
        rest = await collect(ws, 1.0)
        await stepping
    events = first + rest
    gaps = [(a["u"], b["U"]) for a, b in itertools.pairwise(events) if b["U"] != a["u"] + 1]
    assert len(gaps) == 1 and gaps[0][1] > gaps[0][0] + 1
    assert sim.streams.dropped_depth_events  # type: ignore[union-attr]


async def test_live_streams(sim: SimServer) -> None:
    names = [
        "btcusdt@trade",
        "btcusdt@aggTrade",
        "btcusdt@bookTicker",
        "btcusdt@depth5@100ms",
        "btcusdt@kline_1s",
        "btcusdt@ticker",
    ]
    async with websockets.connect(f"{sim.stream_url}/stream?streams={'/'.join(names)}") as ws:
        stepping = asyncio.create_task(drive(sim, 1.3))
        await asyncio.sleep(0.2)
        for _ in range(3):
            sim.engine.place_order("demo", "BTCUSDT", "BUY", "MARKET", quantity=Decimal("0.001"))
            await asyncio.sleep(0.05)
        events = await collect(ws, 1.5)
        await stepping
    by_stream: dict[str, dict[str, Any]] = {}
    for e in events:
        assert set(e) == {"stream", "data"}
        by_stream.setdefault(e["stream"], e["data"])
    assert set(by_stream) == set(names)
    trade = by_stream["btcusdt@trade"]
    assert trade["e"] == "trade" and trade["s"] == "BTCUSDT" and len(trade["p"].split(".")[1]) == 8
    agg = by_stream["btcusdt@aggTrade"]
    assert agg["e"] == "aggTrade" and agg["f"] <= agg["l"]
    book = by_stream["btcusdt@bookTicker"]
    assert {"u", "s", "b", "B", "a", "A"} == set(book)
    partial = by_stream["btcusdt@depth5@100ms"]
    assert set(partial) == {"lastUpdateId", "bids", "asks"} and len(partial["bids"]) == 5
    kline = by_stream["btcusdt@kline_1s"]
    assert kline["e"] == "kline" and kline["k"]["i"] == "1s" and kline["k"]["T"] == kline["k"]["t"] + 999
    ticker = by_stream["btcusdt@ticker"]
    assert ticker["e"] == "24hrTicker" and {"p", "P", "c", "b", "a", "O", "C", "n"} <= set(ticker)


async def test_subscribe_unsubscribe_list_properties(sim: SimServer) -> None:
    async with websockets.connect(f"{sim.stream_url}/ws") as ws:

        async def ask(req: dict[str, Any]) -> dict[str, Any]:
            await ws.send(json.dumps(req))
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 3))
                if "id" in msg:
                    return msg

        assert await ask({"method": "SUBSCRIBE", "params": ["btcusdt@trade", "ethusdt@depth"], "id": 1}) == {
            "result": None,
            "id": 1,
        }
        assert (await ask({"method": "LIST_SUBSCRIPTIONS", "id": 2}))["result"] == ["btcusdt@trade", "ethusdt@depth"]
        await room_for(sim, 3)
        assert (await ask({"method": "UNSUBSCRIBE", "params": ["ethusdt@depth"], "id": 312}))["result"] is None
        assert (await ask({"method": "LIST_SUBSCRIPTIONS", "id": 3}))["result"] == ["btcusdt@trade"]
        assert (await ask({"method": "GET_PROPERTY", "params": ["combined"], "id": 4}))["result"] is False
        await room_for(sim, 3)
        assert (await ask({"method": "SET_PROPERTY", "params": ["combined", True], "id": 5}))["result"] is None
        assert (await ask({"method": "GET_PROPERTY", "params": ["combined"], "id": "abc"})) == {
            "result": True,
            "id": "abc",
        }
        err = await ask({"method": "SET_PROPERTY", "params": ["combined", "yes"], "id": 6})
        assert err["error"] == {"code": 1, "msg": "Invalid value type: expected Boolean"}
        await room_for(sim, 3)
        err = await ask({"method": "GET_PROPERTY", "params": ["colour"], "id": 7})
        assert err["error"] == {"code": 0, "msg": "Unknown property"}
        err = await ask({"method": "SUBSCRIBED", "params": [], "id": 8})
        assert err["error"]["code"] == 2 and "unknown variant" in err["error"]["msg"]
        await ws.send("{oops")
        bad = json.loads(await asyncio.wait_for(ws.recv(), 3))
        assert bad["error"]["code"] == 3
        # now combined: trade events arrive wrapped
        sim.engine.place_order("demo", "BTCUSDT", "SELL", "MARKET", quantity=Decimal("0.001"))
        msg = json.loads(await asyncio.wait_for(ws.recv(), 3))
        assert msg["stream"] == "btcusdt@trade" and msg["data"]["e"] == "trade"


async def test_too_many_control_messages_disconnects(sim: SimServer) -> None:
    async with websockets.connect(f"{sim.stream_url}/ws") as ws:
        for i in range(7):
            await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": i}))
        with pytest.raises(websockets.ConnectionClosed):
            for _ in range(10):
                await asyncio.wait_for(ws.recv(), 3)


async def test_close_all_hook(sim: SimServer) -> None:
    async with websockets.connect(f"{sim.stream_url}/ws/btcusdt@trade") as ws:
        await until(lambda: sim.streams and sim.streams.connections)  # the server has taken it in
        await sim.streams.close_all()  # type: ignore[union-attr]
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 3)


@pytest.mark.parametrize("sim_options", [{"ws_ping_interval": 0.2}], indirect=True)
async def test_server_sends_ping_frames(sim: SimServer) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{sim.stream_url}/ws/btcusdt@trade", autoping=False) as ws,
    ):
        pings = 0
        end = time.monotonic() + 1.0
        while time.monotonic() < end and pings < 2:
            msg = await ws.receive(timeout=1.0)
            if msg.type == aiohttp.WSMsgType.PING:
                pings += 1
                await ws.pong(msg.data)
        assert pings >= 2
