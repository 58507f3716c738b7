"""The market streams' subscription bookkeeping and control messages, without sockets."""

from __future__ import annotations

import json
from typing import Any, cast

from tui.sim.protocol.ws_connection import WsConnection
from tui.sim.spot.api.stream_subscriptions import MAX_STREAMS, StreamConnection, StreamIndex


class FakeWs:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, payload: Any) -> None:
        self.sent.append(payload)


def connection(*, combined: bool = False) -> tuple[StreamConnection, FakeWs]:
    ws = FakeWs()
    return StreamConnection(cast(WsConnection, ws), combined), ws


def control(index: StreamIndex, conn: StreamConnection, **request: Any) -> Any:
    return index.on_control(conn, json.dumps(request))


def test_subscribe_list_unsubscribe() -> None:
    index, (conn, _) = StreamIndex(), connection()
    assert control(index, conn, method="SUBSCRIBE", params=["btcusdt@trade", "btcusdt@depth"], id=1) == {
        "result": None,
        "id": 1,
    }
    assert control(index, conn, method="LIST_SUBSCRIPTIONS", id=2) == {
        "result": ["btcusdt@trade", "btcusdt@depth"],
        "id": 2,
    }
    control(index, conn, method="UNSUBSCRIBE", params=["btcusdt@trade"], id=3)
    assert index.wanted("btcusdt@depth") and not index.wanted("btcusdt@trade")


def test_send_reaches_only_subscribers_in_their_framing() -> None:
    index = StreamIndex()
    raw, raw_ws = connection()
    combined, combined_ws = connection(combined=True)
    index.add(raw, ["btcusdt@trade"])
    index.add(combined, ["btcusdt@trade", "ethusdt@trade"])
    index.send("btcusdt@trade", {"e": "trade"})
    index.send("ethusdt@trade", {"e": "trade", "s": "ETHUSDT"})
    assert raw_ws.sent == [{"e": "trade"}]
    assert combined_ws.sent == [
        {"stream": "btcusdt@trade", "data": {"e": "trade"}},
        {"stream": "ethusdt@trade", "data": {"e": "trade", "s": "ETHUSDT"}},
    ]
    index.remove(combined, list(combined.streams))
    assert not index.wanted("ethusdt@trade") and index.wanted("btcusdt@trade")


def test_set_and_get_the_combined_property() -> None:
    index, (conn, _) = StreamIndex(), connection()
    assert control(index, conn, method="SET_PROPERTY", params=["combined", True], id=5) == {"result": None, "id": 5}
    assert control(index, conn, method="GET_PROPERTY", params=["combined"], id=6) == {"result": True, "id": 6}
    assert control(index, conn, method="SET_PROPERTY", params=["combined", "yes"], id=7) == {
        "error": {"code": 1, "msg": "Invalid value type: expected Boolean"},
        "id": 7,
    }


def test_refusals() -> None:
    index, (conn, _) = StreamIndex(), connection()
    assert index.on_control(conn, "{")["error"]["code"] == 3
    assert control(index, conn, method="NOPE", id=1)["error"]["code"] == 2
    assert control(index, conn, method="SUBSCRIBE", params=[], id=2) == {
        "error": {"code": 2, "msg": "Invalid request: stream names must be strings"},
        "id": 2,
    }
    too_many = [f"s{i}@trade" for i in range(MAX_STREAMS + 1)]
    assert control(index, conn, method="SUBSCRIBE", params=too_many, id=3)["error"]["msg"] == (
        f"Invalid request: too many streams (max {MAX_STREAMS})"
    )
    assert conn.streams == []


def test_more_than_five_control_messages_a_second_disconnect() -> None:
    conn, _ = connection()
    assert all(conn.count_control() for _ in range(5))
    assert not conn.count_control()
