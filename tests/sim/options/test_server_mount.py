"""The options venue inside `SimServer` (own port, spot-driven index, demo keys) and `python -m tui sim`."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import websockets

from tui.sim.server import SimServer


async def test_sim_server_mounts_options(tmp_path: Path) -> None:
    server = SimServer(port=0, keys_dir=tmp_path / "keys", run_market=False, backfill_hours=0)
    await server.start()
    try:
        assert server.options_port not in (0, server.port)
        assert server.options_rest_url == f"http://127.0.0.1:{server.options_port}"
        assert server.options_stream_url == f"ws://127.0.0.1:{server.options_port}"
        async with httpx.AsyncClient(base_url=server.options_rest_url, timeout=5) as http:
            assert (await http.get("/api/v1/ping")).json() == {"code": 0, "msg": "success"}
            spot = server.engine.last_price("BTCUSDT") or server.engine.reference_price("BTCUSDT")
            index = (await http.get("/api/v1/index", params={"underlying": "BTCUSDT"})).json()["data"]
            assert Decimal(index["indexPrice"]) == spot
            query = f"timestamp={server.clock_ms()}"
            sig = hmac.new(server.keys.hmac_secret.encode(), query.encode(), hashlib.sha256).hexdigest()
            r = await http.get(
                f"/api/v1/account?{query}&signature={sig}", headers={"X-MBX-APIKEY": server.keys.hmac_api_key}
            )
            assert r.json()["data"][0]["balance"] == 10000
            symbol = (await http.get("/api/v1/optionInfo")).json()["data"][0]["symbol"]
        async with websockets.connect(f"{server.options_stream_url}/ws/{symbol}@ticker") as ws:
            msg = json.loads(gzip.decompress(await ws.recv()))
            assert msg["e"] == "ticker" and msg["s"] == symbol
    finally:
        await server.stop()


@pytest.mark.timeout(60)
def test_cli_prints_options_urls(tmp_path: Path) -> None:
    env = {**os.environ, "BINANCE_TUI_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sim", "--json", "--port", "0", "--keys-dir", str(tmp_path / "keys")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["options_rest"].startswith("http://127.0.0.1:")
        assert info["options_streams"] == info["options_rest"].replace("http://", "ws://")
        r = httpx.get(f"{info['options_rest']}/api/v1/time", timeout=5)
        assert r.json()["code"] == 0 and isinstance(r.json()["data"], int)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
