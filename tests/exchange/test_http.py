"""BinanceHttp against a MockTransport: the signed query is byte-identical to `signed_query`, errors map."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tui.exchange.errors import ExchangeError, RateLimited
from tui.exchange.http import BinanceHttp, Security
from tui.exchange.rate_limits import RateLimitTracker
from tui.exchange.signing import HmacSigner, signed_query


class FixedClock:
    def now_ms(self) -> int:
        return 1_499_827_319_559


async def test_signed_request_sends_exactly_signed_query() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    signer = HmacSigner("api-key-123456", "secret")
    params = {"symbol": "BTC-250627-100000-C", "price": Decimal("1E+1"), "note": "a b+c/é", "reduceOnly": True}
    async with BinanceHttp(
        "http://venue", signer=signer, clock=FixedClock(), transport=httpx.MockTransport(handler)
    ) as http:
        assert await http.request("POST", "/api/v1/order", params, security=Security.SIGNED) == {"ok": True}
    expected = signed_query(
        {"symbol": "BTC-250627-100000-C", "price": "10", "note": "a b+c/é", "reduceOnly": "true"},
        signer,
        1_499_827_319_559,
        5000,
    )
    assert seen[0].url.query == expected.encode("ascii")
    assert seen[0].headers["X-MBX-APIKEY"] == "api-key-123456"


async def test_errors_and_weight_headers() -> None:
    answers = iter(
        [
            httpx.Response(200, json={"code": -4003, "msg": "bad"}),
            httpx.Response(429, json={"code": -1003, "msg": "slow"}, headers={"Retry-After": "2"}),
            httpx.Response(200, json=[], headers={"X-MBX-USED-WEIGHT-1M": "42"}),
        ]
    )
    tracker = RateLimitTracker(FixedClock().now_ms)
    tracker.update([{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000}])
    async with BinanceHttp(
        "http://venue", rate_limits=tracker, transport=httpx.MockTransport(lambda r: next(answers))
    ) as http:
        with pytest.raises(ExchangeError) as bare:
            await http.request("GET", "/x")
        assert bare.value.code == -4003 and bare.value.status == 200
        with pytest.raises(RateLimited) as limited:
            await http.request("GET", "/x")
        assert limited.value.retry_after_ms == FixedClock().now_ms() + 2000
        tracker.blocked_until_ms = None  # the test clock does not move
        assert await http.request("GET", "/x") == []
        assert http.used_weight_1m == 42
        assert tracker.usage[0].count == 42
