"""`python -m tui sim --json --port 0` in a subprocess: one JSON line, then a reachable server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.timeout(60)


def test_cli_json_and_reachable(tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    env = {**os.environ, "BINANCE_TUI_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sim", "--json", "--port", "0", "--seed", "5", "--keys-dir", str(keys_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        info = json.loads(line)
        assert {"rest", "ws_api", "streams", "keys_file", "seed", "host", "port", "futures_rest"} <= set(info)
        port = info["port"]
        assert port > 0 and info["seed"] == 5 and info["host"] == "127.0.0.1"
        assert info["rest"] == f"http://127.0.0.1:{port}"
        assert info["ws_api"] == f"ws://127.0.0.1:{port}/ws-api/v3"
        assert info["streams"] == f"ws://127.0.0.1:{port}"
        assert Path(info["keys_file"]) == keys_dir / "demo-keys.json" and Path(info["keys_file"]).exists()
        r = httpx.get(f"{info['rest']}/api/v3/time", timeout=5)
        assert r.status_code == 200 and "serverTime" in r.json()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_cli_default_keys_dir_follows_config(tmp_path: Path) -> None:
    env = {**os.environ, "BINANCE_TUI_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sim", "--port", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        labels = {line.split(":", 1)[0].strip() for line in lines if line.startswith("  ")}
        assert labels == {
            "Spot REST",
            "Spot WS API",
            "Spot streams",
            "Futures REST",
            "Options REST",
            "Options streams",
            "Demo keys",
        }
        assert "Spot REST:       http://127.0.0.1:" in text and "/ws-api/v3" in text
        assert str(tmp_path / "data" / "demo-keys" / "demo-keys.json") in text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
