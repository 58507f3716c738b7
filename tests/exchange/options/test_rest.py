"""OptionsRestClient against the simulator: every seed 002 endpoint, typed with Decimal, errors with
the venue's code and msg, and transport failures as the shared error types."""

from __future__ import annotations

import socket
from dataclasses import FrozenInstanceError, fields
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tui.domain.options.contracts import OptionSide
from tui.domain.options.market import MarkPrice
from tui.domain.options.orders import OptionOrderRequest
from tui.exchange.errors import ExchangeError, NotConnected, RateLimited, RequestTimeout
from tui.exchange.options.rest import OptionsRestClient
from tui.exchange.signing import HmacSigner, Signer


def _decimal_fields(obj: Any) -> list[str]:
    return [f.name for f in fields(obj) if isinstance(getattr(obj, f.name), Decimal)]


def _no_floats(obj: Any) -> None:
    for f in fields(obj):
        assert not isinstance(getattr(obj, f.name), float), f.name


async def _buy(rest: OptionsRestClient, symbol: str, qty: str = "0.1", **kw: Any) -> Any:
    ask = (await rest.depth(symbol, 5)).asks[0][0]
    return await rest.new_order(OptionOrderRequest(symbol, "BUY", "LIMIT", Decimal(qty), ask, **kw))


async def _rest_bid(rest: OptionsRestClient, symbol: str, **kw: Any) -> Any:
    """A resting buy far under the book (but inside the price band)."""
    mark = await rest.mark(symbol)
    price = mark.low_price_limit.quantize(Decimal(1)) + 5
    return await rest.new_order(OptionOrderRequest(symbol, "BUY", "LIMIT", Decimal("0.05"), price, **kw))


# -- market data ---------------------------------------------------------------------------------


async def test_ping_and_time(rest: OptionsRestClient, sim_clock: Any) -> None:
    await rest.ping()
    assert abs(await rest.server_time() - sim_clock()) < 5_000


async def test_option_info_and_exchange_info(rest: OptionsRestClient) -> None:
    info = await rest.option_info()
    assert info and {s.underlying for s in info} == {"BTCUSDT", "ETHUSDT"}
    s = info[0]
    assert s.contract.symbol == s.symbol and s.contract.strike == s.strike and s.contract.side is s.side
    assert s.side in (OptionSide.CALL, OptionSide.PUT) and s.contract.expiry_ms == s.expiry_ms
    assert isinstance(s.min_qty, Decimal) and s.min_qty > 0 and s.unit == 1
    with pytest.raises(FrozenInstanceError):
        s.strike = Decimal(1)  # type: ignore[misc]
    ex = await rest.exchange_info()
    assert ex.timezone == "UTC" and ex.assets == ("USDT",)
    assert {c.underlying for c in ex.contracts} == {"BTCUSDT", "ETHUSDT"}
    assert [x.symbol for x in ex.symbols] == [x.symbol for x in info]


async def test_index_ticker_mark(rest: OptionsRestClient, series: str) -> None:
    index = await rest.index_price("BTCUSDT")
    assert isinstance(index, Decimal) and index > 0
    tickers = await rest.tickers()
    assert len(tickers) == len(await rest.option_info())
    t = await rest.ticker(series)
    assert t.symbol == series and isinstance(t.strike_price, Decimal)
    _no_floats(t)
    marks = await rest.marks()
    assert len(marks) == len(tickers)
    m = await rest.mark(series)
    assert isinstance(m, MarkPrice)
    assert {"mark_price", "bid_iv", "ask_iv", "delta", "theta", "gamma", "vega"} <= set(_decimal_fields(m))
    assert m.low_price_limit < m.mark_price < m.high_price_limit
    assert 0 < m.delta < 1 and m.gamma > 0 and m.vega > 0 and m.theta < 0  # a long call
    assert 0 < m.bid_iv <= m.mid_iv <= m.ask_iv


async def test_depth_klines_trades(rest: OptionsRestClient, series: str) -> None:
    depth = await rest.depth(series, 10)
    assert depth.bids and depth.asks and depth.bids[0][0] < depth.asks[0][0]
    assert all(isinstance(p, Decimal) and isinstance(q, Decimal) for p, q in depth.bids + depth.asks)
    assert await rest.trades(series) == ()
    await _buy(rest, series)
    trades = await rest.trades(series, limit=10)
    assert len(trades) == 1 and trades[0].is_buy and trades[0].qty == Decimal("0.1")
    assert trades[0].quote_qty == trades[0].price * trades[0].qty
    hist = await rest.historical_trades(series, limit=5)
    assert hist == trades
    bars = await rest.klines(series, "1m", limit=5)
    assert len(bars) == 1 and bars[0].volume == Decimal("0.1") and bars[0].interval == "1m"
    assert bars[0].open == bars[0].close == trades[0].price


# -- account and trading -------------------------------------------------------------------------


