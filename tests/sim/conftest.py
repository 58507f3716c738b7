"""Simulator fixtures: a server on the test's loop (`sim`), one in its own thread (`sim_thread`), and
small independent Binance clients built on `websockets` / `httpx` (never `tui.exchange`), so the
server is checked against the documents, not against our own client.

Options for `sim` come from the `sim_options` fixture; override it in a module or with
`@pytest.mark.parametrize("sim_options", [{...}], indirect=True)`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tui.sim.server import SimServer


@pytest.fixture(scope="session")
def sim_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo-keys dir for the session: RSA key generation is too slow to repeat per test."""
    return tmp_path_factory.mktemp("sim") / "demo-keys"


@pytest.fixture
def sim_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(getattr(request, "param", {}))


@pytest.fixture
async def sim(sim_keys_dir: Path, sim_options: dict[str, Any]) -> AsyncIterator[SimServer]:
    options = {"run_market": False, "ws_ping_interval": 5.0, "backfill_hours": 1, **sim_options}
    server = SimServer(host="127.0.0.1", port=0, seed=1, keys_dir=sim_keys_dir, **options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(scope="session")
def sim_thread(sim_keys_dir: Path) -> Iterator[SimServer]:
    """A market-running simulator on its own loop thread, shared by the session."""
    server = SimServer(host="127.0.0.1", port=0, seed=3, keys_dir=sim_keys_dir, run_market=True, backfill_hours=1)
    server.start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


class Signer:
    """Signs WS API params with one of the demo keys, following web-socket-api.md step by step."""

    def __init__(self, server: SimServer) -> None:
        keys = server.keys
        self.api_keys = {"hmac": keys.hmac_api_key, "rsa": keys.rsa_api_key, "ed25519": keys.ed25519_api_key}
        self.secret = keys.hmac_secret.encode()
        self.rsa = load_pem_private_key(keys.rsa_private_key_file.read_bytes(), password=None)
        self.ed = load_pem_private_key(keys.ed25519_private_key_file.read_bytes(), password=None)

    @staticmethod
    def payload(params: dict[str, Any]) -> str:
        def text(v: Any) -> str:
            return ("true" if v else "false") if isinstance(v, bool) else str(v)

        return "&".join(f"{k}={text(params[k])}" for k in sorted(params) if k != "signature")

    def signature(self, payload: str, key_type: str) -> str:
        data = payload.encode()
        if key_type == "hmac":
            return hmac.new(self.secret, data, hashlib.sha256).hexdigest()
        if key_type == "rsa":
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding

            return base64.b64encode(self.rsa.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[call-arg, union-attr]
        return base64.b64encode(self.ed.sign(data)).decode()  # type: ignore[call-arg, union-attr]

    def sign(self, params: dict[str, Any], key_type: str = "hmac", *, timestamp: int | None = None) -> dict[str, Any]:
        signed = {**params, "apiKey": self.api_keys[key_type]}
        signed.setdefault("timestamp", timestamp if timestamp is not None else int(time.time() * 1000))
        signed["signature"] = self.signature(self.payload(signed), key_type)
        return signed


@pytest.fixture
def signer(sim: SimServer) -> Signer:
    return Signer(sim)


class ApiClient:
    """A minimal WS API client: request/response by id, everything else kept as events."""

    def __init__(self, ws: Any, signer: Signer) -> None:
        self.ws = ws
        self.signer = signer
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    async def send_raw(self, text: str) -> dict[str, Any]:
        await self.ws.send(text)
        return await self._response(None, raw=True)

    async def _response(self, req_id: Any, raw: bool = False, timeout: float = 5.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                msg = json.loads(await self.ws.recv())
                if "status" in msg and (raw or msg.get("id") == req_id):
                    return msg
                self.events.append(msg)

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        req_id = next(self._ids)
        req: dict[str, Any] = {"id": req_id, "method": method}
        if params is not None:
            req["params"] = params
        await self.ws.send(json.dumps(req))
        return await self._response(req_id)

    async def signed(self, method: str, params: dict[str, Any] | None = None, key_type: str = "hmac") -> dict[str, Any]:
        return await self.call(method, self.signer.sign(params or {}, key_type))

    async def logon(self) -> dict[str, Any]:
        return await self.signed("session.logon", {}, "ed25519")

    async def event(self, kind: str, timeout: float = 3.0, **match: Any) -> dict[str, Any]:
        """The next user-data event of type `kind` whose fields match (waiting if needed)."""

        def matches(msg: dict[str, Any]) -> bool:
            ev = msg.get("event", {})
            return ev.get("e") == kind and all(ev.get(k) == v for k, v in match.items())

        async with asyncio.timeout(timeout):
            while True:
                for i, msg in enumerate(self.events):
                    if matches(msg):
                        return self.events.pop(i)
                self.events.append(json.loads(await self.ws.recv()))


@pytest.fixture
async def api(sim: SimServer, signer: Signer) -> AsyncIterator[ApiClient]:
    async with websockets.connect(sim.ws_api_url) as ws:
        yield ApiClient(ws, signer)
