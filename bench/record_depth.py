"""Record a depth diff stream from the simulator, deterministically for a seed.

The simulator runs on loopback with its market stopped and a fake clock; we step the market
ourselves, flush the stream producers after every step, and record the text frames a bare
`websockets` client receives on `/stream?streams=btcusdt@depth@100ms`. After the first
`snapshot_index` frames we fetch the REST depth snapshot (as a client syncing its book would), and
after the last frame the full book again (`final`), so a replay can check the book it built.

    python bench/record_depth.py --frames 20000 --seed 7 --out /tmp/depth.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tui.sim.server import SimServer

SYMBOL = "BTCUSDT"
STREAM = "btcusdt@depth@100ms"
START_MS = 1_700_000_000_000  # the fake clock starts here and moves 100 ms per market step
SNAPSHOT_INDEX = 50  # frames sent before the snapshot: the client buffers them, then drops them as stale
BATCH = 500  # market steps between drains; the sim closes a connection 10,000 frames behind
FORMAT = 1


def cache_path(seed: int, frames: int) -> Path:
    return Path(tempfile.gettempdir()) / "binance-tui-bench" / f"depth-v{FORMAT}-seed{seed}-{frames}.json"


async def record(seed: int, frames: int, snapshot_index: int = SNAPSHOT_INDEX) -> dict[str, Any]:
    """Step the simulator until `frames` depthUpdate frames were received; return the recording."""
    clock = [START_MS]
    recorded: list[str] = []
    with tempfile.TemporaryDirectory() as keys_dir:
        server = SimServer(
            seed=seed, keys_dir=Path(keys_dir), run_market=False, clock_ms=lambda: clock[0], backfill_hours=0
        )
        await server.start()
        assert server.streams is not None and server.ws_api is not None
        hub = server.streams
        # Only market streams are recorded; without this the sim formats an executionReport for
        # every market-maker order (nobody listens), a fifth of the recording time.
        server.ws_api.close()
        try:
            async with (
                connect(f"{server.stream_url}/stream?streams={STREAM}", max_size=None) as ws,
                httpx.AsyncClient(base_url=server.rest_url) as http,
            ):

                async def step_until(total: int) -> None:
                    while len(recorded) < total:
                        # One step sends at most one frame, so this never overshoots `total`.
                        for _ in range(min(BATCH, total - len(recorded))):
                            clock[0] += 100
                            server.market.step(clock[0])
                            hub.tick(1)  # flush this step's changes as one @100ms diff
                        # Drain up to the engine's current update id: then nothing is in flight.
                        last_u = server.engine.update_id(SYMBOL)
                        while not recorded or json.loads(recorded[-1])["data"]["u"] != last_u:
                            recorded.append(str(await asyncio.wait_for(ws.recv(), 10)))

                async def depth() -> str:
                    resp = await http.get("/api/v3/depth", params={"symbol": SYMBOL, "limit": 5000})
                    resp.raise_for_status()
                    return resp.text

                await step_until(snapshot_index)
                snapshot = await depth()
                await step_until(frames)
                final = await depth()
        finally:
            await server.stop()
    return {
        "format": FORMAT,
        "seed": seed,
        "symbol": SYMBOL,
        "stream": STREAM,
        "snapshot_index": snapshot_index,
        "snapshot": snapshot,
        "final": final,
        "frames": recorded,
    }


def load_or_record(seed: int, frames: int) -> tuple[Path, bool]:
    """The cached recording for (seed, frames), made first if missing; True if it was just made."""
    path = cache_path(seed, frames)
    if path.exists():
        return path, False
    rec = asyncio.run(record(seed, frames))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec))
    tmp.replace(path)  # never leave a half-written cache behind
    return path, True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write here instead of the temp-dir cache")
    args = parser.parse_args()
    t0 = time.perf_counter()
    if args.out:
        args.out.write_text(json.dumps(asyncio.run(record(args.seed, args.frames))))
        path = args.out
    else:
        path, _ = load_or_record(args.seed, args.frames)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
