"""Futures-venue fixtures: a simulator on the test's loop with a hand-driven clock (`fsim`, `clock`),
and a small independent `fapi` client on `httpx` that signs requests as Binance's REST docs describe
(query string, then `&signature=`; API key in `X-MBX-APIKEY`), never through `tui.exchange`.

Options for `fsim` come from `fsim_options`; override with
`@pytest.mark.parametrize("fsim_options", [{...}], indirect=True)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tui.sim.server import SimServer

# 2024-06-15 12:00:00 UTC: mid-month, so month-quota tests can step into July on purpose.
START_MS = 1_718_452_800_000
DAY_MS = 86_400_000
JOB_DELAY_MS = 2_000


class Clock:
    """The simulator's clock, moved only by the test."""

    def __init__(self, now: int = START_MS) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


@pytest.fixture(scope="session")
def fsim_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo-keys dir for the session: RSA key generation is too slow to repeat per test."""
    return tmp_path_factory.mktemp("sim-futures") / "demo-keys"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fsim_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(getattr(request, "param", {}))


@pytest.fixture
async def fsim(fsim_keys_dir: Path, clock: Clock, fsim_options: dict[str, Any]) -> AsyncIterator[SimServer]:
    options = {
        "run_market": False,
        "backfill_hours": 0,
        "ws_ping_interval": 5.0,
        "futures_job_delay_ms": JOB_DELAY_MS,
        **fsim_options,
    }
    server = SimServer(host="127.0.0.1", port=0, seed=7, keys_dir=fsim_keys_dir, clock_ms=clock, **options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class Fapi:
    """Signs and sends `fapi` requests with one of the demo keys."""

    def __init__(self, server: SimServer, http: httpx.AsyncClient, clock: Clock) -> None:
        keys = server.keys
        self.base = server.futures_rest_url
        self.http = http
        self.clock = clock
        self.api_keys = {"hmac": keys.hmac_api_key, "rsa": keys.rsa_api_key, "ed25519": keys.ed25519_api_key}
        self.secret = keys.hmac_secret.encode()
        self.rsa = load_pem_private_key(keys.rsa_private_key_file.read_bytes(), password=None)
        self.ed = load_pem_private_key(keys.ed25519_private_key_file.read_bytes(), password=None)

    def signature(self, payload: str, key_type: str) -> str:
        data = payload.encode()
        if key_type == "hmac":
            return hmac.new(self.secret, data, hashlib.sha256).hexdigest()
        if key_type == "rsa":
            return base64.b64encode(self.rsa.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[call-arg, union-attr]
        return base64.b64encode(self.ed.sign(data)).decode()  # type: ignore[call-arg, union-attr]

    def signed_query(self, params: dict[str, Any], key_type: str = "hmac", *, timestamp: int | None = None) -> str:
        query = urlencode({**params, "timestamp": self.clock() if timestamp is None else timestamp})
        return f"{query}&signature={quote(self.signature(query, key_type), safe='')}"

    async def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        key_type: str = "hmac",
        *,
        api_key: str | None = None,
        query: str | None = None,
    ) -> httpx.Response:
        query = self.signed_query(params or {}, key_type) if query is None else query
        key = self.api_keys[key_type] if api_key is None else api_key
        return await self.http.get(f"{self.base}{path}?{query}", headers={"X-MBX-APIKEY": key})

    async def create(self, kind: str, start: int, end: int) -> httpx.Response:
        return await self.get(f"/fapi/v1/{kind}/asyn", {"startTime": start, "endTime": end})

    async def link(self, kind: str, download_id: str) -> httpx.Response:
        return await self.get(f"/fapi/v1/{kind}/asyn/id", {"downloadId": download_id})


@pytest.fixture
async def fapi(fsim: SimServer, clock: Clock) -> AsyncIterator[Fapi]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield Fapi(fsim, http, clock)
