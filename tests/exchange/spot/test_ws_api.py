"""WsApiClient: protocol behaviour against a scripted loopback server, then against the simulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from tui.exchange.clock import ServerClock
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.key_files import load_demo_signer
from tui.exchange.signing import HmacSigner, ws_api_payload
from tui.exchange.spot.ws_api import WsApiClient

Handler = Callable[[ServerConnection, dict[str, Any]], Awaitable[None]]


class Scripted:
    """A loopback WS server answering `time` itself and everything else through `handler`."""

    def __init__(self) -> None:
        self.handler: Handler | None = None
        self.requests: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self.url = ""

    async def _serve(self, ws: ServerConnection) -> None:
        self.connections.append(ws)
        async for raw in ws:
            req = json.loads(raw)
            if req["method"] == "time":
                await ws.send(json.dumps({"id": req["id"], "status": 200, "result": {"serverTime": 1_700_000_000_000}}))
                continue
            self.requests.append(req)
            if self.handler is not None:
                await self.handler(ws, req)


@pytest.fixture
async def scripted() -> AsyncIterator[Scripted]:
    s = Scripted()
    async with serve(s._serve, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        s.url = f"ws://127.0.0.1:{port}/ws-api/v3"
        yield s


def ok(req: dict[str, Any], result: Any, **extra: Any) -> str:
    return json.dumps({"id": req["id"], "status": 200, "result": result, **extra})


async def test_clock_synced_on_connect(scripted: Scripted) -> None:
    clock = ServerClock(local_ms=lambda: 1_699_999_999_000.0)
    client = WsApiClient(scripted.url, signer=None, clock=clock)
    await client.connect()
    assert clock.synced and clock.offset_ms == pytest.approx(1000, abs=1)
    assert clock.now_ms() == 1_700_000_000_000
    await client.close()


async def test_responses_matched_by_id_out_of_order(scripted: Scripted) -> None:
    held: list[dict[str, Any]] = []

    async def handler(ws: ServerConnection, req: dict[str, Any]) -> None:
        held.append(req)
        if len(held) == 2:  # answer in reverse order, with junk in between
            await ws.send("not json")
            await ws.send(json.dumps([1, 2]))
            await ws.send(json.dumps({"hello": "world"}))
            await ws.send(json.dumps({"id": 999, "status": 200, "result": {}}))
            await ws.send(b"\x00\x01")
            for r in reversed(held):
                await ws.send(ok(r, {"echo": r["params"]["n"]}))

    scripted.handler = handler
    client = WsApiClient(scripted.url, signer=None, clock=ServerClock())
    await client.connect()
    a, b = await asyncio.gather(client.request("x", {"n": 1}), client.request("x", {"n": 2}))
    assert (a, b) == ({"echo": 1}, {"echo": 2})
    assert held[0]["id"] != held[1]["id"]
    assert client.connected  # malformed frames did not kill the connection
    await client.close()


async def test_errors_rate_limits_and_local_block(scripted: Scripted) -> None:
    limits = [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000, "count": 70}]

    async def handler(ws: ServerConnection, req: dict[str, Any]) -> None:
        if req["method"] == "bad":
            error = {"code": -1013, "msg": "Filter failure: LOT_SIZE"}
            await ws.send(json.dumps({"id": req["id"], "status": 400, "error": error, "rateLimits": limits}))
        elif req["method"] == "spam":
            error = {"code": -1003, "msg": "Too much request weight used", "data": {"retryAfter": 4_102_444_800_000}}
            await ws.send(json.dumps({"id": req["id"], "status": 429, "error": error}))

    scripted.handler = handler
    client = WsApiClient(scripted.url, signer=None, clock=ServerClock())
    await client.connect()
    with pytest.raises(ExchangeError) as info:
        await client.request("bad")
    assert info.value.code == -1013 and info.value.status == 400 and str(info.value) == "-1013 Filter failure: LOT_SIZE"
    assert client.rate_limits.usage[0].count == 70
    with pytest.raises(RateLimited) as limited:
        await client.request("spam")
    assert limited.value.retry_after_ms == 4_102_444_800_000 and limited.value.status == 429
    sent = len(scripted.requests)
    with pytest.raises(RateLimited):
        await client.request("ping")  # refused locally, nothing sent
    assert len(scripted.requests) == sent
    await client.close()


async def test_timeout(scripted: Scripted) -> None:
    async def handler(ws: ServerConnection, req: dict[str, Any]) -> None:
        return None  # never answer

    scripted.handler = handler
    client = WsApiClient(scripted.url, signer=None, clock=ServerClock(), timeout=0.2)
    await client.connect()
    with pytest.raises(RequestTimeout):
        await client.request("order.place")
    assert client._pending == {}
    await client.close()


async def test_disconnect_fails_pending_and_notifies(scripted: Scripted) -> None:
    async def handler(ws: ServerConnection, req: dict[str, Any]) -> None:
        await ws.close(code=1001, reason="maintenance")

    scripted.handler = handler
    reasons: list[str] = []
    client = WsApiClient(scripted.url, signer=None, clock=ServerClock(), on_disconnect=reasons.append)
    await client.connect()
    with pytest.raises(NotConnected) as info:
        await client.request("order.place")
    assert "execution status unknown" in str(info.value)
    await asyncio.sleep(0.05)
    assert reasons and "1001" in reasons[0]
    assert not client.connected
    with pytest.raises(NotConnected):
        await client.request("ping")


async def test_events_delivered_and_signing(scripted: Scripted) -> None:
    async def handler(ws: ServerConnection, req: dict[str, Any]) -> None:
        if req["method"] == "userDataStream.subscribe.signature":
            await ws.send(ok(req, {"subscriptionId": 3}))
            await ws.send(json.dumps({"subscriptionId": 3, "event": {"e": "balanceUpdate", "a": "BTC", "d": "1"}}))
        else:
            await ws.send(ok(req, {}))

    scripted.handler = handler
    signer = HmacSigner("hmacKey", "s3cret")
    client = WsApiClient(scripted.url, signer=signer, clock=ServerClock(), recv_window=3000)
    await client.connect()
    assert await client.subscribe_user_data() == 3
    event = await asyncio.wait_for(client.events.get(), 1)
    assert event["e"] == "balanceUpdate"
    await client.request("order.place", {"symbol": "BTCUSDT", "price": "1.5", "skip": None}, signed=True)
    params = scripted.requests[-1]["params"]
    assert "skip" not in params and params["recvWindow"] == 3000 and params["apiKey"] == "hmacKey"
    assert params["signature"] == signer.sign(ws_api_payload(params))
    with pytest.raises(ValueError):
        await client.logon()  # HMAC keys cannot log on
    await client.close()


# --- against the simulator ---------------------------------------------------------------------


@pytest.mark.parametrize("key_type", ["hmac", "rsa", "ed25519"])
async def test_sim_accepts_signed_requests(sim: Any, keys_dir: Path, key_type: str) -> None:
    signer = load_demo_signer(keys_dir, key_type)
    client = WsApiClient(sim.ws_api_url, signer=signer, clock=ServerClock())
    await client.connect()
    account = await client.request("account.status", signed=True)
    assert isinstance(account["balances"], list)
    assert await client.subscribe_user_data() >= 0
    await client.close()


async def test_sim_rejects_wrong_signature(sim: Any, keys_dir: Path) -> None:
    real = load_demo_signer(keys_dir, "hmac")
    forged = HmacSigner(real.api_key, "not-the-secret")
    client = WsApiClient(sim.ws_api_url, signer=forged, clock=ServerClock())
    await client.connect()
    with pytest.raises(ExchangeError) as info:
        await client.request("account.status", signed=True)
    assert info.value.code == -1022
    await client.close()


async def test_sim_logon_then_timestamp_only(sim: Any, keys_dir: Path) -> None:
    signer = load_demo_signer(keys_dir, "ed25519")
    client = WsApiClient(sim.ws_api_url, signer=signer, clock=ServerClock())
    await client.connect()
    status = await client.logon()
    assert status.get("apiKey") == signer.api_key and client.logged_on
    assert await client.subscribe_user_data() >= 0
    result = await client.request("openOrders.status", {"symbol": "BTCUSDT"}, signed=True)
    assert isinstance(result, list)
    await client.close()


async def test_invalid_timestamp_triggers_clock_resync(scripted: Scripted) -> None:
    async def handler(ws: ServerConnection, req: dict[str, Any]) -> None:
        error = {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}
        await ws.send(json.dumps({"id": req["id"], "status": 400, "error": error}))

    scripted.handler = handler
    samples = [0.0]

    def local_ms() -> float:
        samples[0] += 1
        return 1_699_000_000_000.0

    clock = ServerClock(local_ms=local_ms)
    client = WsApiClient(scripted.url, signer=HmacSigner("k", "s"), clock=clock)
    await client.connect()
    clock.offset_ms = 0.0  # pretend we drifted
    with pytest.raises(ExchangeError) as info:
        await client.request("order.place", {"symbol": "BTCUSDT"}, signed=True)
    assert info.value.code == -1021
    async with asyncio.timeout(2):
        while clock.offset_ms == 0.0:
            await asyncio.sleep(0.01)
    assert clock.offset_ms == pytest.approx(1_000_000_000, abs=1)
    await client.close()
