"""Rate-limit usage as the exchange reports it, and the local block after a 429/418.

Every WS API response carries a `rateLimits` array (REQUEST_WEIGHT, ORDERS ...) with the current
count per interval; the tracker keeps the latest of each so the UI can show how close we are. After a
429 or 418 the exchange says until when to stop (`retryAfter`); until then requests are refused here,
without touching the network, because repeating them is what turns a 429 into an IP ban.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from tui.exchange.errors import RateLimited

# The interval letter of X-MBX-USED-WEIGHT-* headers and the name `rateLimits` arrays use for it.
_INTERVAL_NAMES = {"S": "SECOND", "M": "MINUTE", "H": "HOUR", "D": "DAY"}


@dataclass(frozen=True)
class RateLimitUsage:
    """One active limit: `count` of `limit` used in the current `interval_num` x `interval`."""

    type: str
    interval: str
    interval_num: int
    limit: int
    count: int

    @property
    def fraction(self) -> float:
        """Share of the limit used (0..1+); for display only."""
        return self.count / self.limit if self.limit else 0.0

    @property
    def label(self) -> str:
        return f"{self.type} {self.interval_num}{self.interval[:1]}"


def usage_from_wire(item: Any) -> RateLimitUsage:
    if not isinstance(item, dict):
        raise ValueError(f"rate limit entry is not an object: {item!r}")
    try:
        return RateLimitUsage(
            type=str(item["rateLimitType"]),
            interval=str(item["interval"]),
            interval_num=int(item["intervalNum"]),
            limit=int(item["limit"]),
            count=int(item.get("count", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed rate limit entry {item!r}: {exc}") from None


class RateLimitTracker:
    """Latest usage per (type, interval, intervalNum), plus a local block after 429/418."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self.now_ms = now_ms
        self._usage: dict[tuple[str, str, int], RateLimitUsage] = {}
        self.blocked_until_ms: int | None = None
        self.block_status = 0
        # The unfilled-order-count limit (-1015) is per account and limits NEW orders only: while
        # it holds, cancels and queries must still go out, or a trader could not get flat.
        self.orders_blocked_until_ms: int | None = None

    def update(self, rate_limits: Iterable[Any] | None) -> None:
        """Record a `rateLimits` array; malformed entries are skipped."""
        if not rate_limits:
            return
        for item in rate_limits:
            try:
                usage = usage_from_wire(item)
            except ValueError:
                continue
            self._usage[(usage.type, usage.interval, usage.interval_num)] = usage

    def record_used_weight(self, interval: str, count: int) -> None:
        """Record an `X-MBX-USED-WEIGHT-<interval>` header ("1M": count 1 MINUTE of REQUEST_WEIGHT).

        The header carries no limit, so it only updates a REQUEST_WEIGHT entry a `rateLimits` array
        already described; an unknown one is left out rather than shown against a made-up limit.
        """
        num, unit = interval[:-1], interval[-1:].upper()
        name = _INTERVAL_NAMES.get(unit)
        if name is None or not num.isdigit():
            return
        key = ("REQUEST_WEIGHT", name, int(num))
        known = self._usage.get(key)
        if known is not None:
            self._usage[key] = replace(known, count=count)

    @property
    def usage(self) -> tuple[RateLimitUsage, ...]:
        """A snapshot of the latest known usage, most used first."""
        return tuple(sorted(self._usage.values(), key=lambda u: u.fraction, reverse=True))

    def block(
        self, until_ms: int | None, status: int = 429, *, orders_only: bool = False, default_ms: int = 1000
    ) -> None:
        """Refuse requests until `until_ms` (server epoch ms); without it, for `default_ms`.

        `orders_only` (after -1015, the order-count limit) refuses only requests that place orders.
        """
        until = until_ms if until_ms is not None else self.now_ms() + default_ms
        if orders_only:
            if self.orders_blocked_until_ms is None or until > self.orders_blocked_until_ms:
                self.orders_blocked_until_ms = until
            return
        if self.blocked_until_ms is None or until > self.blocked_until_ms:
            self.blocked_until_ms = until
        self.block_status = max(self.block_status, status)

    @property
    def blocked(self) -> bool:
        return self.blocked_until_ms is not None and self.now_ms() < self.blocked_until_ms

    def check(self, *, new_order: bool = False) -> None:
        """Raise RateLimited if we are inside a block the exchange asked for.

        `new_order` requests are also held back by an order-count block; everything else is not.
        """
        now = self.now_ms()
        if new_order and self.orders_blocked_until_ms is not None:
            if now < self.orders_blocked_until_ms:
                wait_s = (self.orders_blocked_until_ms - now) / 1000
                raise RateLimited(
                    -1015,
                    f"Too many new orders; the exchange allows more in {wait_s:.1f} s. Cancels still work.",
                    429,
                    self.orders_blocked_until_ms,
                )
            self.orders_blocked_until_ms = None
        if self.blocked_until_ms is None:
            return
        if now >= self.blocked_until_ms:
            self.blocked_until_ms = None
            self.block_status = 0
            return
        wait_s = (self.blocked_until_ms - now) / 1000
        status = self.block_status or 429
        raise RateLimited(
            -1003,
            f"Rate limited by the exchange; not sending requests for another {wait_s:.1f} s.",
            status,
            self.blocked_until_ms,
        )
