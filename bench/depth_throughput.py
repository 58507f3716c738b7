"""Depth messages per second, decoded and applied to a book: our client path against a bare loop.

Every row reads the same recorded `btcusdt@depth@100ms` stream (see record_depth.py) from a replay
server in another process (replay.py), fetches the same snapshot, and stops when the last frame is
applied. Rows, each run `--repeats` times in turn, median taken:

- recv only: websockets `recv()` and nothing else; the ceiling the transport allows.
- baseline: bare websockets + `json.loads`, levels set/deleted in two dicts of strings. No U/u
  checks beyond skipping events older than the snapshot.
- ours: `StreamClient` (combined stream, `json.loads(parse_float=Decimal)`) feeding
  `LocalOrderBook.on_diff` (codec to Decimal levels, DepthSync with U/u checks), as the feed does.
- ours+orjson: the same with `tui.exchange.streams.json.loads` swapped for `orjson.loads` in this
  process only, to see whether the dependency would pay (skipped if orjson is not installed).

Afterwards each book must equal the simulator's own final book, so the numbers are for correct work.

    python bench/depth_throughput.py --frames 20000 --repeats 3 [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import platform
import pstats
import statistics
import sys
import time
import types
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
from record_depth import load_or_record
from replay import ReplayServer
from websockets.asyncio.client import connect

import tui.exchange.streams as streams_module
from tui.domain.order_book import DepthSync
from tui.exchange.spot.codec.depth import depth_diff_from_stream, snapshot_from_rest
from tui.exchange.spot.local_book import LocalOrderBook
from tui.exchange.spot.rest import RestClient
from tui.exchange.streams import StreamClient

Book = tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]
Run = Callable[[int, dict[str, Any]], Awaitable[Book | None]]


def decimal_book(bids: dict[str, str], asks: dict[str, str]) -> Book:
    return {Decimal(p): Decimal(q) for p, q in bids.items()}, {Decimal(p): Decimal(q) for p, q in asks.items()}


def snapshot_url(port: int, rec: dict[str, Any]) -> str:
    return f"http://127.0.0.1:{port}/api/v3/depth?symbol={rec['symbol']}&limit=1000"


async def recv_only(port: int, rec: dict[str, Any]) -> None:
    async with connect(f"ws://127.0.0.1:{port}/stream?streams={rec['stream']}", max_size=None) as ws:
        for _ in range(rec["snapshot_index"]):
            await ws.recv()
        async with httpx.AsyncClient() as http:
            (await http.get(snapshot_url(port, rec))).raise_for_status()
        for _ in range(len(rec["frames"]) - rec["snapshot_index"]):
            await ws.recv()


async def baseline(port: int, rec: dict[str, Any]) -> Book:
    """The least a correct-ish client does: parse, skip what the snapshot holds, set or delete."""
    async with connect(f"ws://127.0.0.1:{port}/stream?streams={rec['stream']}", max_size=None) as ws:
        async with httpx.AsyncClient() as http:
            snap = json.loads((await http.get(snapshot_url(port, rec))).text)
        last = snap["lastUpdateId"]
        bids = {p: q for p, q in snap["bids"]}
        asks = {p: q for p, q in snap["asks"]}
        for _ in range(len(rec["frames"])):
            data = json.loads(await ws.recv())["data"]
            if data["u"] <= last:
                continue
            for side, levels in ((bids, data["b"]), (asks, data["a"])):
                for price, qty in levels:
                    if float(qty):
                        side[price] = qty
                    else:
                        side.pop(price, None)
    return decimal_book(bids, asks)


async def ours(port: int, rec: dict[str, Any]) -> Book:
    """The console's path: StreamClient -> LocalOrderBook.on_diff, snapshot through RestClient."""
    total = len(rec["frames"])
    rest = RestClient(f"http://127.0.0.1:{port}")
    book = LocalOrderBook(rec["symbol"], rest)
    client = StreamClient(f"ws://127.0.0.1:{port}", [rec["stream"]])
    try:
        seen = 0
        async for _stream, data in client:
            await book.on_diff(data)
            seen += 1
            if seen == total:
                break
        last_u = json.loads(rec["frames"][-1])["data"]["u"]
        assert book.state == "live" and book.book.last_update_id == last_u, (book.state, book.book.last_update_id)
        assert client.dropped == 0 and client.reconnects == 0 and book.resyncs == 0
        return dict(book.book.bids), dict(book.book.asks)
    finally:
        await client.close()
        await book.close()
        await rest.aclose()


@contextlib.contextmanager
def orjson_in_streams() -> Iterator[None]:
    """Swap the stream client's `json.loads` for orjson's (depth frames carry no floats)."""
    import orjson

    def loads(raw: str | bytes, parse_float: Any = None) -> Any:
        return orjson.loads(raw)

    saved = streams_module.json
    streams_module.json = types.SimpleNamespace(loads=loads, dumps=json.dumps)  # type: ignore[assignment]
    try:
        yield
    finally:
        streams_module.json = saved


