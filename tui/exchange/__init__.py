"""All network I/O: signing, clock offset, rate limits, WS API client, stream client, REST, Session.

Never imports textual, the widgets, the screens or the simulator.
"""

from .clock import ServerClock
from .errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from .events import AccountSnapshot, BalanceDelta, BalancesUpdate, OrderUpdate, SessionReconnected, UserEvent
from .local_book import LocalOrderBook
from .rate_limits import RateLimitTracker, RateLimitUsage
from .rest import RestClient
from .session import Session
from .signing import Ed25519Signer, HmacSigner, InsecureKeyFile, RsaSigner, Signer, load_demo_signer, ws_api_payload
from .streams import RECONNECTED, StreamClient
from .ws_api import WsApiClient

__all__ = [
    "RECONNECTED",
    "AccountSnapshot",
    "BalanceDelta",
    "BalancesUpdate",
    "Ed25519Signer",
    "ExchangeError",
    "HmacSigner",
    "InsecureKeyFile",
    "LocalOrderBook",
    "NotConnected",
    "OrderUpdate",
    "RateLimitTracker",
    "RateLimitUsage",
    "RateLimited",
    "RequestTimeout",
    "RestClient",
    "RsaSigner",
    "ServerClock",
    "Session",
    "SessionReconnected",
    "Signer",
    "StreamClient",
    "UserEvent",
    "WsApiClient",
    "load_demo_signer",
    "ws_api_payload",
]
