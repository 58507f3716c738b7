"""Matching engine: Binance spot order semantics, balances, errors and event order."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tui.sim.spot.matching.engine import (
    BalancesChanged,
    BookLevelChanged,
    Engine,
    EngineEvent,
    OrderUpdated,
    SimError,
    TradeExecuted,
)
from tui.sim.spot.symbols import DEMO_ACCOUNT, DEMO_BALANCES, default_specs

BIG = {"USDT": D("1000000"), "BTC": D("100"), "ETH": D("1000"), "BNB": D("10000")}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(clock: Clock) -> Engine:
    eng = Engine(default_specs(), clock)
    for acct in ("a", "b", "c"):
        eng.open_account(acct, BIG)
    eng.open_account(DEMO_ACCOUNT, DEMO_BALANCES)
    return eng


@pytest.fixture
def events(engine: Engine) -> list[EngineEvent]:
    seen: list[EngineEvent] = []
    engine.subscribe(seen.append)
    return seen


def limit(engine: Engine, acct: str, side: str, price: str, qty: str, tif: str = "GTC", **kw):  # type: ignore[no-untyped-def]
    return engine.place_order(acct, "BTCUSDT", side, "LIMIT", price=D(price), quantity=D(qty), time_in_force=tif, **kw)


def free(engine: Engine, acct: str, asset: str) -> D:
    return engine.balances(acct)[asset][0]


def locked(engine: Engine, acct: str, asset: str) -> D:
    return engine.balances(acct)[asset][1]


def test_limit_order_rests_and_locks_quote(engine: Engine) -> None:
    res = limit(engine, "a", "BUY", "60000", "0.5")
    assert res.fills == ()
    assert res.order.status == "NEW" and res.order.is_working
    assert res.order.working_time == res.order.time
    assert engine.depth("BTCUSDT")[1] == [(D("60000"), D("0.5"))]
    assert engine.best_bid_ask("BTCUSDT") == ((D("60000"), D("0.5")), None)
    assert locked(engine, "a", "USDT") == D("30000")
    assert free(engine, "a", "USDT") == D("970000")
    assert [o.order_id for o in engine.open_orders("a", "BTCUSDT")] == [res.order.order_id]


def test_price_time_priority(engine: Engine) -> None:
    first = limit(engine, "a", "SELL", "60000", "0.1").order
    second = limit(engine, "b", "SELL", "60000", "0.1").order
    better = limit(engine, "c", "SELL", "59999", "0.1").order
    res = limit(engine, "demo", "BUY", "60000", "0.15")
    assert [f.price for f in res.fills] == [D("59999"), D("60000")]
    assert [f.qty for f in res.fills] == [D("0.1"), D("0.05")]
    assert engine.get_order("c", "BTCUSDT", order_id=better.order_id).status == "FILLED"
    assert engine.get_order("a", "BTCUSDT", order_id=first.order_id).status == "PARTIALLY_FILLED"
    assert engine.get_order("b", "BTCUSDT", order_id=second.order_id).status == "NEW"
    assert res.order.status == "FILLED" and res.order.executed_qty == D("0.15")
    assert res.order.cum_quote_qty == D("5999.9") + D("3000")
    assert engine.depth("BTCUSDT")[2] == [(D("60000"), D("0.15"))]


def test_partial_fill_rests_remainder(engine: Engine) -> None:
    limit(engine, "a", "SELL", "60000", "0.1")
    res = limit(engine, "b", "BUY", "60001", "0.3")
    assert res.order.status == "PARTIALLY_FILLED"
    assert res.order.executed_qty == D("0.1")
    assert [f.price for f in res.fills] == [D("60000")]  # at the maker's price
    _, bids, asks = engine.depth("BTCUSDT")
    assert bids == [(D("60001"), D("0.2"))] and asks == []
    # the buyer's lock is price*remaining; the price improvement went back to free
    assert locked(engine, "b", "USDT") == D("60001") * D("0.2")
    assert free(engine, "b", "USDT") == BIG["USDT"] - D("60001") * D("0.2") - D("6000")
    assert free(engine, "b", "BTC") == BIG["BTC"] + D("0.1") - D("0.0001")


def test_market_walks_levels_and_expires_remainder(engine: Engine, events: list[EngineEvent]) -> None:
    limit(engine, "a", "SELL", "60000", "0.1")
    limit(engine, "a", "SELL", "60010", "0.1")
    limit(engine, "a", "SELL", "60020", "0.1")
    events.clear()
    res = engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quantity=D("0.5"))
    assert [f.price for f in res.fills] == [D("60000"), D("60010"), D("60020")]
    assert res.order.status == "EXPIRED" and res.order.executed_qty == D("0.3")
    assert res.order.time_in_force == "GTC" and res.order.price == 0
    assert res.order.working_time == -1 and not res.order.is_working
    assert engine.depth("BTCUSDT")[2] == []
    last = [e for e in events if isinstance(e, OrderUpdated)][-1]
    assert last.execution_type == "EXPIRED" and last.order.status == "EXPIRED"
    assert engine.last_price("BTCUSDT") == D("60020")


def test_market_sell_by_quantity(engine: Engine) -> None:
    limit(engine, "a", "BUY", "60000", "0.1")
    res = engine.place_order("b", "BTCUSDT", "SELL", "MARKET", quantity=D("0.05"))
    assert res.order.status == "FILLED"
    assert res.fills[0].commission == D("3.00000000")
    assert res.fills[0].commission_asset == "USDT"
    assert free(engine, "b", "USDT") == BIG["USDT"] + D("3000") - D("3")


def test_market_by_quote_order_qty(engine: Engine) -> None:
    limit(engine, "a", "SELL", "60000", "0.01")
    limit(engine, "a", "SELL", "60100", "1")
    res = engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quote_order_qty=D("1000"))
    # 600 at the first level, the remaining 400 buys floor(400/60100, 0.00001) = 0.00665
    assert [f.qty for f in res.fills] == [D("0.01"), D("0.00665")]
    assert res.order.status == "FILLED"
    assert res.order.orig_quote_order_qty == D("1000")
    assert res.order.orig_qty == res.order.executed_qty == D("0.01665")
    assert res.order.cum_quote_qty == D("600") + D("0.00665") * D("60100")
    assert res.order.cum_quote_qty <= D("1000")


def test_quote_order_qty_book_runs_out(engine: Engine) -> None:
    limit(engine, "a", "SELL", "60000", "0.001")
    res = engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quote_order_qty=D("1000"))
    assert res.order.status == "EXPIRED" and res.order.executed_qty == D("0.001")


def test_ioc_expires_remainder(engine: Engine) -> None:
    limit(engine, "a", "SELL", "60000", "0.1")
    res = limit(engine, "b", "BUY", "60000", "0.3", tif="IOC")
    assert res.order.status == "EXPIRED" and res.order.executed_qty == D("0.1")
    assert engine.depth("BTCUSDT")[1] == []
    assert locked(engine, "b", "USDT") == 0
    nothing = limit(engine, "b", "BUY", "50000", "0.3", tif="IOC")
    assert nothing.order.status == "EXPIRED" and nothing.order.executed_qty == 0


def test_fok_all_or_nothing(engine: Engine, events: list[EngineEvent]) -> None:
    limit(engine, "a", "SELL", "60000", "0.1")
    limit(engine, "a", "SELL", "60001", "0.1")
    events.clear()
    res = limit(engine, "b", "BUY", "60001", "0.3", tif="FOK")
    assert res.order.status == "EXPIRED" and res.order.executed_qty == 0 and res.fills == ()
    assert [e.execution_type for e in events if isinstance(e, OrderUpdated)] == ["NEW", "EXPIRED"]
    assert len(engine.depth("BTCUSDT")[2]) == 2
    assert locked(engine, "b", "USDT") == 0 and free(engine, "b", "USDT") == BIG["USDT"]
    res = limit(engine, "b", "BUY", "60001", "0.2", tif="FOK")
    assert res.order.status == "FILLED" and len(res.fills) == 2


def test_limit_maker(engine: Engine) -> None:
    limit(engine, "a", "SELL", "60000", "0.1")
    with pytest.raises(SimError) as err:
        engine.place_order("b", "BTCUSDT", "BUY", "LIMIT_MAKER", price=D("60000"), quantity=D("0.1"))
    assert (err.value.code, err.value.msg) == (-2010, "Order would immediately match and take.")
    ok = engine.place_order("b", "BTCUSDT", "BUY", "LIMIT_MAKER", price=D("59999.99"), quantity=D("0.1"))
    assert ok.order.status == "NEW" and ok.order.time_in_force == "GTC"


def test_commission_maker_and_taker_rates(engine: Engine) -> None:
    engine.open_account("m", {"BTC": D("1")}, maker_rate=D("0.0005"), taker_rate=D("0.002"))
    engine.open_account("t", {"USDT": D("100000")}, maker_rate=D("0.0005"), taker_rate=D("0.002"))
    assert engine.commission_rates("m") == (D("0.0005"), D("0.002"))
    limit(engine, "m", "SELL", "50000", "1")
    res = limit(engine, "t", "BUY", "50000", "1")
    assert res.fills[0].commission == D("0.002") and res.fills[0].commission_asset == "BTC"
    assert not res.fills[0].is_maker
    assert engine.balances("t")["BTC"] == (D("0.998"), D("0"))
    assert engine.balances("m")["USDT"] == (D("50000") - D("25"), D("0"))
    assert engine.balances("m")["BTC"] == (D("0"), D("0"))
    trades = engine.my_trades("m", "BTCUSDT")
    assert len(trades) == 1 and trades[0].is_maker and not trades[0].is_buyer
    assert trades[0].commission == D("25") and trades[0].commission_asset == "USDT"
    assert engine.commissions == {"BTC": D("0.002"), "USDT": D("25")}


def test_cancel_releases_lock(engine: Engine, events: list[EngineEvent]) -> None:
    order = limit(engine, "demo", "SELL", "70000", "0.2", new_client_order_id="mine").order
    assert engine.balances("demo")["BTC"] == (D("0.3"), D("0.2"))
    events.clear()
    snap = engine.cancel_order("demo", "BTCUSDT", orig_client_order_id="mine", new_client_order_id="cxl")
    assert snap.status == "CANCELED" and snap.order_id == order.order_id
    assert snap.client_order_id == "cxl" and snap.orig_client_order_id == "mine"
    assert engine.balances("demo")["BTC"] == (D("0.5"), D("0"))
    assert engine.get_order("demo", "BTCUSDT", order_id=order.order_id).client_order_id == "mine"
    assert [type(e) for e in events] == [BookLevelChanged, OrderUpdated, BalancesChanged]
    assert events[0].qty == 0  # type: ignore[union-attr]
    with pytest.raises(SimError) as err:
        engine.cancel_order("demo", "BTCUSDT", order_id=order.order_id)
    assert (err.value.code, err.value.msg) == (-2011, "Unknown order sent.")


def test_cancel_all(engine: Engine) -> None:
    limit(engine, "demo", "BUY", "50000", "0.01")
    limit(engine, "demo", "BUY", "50001", "0.01")
    engine.place_order("demo", "ETHUSDT", "BUY", "LIMIT", price=D("2000"), quantity=D("1"), time_in_force="GTC")
    snaps = engine.cancel_all("demo", "BTCUSDT")
    assert [s.status for s in snaps] == ["CANCELED", "CANCELED"]
    assert len(engine.open_orders("demo")) == 1
    assert engine.balances("demo")["USDT"] == (D("8000"), D("2000"))
    with pytest.raises(SimError) as err:
        engine.cancel_all("demo", "BTCUSDT")
    assert err.value.code == -2011


def test_balance_checks(engine: Engine) -> None:
    with pytest.raises(SimError) as err:
        limit(engine, "demo", "BUY", "60000", "0.2")  # 12000 > 10000 USDT
    assert (err.value.code, err.value.msg) == (-2010, "Account has insufficient balance for requested action.")
    with pytest.raises(SimError):
        limit(engine, "demo", "SELL", "60000", "0.6")
    limit(engine, "a", "SELL", "60000", "1")
    with pytest.raises(SimError) as err:  # estimated from the book: 0.2 * 60000 = 12000
        engine.place_order("demo", "BTCUSDT", "BUY", "MARKET", quantity=D("0.2"))
    assert err.value.code == -2010
    with pytest.raises(SimError):
        engine.place_order("demo", "BTCUSDT", "BUY", "MARKET", quote_order_qty=D("10000.01"))
    res = engine.place_order("demo", "BTCUSDT", "BUY", "MARKET", quantity=D("0.16"))
    assert res.order.status == "FILLED"
    assert all(f >= 0 and lk >= 0 for f, lk in engine.balances("demo").values())


@pytest.mark.parametrize(
    ("kwargs", "code", "msg"),
    [
        (dict(symbol="XXXUSDT", type="LIMIT"), -1121, "Invalid symbol."),
        (dict(side="HOLD"), -1117, "Invalid side."),
        (dict(type="STOP"), -1116, "Invalid orderType."),
        (
            dict(time_in_force=None),
            -1102,
            "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
        ),
        (dict(time_in_force="GTX"), -1115, "Invalid timeInForce."),
        (dict(quantity=None), -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
        (dict(price=None), -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."),
        (dict(price=D("60000.001")), -1013, "Filter failure: PRICE_FILTER"),
        (dict(quantity=D("0.000001")), -1013, "Filter failure: LOT_SIZE"),
        (dict(quantity=D("0.00001")), -1013, "Filter failure: NOTIONAL"),
        (dict(quote_order_qty=D("5")), -1106, "Parameter 'quoteOrderQty' sent when not required."),
        (
            dict(type="LIMIT_MAKER"),
            -1106,
            "Parameter 'timeInForce' sent when not required.",
        ),
        (
            dict(type="MARKET", price=None, time_in_force=None, quantity=None),
            -1102,
            "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
        ),
        (
            dict(type="MARKET", price=None, time_in_force=None, quote_order_qty=D("10")),
            -1106,
            "Parameter 'quoteOrderQty' sent when not required.",
        ),
        (dict(type="MARKET", price=None), -1106, "Parameter 'timeInForce' sent when not required."),
        (dict(type="MARKET", time_in_force=None), -1106, "Parameter 'price' sent when not required."),
        (
            dict(type="MARKET", price=None, time_in_force=None, quantity=None, quote_order_qty=D("1")),
            -1013,
            "Filter failure: NOTIONAL",
        ),
    ],
)
def test_validation_errors(engine: Engine, events: list[EngineEvent], kwargs: dict, code: int, msg: str) -> None:
    params = dict(symbol="BTCUSDT", side="BUY", type="LIMIT", price=D("60000"), quantity=D("0.01"), time_in_force="GTC")
    params.update(kwargs)
    before = engine.balances("a")
    with pytest.raises(SimError) as err:
        engine.place_order("a", **params)  # type: ignore[arg-type]
    assert (err.value.code, err.value.msg) == (code, msg)
    assert err.value.status == 400
    assert events == [] and engine.balances("a") == before


def test_market_notional_uses_last_trade_price(engine: Engine) -> None:
    limit(engine, "a", "SELL", "1000", "0.01")
    limit(engine, "b", "BUY", "1000", "0.01")  # last price 1000
    limit(engine, "a", "SELL", "60000", "1")
    with pytest.raises(SimError) as err:  # 0.001 * 1000 = 1 < 5 although the book is at 60000
        engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quantity=D("0.001"))
    assert err.value.msg == "Filter failure: NOTIONAL"


def test_duplicate_client_order_id(engine: Engine) -> None:
    limit(engine, "a", "BUY", "50000", "0.01", new_client_order_id="x1")
    with pytest.raises(SimError) as err:
        limit(engine, "a", "BUY", "50000", "0.01", new_client_order_id="x1")
    assert (err.value.code, err.value.msg) == (-2010, "Duplicate order sent.")
    limit(engine, "b", "BUY", "50000", "0.01", new_client_order_id="x1")  # another account may
    engine.cancel_order("a", "BTCUSDT", orig_client_order_id="x1")
    limit(engine, "a", "BUY", "50000", "0.01", new_client_order_id="x1")  # reusable once closed


def test_get_order_and_cancel_errors(engine: Engine) -> None:
    with pytest.raises(SimError) as err:
        engine.get_order("a", "BTCUSDT", order_id=999)
    assert (err.value.code, err.value.msg) == (-2013, "Order does not exist.")
    with pytest.raises(SimError) as err:
        engine.cancel_order("a", "BTCUSDT", order_id=999)
    assert (err.value.code, err.value.msg) == (-2011, "Unknown order sent.")
    with pytest.raises(SimError) as err:
        engine.get_order("a", "NOPE", order_id=1)
    assert err.value.code == -1121
    with pytest.raises(SimError) as err:
        engine.get_order("a", "BTCUSDT")
    assert err.value.code == -1102


def test_test_order_changes_nothing(engine: Engine, events: list[EngineEvent]) -> None:
    limit(engine, "a", "SELL", "60000", "0.1")
    events.clear()
    before = (engine.depth("BTCUSDT"), engine.balances("b"), engine.open_orders("b"))
    res = limit(engine, "b", "BUY", "60000", "0.05", test=True)
    assert res.fills == ()
    engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quote_order_qty=D("100"), test=True)
    assert events == []
    assert (engine.depth("BTCUSDT"), engine.balances("b"), engine.open_orders("b")) == before
    with pytest.raises(SimError) as err:  # balance is still checked
        limit(engine, "demo", "BUY", "60000", "1", test=True)
    assert err.value.code == -2010
    nxt = limit(engine, "b", "BUY", "50000", "0.01").order
    assert nxt.order_id == 2  # no id was consumed by the tests


def test_event_order_for_a_taker(engine: Engine, clock: Clock, events: list[EngineEvent]) -> None:
    m1 = limit(engine, "a", "SELL", "60000", "0.1").order
    m2 = limit(engine, "c", "SELL", "60001", "0.1").order
    events.clear()
    clock.now += 5
    res = limit(engine, "b", "BUY", "60001", "0.3")
    kinds = [(type(e).__name__, getattr(e, "execution_type", None), getattr(e, "account_id", None)) for e in events]
    assert kinds == [
        ("OrderUpdated", "NEW", "b"),
        ("BookLevelChanged", None, None),
        ("TradeExecuted", None, None),
        ("OrderUpdated", "TRADE", "a"),
        ("OrderUpdated", "TRADE", "b"),
        ("BookLevelChanged", None, None),
        ("TradeExecuted", None, None),
        ("OrderUpdated", "TRADE", "c"),
        ("OrderUpdated", "TRADE", "b"),
        ("BookLevelChanged", None, None),  # the remainder rests
        ("BalancesChanged", None, "b"),
        ("BalancesChanged", None, "a"),
        ("BalancesChanged", None, "c"),
    ]
    assert all(e.time == clock.now for e in events)
    trades = [e for e in events if isinstance(e, TradeExecuted)]
    assert [t.seller_order_id for t in trades] == [m1.order_id, m2.order_id]
    assert all(t.buyer_order_id == res.order.order_id and not t.buyer_is_maker for t in trades)
    updates = [e for e in events if isinstance(e, OrderUpdated)]
    assert updates[0].order.status == "NEW" and updates[0].order.executed_qty == 0
    assert [u.order.status for u in updates[1:]] == ["FILLED", "PARTIALLY_FILLED", "FILLED", "PARTIALLY_FILLED"]
    assert updates[1].last_fill is not None and updates[1].last_fill.is_maker
    exec_ids = [u.execution_id for u in updates]
    assert exec_ids == sorted(exec_ids) and len(set(exec_ids)) == len(exec_ids)
    levels = [e for e in events if isinstance(e, BookLevelChanged)]
    assert [(lv.side, lv.price, lv.qty) for lv in levels] == [
        ("ASK", D("60000"), D("0")),
        ("ASK", D("60001"), D("0")),
        ("BID", D("60001"), D("0.1")),
    ]
    assert [lv.update_id for lv in levels] == [3, 4, 5] and engine.update_id("BTCUSDT") == 5
    bal = events[-3]
    assert isinstance(bal, BalancesChanged) and set(bal.balances) == {"BTC", "USDT"}
    with pytest.raises(TypeError):
        bal.balances["BTC"] = (D(0), D(0))  # type: ignore[index]


def test_self_trade_is_allowed(engine: Engine) -> None:
    limit(engine, "demo", "SELL", "50000", "0.1")
    res = limit(engine, "demo", "BUY", "50000", "0.1")
    assert res.order.status == "FILLED"
    btc_free, btc_locked = engine.balances("demo")["BTC"]
    assert btc_locked == 0 and btc_free == D("0.5") - D("0.0001")
    assert engine.balances("demo")["USDT"] == (D("10000") - D("5"), D("0"))
    assert len(engine.my_trades("demo", "BTCUSDT")) == 2


def test_history_queries(engine: Engine, clock: Clock) -> None:
    ids = []
    for i in range(5):
        clock.now += 1000
        ids.append(limit(engine, "demo", "BUY", str(50000 + i), "0.01").order.order_id)
    engine.cancel_all("demo", "BTCUSDT")
    assert [o.order_id for o in engine.all_orders("demo", "BTCUSDT")] == ids
    assert [o.order_id for o in engine.all_orders("demo", "BTCUSDT", limit=2)] == ids[-2:]
    assert [o.order_id for o in engine.all_orders("demo", "BTCUSDT", order_id=ids[1], limit=2)] == ids[1:3]
    assert all(o.status == "CANCELED" for o in engine.all_orders("demo", "BTCUSDT"))
    limit(engine, "a", "SELL", "60000", "1")
    t1 = engine.place_order("demo", "BTCUSDT", "BUY", "MARKET", quantity=D("0.01"))
    t2 = engine.place_order("demo", "BTCUSDT", "BUY", "MARKET", quantity=D("0.02"))
    trades = engine.my_trades("demo", "BTCUSDT")
    assert [t.order_id for t in trades] == [t1.order.order_id, t2.order.order_id]
    assert engine.my_trades("demo", "BTCUSDT", from_id=trades[1].id) == trades[1:]
    assert engine.my_trades("demo", "BTCUSDT", order_id=t1.order.order_id) == trades[:1]
    assert trades[0].is_buyer and not trades[0].is_maker


def test_synthetic_accounts_keep_no_history(engine: Engine) -> None:
    engine.open_account("mm-1", BIG)
    engine.open_account("taker-1", BIG)
    mk = limit(engine, "mm-1", "SELL", "60000", "0.1").order
    tk = engine.place_order("taker-1", "BTCUSDT", "BUY", "MARKET", quantity=D("0.1")).order
    assert engine.all_orders("mm-1", "BTCUSDT") == [] and engine.my_trades("taker-1", "BTCUSDT") == []
    with pytest.raises(SimError):
        engine.get_order("mm-1", "BTCUSDT", order_id=mk.order_id)
    with pytest.raises(SimError):
        engine.get_order("taker-1", "BTCUSDT", order_id=tk.order_id)
    open_one = limit(engine, "mm-1", "SELL", "60000", "0.1").order
    assert engine.get_order("mm-1", "BTCUSDT", order_id=open_one.order_id).status == "NEW"


def test_credit_and_unsubscribe(engine: Engine, events: list[EngineEvent]) -> None:
    engine.credit("demo", "USDT", D("5"))
    assert free(engine, "demo", "USDT") == D("10005")
    assert isinstance(events[-1], BalancesChanged) and events[-1].balances == {"USDT": (D("10005"), D("0"))}
    with pytest.raises(SimError):
        engine.credit("demo", "USDT", D("-20000"))
    seen: list[EngineEvent] = []
    unsubscribe = engine.subscribe(seen.append)
    engine.credit("demo", "BTC", D("1"))
    unsubscribe()
    engine.credit("demo", "BTC", D("1"))
    assert len(seen) == 1


def test_unknown_account(engine: Engine) -> None:
    with pytest.raises(SimError) as err:
        engine.balances("nobody")
    assert err.value.code == -2015