async def ours_orjson(port: int, rec: dict[str, Any]) -> Book:
    with orjson_in_streams():
        return await ours(port, rec)


def final_book(rec: dict[str, Any]) -> Book:
    """The simulator's book after the last frame, as recorded."""
    final = json.loads(rec["final"])
    bids, asks = decimal_book(dict(final["bids"]), dict(final["asks"]))
    return {p: q for p, q in bids.items() if q}, {p: q for p, q in asks.items() if q}


async def measure(rows: dict[str, Run], port: int, rec: dict[str, Any], repeats: int) -> dict[str, list[float]]:
    expected = final_book(rec)
    times: dict[str, list[float]] = {name: [] for name in rows}
    for i in range(repeats + 1):  # the first round warms up (imports, first connections) untimed
        for name, run in rows.items():  # interleaved, so drift hits every row alike
            t0 = time.perf_counter()
            book = await run(port, rec)
            if i:
                times[name].append(time.perf_counter() - t0)
            if book is not None and book != expected:
                raise SystemExit(f"{name}: the book differs from the simulator's final book")
    return times


def stages(rec: dict[str, Any], repeats: int) -> dict[str, float]:
    """Microseconds per frame of ours' CPU work on in-memory frames, stage by stage, no I/O."""
    frames, k = rec["frames"], rec["snapshot_index"]
    snap = snapshot_from_rest(json.loads(rec["snapshot"]))

    def decode_plain() -> None:
        for raw in frames:
            json.loads(raw)

    def decode_decimal() -> None:
        for raw in frames:
            json.loads(raw, parse_float=Decimal)

    def decode_codec() -> None:
        for raw in frames:
            depth_diff_from_stream(json.loads(raw, parse_float=Decimal)["data"])

    def decode_codec_sync() -> None:
        sync = DepthSync()
        for i, raw in enumerate(frames):
            if i == k:
                sync.on_snapshot(snap)
            sync.on_diff(depth_diff_from_stream(json.loads(raw, parse_float=Decimal)["data"]))

    steps = {
        "json.loads": decode_plain,
        "+ parse_float=Decimal": decode_decimal,
        "+ codec (Decimal levels)": decode_codec,
        "+ DepthSync apply": decode_codec_sync,
    }
    out = {}
    for name, fn in steps.items():
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t0)
        out[name] = statistics.median(runs) / len(frames) * 1e6
    return out


async def profile_ours(port: int, rec: dict[str, Any], top: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    await ours(port, rec)
    prof.disable()
    print(f"\ncProfile of one 'ours' run, top {top} by own time:")
    pstats.Stats(prof).strip_dirs().sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=20_000, help="recorded depth frames to replay")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-orjson", action="store_true", help="skip the ours+orjson row")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one 'ours' run")
    args = parser.parse_args()

    t0 = time.perf_counter()
    path, made = load_or_record(args.seed, args.frames)
    rec = json.loads(path.read_text())
    if made:
        print(f"recorded {args.frames} frames in {time.perf_counter() - t0:.1f} s -> {path}")

    rows: dict[str, Run] = {"recv only": recv_only, "baseline": baseline, "ours": ours}
    try:
        import orjson  # noqa: F401

        if not args.no_orjson:
            rows["ours+orjson"] = ours_orjson
    except ImportError:
        pass

    with ReplayServer(path) as port:
        times = asyncio.run(measure(rows, port, rec, args.repeats))
        if args.profile:
            asyncio.run(profile_ours(port, rec, 15))

    n = len(rec["frames"])
    rate = {name: n / statistics.median(ts) for name, ts in times.items()}
    size = sum(map(len, rec["frames"])) / n
    print(
        f"\n{n} depth frames (mean {size:.0f} bytes), seed {args.seed}, median of {args.repeats}, "
        f"Python {platform.python_version()} on {sys.platform}"
    )
    print(f"{'row':<14}{'msg/s':>10}  {'vs baseline':>11}")
    for name, r in rate.items():
        print(f"{name:<14}{r:>10,.0f}  {r / rate['baseline']:>10.2f}x")

    def ratio(a: str, b: str) -> str:
        rounds = [tb / ta for ta, tb in zip(times[a], times[b], strict=True)]  # same-round pairs
        return f"{a} / {b} = {rate[a] / rate[b]:.2f}  (rounds: {min(rounds):.2f} to {max(rounds):.2f})"

    print(f"\n{ratio('ours', 'baseline')}")
    if "ours+orjson" in rate:
        print(ratio("ours+orjson", "ours"))

    print("\nwhere ours spends its time, per frame (CPU only, in-memory frames, cumulative):")
    cpu = stages(rec, args.repeats)
    for name, us in cpu.items():
        print(f"  {name:<26}{us:>6.1f} us")
    total = 1e6 / rate["ours"]
    print(f"  {'+ StreamClient, websockets':<26}{total:>6.1f} us  (1 / ours msg/s; the rest is I/O and the queue)")


if __name__ == "__main__":
    main()
