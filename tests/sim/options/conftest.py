"""Options-venue fixtures: the venue on a loopback port with a hand-driven clock and index, and a
small signed REST client written here on httpx (never `tui.exchange`), following seed 002."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from aiohttp import web

from tui.sim.options.venue import OptionsVenue
from tui.sim.protocol.auth import KeyRegistry

API_KEY = "optionsTestKey0123456789"
SECRET = "optionsTestSecret"
# Wednesday 2024-06-12 09:00 UTC: the day's 08:00 expiry has passed.
START_MS = int(datetime(2024, 6, 12, 9, tzinfo=UTC).timestamp() * 1000)


@dataclass
class Clock:
    now: int = START_MS

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


@dataclass
class Index:
    prices: dict[str, Decimal] = field(
        default_factory=lambda: {"BTCUSDT": Decimal("60123.45"), "ETHUSDT": Decimal("3010.5")}
    )

    def __call__(self, underlying: str) -> Decimal | None:
        return self.prices.get(underlying)


@dataclass
class Venue:
    venue: OptionsVenue
    clock: Clock
    index: Index
    rest_url: str
    stream_url: str


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def venue(clock: Clock) -> AsyncIterator[Venue]:
    registry = KeyRegistry()
    registry.add_hmac(API_KEY, SECRET, "demo")
    index = Index()
    v = OptionsVenue(registry=registry, clock_ms=clock, index_price=index, run_market=False, stream_tick_seconds=0.05)
    runner = web.AppRunner(v.app(), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield Venue(v, clock, index, f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


class Rest:
    """Seed 002 client: envelope-aware, HMAC-SHA256 over query string then body."""

    def __init__(self, http: httpx.AsyncClient, clock: Clock) -> None:
        self.http = http
        self.clock = clock

    async def public(self, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, params=params)

    async def signed(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        in_body: bool | None = None,
        api_key: str | None = API_KEY,
        secret: str = SECRET,
        timestamp: int | None = None,
        sign: bool = True,
    ) -> httpx.Response:
        p = {k: str(v).lower() if isinstance(v, bool) else v for k, v in (params or {}).items()}
        p.setdefault("timestamp", self.clock() if timestamp is None else timestamp)
        text = urlencode(p)
        body = method != "GET" if in_body is None else in_body
        query, form = ("", text) if body else (text, "")
        if sign:
            sig = hmac.new(secret.encode(), (query + form).encode(), hashlib.sha256).hexdigest()
            if body:
                form += f"&signature={sig}"
            else:
                query += f"&signature={sig}"
        headers = {"X-MBX-APIKEY": api_key} if api_key is not None else {}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = f"{path}?{query}" if query else path
        return await self.http.request(method, url, content=form.encode() if form else None, headers=headers)

    async def data(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        r = await self.signed(method, path, params)
        body = r.json()
        assert r.status_code == 200 and body["code"] == 0, body
        return body.get("data")


def ok(r: httpx.Response) -> Any:
    body = r.json()
    assert r.status_code == 200, body
    assert body["code"] == 0 and body["msg"] == "success", body
    return body.get("data")


def error(r: httpx.Response, code: int, status: int = 400) -> str:
    body = r.json()
    assert r.status_code == status, body
    assert body["code"] == code, body
    assert set(body) == {"code", "msg"} and body["msg"]
    return str(body["msg"])


def frame(msg: str | bytes) -> Any:
    """One stream frame: gzip-compressed binary by default, text after BINARY false."""
    if isinstance(msg, bytes):
        return json.loads(gzip.decompress(msg))
    return json.loads(msg)


@pytest.fixture
async def rest(venue: Venue) -> AsyncIterator[Rest]:
    async with httpx.AsyncClient(base_url=venue.rest_url, timeout=5) as http:
        yield Rest(http, venue.clock)
