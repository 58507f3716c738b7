"""What one WS API method is (`Method`: handler, weight, security, accepted params) and what its handler
gets (`Call`: the request's params, key and connection), shared by the method tables and `WsApi`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from tui.sim.protocol.auth import ApiKey
from tui.sim.protocol.errors import ApiError, rejected_api_key
from tui.sim.protocol.ws_connection import WsConnection

if TYPE_CHECKING:
    from tui.sim.spot.api.ws_api import WsApi
    from tui.sim.spot.matching.engine import Engine

Weight = Callable[[dict[str, Any]], int]


class Security(Enum):
    NONE = "NONE"
    SIGNED = "SIGNED"  # TRADE / USER_DATA: explicit apiKey+signature, or a logged-on session
    SIGNATURE = "SIGNATURE"  # always an explicit signature (session.logon, subscribe.signature)
    SESSION = "SESSION"  # needs a session.logon (userDataStream.subscribe)


@dataclass(frozen=True)
class Method:
    handler: Callable[[Call], Any]
    weight: int | Weight = 1
    security: Security = Security.NONE
    permission: str | None = None
    params: frozenset[str] = frozenset()
    places_order: bool = False


@dataclass(eq=False)
class Connection:
    """Per-connection session state."""

    ws: WsConnection
    ip: str
    connected_since: int
    return_rate_limits: bool = True
    session_key: ApiKey | None = None
    authorized_since: int | None = None
    subscriptions: dict[int, str] = field(default_factory=dict)  # subscriptionId -> account
    logon_subscription: int | None = None
    next_subscription_id: int = 0


@dataclass
class Call:
    """One request being served: what handlers get."""

    api: WsApi
    conn: Connection
    params: dict[str, Any]
    key: ApiKey | None = None

    @property
    def engine(self) -> Engine:
        return self.api.engine

    @property
    def account(self) -> str:
        if self.key is None:  # pragma: no cover - guarded by the method's security
            raise rejected_api_key()
        return self.key.account_id

    def now(self) -> int:
        return self.api.clock_ms()


# name -> (handler, weight, permission, accepted params, counts towards ORDERS): how the signed method
# tables (ws_trading, ws_lists, ws_sor ...) list their methods for WsApi
SignedMethods = dict[str, tuple[Callable[[Call], Any], Any, str, tuple[str, ...], bool]]


def weight_or(default: int, fn: Weight) -> Weight:
    """A weight computed from the params, or `default` when they are too malformed to tell: the request
    is still charged before it is rejected for them."""

    def weight(params: dict[str, Any]) -> int:
        try:
            return fn(params)
        except (ApiError, ValueError, TypeError):
            return default

    return weight
