"""Request-weight and order-count limits in interval buckets aligned the way Binance describes.

A `1 MINUTE` bucket starts every minute, `10 SECOND` at :00, :10, :20..., `1 DAY` at 00:00 UTC: a
bucket is `[now - now % window, ... + window)`. REQUEST_WEIGHT and RAW_REQUESTS count per IP,
ORDERS per account. Past a limit the request fails with 429 and `retryAfter` (the bucket's end).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.sim.protocol.errors import ApiError

_INTERVAL_MS = {"SECOND": 1_000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000}
_LETTER = {"SECOND": "S", "MINUTE": "M", "HOUR": "H", "DAY": "D"}


@dataclass(frozen=True)
class Limit:
    """One rate limiter as exchangeInfo lists it."""

    rate_limit_type: str
    interval: str
    interval_num: int
    limit: int

    @property
    def window_ms(self) -> int:
        return _INTERVAL_MS[self.interval] * self.interval_num

    @property
    def header_suffix(self) -> str:
        """`1M`, `10S`, `1D`: the tail of X-MBX-USED-WEIGHT-* / X-MBX-ORDER-COUNT-* headers."""
        return f"{self.interval_num}{_LETTER[self.interval]}"

    def describe(self) -> dict[str, object]:
        return {
            "rateLimitType": self.rate_limit_type,
            "interval": self.interval,
            "intervalNum": self.interval_num,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class RateLimitConfig:
    """The limits the simulator enforces (Binance's production values by default)."""

    request_weight: tuple[Limit, ...] = (Limit("REQUEST_WEIGHT", "MINUTE", 1, 6000),)
    orders: tuple[Limit, ...] = (Limit("ORDERS", "SECOND", 10, 50), Limit("ORDERS", "DAY", 1, 160000))
    raw_requests: tuple[Limit, ...] = (Limit("RAW_REQUESTS", "MINUTE", 5, 61000),)
    connections: tuple[Limit, ...] = (Limit("CONNECTIONS", "MINUTE", 5, 300),)

    @classmethod
    def tiny(cls, weight: int = 10, orders: int = 3) -> RateLimitConfig:
        """Small limits for tests that need a 429 quickly."""
        return cls(
            request_weight=(Limit("REQUEST_WEIGHT", "MINUTE", 1, weight),),
            orders=(Limit("ORDERS", "SECOND", 10, orders), Limit("ORDERS", "DAY", 1, 160000)),
        )


# How many unfilled orders a first fill as maker takes off the count. Binance only says "more than
# one" (its example: five); the simulator uses a fixed number so tests can rely on it.
MAKER_FILL_CREDIT = 5


class RateLimiter:
    """Counts usage per (limit, key) in the current bucket and refuses requests past a limit."""

    def __init__(self, config: RateLimitConfig, clock_ms: Callable[[], int]) -> None:
        self.config = config
        self._clock_ms = clock_ms
        self._buckets: dict[tuple[Limit, str], tuple[int, int]] = {}

    def _count(self, limit: Limit, key: str, now: int) -> int:
        start, count = self._buckets.get((limit, key), (0, 0))
        return count if start == now - now % limit.window_ms else 0

    def _add(self, limits: tuple[Limit, ...], key: str, amount: int) -> Limit | None:
        """Add `amount` to every limit; return the first limit now exceeded (if any)."""
        now = self._clock_ms()
        exceeded = None
        for limit in limits:
            start = now - now % limit.window_ms
            count = self._count(limit, key, now) + amount
            self._buckets[(limit, key)] = (start, count)
            if count > limit.limit and exceeded is None:
                exceeded = limit
        return exceeded

    def _refuse(self, limit: Limit, code: int, msg: str) -> ApiError:
        now = self._clock_ms()
        retry_after = now - now % limit.window_ms + limit.window_ms
        return ApiError(code, msg, 429, {"serverTime": now, "retryAfter": retry_after})

    def charge_weight(self, ip: str, weight: int) -> None:
        """Add request weight for `ip`; raise 429/-1003 if a REQUEST_WEIGHT limit is exceeded."""
        limit = self._add(self.config.request_weight, ip, weight)
        if limit is not None:
            raise self._refuse(
                limit,
                -1003,
                f"Too much request weight used; current limit is {limit.limit} request weight per "
                f"{limit.interval_num} {limit.interval}. Please use WebSocket Streams for live updates "
                "to avoid polling the API.",
            )

    def charge_raw(self, ip: str) -> None:
        limit = self._add(self.config.raw_requests, ip, 1)
        if limit is not None:
            raise self._refuse(
                limit,
                -1003,
                f"Too many requests; current limit is {limit.limit} requests per {limit.interval_num} {limit.interval}.",
            )

    def check_orders(self, account: str) -> None:
        """Before placing: raise 429/-1015 if the account's ORDERS count is already at a limit."""
        now = self._clock_ms()
        for limit in self.config.orders:
            if self._count(limit, account, now) >= limit.limit:
                raise self._refuse(
                    limit,
                    -1015,
                    f"Too many new orders; current limit is {limit.limit} orders per {limit.interval_num} {limit.interval}.",
                )

    def count_order(self, account: str) -> None:
        """After a successful placement: one more unfilled order for the account."""
        self._add(self.config.orders, account, 1)

    def credit_first_fill(self, account: str, *, maker: bool) -> None:
        """An order's first fill takes it out of the unfilled count (order_count_decrement.md): by one
        for a taker, by MAKER_FILL_CREDIT for a first fill in the maker phase; never below zero."""
        now = self._clock_ms()
        amount = MAKER_FILL_CREDIT if maker else 1
        for limit in self.config.orders:
            count = self._count(limit, account, now)
            if count:
                self._buckets[(limit, account)] = (now - now % limit.window_ms, max(0, count - amount))

    def usage(self, ip: str, account: str | None = None) -> list[dict[str, object]]:
        """The `rateLimits` array of a WS API response: ORDERS (if an account is involved), then weight."""
        now = self._clock_ms()
        rows: list[dict[str, object]] = []
        if account is not None:
            rows += [{**lim.describe(), "count": self._count(lim, account, now)} for lim in self.config.orders]
        rows += [{**lim.describe(), "count": self._count(lim, ip, now)} for lim in self.config.request_weight]
        return rows

    def weight_headers(self, ip: str) -> dict[str, str]:
        now = self._clock_ms()
        return {
            f"X-MBX-USED-WEIGHT-{lim.header_suffix}": str(self._count(lim, ip, now))
            for lim in self.config.request_weight
        }

    def exchange_info_limits(self, *, rest: bool) -> list[dict[str, object]]:
        """The rateLimits block of exchangeInfo (REST lists RAW_REQUESTS, the WS API CONNECTIONS)."""
        extra = self.config.raw_requests if rest else self.config.connections
        return [lim.describe() for lim in (*self.config.request_weight, *self.config.orders, *extra)]


# Documented request weights of the WS API methods served (web-socket-api.md).
def depth_weight(limit: int) -> int:
    if limit <= 100:
        return 5
    if limit <= 500:
        return 25
    if limit <= 1000:
        return 50
    return 250


def ticker_24h_weight(n_symbols: int | None) -> int:
    """None means all symbols."""
    if n_symbols is None or n_symbols > 100:
        return 80
    return 2 if n_symbols <= 20 else 40
