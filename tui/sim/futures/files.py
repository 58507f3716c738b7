"""Serving export files the way an object store does: Content-Length, single `Range: bytes=` requests
(206 / 416), S3-style XML errors (403 `AccessDenied` once a link has expired), and a test hook that
cuts the connection part-way through the next body.
"""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def s3_error(status: int, code: str, message: str, **extra: str) -> web.Response:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>{fields}</Error>'
    return web.Response(status=status, text=body, content_type="application/xml")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range a single-range `Range` header asks for; None if unsatisfiable.

    Raises ValueError for headers we do not understand (served as the whole file, as RFC 9110 allows).
    """
    m = _RANGE_RE.match(header.strip())
    if m is None or (not m.group(1) and not m.group(2)):
        raise ValueError(header)
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            return None
        return max(0, size - n), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return None
    return start, end


class FileSender:
    """Sends one file for a request; `drop_after` (bytes) closes the connection mid-body once."""

    def __init__(self) -> None:
        self.drop_after: int | None = None

    async def send(self, request: web.Request, path: Path, filename: str) -> web.StreamResponse:
        data = path.read_bytes()
        size = len(data)
        headers = {
            "Accept-Ranges": "bytes",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv",
        }
        status, start, end = 200, 0, size - 1
        header = request.headers.get("Range")
        if header:
            try:
                wanted = parse_range(header, size)
            except ValueError:
                wanted = (0, size - 1)
            else:
                if wanted is None:
                    return web.Response(
                        status=416, headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"}
                    )
                status = 206
                headers["Content-Range"] = f"bytes {wanted[0]}-{wanted[1]}/{size}"
            start, end = wanted
        body = data[start : end + 1]
        resp = web.StreamResponse(status=status, headers=headers)
        resp.content_length = len(body)
        await resp.prepare(request)
        if request.method == "HEAD":
            return resp
        drop, self.drop_after = self.drop_after, None
        if drop is not None and drop < len(body):
            await resp.write(body[:drop])
            # close() flushes what was written, then the client sees the body end early
            request.protocol.force_close()
            if request.transport is not None:
                request.transport.close()
            return resp
        for i in range(0, len(body), CHUNK):
            await resp.write(body[i : i + CHUNK])
        await resp.write_eof()
        return resp