async def test_account_transfer_bills(rest: OptionsRestClient) -> None:
    (before,) = await rest.account()
    assert before.asset == "USDT" and before.balance == before.equity == Decimal(10000)
    record = await rest.transfer("USDT", "IN", Decimal("250.5"))
    assert isinstance(record, int)
    (after,) = await rest.account()
    assert after.balance == before.balance + Decimal("250.5")
    bills = await rest.bills("USDT")
    assert bills[-1].type == "TRANSFER" and bills[-1].amount == Decimal("250.5")
    assert await rest.bills("USDT", record_id=bills[-1].id, limit=1) == (bills[-1],)
    with pytest.raises(ValueError):
        await rest.transfer("USDT", "SIDEWAYS", Decimal(1))


async def test_order_lifecycle(rest: OptionsRestClient, series: str) -> None:
    filled = await _buy(rest, series, client_order_id="fill-1")
    assert filled.status == "FILLED" and filled.executed_qty == Decimal("0.1") and filled.fee > 0
    assert filled.client_order_id == "fill-1" and not filled.is_open
    (pos,) = await rest.positions()
    assert pos.symbol == series and pos.side == "LONG" and pos.quantity == Decimal("0.1")
    assert pos.entry_price == filled.avg_price and pos.reducible_qty == Decimal("0.1")
    assert await rest.positions(series) == (pos,)
    _no_floats(pos)

    resting = await _rest_bid(rest, series, client_order_id="rest-1")
    assert resting.status == "ACCEPTED" and resting.is_open
    assert await rest.open_orders(series) == (resting,)
    assert await rest.query_order(series, order_id=resting.order_id) == resting
    assert await rest.query_order(series, client_order_id="rest-1") == resting
    cancelled = await rest.cancel_order(series, client_order_id="rest-1")
    assert cancelled.status == "CANCELLED" and cancelled.order_id == resting.order_id
    assert await rest.open_orders(series) == ()

    a = await _rest_bid(rest, series)
    b = await _rest_bid(rest, series)
    assert {o.order_id for o in await rest.open_orders(series)} == {a.order_id, b.order_id}
    await rest.cancel_all_orders(series)
    assert await rest.open_orders(series) == ()
    history = await rest.history_orders(series)
    assert {o.order_id for o in history} >= {filled.order_id, resting.order_id, a.order_id, b.order_id}
    (acct,) = await rest.account()
    assert acct.position_margin >= 0 and acct.order_margin == 0


async def test_market_order_and_reduce_only(rest: OptionsRestClient, series: str) -> None:
    await _buy(rest, series, qty="0.2")
    (pos,) = await rest.positions(series)
    await rest.cancel_all_orders(series)  # whatever did not fill at the best ask
    sold = await rest.new_order(OptionOrderRequest(series, "SELL", "MARKET", pos.quantity, reduce_only=True))
    assert sold.type == "MARKET" and sold.reduce_only and sold.executed_qty == pos.quantity
    assert await rest.positions(series) == ()


# -- errors --------------------------------------------------------------------------------------


async def test_error_envelopes_keep_code_and_msg(rest: OptionsRestClient, series: str) -> None:
    with pytest.raises(ExchangeError) as unknown:
        await rest.mark("BTCUSDT-000101-1-C")
    assert unknown.value.code < 0 and unknown.value.msg and unknown.value.status == 400
    with pytest.raises(ExchangeError) as bad_limit:
        await rest.depth(series, 7)
    assert bad_limit.value.code == -1130
    with pytest.raises(ExchangeError) as bad_interval:
        await rest.klines(series, "7m")
    assert bad_interval.value.code == -1120
    with pytest.raises(ExchangeError) as bad_underlying:
        await rest.index_price("DOGEUSDT")
    assert bad_underlying.value.code == -1121
    with pytest.raises(ExchangeError) as missing:
        await rest.query_order(series, order_id=12345)
    assert missing.value.code == -2013 and missing.value.msg == "Order does not exist."
    with pytest.raises(ExchangeError) as too_high:
        mark = await rest.mark(series)
        await rest.new_order(
            OptionOrderRequest(series, "BUY", "LIMIT", Decimal("0.1"), mark.high_price_limit.quantize(Decimal(1)) + 100)
        )
    assert too_high.value.code == -4016 and not too_high.value.outcome_unknown
    with pytest.raises(ExchangeError) as dup:
        await _rest_bid(rest, series, client_order_id="dup")
        await _rest_bid(rest, series, client_order_id="dup")
    assert dup.value.code == -4116
    with pytest.raises(ExchangeError) as key:
        await rest.keepalive_listen_key("no-such-key")
    assert key.value.code == -1125


async def test_bad_signature_is_1022(sim: Any, signer: Signer, sim_clock: Any) -> None:
    wrong = HmacSigner(signer.api_key, "not-the-secret")
    async with OptionsRestClient(sim.options_rest_url, wrong, clock=sim_clock) as client:
        await client.ping()  # public endpoints need no signature
        with pytest.raises(ExchangeError) as exc:
            await client.account()
        assert exc.value.code == -1022 and exc.value.status == 400
        assert "not-the-secret" not in repr(exc.value) and "not-the-secret" not in repr(client)


