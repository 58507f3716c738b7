"""Pegged orders over a real socket (faqs/pegged_orders.md; web-socket-api.md "Pegged Orders"; the gP,
gOT, gOV, gp fields of user-data-stream.md): where they take their price, what they refuse, and the
fields every reply and executionReport carries."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest

from tests.sim.conftest import ApiClient
from tui.sim.server import SimServer
from tui.sim.spot.matching.engine import SimError

pytestmark = pytest.mark.timeout(30)

BIG = {"USDT": Decimal("10000000"), "BTC": Decimal("100")}
BIDS = ("59990", "59980", "59970")  # best first
ASKS = ("60010", "60020", "60030")


def _clear(sim: SimServer) -> None:
    for mm in ("mm-1", "mm-2"):
        with contextlib.suppress(SimError):
            sim.engine.cancel_all(mm, "BTCUSDT")
    for acct in ("mover", "hitter"):
        sim.engine.open_account(acct, BIG)


def rest(sim: SimServer, side: str, price: str, qty: str = "0.002") -> int:
    """A GTC limit order of the `mover` account; its order id."""
    res = sim.engine.place_order(
        "mover", "BTCUSDT", side, "LIMIT", price=Decimal(price), quantity=Decimal(qty), time_in_force="GTC"
    )
    return res.order.order_id


@pytest.fixture
async def empty(sim: SimServer) -> SimServer:
    """BTCUSDT with nothing on the book."""
    _clear(sim)
    return sim


@pytest.fixture
async def book(empty: SimServer) -> SimServer:
    """BTCUSDT with three bid and three ask levels of `mover`, 0.002 each."""
    for price in BIDS:
        rest(empty, "BUY", price)
    for price in ASKS:
        rest(empty, "SELL", price)
    return empty


def order(**kw: Any) -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "quantity": "0.001", "newOrderRespType": "RESULT", **kw}


async def place(api: ApiClient, **kw: Any) -> dict[str, Any]:
    r = await api.signed("order.place", order(**kw))
    assert r["status"] == 200, r
    result: dict[str, Any] = r["result"]
    return result


async def rejected(api: ApiClient, **kw: Any) -> tuple[int, str]:
    r = await api.signed("order.place", order(**kw))
    assert r["status"] == 400, r
    return r["error"]["code"], r["error"]["msg"]


async def status(api: ApiClient, order_id: int) -> dict[str, Any]:
    r = await api.signed("order.status", {"symbol": "BTCUSDT", "orderId": order_id})
    result: dict[str, Any] = r["result"]
    return result


async def test_exchange_info_allows_pegs(api: ApiClient) -> None:
    info = (await api.call("exchangeInfo", {"symbol": "BTCUSDT"}))["result"]
    assert info["symbols"][0]["pegInstructionsAllowed"] is True


async def test_primary_peg_buy_joins_the_best_bid_behind_the_orders_there(api: ApiClient, book: SimServer) -> None:
    res = await place(api, side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG")
    # pegged_orders.md's sample: price as sent (0 when not set), the peg right after it
    assert list(res)[5:8] == ["price", "pegPriceType", "peggedPrice"]
    assert res["price"] == "0.00000000" and res["pegPriceType"] == "PRIMARY_PEG"
    assert res["peggedPrice"] == "59990.00000000" and res["status"] == "NEW"
    assert "pegOffsetType" not in res and "pegOffsetValue" not in res
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["bids"][0] == ["59990.00000000", "0.00300000"]

    # a seller at 59990 meets mover's earlier order first (price-time priority), then ours
    book.engine.place_order(
        "hitter", "BTCUSDT", "SELL", "LIMIT", price=Decimal("59990"), quantity=Decimal("0.002"), time_in_force="IOC"
    )
    assert (await status(api, res["orderId"]))["executedQty"] == "0.00000000"
    book.engine.place_order(
        "hitter", "BTCUSDT", "SELL", "LIMIT", price=Decimal("59990"), quantity=Decimal("0.001"), time_in_force="IOC"
    )
    done = await status(api, res["orderId"])
    assert done["status"] == "FILLED" and done["cummulativeQuoteQty"] == "59.99000000"
    assert done["price"] == "0.00000000" and done["peggedPrice"] == "59990.00000000"


async def test_market_peg_ioc_buy_takes_the_best_ask_only(api: ApiClient, book: SimServer) -> None:
    res = await place(
        api, side="BUY", type="LIMIT", timeInForce="IOC", quantity="0.005", pegPriceType="MARKET_PEG",
        newOrderRespType="FULL",
    )  # fmt: skip
    assert res["peggedPrice"] == "60010.00000000" and res["price"] == "0.00000000"
    assert [(f["price"], f["qty"]) for f in res["fills"]] == [("60010.00000000", "0.00200000")]
    assert res["status"] == "EXPIRED" and res["executedQty"] == "0.00200000"
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert [level[0] for level in depth["asks"]] == ["60020.00000000", "60030.00000000"]


async def test_market_peg_gtc_rests_what_is_left_at_the_pegged_price(api: ApiClient, book: SimServer) -> None:
    res = await place(api, side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.003", pegPriceType="MARKET_PEG")
    assert res["peggedPrice"] == "59990.00000000" and res["status"] == "PARTIALLY_FILLED"
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"][0] == ["59990.00000000", "0.00100000"]  # not re-pegged to the new best bid
    assert depth["bids"][0][0] == "59980.00000000"


@pytest.mark.parametrize(
    ("side", "peg", "offset", "expected"),
    [
        ("BUY", "PRIMARY_PEG", 0, "59990"),  # offset 0: the best level itself
        ("BUY", "PRIMARY_PEG", 1, "59980"),  # one existing level deeper
        ("BUY", "PRIMARY_PEG", 2, "59970"),
        ("SELL", "PRIMARY_PEG", 2, "60030"),
        ("SELL", "MARKET_PEG", 1, "59980"),
    ],
)
async def test_offset_counts_existing_levels_deeper_into_the_book(
    api: ApiClient, book: SimServer, side: str, peg: str, offset: int, expected: str
) -> None:
    res = await place(
        api, side=side, type="LIMIT", timeInForce="GTC" if peg == "PRIMARY_PEG" else "IOC", pegPriceType=peg,
        pegOffsetType="PRICE_LEVEL", pegOffsetValue=offset,
    )  # fmt: skip
    assert res["peggedPrice"] == f"{expected}.00000000"
    assert (res["pegOffsetType"], res["pegOffsetValue"]) == ("PRICE_LEVEL", offset)
    assert list(res)[5:10] == ["price", "pegPriceType", "pegOffsetType", "pegOffsetValue", "peggedPrice"]


async def test_limit_maker_primary_peg_rests_and_sent_price_is_reported(api: ApiClient, book: SimServer) -> None:
    res = await place(api, side="SELL", type="LIMIT_MAKER", price="60500", pegPriceType="PRIMARY_PEG")
    assert res["price"] == "60500.00000000" and res["peggedPrice"] == "60010.00000000"
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"][0] == ["60010.00000000", "0.00300000"]  # at the pegged price, not at `price`


REFUSED = [
    (dict(side="BUY", type="LIMIT_MAKER", pegPriceType="MARKET_PEG"),
     (-2010, "This price peg cannot be used with this order type.")),
    (dict(side="BUY", type="MARKET", pegPriceType="MARKET_PEG"), (-2010, "This order type may not use pegged price.")),
    (dict(side="SELL", type="STOP_LOSS", stopPrice="59000", pegPriceType="PRIMARY_PEG"),
     (-2010, "This order type may not use pegged price.")),
    (dict(side="BUY", type="TAKE_PROFIT", stopPrice="59000", pegPriceType="MARKET_PEG"),
     (-2010, "This order type may not use pegged price.")),
    (dict(side="BUY", type="LIMIT", timeInForce="IOC", pegPriceType="PRIMARY_PEG"),
     (-2010, "Unsupported order combination")),
    (dict(side="BUY", type="LIMIT", timeInForce="FOK", pegPriceType="PRIMARY_PEG"),
     (-2010, "Unsupported order combination")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="BEST_PEG"), (-1210, "Invalid pegPriceType.")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG", pegOffsetType="TICKS",
          pegOffsetValue=1), (-1211, "Invalid pegOffsetType.")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG", pegOffsetValue=1),
     (-1102, "Mandatory parameter 'pegOffsetType' was not sent, was empty/null, or malformed.")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG", pegOffsetType="PRICE_LEVEL"),
     (-1102, "Mandatory parameter 'pegOffsetValue' was not sent, was empty/null, or malformed.")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG", pegOffsetType="PRICE_LEVEL",
          pegOffsetValue=101), (-1130, "Data sent for parameter 'pegOffsetValue' is not valid.")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", price="59990", pegOffsetType="PRICE_LEVEL", pegOffsetValue=1),
     (-1106, "Parameter 'pegOffsetType' sent when not required.")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC"),
     (-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.")),
    # filters at the sent price, then at the pegged price (5 USDT minimum notional: 0.00005 * 59990 < 5)
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", price="59990.001", pegPriceType="PRIMARY_PEG"),
     (-1013, "Filter failure: PRICE_FILTER")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.00005", pegPriceType="PRIMARY_PEG"),
     (-1013, "Filter failure: NOTIONAL")),
    (dict(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG", pegOffsetType="PRICE_LEVEL",
          pegOffsetValue=3), (-2010, "Order book liquidity is too low for this pegged order.")),
]  # fmt: skip


@pytest.mark.parametrize(("params", "error"), REFUSED)
async def test_refused(api: ApiClient, book: SimServer, params: dict[str, Any], error: tuple[int, str]) -> None:
    assert await rejected(api, **params) == error
    assert (await api.signed("openOrders.status", {"symbol": "BTCUSDT"}))["result"] == []


@pytest.mark.parametrize("method", ["order.place", "order.test"])
async def test_empty_side_is_too_thin(api: ApiClient, empty: SimServer, method: str) -> None:
    rest(empty, "BUY", "59990")
    ok = await api.signed(method, order(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG"))
    assert ok["status"] == 200
    r = await api.signed(method, order(side="BUY", type="LIMIT", timeInForce="GTC", pegPriceType="MARKET_PEG"))
    assert r["error"] == {"code": -2010, "msg": "Order book liquidity is too low for this pegged order."}


async def test_status_open_orders_all_orders_and_cancel_carry_the_peg(api: ApiClient, book: SimServer) -> None:
    res = await place(
        api, side="BUY", type="LIMIT", timeInForce="GTC", price="59000", pegPriceType="PRIMARY_PEG",
        pegOffsetType="PRICE_LEVEL", pegOffsetValue=1,
    )  # fmt: skip
    want = {
        "price": "59000.00000000", "pegPriceType": "PRIMARY_PEG", "pegOffsetType": "PRICE_LEVEL",
        "pegOffsetValue": 1, "peggedPrice": "59980.00000000",
    }  # fmt: skip
    st = await status(api, res["orderId"])
    opened = (await api.signed("openOrders.status", {"symbol": "BTCUSDT"}))["result"]
    every = (await api.signed("allOrders", {"symbol": "BTCUSDT"}))["result"]
    canceled = (await api.signed("order.cancel", {"symbol": "BTCUSDT", "orderId": res["orderId"]}))["result"]
    for reply in (st, opened[0], every[-1], canceled):
        assert {k: reply.get(k) for k in want} == want
    assert canceled["status"] == "CANCELED"
    # an ordinary order carries none of it
    plain = await place(api, side="BUY", type="LIMIT", timeInForce="GTC", price="59000")
    assert not {"pegPriceType", "peggedPrice"} & set(await status(api, plain["orderId"]))


async def test_execution_reports_carry_peg_fields(api: ApiClient, book: SimServer) -> None:
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200
    res = await place(
        api, side="SELL", type="LIMIT", timeInForce="GTC", pegPriceType="PRIMARY_PEG", pegOffsetType="PRICE_LEVEL",
        pegOffsetValue=1,
    )  # fmt: skip
    new = (await api.event("executionReport", i=res["orderId"], x="NEW"))["event"]
    assert new["p"] == "0.00000000" and new["gP"] == "PRIMARY_PEG"
    assert (new["gOT"], new["gOV"], new["gp"]) == ("PRICE_LEVEL", 1, "60020.00000000")
    plain = await place(api, side="SELL", type="LIMIT", timeInForce="GTC", price="61000")
    report = (await api.event("executionReport", i=plain["orderId"], x="NEW"))["event"]
    assert not {"gP", "gOT", "gOV", "gp"} & set(report)


def trade_at(sim: SimServer, price: str) -> None:
    """One print at `price` between mover and hitter (the book must have no bid at or above it)."""
    rest(sim, "SELL", price, "0.001")
    sim.engine.place_order(
        "hitter", "BTCUSDT", "BUY", "LIMIT", price=Decimal(price), quantity=Decimal("0.001"), time_in_force="IOC"
    )


async def test_pegged_stop_loss_limit_takes_its_price_at_the_trigger(api: ApiClient, empty: SimServer) -> None:
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200
    trade_at(empty, "60000")
    rest(empty, "SELL", "60100")
    res = await place(
        api, side="SELL", type="STOP_LOSS_LIMIT", timeInForce="GTC", stopPrice="59000", pegPriceType="PRIMARY_PEG"
    )
    assert res["price"] == "0.00000000" and res["pegPriceType"] == "PRIMARY_PEG" and "peggedPrice" not in res
    placed = (await api.event("executionReport", i=res["orderId"], x="NEW"))["event"]
    assert placed["gP"] == "PRIMARY_PEG" and "gp" not in placed
    assert "peggedPrice" not in await status(api, res["orderId"])

    rest(empty, "SELL", "59800")  # the best ask when the stop fires (the placement-time best was 60100)
    trade_at(empty, "59000")
    fired = (await api.event("executionReport", i=res["orderId"], x="NEW", w=True))["event"]
    assert fired["gp"] == "59800.00000000" and fired["p"] == "0.00000000"
    st = await status(api, res["orderId"])
    assert st["peggedPrice"] == "59800.00000000" and st["isWorking"] is True
    depth = (await api.call("depth", {"symbol": "BTCUSDT"}))["result"]
    assert depth["asks"][0] == ["59800.00000000", "0.00300000"]


async def test_pegged_stop_limit_expires_at_the_trigger_without_a_level(api: ApiClient, empty: SimServer) -> None:
    """No level to peg to when it fires: the order cannot enter the book, so it expires with the
    INSUFFICIENT_LIQUIDITY reason (the order was accepted long before, so there is no request to reject)."""
    await api.logon()
    assert (await api.call("userDataStream.subscribe"))["status"] == 200
    trade_at(empty, "60000")
    rest(empty, "BUY", "58000")
    res = await place(
        api, side="SELL", type="STOP_LOSS_LIMIT", timeInForce="GTC", stopPrice="59000", pegPriceType="PRIMARY_PEG"
    )
    trade_at(empty, "59000")  # leaves no ask behind
    expired = (await api.event("executionReport", i=res["orderId"], x="EXPIRED"))["event"]
    assert expired["eR"] == "INSUFFICIENT_LIQUIDITY" and "gp" not in expired
    st = await status(api, res["orderId"])
    assert st["status"] == "EXPIRED" and st["expiryReason"] == "INSUFFICIENT_LIQUIDITY"


async def test_sor_refuses_peg_params(api: ApiClient, book: SimServer) -> None:
    r = await api.signed(
        "sor.order.place",
        {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001",
         "price": "60000", "pegPriceType": "PRIMARY_PEG"},
    )  # fmt: skip
    assert r["status"] == 400 and r["error"]["code"] == -1104


async def test_cancel_replace_places_a_pegged_order(api: ApiClient, book: SimServer) -> None:
    first = await place(api, side="BUY", type="LIMIT", timeInForce="GTC", price="59000")
    r = await api.signed(
        "order.cancelReplace",
        order(side="BUY", type="LIMIT", timeInForce="GTC", cancelReplaceMode="STOP_ON_FAILURE",
              cancelOrderId=first["orderId"], pegPriceType="PRIMARY_PEG"),
    )  # fmt: skip
    assert r["status"] == 200, r
    new = r["result"]["newOrderResponse"]
    assert new["pegPriceType"] == "PRIMARY_PEG" and new["peggedPrice"] == "59990.00000000"


# -- order lists: OCO legs and OTO working legs (pending legs do not take peg instructions yet) ----------


async def test_oco_pegged_limit_maker_now_and_pegged_stop_leg_at_its_trigger(api: ApiClient, empty: SimServer) -> None:
    trade_at(empty, "60000")
    rest(empty, "SELL", "60100")
    r = await api.signed(
        "orderList.place.oco",
        {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.001", "aboveType": "LIMIT_MAKER",
         "abovePegPriceType": "PRIMARY_PEG", "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "59000",
         "belowTimeInForce": "GTC", "belowPegPriceType": "PRIMARY_PEG", "belowPegOffsetType": "PRICE_LEVEL",
         "belowPegOffsetValue": 0, "newOrderRespType": "RESULT"},
    )  # fmt: skip
    assert r["status"] == 200, r
    stop, maker = r["result"]["orderReports"]
    assert maker["type"] == "LIMIT_MAKER" and maker["peggedPrice"] == "60100.00000000"
    assert stop["pegPriceType"] == "PRIMARY_PEG" and stop["pegOffsetValue"] == 0 and "peggedPrice" not in stop

    rest(empty, "SELL", "59500")
    trade_at(empty, "59000")
    fired = await status(api, stop["orderId"])
    assert fired["isWorking"] is True and fired["peggedPrice"] == "59500.00000000"
    assert (await status(api, maker["orderId"]))["expiryReason"] == "OCO_TRIGGER"


async def test_oto_pegged_working_leg(api: ApiClient, book: SimServer) -> None:
    r = await api.signed(
        "orderList.place.oto",
        {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingQuantity": "0.001",
         "workingTimeInForce": "GTC", "workingPegPriceType": "PRIMARY_PEG", "pendingType": "LIMIT_MAKER",
         "pendingSide": "SELL", "pendingQuantity": "0.001", "pendingPrice": "61000", "newOrderRespType": "RESULT"},
    )  # fmt: skip
    assert r["status"] == 200, r
    working, pending = r["result"]["orderReports"]
    assert working["peggedPrice"] == "59990.00000000" and working["price"] == "0.00000000"
    assert "pegPriceType" not in pending


async def test_pending_legs_take_no_peg_instructions_yet(api: ApiClient, book: SimServer) -> None:
    r = await api.signed(
        "orderList.place.oto",
        {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingQuantity": "0.001",
         "workingTimeInForce": "GTC", "workingPrice": "59000", "pendingType": "LIMIT_MAKER", "pendingSide": "SELL",
         "pendingQuantity": "0.001", "pendingPegPriceType": "PRIMARY_PEG"},
    )  # fmt: skip
    assert r["status"] == 400 and r["error"]["code"] == -1104
