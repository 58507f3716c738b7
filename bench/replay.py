"""Replay a recorded depth stream to whoever connects, as fast as the client reads it.

One plain `websockets` server on 127.0.0.1 serves both sides a syncing client needs:
`/stream?...` sends the recorded frames, and `GET /api/v3/depth` answers with the recorded
snapshot. Frames after `snapshot_index` are held back until the snapshot has been served, as on the
exchange, where the snapshot arrives while the stream keeps going: the client must buffer.

It runs in its own process (`ReplayServer`), so on two cores the sending does not slow the client
that is being measured.

    python bench/replay.py RECORDING.json    # prints the port, serves until killed
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response


class Replay:
    """Connection handlers for one recording."""

    def __init__(self, recording: dict[str, Any]) -> None:
        frames: list[str] = recording["frames"]
        k = recording["snapshot_index"]
        self.head, self.tail = self.wire(frames[:k]), self.wire(frames[k:])
        self.snapshot: str = recording["snapshot"]
        self.snapshot_served = asyncio.Event()

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path.startswith("/api/v3/depth"):
            response = connection.respond(HTTPStatus.OK, self.snapshot)
            response.headers["Content-Type"] = "application/json"
            self.snapshot_served.set()
            return response
        if not request.path.startswith("/stream"):
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        self.snapshot_served.clear()  # a new stream connection: its client fetches its own snapshot
        return None

    @staticmethod
    def wire(frames: list[str]) -> bytes:
        """The frames as a server puts them on the socket (text, unmasked, uncompressed)."""
        return b"".join(Frame(Opcode.TEXT, f.encode()).serialize(mask=False) for f in frames)

    async def handler(self, ws: ServerConnection) -> None:
        # Pre-framed bytes in one write each instead of one `send()` per frame: with `send()` the
        # server's own per-frame work capped the fastest client rows, so they measured the server.
        ws.transport.write(self.head)
        await self.snapshot_served.wait()
        ws.transport.write(self.tail)
        await ws.wait_closed()


async def serve_forever(path: Path) -> None:
    replay = Replay(json.loads(path.read_text()))
    async with serve(
        replay.handler, "127.0.0.1", 0, process_request=replay.process_request, compression=None, max_size=None
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(port, flush=True)
        await asyncio.Future()


class ReplayServer:
    """The replay server in a child process: `with ReplayServer(path) as port: ...`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> int:
        self._proc = subprocess.Popen([sys.executable, __file__, str(self.path)], stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.strip().isdigit():
            self._proc.kill()
            raise RuntimeError(f"replay server did not start: {line!r}")
        return int(line)

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            self._proc = None


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(Path(sys.argv[1])))