async def test_unknown_key_and_stale_timestamp(sim: Any, signer: Signer, sim_clock: Any) -> None:
    async with OptionsRestClient(sim.options_rest_url, HmacSigner("nobody-knows-me", "x"), clock=sim_clock) as c:
        with pytest.raises(ExchangeError) as exc:
            await c.positions()
        assert exc.value.code in (-2014, -2015) and exc.value.status == 401

    class Behind:
        def now_ms(self) -> int:
            return sim_clock() - 60_000

    async with OptionsRestClient(sim.options_rest_url, signer, clock=Behind()) as c:
        with pytest.raises(ExchangeError) as exc:
            await c.account()
        assert exc.value.code == -1021


async def test_historical_trades_needs_the_key(sim: Any, sim_clock: Any, series: str) -> None:
    async with OptionsRestClient(sim.options_rest_url, HmacSigner("nobody-knows-me", "x"), clock=sim_clock) as c:
        assert await c.trades(series) == ()
        with pytest.raises(ExchangeError) as exc:
            await c.historical_trades(series)
        assert exc.value.status == 401


# -- transport failures (no venue involved) ------------------------------------------------------


def _client(handler: Any) -> OptionsRestClient:
    return OptionsRestClient(
        "http://127.0.0.1:1", HmacSigner("k" * 12, "s"), transport=httpx.MockTransport(handler), timeout=1
    )


async def test_refused_connection_is_not_connected() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with OptionsRestClient(f"http://127.0.0.1:{port}", HmacSigner("k" * 12, "s"), timeout=1) as c:
        with pytest.raises(NotConnected) as exc:
            await c.ping()
    assert exc.value.code == -1001 and not exc.value.outcome_unknown


async def test_timeout_and_dropped_send_have_unknown_outcome(series: str) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def dropped(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed", request=request)

    order = OptionOrderRequest(series, "BUY", "MARKET", Decimal(1))
    async with _client(timeout) as c:
        with pytest.raises(RequestTimeout) as t:
            await c.new_order(order)
    assert t.value.outcome_unknown and t.value.code == -1007
    async with _client(dropped) as c:
        with pytest.raises(NotConnected) as d:
            await c.new_order(order)
    assert d.value.outcome_unknown


async def test_http_statuses_and_malformed_bodies() -> None:
    answers = iter(
        [
            httpx.Response(503, json={"code": -1001, "msg": "Internal error"}),
            httpx.Response(429, json={"code": -1003, "msg": "Too many requests."}, headers={"Retry-After": "2"}),
            httpx.Response(200, json={"code": -4003, "msg": "Quantity too small."}),
            httpx.Response(502, text="<html>bad gateway</html>"),
            httpx.Response(200, json={"listenKey": "flat"}),
            httpx.Response(200, json={"code": 0, "msg": "success", "data": [{"symbol": "X"}]}),
            httpx.Response(200, json={"code": 0, "msg": "success", "data": {"markPrice": "1"}}),
        ]
    )
    async with _client(lambda request: next(answers)) as c:
        with pytest.raises(ExchangeError) as e503:
            await c.account()
        assert e503.value.code == -1001 and e503.value.status == 503 and e503.value.outcome_unknown
        with pytest.raises(RateLimited) as e429:
            await c.account()
        assert e429.value.code == -1003 and e429.value.retry_after_ms is not None
        with pytest.raises(ExchangeError) as e200:
            await c.account()
        assert e200.value.code == -4003 and e200.value.status == 200 and not e200.value.outcome_unknown
        with pytest.raises(ExchangeError) as e502:
            await c.ping()
        assert e502.value.code == -1000 and e502.value.outcome_unknown
        with pytest.raises(ExchangeError) as flat:
            await c.new_listen_key()
        assert flat.value.code == -1006
        with pytest.raises(ExchangeError) as partial:
            await c.tickers()
        assert partial.value.code == -1006 and "priceChange" in partial.value.msg
        with pytest.raises(ExchangeError) as not_list:
            await c.marks()
        assert not_list.value.code == -1006


async def test_signed_requests_send_decimals_as_plain_strings() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        data = {
            "id": "1", "symbol": "BTCUSDT-240628-60000-C", "price": 1E+3, "quantity": 10, "executedQty": 0,
            "fee": 0, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "createDate": 1, "status": "ACCEPTED",
            "avgPrice": 0, "source": "API", "reduceOnly": False, "clientOrderId": "",
        }  # fmt: skip
        return httpx.Response(200, json={"code": 0, "msg": "success", "data": data})

    async with _client(handler) as c:
        order = await c.new_order(
            OptionOrderRequest("BTCUSDT-240628-60000-C", "BUY", "LIMIT", Decimal("1E+1"), Decimal("1000.00"))
        )
    (req,) = seen
    assert req.method == "POST" and req.headers["X-MBX-APIKEY"] == "k" * 12
    query = req.url.query.decode()
    assert "quantity=10&" in query and "price=1000&" in query and "timeInForce=GTC" in query
    assert "recvWindow=5000&timestamp=" in query and query.rsplit("&", 1)[1].startswith("signature=")
    assert order.price == Decimal(1000) and isinstance(order.price, Decimal)
