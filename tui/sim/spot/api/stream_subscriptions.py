"""Who listens to which market stream: the stream connections, the index from stream name to
connections, and the control messages that change it (web-socket-streams.md, "Live Subscribing/
Unsubscribing to streams": SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY),
with their limits (1024 streams a connection, 5 incoming messages a second)."""

from __future__ import annotations

import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tui.sim.protocol.ws_connection import WsConnection

MAX_STREAMS = 1024
MAX_CONTROL_PER_SECOND = 5
_METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")
_ID_RE = re.compile(r"^[A-Za-z0-9]{1,36}$")


@dataclass(eq=False)
class StreamConnection:
    ws: WsConnection
    combined: bool
    streams: list[str] = field(default_factory=list)
    control_times: deque[float] = field(default_factory=deque)

    def push(self, stream: str, payload: Any) -> None:
        self.ws.send({"stream": stream, "data": payload} if self.combined else payload)

    def count_control(self) -> bool:
        """At most 5 incoming messages per second; False means disconnect."""
        now = time.monotonic()
        times = self.control_times
        times.append(now)
        while times and now - times[0] >= 1.0:
            times.popleft()
        return len(times) <= MAX_CONTROL_PER_SECOND


def _error(code: int, msg: str, req_id: Any) -> dict[str, Any]:
    return {"error": {"code": code, "msg": msg}, "id": req_id}


class StreamIndex:
    """Stream name -> the connections subscribed to it."""

    def __init__(self) -> None:
        self._index: dict[str, set[StreamConnection]] = {}

    def add(self, conn: StreamConnection, names: list[str]) -> None:
        for name in names:
            if name not in conn.streams:
                conn.streams.append(name)
                self._index.setdefault(name, set()).add(conn)

    def remove(self, conn: StreamConnection, names: list[str]) -> None:
        for name in names:
            if name in conn.streams:
                conn.streams.remove(name)
            subs = self._index.get(name)
            if subs is not None:
                subs.discard(conn)
                if not subs:
                    del self._index[name]

    def wanted(self, stream: str) -> bool:
        return stream in self._index

    def send(self, stream: str, payload: Any) -> None:
        for conn in tuple(self._index.get(stream, ())):
            conn.push(stream, payload)

    def on_control(self, conn: StreamConnection, text: str) -> dict[str, Any] | None:
        """Apply one control message from `conn`; the reply to send back."""
        try:
            req = json.loads(text)
        except ValueError as exc:
            return {"error": {"code": 3, "msg": f"Invalid JSON: {exc}"}, "id": None}
        if not isinstance(req, dict):
            return _error(2, "Invalid request: expected an object", None)
        if "method" not in req:
            return _error(2, "Invalid request: missing field `method`", req.get("id"))
        req_id = req.get("id")
        valid_id = req_id is None or (
            isinstance(req_id, int) and not isinstance(req_id, bool) and -(2**63) <= req_id < 2**63
        )
        if not valid_id and not (isinstance(req_id, str) and _ID_RE.match(req_id)):
            return _error(2, "Invalid request: request ID must be an unsigned integer", None)
        if "id" not in req:
            return _error(2, "Invalid request: request ID must be an unsigned integer", None)
        method, params = req["method"], req.get("params", [])
        if method not in _METHODS:
            return _error(
                2,
                f"Invalid request: unknown variant `{method}`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, "
                "`LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`",
                req_id,
            )
        if not isinstance(params, list):
            return _error(2, "Invalid request: params must be an array", req_id)
        if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            if not params or not all(isinstance(p, str) for p in params):
                return _error(2, "Invalid request: stream names must be strings", req_id)
            if method == "SUBSCRIBE":
                new = [p for p in params if p not in conn.streams]
                if len(conn.streams) + len(new) > MAX_STREAMS:
                    return _error(2, f"Invalid request: too many streams (max {MAX_STREAMS})", req_id)
                self.add(conn, params)
            else:
                self.remove(conn, params)
            return {"result": None, "id": req_id}
        if method == "LIST_SUBSCRIPTIONS":
            if params:
                return _error(2, "Invalid request: too many parameters", req_id)
            return {"result": list(conn.streams), "id": req_id}
        if not params or not isinstance(params[0], str):
            return _error(2, "Invalid request: property name must be a string", req_id)
        if params[0] != "combined":
            return _error(0, "Unknown property", req_id)
        if method == "GET_PROPERTY":
            if len(params) != 1:
                return _error(2, "Invalid request: too many parameters", req_id)
            return {"result": conn.combined, "id": req_id}
        if len(params) != 2:
            return _error(2, "Invalid request: too many parameters", req_id)
        if not isinstance(params[1], bool):
            return _error(1, "Invalid value type: expected Boolean", req_id)
        conn.combined = params[1]
        return {"result": None, "id": req_id}
