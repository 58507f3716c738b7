"""WS API session and User Data Stream methods: session.logon/status/logout/subscriptions and
userDataStream.subscribe[.signature]/unsubscribe (web-socket-api.md, "Session authentication" and
"User Data Stream requests"). The state they change is the connection's (`ws_method.Connection`)."""

from __future__ import annotations

from typing import Any

from tui.sim.protocol.auth import KeyType
from tui.sim.protocol.errors import ApiError, rejected_api_key
from tui.sim.protocol.params import opt_int
from tui.sim.spot.api.wire_events import stream_terminated
from tui.sim.spot.api.ws_method import Call, Connection, Method, Security

MAX_SUBSCRIPTIONS = 1000
MAX_SUBSCRIPTION_ID = 65535


def _session_result(call: Call) -> dict[str, Any]:
    conn = call.conn
    return {
        "apiKey": conn.session_key.api_key if conn.session_key else None,
        "authorizedSince": conn.authorized_since,
        "connectedSince": conn.connected_since,
        "returnRateLimits": conn.return_rate_limits,
        "serverTime": call.now(),
        "userDataStream": bool(conn.subscriptions),
    }


def session_logon(call: Call) -> dict[str, Any]:
    assert call.key is not None
    if call.key.key_type is not KeyType.ED25519:
        raise rejected_api_key()  # only Ed25519 keys may authenticate a session
    if call.conn.session_key is not None and call.conn.session_key.account_id != call.key.account_id:
        end_logon_subscription(call.conn, call.now())
    call.conn.session_key = call.key
    call.conn.authorized_since = call.now()
    return _session_result(call)


def session_status(call: Call) -> dict[str, Any]:
    return _session_result(call)


def session_logout(call: Call) -> dict[str, Any]:
    end_logon_subscription(call.conn, call.now())
    call.conn.session_key = None
    call.conn.authorized_since = None
    return _session_result(call)


def session_subscriptions(call: Call) -> list[dict[str, int]]:
    return [{"subscriptionId": sid} for sid in sorted(call.conn.subscriptions)]


def _subscribe(conn: Connection, account: str) -> int:
    if account in conn.subscriptions.values():
        raise ApiError(-2035, "User Data Stream subscription already active.")
    if len(conn.subscriptions) >= MAX_SUBSCRIPTIONS or conn.next_subscription_id >= MAX_SUBSCRIPTION_ID:
        raise ApiError(-2042, "Maximum subscription ID reached for this connection.")
    sid = conn.next_subscription_id
    conn.next_subscription_id += 1
    conn.subscriptions[sid] = account
    return sid


def uds_subscribe(call: Call) -> dict[str, int]:
    sid = _subscribe(call.conn, call.account)
    call.conn.logon_subscription = sid
    return {"subscriptionId": sid}


def uds_subscribe_signature(call: Call) -> dict[str, int]:
    return {"subscriptionId": _subscribe(call.conn, call.account)}


def _end_subscription(conn: Connection, sid: int, now_ms: int) -> None:
    if conn.subscriptions.pop(sid, None) is not None:
        conn.ws.send({"subscriptionId": sid, "event": stream_terminated(now_ms)})
    if conn.logon_subscription == sid:
        conn.logon_subscription = None


def end_logon_subscription(conn: Connection, now_ms: int) -> None:
    """End the subscription made through the logged-on session (on logout or a logon as another account)."""
    if conn.logon_subscription is not None:
        _end_subscription(conn, conn.logon_subscription, now_ms)


def uds_unsubscribe(call: Call) -> dict[str, Any]:
    sid = opt_int(call.params, "subscriptionId")
    for existing in list(call.conn.subscriptions):
        if sid is None or existing == sid:
            _end_subscription(call.conn, existing, call.now())
    return {}


METHODS: dict[str, Method] = {
    "session.logon": Method(session_logon, 2, Security.SIGNATURE),
    "session.status": Method(session_status, 2),
    "session.logout": Method(session_logout, 2),
    "session.subscriptions": Method(session_subscriptions, 2),
    "userDataStream.subscribe": Method(uds_subscribe, 2, Security.SESSION, "USER_STREAM"),
    "userDataStream.subscribe.signature": Method(uds_subscribe_signature, 2, Security.SIGNATURE, "USER_STREAM"),
    "userDataStream.unsubscribe": Method(uds_unsubscribe, 2, params=frozenset({"subscriptionId"})),
}
