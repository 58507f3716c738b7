"""OptionsStreamClient against the simulator (gzip frames, the BINARY switch, parsed events,
reconnect and resubscribe) and against a loopback server that ignores the switch."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from tui.domain.options.events import OptionDepthEvent, OptionKlineEvent, OptionTickerEvent, OptionTradeEvent
from tui.domain.options.orders import OptionOrderRequest
from tui.exchange.options.rest import OptionsRestClient
from tui.exchange.options.streams import (
    FrameError,
    OptionsStreamClient,
    decode_frame,
    depth_stream,
    kline_stream,
    ticker_stream,
    trade_stream,
)
from tui.exchange.streams import RECONNECTED


async def _next_event(client: OptionsStreamClient, kind: type, timeout: float = 3.0) -> Any:
    async def find() -> Any:
        async for _stream, event in client.events():
            if isinstance(event, kind):
                return event
        raise AssertionError("stream ended")

    return await asyncio.wait_for(find(), timeout)


def test_decode_frame() -> None:
    assert decode_frame('{"a":1}') == '{"a":1}'
    assert decode_frame(gzip.compress(b'{"a":1}')) == '{"a":1}'
    assert decode_frame(b'{"a":1}') == '{"a":1}'  # binary but not gzip: plain UTF-8
    with pytest.raises(FrameError):
        decode_frame(b"\x1f\x8b not really gzip")
    with pytest.raises(FrameError):
        decode_frame(gzip.compress(b"\xff\xfe"))
    with pytest.raises(FrameError):
        decode_frame(gzip.compress(b"0" * 10_000), max_bytes=1_000)
    with pytest.raises(ValueError):
        kline_stream("X", "7m")
    with pytest.raises(ValueError):
        depth_stream("X", 7)


async def test_binary_switch_turns_frames_to_text(sim: Any, series: str) -> None:
    async with OptionsStreamClient(sim.options_stream_url, [ticker_stream(series)]) as client:
        for _ in range(4):
            event = await _next_event(client, OptionTickerEvent)
            assert event.symbol == series
        assert client.binary_acks == 1
        assert client.gzip_frames <= 2  # at most what was pushed before the switch arrived
        (conn,) = sim.options.streams.connections
        assert conn.gzip is False and conn.combined


async def test_gzip_frames_without_the_switch(sim: Any, series: str) -> None:
    async with OptionsStreamClient(sim.options_stream_url, [ticker_stream(series)], text_frames=False) as client:
        for _ in range(3):
            await _next_event(client, OptionTickerEvent)
        assert client.binary_acks == 0 and client.gzip_frames >= 3
        assert await client.list_subscriptions() == [ticker_stream(series)]  # a gzip control reply


async def test_ticker_greeks_match_the_mark(sim: Any, rest: OptionsRestClient, series: str) -> None:
    async with OptionsStreamClient(sim.options_stream_url, [ticker_stream(series)]) as client:
        event = await _next_event(client, OptionTickerEvent)
    mark = await rest.mark(series)
    for name in ("bid_iv", "ask_iv", "delta", "theta", "gamma", "vega"):
        value = getattr(event, name)
        assert isinstance(value, Decimal), name
        assert abs(value - getattr(mark, name)) <= abs(getattr(mark, name)) * Decimal("0.01") + Decimal("1e-6"), name
    assert 0 < event.delta < 1 and event.theta < 0 and event.gamma > 0 and event.vega > 0
    assert 0 < event.bid_iv <= event.ask_iv


async def test_trade_kline_depth_events(sim: Any, rest: OptionsRestClient, series: str) -> None:
    streams = [trade_stream(series), kline_stream(series, "1m"), depth_stream(series, 5)]
    async with OptionsStreamClient(sim.options_stream_url, streams) as client:
        depth = await _next_event(client, OptionDepthEvent)
        assert depth.symbol == series and len(depth.bids) <= 5 and depth.bids[0][0] < depth.asks[0][0]
        ask = depth.asks[0][0]
        await rest.new_order(OptionOrderRequest(series, "BUY", "LIMIT", Decimal("0.1"), ask))
        trade = await _next_event(client, OptionTradeEvent)
        (t,) = trade.trades
        assert t.price == ask and t.qty == Decimal("0.1") and t.side == 1 and t.buy_order_id > 0
        kline = await _next_event(client, OptionKlineEvent)
        assert kline.current is not None and kline.current.close == ask and kline.current.interval == "1m"
        assert kline.current.volume == Decimal("0.1") and not kline.current.closed


async def test_reconnects_and_resubscribes_after_the_sim_drops_it(sim: Any, series: str) -> None:
    states: list[str] = []
    client = OptionsStreamClient(
        sim.options_stream_url, [ticker_stream(series)], on_status=lambda s, d: states.append(s), reconnect_delay=0.05
    )
    async with client:
        await _next_event(client, OptionTickerEvent)
        await client.subscribe([depth_stream(series, 10)])
        await _next_event(client, OptionDepthEvent)
        for conn in list(sim.options.streams.connections):
            await conn.ws.close(code=1001, message=b"going away")

        async def until_marker() -> None:
            async for stream, _ in client.events():
                if stream == RECONNECTED:
                    return

        await asyncio.wait_for(until_marker(), 5)
        await _next_event(client, OptionTickerEvent)
        await _next_event(client, OptionDepthEvent)
        assert client.reconnects == 1 and client.binary_acks == 2
        assert states[:2] == ["connecting", "live"] and "reconnecting" in states and states[-1] == "live"
        (conn,) = sim.options.streams.connections
        assert conn.streams == {ticker_stream(series), depth_stream(series, 10)} and not conn.gzip
    assert client.state == "closed"


class GzipOnlyServer:
    """A venue that ignores the BINARY switch (or refuses it) and gzips every frame."""

    def __init__(self, refuse: bool) -> None:
        self.refuse = refuse
        self.controls: list[dict[str, Any]] = []
        self.base = ""

    async def serve(self, ws: ServerConnection) -> None:
        async def pump() -> None:
            n = 0
            while True:
                n += 1
                data = {"e": "depth", "E": n, "s": "BTCUSDT-240628-60000-C", "b": [["1", "2"]], "a": [["3", "4"]]}
                await ws.send(gzip.compress(json.dumps({"stream": "x@depth5", "data": data}).encode()))
                await asyncio.sleep(0.02)

        task = asyncio.create_task(pump())
        try:
            async for raw in ws:
                req = json.loads(raw)
                self.controls.append(req)
                if self.refuse and req["method"] == "BINARY":
                    reply = {"error": {"code": 2, "msg": "unknown method"}, "id": req["id"]}
                    await ws.send(gzip.compress(json.dumps(reply).encode()))
        finally:
            task.cancel()


@pytest.fixture(params=[False, True], ids=["ignores", "refuses"])
async def gzip_only(request: pytest.FixtureRequest) -> AsyncIterator[GzipOnlyServer]:
    server = GzipOnlyServer(refuse=request.param)
    async with serve(server.serve, "127.0.0.1", 0) as ws_server:
        port = next(iter(ws_server.sockets)).getsockname()[1]
        server.base = f"ws://127.0.0.1:{port}"
        yield server


async def test_copes_with_a_server_that_keeps_gzipping(gzip_only: GzipOnlyServer) -> None:
    async with OptionsStreamClient(gzip_only.base, ["x@depth5"]) as client:
        for _ in range(3):
            event = await _next_event(client, OptionDepthEvent)
            assert event.bids == ((Decimal(1), Decimal(2)),) and event.asks == ((Decimal(3), Decimal(4)),)
        assert client.gzip_frames >= 3 and client.binary_acks == 0
    assert gzip_only.controls[0] == {"method": "BINARY", "params": ["false"], "id": gzip_only.controls[0]["id"]}
