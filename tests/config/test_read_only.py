"""The read-only guard in the exchange layer: what counts as trading, and refusing it on the wire."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from tests.config.conftest import endpoints_of
from tui.exchange.clock import ServerClock
from tui.exchange.errors import ExchangeError
from tui.exchange.signing import (
    HmacSigner,
    ReadOnlyRefused,
    ReadOnlySigner,
    check_read_only,
    is_read_only,
    is_trading_request,
)
from tui.exchange.spot.ws_api import WsApiClient

TRADING = [
    "order.place",
    "order.test",
    "order.cancel",
    "order.cancelReplace",
    "order.amend.keepPriority",
    "orderList.place.oco",
    "orderList.place.oto",
    "orderList.cancel",
    "openOrders.cancelAll",
    "sor.order.place",
    "POST /api/v1/order",
    "DELETE /api/v1/order",
    "DELETE /api/v1/allOpenOrders",
    "POST /api/v1/batchOrders",
    "POST /api/v1/transfer",
    "POST /api/v3/order",
    "DELETE /api/v3/openOrders",
    "POST /sapi/v1/asset/transfer",
]
READS = [
    "account.status",
    "order.status",
    "openOrders.status",
    "orderList.status",
    "allOrders",
    "myTrades",
    "session.logon",
    "userDataStream.subscribe",
    "exchangeInfo",
    "GET /api/v1/order",
    "GET /api/v1/openOrders",
    "POST /api/v1/bill",
    "POST /api/v1/listenKey",
    "GET /fapi/v1/order/asyn",
]


@pytest.mark.parametrize("method", TRADING)
def test_trading_requests(method: str) -> None:
    assert is_trading_request(method)


@pytest.mark.parametrize("method", READS)
def test_reads(method: str) -> None:
    assert not is_trading_request(method)


def test_check_read_only_refuses_only_trading_on_read_only_signers() -> None:
    plain = HmacSigner("a" * 64, "s" * 64)
    guarded = ReadOnlySigner(plain, profile="watch")
    assert is_read_only(guarded) and not is_read_only(plain) and not is_read_only(None)
    check_read_only(plain, "order.place")
    check_read_only(None, "order.place")
    check_read_only(guarded, "account.status")
    with pytest.raises(ReadOnlyRefused) as info:
        check_read_only(guarded, "order.place")
    error = info.value
    assert isinstance(error, ExchangeError) and not error.outcome_unknown
    assert "profile 'watch' is read-only" in str(error) and "order.place was not sent" in str(error)
    with pytest.raises(ReadOnlyRefused):
        guarded.check("DELETE /api/v1/order")


def test_read_only_signer_signs_reads_and_refuses_orders() -> None:
    plain = HmacSigner("a" * 64, "s" * 64)
    guarded = ReadOnlySigner(plain, profile="watch")
    assert guarded.api_key == plain.api_key and guarded.key_type == "HMAC"
    assert guarded.sign("apiKey=a&timestamp=1") == plain.sign("apiKey=a&timestamp=1")
    with pytest.raises(ReadOnlyRefused):
        guarded.sign("price=1&quantity=1&side=BUY&symbol=BTCUSDT&timestamp=1&type=LIMIT")
    assert "redacted" in repr(guarded) and "watch" in repr(guarded)
    with pytest.raises(TypeError):
        pickle.dumps(guarded)


async def test_read_only_key_reads_the_account_and_never_sends_an_order(sim: Any) -> None:
    keys = sim.keys
    guarded = ReadOnlySigner(HmacSigner(keys.hmac_api_key, keys.hmac_secret), profile="watch")
    client = WsApiClient(endpoints_of(sim).ws_api, signer=guarded, clock=ServerClock())
    await client.connect()
    try:
        account = await client.request("account.status", {"omitZeroBalances": True}, signed=True)
        assert account["balances"]
        params = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
        with pytest.raises(ReadOnlyRefused):
            await client.request("order.place", params, signed=True)
        orders = await client.request("allOrders", {"symbol": "BTCUSDT"}, signed=True)
        assert orders == []
    finally:
        await client.close()
