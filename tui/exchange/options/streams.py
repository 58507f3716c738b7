"""Market streams of the options venue (seed 002): gzip frames, the BINARY switch, reconnects.

The venue sends every frame gzip-compressed as a binary WebSocket frame until the client sends
`{"method": "BINARY", "params": ["false"], "id": N}`, after which frames are plain text. This
client sends the switch as the first message of every connection and still inflates binary frames
whenever they come (before the switch takes effect, or from a server that ignores it), so either
way consumers see the same `(stream, data)` pairs.

`OptionsStreamClient` is the house `StreamClient` (combined `/stream?streams=` connection,
SUBSCRIBE/UNSUBSCRIBE pacing, reconnect with backoff and resubscribe, status callbacks and the
`RECONNECTED` marker) with the frame decoding above; `events()` yields parsed events.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tui.domain.options.events import MarketEvent
from tui.exchange.options.codec import DECODER, MalformedResponse
from tui.exchange.options.events import parse_market_event
from tui.exchange.streams import RECONNECTED, StatusCallback, StreamClient

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
MAX_FRAME_BYTES = 8 * 1024 * 1024
KLINE_INTERVALS = ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "3d", "1w")
DEPTH_LEVELS = (5, 10, 20, 50, 100, 1000)


class FrameError(ValueError):
    """A frame that is neither text nor a gzip member holding UTF-8 text (or inflates too large)."""


def decode_frame(raw: str | bytes, max_bytes: int = MAX_FRAME_BYTES) -> str:
    """The text of one frame: text as is, binary inflated when it is gzip, else read as UTF-8."""
    if isinstance(raw, str):
        return raw
    data = bytes(raw)
    if data[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
        try:
            data = inflater.decompress(data, max_bytes)
        except zlib.error as exc:
            raise FrameError(f"bad gzip frame: {exc}") from None
        if inflater.unconsumed_tail:
            raise FrameError(f"gzip frame inflates beyond {max_bytes} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FrameError("binary frame is not UTF-8 text") from None


def binary_switch(req_id: int, compressed: bool = False) -> str:
    """The control message that turns compression off (`["false"]`) or back on."""
    return json.dumps({"method": "BINARY", "params": ["true" if compressed else "false"], "id": req_id})


def ticker_stream(symbol: str) -> str:
    return f"{symbol}@ticker"


def trade_stream(symbol: str) -> str:
    return f"{symbol}@trade"


def kline_stream(symbol: str, interval: str = "1m") -> str:
    if interval not in KLINE_INTERVALS:
        raise ValueError(f"unknown kline interval {interval!r}")
    return f"{symbol}@kline_{interval}"


def depth_stream(symbol: str, levels: int = 10) -> str:
    if levels not in DEPTH_LEVELS:
        raise ValueError(f"depth levels must be one of {DEPTH_LEVELS}")
    return f"{symbol}@depth{levels}"


class OptionsStreamClient(StreamClient):
    """Options market data over one combined connection. Iterate for `(stream, data)` pairs, or use
    `events()` for parsed ones; `(RECONNECTED, None)` marks a gap after a reconnect."""

    def __init__(
        self,
        base_url: str,
        streams: Iterable[str] = (),
        *,
        text_frames: bool = True,
        on_status: StatusCallback | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, streams, on_status=on_status, **kwargs)
        self.text_frames = text_frames
        self.gzip_frames = 0
        """Binary (gzip) frames received so far; stays small once the BINARY switch is honoured."""
        self.binary_acks = 0
        self._binary_ids: set[int] = set()

    async def __aenter__(self) -> OptionsStreamClient:
        self.start()
        return self

    async def _read(self, ws: ClientConnection) -> str:
        if self.text_frames:
            req_id = next(self._ids)
            self._binary_ids.add(req_id)
            try:
                await self._pacer.wait()
                await ws.send(binary_switch(req_id))
            except ConnectionClosed:
                pass  # the read below reports why
        return await super()._read(ws)

    def _handle_frame(self, raw: str | bytes) -> None:
        try:
            text = decode_frame(raw)
        except FrameError as exc:
            log.warning("options stream: skipping a frame: %s", exc)
            return
        if not isinstance(raw, str):
            self.gzip_frames += 1
        try:
            msg = DECODER.decode(text)
        except ValueError:
            log.warning("options stream: skipping a frame that is not JSON: %.200r", text)
            return
        if isinstance(msg, dict):
            stream = msg.get("stream")
            if isinstance(stream, str) and "data" in msg and stream != "!serverShutdown":
                self._emit((stream, msg["data"]))
                return
            req_id = msg.get("id")
            if isinstance(req_id, int) and req_id in self._binary_ids:
                self._binary_ids.discard(req_id)
                if msg.get("error") is not None:
                    log.warning("options stream: BINARY switch refused (%.200r); inflating gzip frames", msg)
                else:
                    self.binary_acks += 1
                return
        super()._handle_frame(text)  # control replies, serverShutdown, anything unexpected

    async def events(self) -> AsyncIterator[tuple[str, MarketEvent | None]]:
        """`(stream, event)` for every message; `(RECONNECTED, None)` after a reconnect.

        Payloads this client cannot read are logged and skipped; unknown event types give None.
        """
        async for stream, data in self:
            if stream == RECONNECTED:
                yield stream, None
                continue
            try:
                event = parse_market_event(data)
            except MalformedResponse as exc:
                log.warning("options stream %s: %s", stream, exc)
                continue
            yield stream, event
