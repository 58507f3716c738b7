"""The WebSocket API client: one connection, JSON requests matched to responses by id.

Requests are `{"id", "method", "params"}` text frames; each gets a future that the reader task
resolves when the response with the same id arrives. User-data events (`{"subscriptionId",
"event"}`) arrive on the same connection and go to a callback or the `events` queue. A frame that is
neither is logged and dropped. When the connection ends, every pending request fails with
NotConnected and `on_disconnect` fires; reconnecting is the owner's decision (see Session).

SIGNED requests get `timestamp` (from the ServerClock) and `recvWindow`; unless the session is
logged on with an Ed25519 key, also `apiKey` and a `signature` over `ws_api_payload(params)`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from tui.domain.money import wire
from tui.exchange.clock import ServerClock
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.signing import Signer, check_read_only, ws_api_payload

log = logging.getLogger(__name__)

# One decoder for every frame: json.loads(parse_float=...) would build a new one per call.
# Numbers that arrive unquoted still become Decimal, never float.
_DECODER = json.JSONDecoder(parse_float=Decimal)

# Requests that count against the ORDERS (unfilled order count) limit.
NEW_ORDER_METHODS = frozenset({"order.place", "order.cancelReplace", "sor.order.place"})

MAX_FRAME = 16 * 1024 * 1024  # exchangeInfo for every symbol is several MB


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return wire(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _retry_after(response: dict[str, Any], error: dict[str, Any]) -> int | None:
    data = error.get("data")
    for holder in (data if isinstance(data, dict) else {}, error, response):
        value = holder.get("retryAfter")
        if isinstance(value, (int, Decimal, str)) and not isinstance(value, bool):
            try:
                return int(value)
            except (TypeError, ValueError, ArithmeticError):
                return None
    return None


class WsApiClient:
    """One WebSocket API connection. `connect()` also syncs `clock` with `time` round trips."""

    def __init__(
        self,
        url: str,
        *,
        signer: Signer | None,
        clock: ServerClock,
        recv_window: int = 5000,
        timeout: float = 10.0,
        rate_limits: RateLimitTracker | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        on_disconnect: Callable[[str], None] | None = None,
        clock_samples: int = 3,
    ) -> None:
        self.url = url
        self.signer = signer
        self.clock = clock
        self.recv_window = recv_window
        self.timeout = timeout
        self.rate_limits = rate_limits if rate_limits is not None else RateLimitTracker(clock.now_ms)
        self.on_event = on_event
        self.on_disconnect = on_disconnect
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.logged_on = False
        self.subscription_id: int | None = None
        self._clock_samples = clock_samples
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._closing = False
        self._resync: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"WsApiClient({self.url!r}, signer={self.signer!r}, connected={self.connected})"

    @property
    def connected(self) -> bool:
        return self._ws is not None

    # --- connection ----------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the connection, start reading, and sync the clock."""
        if self._ws is not None:
            return
        self._closing = False
        self.logged_on = False
        self.subscription_id = None
        try:
            ws = await connect(self.url, max_size=MAX_FRAME, open_timeout=self.timeout)
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            raise NotConnected(f"Cannot connect to {self.url}: {type(exc).__name__}: {exc}") from None
        self._ws = ws
        self._reader = asyncio.create_task(self._read_loop(ws), name="ws-api-reader")
        try:
            await self.sync_clock()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the connection; pending requests fail with NotConnected. `on_disconnect` stays quiet."""
        self._closing = True
        ws, reader = self._ws, self._reader
        if ws is not None:
            await ws.close()
        if reader is not None and reader is not asyncio.current_task():
            try:
                await asyncio.wait_for(asyncio.shield(reader), self.timeout)
            except (TimeoutError, asyncio.CancelledError):
                reader.cancel()

    async def sync_clock(self) -> None:
        await self.clock.sync(self.server_time, samples=self._clock_samples)

    async def server_time(self) -> int:
        result = await self.request("time")
        try:
            return int(result["serverTime"])
        except (KeyError, TypeError, ValueError):
            raise ExchangeError(-1006, "time: response has no serverTime", 200) from None

    async def _read_loop(self, ws: ClientConnection) -> None:
        reason = "connection closed"
        try:
            async for raw in ws:
                self._handle_frame(raw)
        except ConnectionClosed:
            pass
        except Exception as exc:  # a bug here must not leave requests hanging
            log.exception("WS API reader failed")
            reason = f"reader failed: {type(exc).__name__}"
        finally:
            if ws.close_code is not None:
                reason = f"closed by {'us' if self._closing else 'the exchange'} (code {ws.close_code}"
                reason += f", {ws.close_reason})" if ws.close_reason else ")"
            if self._ws is ws:
                self._ws = None
            self.logged_on = False
            self.subscription_id = None
            self._fail_pending(reason)
            if not self._closing and self.on_disconnect is not None:
                try:
                    self.on_disconnect(reason)
                except Exception:
                    log.exception("on_disconnect callback failed")

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(
                    NotConnected(
                        f"Connection to the exchange lost ({reason}) before a response arrived; execution status unknown.",
                        outcome_unknown=True,
                    )
                )

    # --- incoming frames -----------------------------------------------------------------------

    def _handle_frame(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            log.warning("WS API: ignoring a binary frame of %d bytes (SBE is not supported)", len(raw))
            return
        try:
            msg = _DECODER.decode(raw if isinstance(raw, str) else raw.decode())
        except ValueError:
            log.warning("WS API: ignoring a frame that is not JSON: %.200r", raw)
            return
        if not isinstance(msg, dict):
            log.warning("WS API: ignoring a frame that is not an object: %.200r", raw)
            return
        if "status" in msg and "id" in msg:
            self._handle_response(msg)
        elif isinstance(msg.get("event"), dict):
            self._deliver_event(msg["event"])
        else:
            log.warning("WS API: ignoring a frame that is neither a response nor an event: %.200r", raw)

    def _handle_response(self, msg: dict[str, Any]) -> None:
        rate_limits = msg.get("rateLimits")
        if isinstance(rate_limits, list):
            self.rate_limits.update(rate_limits)
        req_id = msg["id"]
        fut = self._pending.pop(req_id, None) if isinstance(req_id, int) else None
        if fut is None:
            if msg.get("status") == 401:
                # The session's API key was revoked (web-socket-api.md, "Regarding API key revocation").
                self.logged_on = False
            log.warning("WS API: response to no pending request (id=%r, status=%r)", req_id, msg.get("status"))
            return
        if not fut.done():
            fut.set_result(msg)

    def _deliver_event(self, event: dict[str, Any]) -> None:
        if self.on_event is None:
            self.events.put_nowait(event)
            return
        try:
            self.on_event(event)
        except Exception:
            log.exception("WS API: user data event handler failed on %r", event.get("e"))

    # --- requests ------------------------------------------------------------------------------

    def _signed(self, params: dict[str, Any], *, explicit: bool = False) -> dict[str, Any]:
        if self.signer is None:
            raise ExchangeError(-2015, "This request needs an API key, and none is configured.", 0)
        params["timestamp"] = self.clock.now_ms()
        if self.recv_window:
            params.setdefault("recvWindow", self.recv_window)
        if self.logged_on and not explicit:
            return params  # the logged-on session authorises it; only timestamp is required
        params["apiKey"] = self.signer.api_key
        params["signature"] = self.signer.sign(ws_api_payload(params))
        return params

    async def request(self, method: str, params: dict[str, Any] | None = None, *, signed: bool = False) -> Any:
        """Send one request and return its `result`; errors raise ExchangeError / RateLimited."""
        return await self._request(method, params, signed=signed, explicit=False)

    async def _request(self, method: str, params: dict[str, Any] | None, *, signed: bool, explicit: bool) -> Any:
        ws = self._ws
        check_read_only(self.signer, method)  # a read-only profile never sends a trading request
        if ws is None:
            raise NotConnected(f"Not connected to the exchange; {method} was not sent.")
        self.rate_limits.check(new_order=method in NEW_ORDER_METHODS or method.startswith("orderList.place"))
        sent = {k: v for k, v in (params or {}).items() if v is not None}
        if signed:
            sent = self._signed(sent, explicit=explicit)
        req_id = next(self._ids)
        frame: dict[str, Any] = {"id": req_id, "method": method}
        if sent:
            frame["params"] = sent
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = fut
        try:
            await ws.send(json.dumps(frame, default=_json_default, ensure_ascii=False))
            response = await asyncio.wait_for(fut, self.timeout)
        except TimeoutError:
            raise RequestTimeout(method, self.timeout) from None
        except ConnectionClosed:
            raise NotConnected(
                f"Connection to the exchange closed while sending {method}; execution status unknown.",
                outcome_unknown=True,
            ) from None
        finally:
            self._pending.pop(req_id, None)
        return self._result(response)

    def _result(self, response: dict[str, Any]) -> Any:
        status = response.get("status")
        if status == 200:
            return response.get("result")
        error = response.get("error")
        error = error if isinstance(error, dict) else {}
        try:
            code = int(error.get("code", -1000))
        except (TypeError, ValueError):
            code = -1000
        msg = str(error.get("msg") or f"Request failed with status {status}.")
        status_int = status if isinstance(status, int) else 0
        if status_int in (418, 429):
            retry_after = _retry_after(response, error)
            self.rate_limits.block(retry_after, status_int, orders_only=code == -1015)
            raise RateLimited(code, msg, status_int, retry_after)
        if code == -1021 and self._resync is None:
            # Timestamp outside recvWindow: our clock estimate drifted; re-measure in the background.
            self._resync = asyncio.create_task(self._resync_clock(), name="ws-api-clock-resync")
        # -1007 and 5xx: "execution status unknown" (web-socket-api.md, Status codes).
        data = error.get("data")
        raise ExchangeError(
            code,
            msg,
            status_int,
            outcome_unknown=code == -1007 or status_int >= 500,
            data=data if isinstance(data, dict) else None,
        )

    async def _resync_clock(self) -> None:
        try:
            await self.sync_clock()
        except ExchangeError as exc:
            log.warning("clock resync failed: %s", exc)
        finally:
            self._resync = None

    # --- authentication and user data ----------------------------------------------------------

    async def logon(self) -> dict[str, Any]:
        """session.logon (Ed25519 only): later SIGNED requests need only a timestamp."""
        if self.signer is None or self.signer.key_type != "ED25519":
            raise ValueError("session.logon needs an Ed25519 key; HMAC and RSA requests are signed one by one")
        result = await self._request("session.logon", None, signed=True, explicit=True)
        self.logged_on = True
        return result if isinstance(result, dict) else {}

    async def subscribe_user_data(self) -> int:
        """Start the user data stream on this connection; returns the subscriptionId.

        Logged on (Ed25519): userDataStream.subscribe. Otherwise userDataStream.subscribe.signature
        with apiKey, timestamp and signature.
        """
        if self.logged_on:
            result = await self.request("userDataStream.subscribe")
        else:
            result = await self._request("userDataStream.subscribe.signature", None, signed=True, explicit=True)
        try:
            self.subscription_id = int(result["subscriptionId"])
        except (KeyError, TypeError, ValueError):
            self.subscription_id = None
            log.warning("WS API: user data subscription returned no subscriptionId: %r", result)
            return -1
        return self.subscription_id
