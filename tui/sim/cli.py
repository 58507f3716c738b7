"""`python -m tui sim`: run the embedded exchange in the foreground and say where it listens."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from pathlib import Path

from tui.sim.keys import InsecureKeyFileError
from tui.sim.server import SimServer


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tui sim", description="Run the embedded Binance simulator.")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    p.add_argument("--futures-port", type=int, default=0, help="TCP port of the USD-M futures venue; 0 picks one")
    p.add_argument("--options-port", type=int, default=0, help="TCP port of the options venue; 0 picks one")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic market")
    p.add_argument("--json", action="store_true", help="print one JSON line with the endpoints")
    p.add_argument("--keys-dir", type=Path, default=None, help="where the demo keys live")
    return p


async def _serve(server: SimServer, as_json: bool) -> None:
    await server.start()
    info = {
        "rest": server.rest_url,
        "ws_api": server.ws_api_url,
        "streams": server.stream_url,
        "futures_rest": server.futures_rest_url,
        "options_rest": server.options_rest_url,
        "options_streams": server.options_stream_url,
        "keys_file": str(server.keys.keys_file),
        "seed": server.seed,
        "host": server.host,
        "port": server.port,
    }
    if as_json:
        print(json.dumps(info), flush=True)
    else:
        print(
            f"Binance simulator listening (seed {server.seed})\n"
            f"  Spot REST:       {info['rest']}\n"
            f"  Spot WS API:     {info['ws_api']}\n"
            f"  Spot streams:    {info['streams']}  (append /ws/<stream> or /stream?streams=...)\n"
            f"  Futures REST:    {info['futures_rest']}  (USD-M /fapi/v1/...)\n"
            f"  Options REST:    {info['options_rest']}  (/api/v1/...)\n"
            f"  Options streams: {info['options_streams']}  (append /ws/<stream> or /ws/<listenKey>)\n"
            f"  Demo keys:       {info['keys_file']}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    keys_dir = args.keys_dir
    if keys_dir is None:
        from tui.config.paths import demo_keys_dir  # the CLI layer may read settings; the simulator may not

        keys_dir = demo_keys_dir()
    try:
        server = SimServer(
            host=args.host,
            port=args.port,
            seed=args.seed,
            keys_dir=keys_dir,
            futures_port=args.futures_port,
            options_port=args.options_port,
        )
    except InsecureKeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(server, args.json))
    return 0
