"""StreamClient: combined streams, control messages, pacing, reconnect + resubscribe."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from websockets.asyncio.server import ServerConnection, serve

from tui.exchange.streams import RECONNECTED, StreamClient


class FakeStreams:
    """A loopback combined-stream server: echoes subscriptions, pushes on demand, records controls."""

    def __init__(self) -> None:
        self.connections: list[tuple[ServerConnection, list[str]]] = []
        self.control_times: list[float] = []
        self.base = ""

    async def _serve(self, ws: ServerConnection) -> None:
        query = parse_qs(urlparse(ws.request.path).query)
        streams = [s for s in query.get("streams", [""])[0].split("/") if s]
        entry = (ws, streams)
        self.connections.append(entry)
        async for raw in ws:
            self.control_times.append(time.monotonic())
            req = json.loads(raw)
            if req["method"] == "SUBSCRIBE":
                streams.extend(req["params"])
                await ws.send(json.dumps({"result": None, "id": req["id"]}))
            elif req["method"] == "UNSUBSCRIBE":
                for s in req["params"]:
                    streams.remove(s)
                await ws.send(json.dumps({"result": None, "id": req["id"]}))
            elif req["method"] == "LIST_SUBSCRIPTIONS":
                await ws.send(json.dumps({"result": list(streams), "id": req["id"]}))
            else:
                await ws.send(json.dumps({"error": {"code": 2, "msg": "Invalid request"}, "id": req["id"]}))

    async def push(self, stream: str, data: Any) -> None:
        for ws, streams in self.connections:
            if stream in streams and ws.state.name == "OPEN":
                await ws.send(json.dumps({"stream": stream, "data": data}))


@pytest.fixture
async def fake() -> AsyncIterator[FakeStreams]:
    f = FakeStreams()
    async with serve(f._serve, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        f.base = f"ws://127.0.0.1:{port}"
        yield f


async def next_item(it: AsyncIterator[tuple[str, Any]]) -> tuple[str, Any]:
    return await asyncio.wait_for(anext(it), 2)


async def test_subscribe_reconnect_resubscribe(fake: FakeStreams) -> None:
    states: list[tuple[str, str]] = []
    reconnects: list[int] = []
    client = StreamClient(
        fake.base,
        ["btcusdt@trade"],
        on_status=lambda s, d: states.append((s, d)),
        on_reconnect=lambda: reconnects.append(1),
        reconnect_delay=0.01,
    )
    it = aiter(client)
    await client.wait_live(2)
    assert states[0][0] == "connecting" and states[-1][0] == "live"
    await client.subscribe(["ethusdt@depth"])
    assert await client.list_subscriptions() == ["btcusdt@trade", "ethusdt@depth"]
    # Malformed frames are skipped.
    ws = fake.connections[-1][0]
    await ws.send("garbage")
    await ws.send(json.dumps({"stream": 5}))
    await fake.push("ethusdt@depth", {"U": 1})
    assert await next_item(it) == ("ethusdt@depth", {"U": 1})
    # The server drops us; the client comes back with the current set in the URL.
    await ws.close(code=1001)
    assert await next_item(it) == (RECONNECTED, None)
    await client.wait_live(2)
    assert fake.connections[-1][1] == ["btcusdt@trade", "ethusdt@depth"]
    assert reconnects == [1] and client.reconnects == 1
    assert ("reconnecting" in [s for s, _ in states]) and states[-1][0] == "live"
    await client.unsubscribe(["btcusdt@trade"])
    await fake.push("btcusdt@trade", {"t": 1})
    await fake.push("ethusdt@depth", {"U": 2})
    assert await next_item(it) == ("ethusdt@depth", {"U": 2})
    await client.close()
    assert states[-1][0] == "closed"
    with pytest.raises(StopAsyncIteration):
        await next_item(it)


async def test_control_messages_paced(fake: FakeStreams) -> None:
    client = StreamClient(fake.base, [], control_rate=4.0)
    await client.wait_live(2)
    for i in range(8):
        await client.subscribe([f"s{i}@trade"])
    times = fake.control_times
    assert len(times) == 8
    for start in range(len(times)):
        in_window = [t for t in times if times[start] <= t < times[start] + 1.0]
        assert len(in_window) <= 5
    assert times[-1] - times[0] >= 7 * 0.25 - 0.05
    await client.close()


async def test_control_error_raises(fake: FakeStreams) -> None:
    from tui.exchange.errors import ExchangeError

    client = StreamClient(fake.base, ["a@trade"])
    await client.wait_live(2)
    with pytest.raises(ExchangeError) as info:
        await client._control("BOGUS", [])
    assert info.value.code == 2
    await client.close()


async def test_reconnects_until_server_is_back() -> None:
    f = FakeStreams()
    server = await serve(f._serve, "127.0.0.1", 0)
    port = next(iter(server.sockets)).getsockname()[1]
    server.close()
    await server.wait_closed()
    states: list[str] = []
    client = StreamClient(
        f"ws://127.0.0.1:{port}", ["x@trade"], on_status=lambda s, d: states.append(s), reconnect_delay=0.01
    )
    client.start()
    await asyncio.sleep(0.2)
    assert "reconnecting" in states and client.state == "reconnecting"
    async with serve(f._serve, "127.0.0.1", port):
        await client.wait_live(3)
    await client.close()


# --- against the simulator ---------------------------------------------------------------------


async def test_sim_streams_reconnect_and_resubscribe(sim: Any) -> None:
    client = StreamClient(sim.stream_url, ["btcusdt@depth@100ms"], reconnect_delay=0.05)
    it = aiter(client)
    await client.wait_live(5)
    await client.subscribe(["btcusdt@trade"])
    assert set(await client.list_subscriptions()) == {"btcusdt@depth@100ms", "btcusdt@trade"}
    stream, data = await next_item(it)
    assert stream in ("btcusdt@depth@100ms", "btcusdt@trade") and isinstance(data, dict)
    await sim.streams.close_all()
    seen_marker = False
    async with asyncio.timeout(10):
        async for stream, _ in it:
            if stream == RECONNECTED:
                seen_marker = True
                break
    assert seen_marker
    await client.wait_live(5)
    assert set(await client.list_subscriptions()) == {"btcusdt@depth@100ms", "btcusdt@trade"}
    await client.close()


async def test_server_shutdown_event_reconnects_at_once_and_is_not_passed_on(fake: FakeStreams) -> None:
    client = StreamClient(fake.base, ["btcusdt@trade"], reconnect_delay=0.01)
    received: list[str] = []
    try:
        await client.wait_live(timeout=5)
        ws, _streams = fake.connections[0]
        # The documented combined-stream shape (web-socket-streams.md, "Server Shutdown").
        await ws.send(json.dumps({"stream": "!serverShutdown", "data": {"e": "serverShutdown", "E": 1770123456789}}))

        async def consume() -> None:
            async for stream, _data in client:
                received.append(stream)
                if stream == RECONNECTED:
                    return

        await asyncio.wait_for(consume(), timeout=5)
        assert len(fake.connections) == 2  # a new connection, with the same streams
        assert fake.connections[1][1] == ["btcusdt@trade"]
        assert "!serverShutdown" not in received
    finally:
        await client.close()
