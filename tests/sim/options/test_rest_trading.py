"""Signed REST endpoints of the options venue: auth errors, account, transfer, bills, orders,
positions, margins and settlement."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.sim.options.conftest import API_KEY, Rest, Venue, error, ok
from tests.sim.options.test_rest_market import _symbol
from tui.domain.options.contracts import parse_option_symbol

D = Decimal


async def test_auth_errors(rest: Rest, venue: Venue) -> None:
    error(await rest.signed("GET", "/api/v1/account", secret="wrong"), -1022)
    error(await rest.signed("GET", "/api/v1/account", sign=False), -1102)
    error(await rest.signed("GET", "/api/v1/account", api_key=None), -2014, 401)
    error(await rest.signed("GET", "/api/v1/account", api_key="unknownKey123"), -2015, 401)
    error(await rest.signed("GET", "/api/v1/account", timestamp=venue.clock() - 6000), -1021)
    error(await rest.signed("GET", "/api/v1/account", timestamp=venue.clock() + 2000), -1021)
    ok(await rest.signed("GET", "/api/v1/account", {"recvWindow": 10000}, timestamp=venue.clock() - 6000))
    # Tampering with the body after signing breaks the signature.
    r = await rest.http.post(
        "/api/v1/transfer",
        content=f"currency=USDT&type=IN&amount=5&timestamp={venue.clock()}&signature={'0' * 64}".encode(),
        headers={"X-MBX-APIKEY": API_KEY, "Content-Type": "application/x-www-form-urlencoded"},
    )
    error(r, -1022)


async def test_mixed_query_and_body_signature(rest: Rest, venue: Venue) -> None:
    # Params may be split between query string and body; the signature covers query then body.
    import hashlib
    import hmac

    from tests.sim.options.conftest import SECRET

    query, body = "currency=USDT&type=IN", f"amount=7&timestamp={venue.clock()}"
    sig = hmac.new(SECRET.encode(), (query + body).encode(), hashlib.sha256).hexdigest()
    r = await rest.http.post(
        f"/api/v1/transfer?{query}",
        content=f"{body}&signature={sig}".encode(),
        headers={"X-MBX-APIKEY": API_KEY, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert isinstance(ok(r), int)


async def test_account_transfer_and_bills(rest: Rest) -> None:
    (acct,) = await rest.data("GET", "/api/v1/account")
    assert acct == {"currency": "USDT", "equity": 10000, "available": 10000, "orderMargin": 0,
                    "positionMargin": 0, "unrealizedPNL": 0, "maintMargin": 0, "balance": 10000}  # fmt: skip
    first = await rest.data("POST", "/api/v1/transfer", {"currency": "USDT", "type": "IN", "amount": "500"})
    second = await rest.data("POST", "/api/v1/transfer", {"currency": "USDT", "type": "OUT", "amount": "200.5"})
    assert second == first + 1
    (acct,) = await rest.data("GET", "/api/v1/account")
    assert acct["balance"] == acct["available"] == 10299.5
    error(await rest.signed("POST", "/api/v1/transfer", {"currency": "USDT", "type": "OUT", "amount": "99999"}), -2018)
    error(await rest.signed("POST", "/api/v1/transfer", {"currency": "BTC", "type": "IN", "amount": "1"}), -1130)
    error(await rest.signed("POST", "/api/v1/transfer", {"currency": "USDT", "type": "SIDEWAYS", "amount": "1"}), -1130)
    error(await rest.signed("POST", "/api/v1/transfer", {"currency": "USDT", "type": "IN"}), -1102)
    bills = await rest.data("POST", "/api/v1/bill", {"currency": "USDT"})
    assert [(b["type"], b["amount"]) for b in bills] == [("TRANSFER", 500), ("TRANSFER", -200.5)]
    assert set(bills[0]) == {"id", "currency", "amount", "type", "createDate"}
    later = await rest.data("POST", "/api/v1/bill", {"currency": "USDT", "recordId": bills[1]["id"]})
    assert later == bills[1:]
    assert await rest.data("POST", "/api/v1/bill", {"currency": "USDT", "limit": 1}) == bills[1:]


async def _order(rest: Rest, **params: Any) -> dict[str, Any]:
    return await rest.data("POST", "/api/v1/order", {k: str(v) for k, v in params.items()})  # type: ignore[no-any-return]


async def test_limit_order_lifecycle(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue)
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    low = int(m["lowPriceLimit"])
    o = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity="0.1", price=low, clientOrderId="abc")
    assert set(o) == {"id", "symbol", "price", "quantity", "executedQty", "fee", "side", "type", "timeInForce",
                      "createDate", "status", "avgPrice", "source", "reduceOnly", "clientOrderId"}  # fmt: skip
    assert o["status"] == "ACCEPTED" and o["timeInForce"] == "GTC" and o["price"] == low and isinstance(o["id"], str)
    assert o["quantity"] == 0.1 and o["clientOrderId"] == "abc" and o["reduceOnly"] is False
    (acct,) = await rest.data("GET", "/api/v1/account")
    assert acct["orderMargin"] > low * 0.1 and acct["available"] == pytest.approx(10000 - acct["orderMargin"])
    params = {"symbol": symbol, "side": "BUY", "type": "LIMIT", "quantity": "0.1", "price": str(low)}
    error(await rest.signed("POST", "/api/v1/order", {**params, "clientOrderId": "abc"}), -4116)
    by_id = await rest.data("GET", "/api/v1/order", {"symbol": symbol, "orderId": o["id"]})
    by_cid = await rest.data("GET", "/api/v1/order", {"symbol": symbol, "clientOrderId": "abc"})
    assert by_id == by_cid == o
    assert await rest.data("GET", "/api/v1/openOrders", {"symbol": symbol}) == [o]
    error(await rest.signed("GET", "/api/v1/order", {"symbol": symbol}), -1102)
    error(await rest.signed("GET", "/api/v1/order", {"symbol": symbol, "orderId": 1}), -2013)
    cancelled = await rest.data("DELETE", "/api/v1/order", {"symbol": symbol, "clientOrderId": "abc"})
    assert cancelled["status"] == "CANCELLED" and cancelled["id"] == o["id"]
    error(await rest.signed("DELETE", "/api/v1/order", {"symbol": symbol, "orderId": o["id"]}), -2013)
    assert await rest.data("GET", "/api/v1/openOrders", {"symbol": symbol}) == []
    assert [h["id"] for h in await rest.data("GET", "/api/v1/historyOrders", {"symbol": symbol})] == [o["id"]]
    # clientOrderId is unique among open orders only: reusable once cancelled.
    again = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity="0.1", price=low, clientOrderId="abc")
    r = await rest.signed("DELETE", "/api/v1/allOpenOrders", {"symbol": symbol})
    assert r.json() == {"code": 0, "msg": "success"}
    assert (await rest.data("GET", "/api/v1/order", {"symbol": symbol, "orderId": again["id"]}))[
        "status"
    ] == "CANCELLED"


async def test_order_validation(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue)
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    base = {"symbol": symbol, "side": "BUY", "type": "LIMIT", "quantity": "0.1", "price": str(int(m["markPrice"]))}
    cases = [
        ({"symbol": "BTCUSDT-200730-9000-C"}, -1121),
        ({"side": "UP"}, -1117),
        ({"type": "STOP"}, -1116),
        ({"timeInForce": "GTD"}, -1115),
        ({"quantity": "0.001"}, -1111),
        ({"quantity": "0"}, -4003),
        ({"price": str(int(m["markPrice"]) + 1)}, -1111),
        ({"price": str(int(m["highPriceLimit"]) + 5)}, -4016),
        ({"price": str(max(int(m["lowPriceLimit"]) - 5, 5))}, -4024),
        ({"quantity": "100"}, -2018),
        ({"reduceOnly": "true"}, -2022),
        ({"newOrderRespType": "FULL"}, -1130),
    ]
    for change, code in cases:
        if code == -4024 and int(m["lowPriceLimit"]) <= 5:
            continue
        error(await rest.signed("POST", "/api/v1/order", {**base, **change}), code)
    params = dict(base)
    del params["price"]
    error(await rest.signed("POST", "/api/v1/order", params), -1102)
    assert await rest.data("GET", "/api/v1/openOrders", {"symbol": symbol}) == []


async def test_market_trades_positions_and_margins(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue)
    depth = ok(await rest.public("/api/v1/depth", symbol=symbol, limit=5))
    best_ask = D(depth["asks"][0][0])
    o = await _order(rest, symbol=symbol, side="BUY", type="MARKET", quantity="0.1", newOrderRespType="RESULT")
    assert o["status"] == "FILLED" and o["executedQty"] == 0.1 and D(str(o["avgPrice"])) == best_ask
    assert o["fee"] > 0
    (pos,) = await rest.data("GET", "/api/v1/position", {"symbol": symbol})
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    mark = D(str(m["markPrice"]))
    assert pos["side"] == "LONG" and pos["quantity"] == 0.1 and D(str(pos["entryPrice"])) == best_ask
    assert pos["reducibleQty"] == 0.1 and D(str(pos["markValue"])) == mark * D("0.1")
    assert D(str(pos["unrealizedPNL"])) == (mark - best_ask) * D("0.1")
    assert pos["ror"] == pytest.approx(float((mark - best_ask) / best_ask), abs=1e-4)
    bills = await rest.data("POST", "/api/v1/bill", {"currency": "USDT"})
    assert [b["type"] for b in bills] == ["CONTRACT", "FEE"]
    assert D(str(bills[0]["amount"])) == -best_ask * D("0.1") and -bills[1]["amount"] == o["fee"]
    (acct,) = await rest.data("GET", "/api/v1/account")
    balance = D(10000) - best_ask * D("0.1") - D(str(o["fee"]))
    assert D(str(acct["balance"])) == balance
    assert D(str(acct["equity"])) == balance + mark * D("0.1")
    assert acct["positionMargin"] == 0 and acct["maintMargin"] == 0
    # A reduce-only close that rests locks the position: nothing more is reducible.
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    high = str(int(m["highPriceLimit"]))
    await _order(rest, symbol=symbol, side="SELL", type="LIMIT", quantity="0.1", price=high, reduceOnly="true")
    (pos,) = await rest.data("GET", "/api/v1/position", {"symbol": symbol})
    assert pos["reducibleQty"] == 0
    params = {"symbol": symbol, "side": "SELL", "type": "MARKET", "quantity": "0.1", "reduceOnly": "true"}
    error(await rest.signed("POST", "/api/v1/order", params), -2022)
    await rest.signed("DELETE", "/api/v1/allOpenOrders", {"symbol": symbol})
    closed = await _order(rest, **params, newOrderRespType="RESULT")
    assert closed["status"] == "FILLED"
    assert await rest.data("GET", "/api/v1/position") == []


async def test_short_position_margins(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue, "ETHUSDT", "P")
    await _order(rest, symbol=symbol, side="SELL", type="MARKET", quantity="1")
    (pos,) = await rest.data("GET", "/api/v1/position", {"symbol": symbol})
    assert pos["side"] == "SHORT" and pos["quantity"] == -1 and pos["markValue"] < 0
    (acct,) = await rest.data("GET", "/api/v1/account")
    strike, index, mark = D(symbol.split("-")[2]), D("3010.5"), D(str(pos["markPrice"]))
    buffer = max(D("0.15") * index - max(index - strike, D(0)), D("0.10") * index)
    assert D(str(acct["positionMargin"])) == mark + buffer
    assert D(str(acct["maintMargin"])) == mark + buffer / 2
    assert D(str(acct["available"])) == D(str(acct["balance"])) - D(str(acct["positionMargin"]))


async def test_ioc_and_fok(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue)
    depth = ok(await rest.public("/api/v1/depth", symbol=symbol, limit=5))
    best_bid, best_ask = D(depth["bids"][0][0]), D(depth["asks"][0][0])
    ask_qty = D(depth["asks"][0][1])
    ioc = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity="0.1", price=best_bid,
                       timeInForce="IOC", newOrderRespType="RESULT")  # fmt: skip
    assert ioc["status"] == "CANCELLED" and ioc["executedQty"] == 0
    fok = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity=ask_qty + D("0.01"), price=best_ask,
                       timeInForce="FOK", newOrderRespType="RESULT")  # fmt: skip
    assert fok["status"] == "CANCELLED" and fok["executedQty"] == 0
    part = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity=ask_qty + D("0.01"), price=best_ask,
                        timeInForce="IOC", newOrderRespType="RESULT")  # fmt: skip
    assert part["status"] == "CANCELLED" and D(str(part["executedQty"])) == ask_qty
    assert await rest.data("GET", "/api/v1/openOrders", {"symbol": symbol}) == []
    assert len(await rest.data("GET", "/api/v1/historyOrders", {"symbol": symbol})) == 3


async def test_price_time_priority(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue, "ETHUSDT", "C")
    depth = ok(await rest.public("/api/v1/depth", symbol=symbol, limit=5))
    bid, ask = D(depth["bids"][0][0]), D(depth["asks"][0][0])
    assert ask - bid > D("0.2")
    price = bid + D("0.1")
    first = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity="0.5", price=price)
    second = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity="0.5", price=price)
    # The market maker's taker is another account: sell into our bids through the engine.
    venue.venue.engine.place("options-taker", symbol, "SELL", "MARKET", D("0.7"))
    a = await rest.data("GET", "/api/v1/order", {"symbol": symbol, "orderId": first["id"]})
    b = await rest.data("GET", "/api/v1/order", {"symbol": symbol, "orderId": second["id"]})
    assert (a["status"], a["executedQty"]) == ("FILLED", 0.5)
    assert (b["status"], b["executedQty"]) == ("PARTIALLY_FILLED", 0.2)


async def test_expiry_settles_at_intrinsic(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue, "BTCUSDT", "C")
    contract = parse_option_symbol(symbol)
    await _order(rest, symbol=symbol, side="BUY", type="MARKET", quantity="0.2")
    resting = await _order(rest, symbol=symbol, side="BUY", type="LIMIT", quantity="0.01",
                           price=int(ok(await rest.public("/api/v1/mark", symbol=symbol))[0]["lowPriceLimit"]))  # fmt: skip
    (before,) = await rest.data("GET", "/api/v1/account")
    venue.index.prices["BTCUSDT"] = contract.strike + 1500
    venue.clock.now = contract.expiry_ms
    venue.venue.step(trade=False)
    assert symbol not in {r["symbol"] for r in ok(await rest.public("/api/v1/optionInfo"))}
    error(await rest.public("/api/v1/mark", symbol=symbol), -1121)
    assert await rest.data("GET", "/api/v1/position") == []
    bills = await rest.data("POST", "/api/v1/bill", {"currency": "USDT"})
    assert bills[-1]["type"] == "CONTRACT" and D(str(bills[-1]["amount"])) == 1500 * D("0.2")
    (after,) = await rest.data("GET", "/api/v1/account")
    assert D(str(after["balance"])) == D(str(before["balance"])) + 300
    assert after["orderMargin"] == 0
    # The settled series' orders are still queryable, cancelled.
    got = await rest.data("GET", "/api/v1/order", {"symbol": symbol, "orderId": resting["id"]})
    assert got["status"] == "CANCELLED"
    # New series were listed for the next expiries.
    assert all(r["expiryDate"] > venue.clock() for r in ok(await rest.public("/api/v1/optionInfo")))
