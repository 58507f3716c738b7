"""Engine: stop / take-profit / trailing orders on scripted price paths, icebergs, STP, test orders."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tui.sim.spot.matching.engine import BookLevelChanged, Engine, EngineEvent, OrderUpdated, SimError, TradeExecuted
from tui.sim.spot.symbols import default_specs

BIG = {"USDT": D("10000000"), "BTC": D("100")}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        self.now += 1
        return self.now


@pytest.fixture
def engine() -> Engine:
    eng = Engine(default_specs(), Clock())
    for acct in ("a", "b", "mover", "demo"):
        eng.open_account(acct, BIG)
    return eng


@pytest.fixture
def events(engine: Engine) -> list[EngineEvent]:
    seen: list[EngineEvent] = []
    engine.subscribe(seen.append)
    return seen


def trade_at(engine: Engine, price: str, qty: str = "0.001") -> None:
    """Print one trade at `price` between two accounts that hold nothing else on the book."""
    engine.place_order("mover", "BTCUSDT", "SELL", "LIMIT", price=D(price), quantity=D(qty), time_in_force="GTC")
    engine.place_order("b", "BTCUSDT", "BUY", "LIMIT", price=D(price), quantity=D(qty), time_in_force="IOC")


def path(engine: Engine, *prices: int | str) -> None:
    for p in prices:
        trade_at(engine, str(p))


def status(engine: Engine, acct: str, order_id: int) -> str:
    return engine.get_order(acct, "BTCUSDT", order_id=order_id).status


def updates(events: list[EngineEvent], order_id: int) -> list[tuple[str, str]]:
    return [
        (e.execution_type, e.order.status)
        for e in events
        if isinstance(e, OrderUpdated) and e.order.order_id == order_id
    ]


# -- plain stops ----------------------------------------------------------------------------------


def test_stop_loss_sell_waits_off_book_then_sells_at_market(engine: Engine, events: list[EngineEvent]) -> None:
    trade_at(engine, "60000")
    engine.place_order("mover", "BTCUSDT", "BUY", "LIMIT", price=D("58000"), quantity=D("1"), time_in_force="GTC")
    res = engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("59000"))
    o = res.order
    assert o.status == "NEW" and not o.is_working and o.working_time == -1 and o.stop_price == D("59000")
    assert o.book_qty == 0 and res.fills == ()
    assert engine.balances("a")["BTC"] == (D("99.99"), D("0.01"))  # the base is reserved while it waits
    assert engine.depth("BTCUSDT")[1] == [(D("58000"), D("1"))]  # not on the book
    path(engine, 59500, "59000.01")
    assert status(engine, "a", o.order_id) == "NEW"
    events.clear()
    trade_at(engine, "59000")  # last <= stop: fires, sells into the 58000 bid
    got = engine.get_order("a", "BTCUSDT", order_id=o.order_id)
    assert got.status == "FILLED" and got.working_time > 0 and got.cum_quote_qty == D("580")
    assert updates(events, o.order_id) == [("NEW", "NEW"), ("TRADE", "FILLED")]
    fired = next(e for e in events if isinstance(e, OrderUpdated) and e.order.order_id == o.order_id)
    assert fired.order.is_working and fired.order.working_time == fired.time
    # the trigger comes after the trade that caused it, and its own trade after that
    trades = [e.price for e in events if isinstance(e, TradeExecuted)]
    assert trades == [D("59000"), D("58000")]
    assert engine.balances("a")["BTC"] == (D("99.99"), D("0"))


@pytest.mark.parametrize(
    ("side", "type", "stop", "quiet", "fire"),
    [
        ("BUY", "STOP_LOSS", "61000", ["60500", "60999.99"], "61000"),
        ("SELL", "STOP_LOSS", "59000", ["59500"], "58900"),
        ("BUY", "TAKE_PROFIT", "59000", ["59500"], "59000"),
        ("SELL", "TAKE_PROFIT", "61000", ["60500"], "61500"),
    ],
)
def test_trigger_directions(engine: Engine, side: str, type: str, stop: str, quiet: list[str], fire: str) -> None:
    trade_at(engine, "60000")
    # liquidity for the triggered market order on both sides, far away
    engine.place_order("mover", "BTCUSDT", "BUY", "LIMIT", price=D("50000"), quantity=D("1"), time_in_force="GTC")
    engine.place_order("mover", "BTCUSDT", "SELL", "LIMIT", price=D("70000"), quantity=D("1"), time_in_force="GTC")
    oid = engine.place_order("a", "BTCUSDT", side, type, quantity=D("0.01"), stop_price=D(stop)).order.order_id
    path(engine, *quiet)
    assert status(engine, "a", oid) == "NEW"
    trade_at(engine, fire)
    assert status(engine, "a", oid) == "FILLED"


@pytest.mark.parametrize(
    ("side", "type", "stop"),
    [
        ("BUY", "STOP_LOSS", "60000"),
        ("BUY", "STOP_LOSS_LIMIT", "59000"),
        ("SELL", "STOP_LOSS", "60000"),
        ("SELL", "STOP_LOSS_LIMIT", "61000"),
        ("BUY", "TAKE_PROFIT", "61000"),
        ("SELL", "TAKE_PROFIT_LIMIT", "59999.99"),
    ],
)
def test_stop_that_would_trigger_immediately_is_rejected(engine: Engine, side: str, type: str, stop: str) -> None:
    trade_at(engine, "60000")
    extra = {"price": D("60000"), "time_in_force": "GTC"} if type.endswith("LIMIT") else {}
    with pytest.raises(SimError) as err:
        engine.place_order("a", "BTCUSDT", side, type, quantity=D("0.01"), stop_price=D(stop), **extra)
    assert (err.value.code, err.value.msg) == (-2010, "Order would trigger immediately.")


def test_stop_limit_becomes_a_resting_limit_order(engine: Engine, events: list[EngineEvent]) -> None:
    trade_at(engine, "60000")
    res = engine.place_order(
        "a", "BTCUSDT", "BUY", "STOP_LOSS_LIMIT", quantity=D("0.01"), price=D("60600"),
        stop_price=D("60500"), time_in_force="GTC",
    )  # fmt: skip
    assert engine.balances("a")["USDT"][1] == D("606")  # limit price * qty locked from placement
    events.clear()
    trade_at(engine, "60500")
    got = engine.get_order("a", "BTCUSDT", order_id=res.order.order_id)
    assert got.status == "NEW" and got.is_working and got.book_qty == D("0.01")
    assert engine.best_bid_ask("BTCUSDT")[0] == (D("60600"), D("0.01"))
    assert updates(events, res.order.order_id) == [("NEW", "NEW")]
    assert any(isinstance(e, BookLevelChanged) and e.price == D("60600") for e in events)
    engine.cancel_order("a", "BTCUSDT", order_id=res.order.order_id)
    assert engine.balances("a")["USDT"][1] == 0


def test_cancel_a_waiting_stop_releases_funds_without_touching_the_book(
    engine: Engine, events: list[EngineEvent]
) -> None:
    trade_at(engine, "60000")
    oid = engine.place_order(
        "a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.5"), stop_price=D("1000")
    ).order.order_id
    events.clear()
    snap = engine.cancel_order("a", "BTCUSDT", order_id=oid)
    assert snap.status == "CANCELED"
    assert not any(isinstance(e, BookLevelChanged) for e in events)
    assert engine.balances("a")["BTC"] == (D("100"), D("0"))
    trade_at(engine, "900", "0.01")
    assert status(engine, "a", oid) == "CANCELED"


def test_buy_stop_market_without_funds_expires_rejected(engine: Engine, events: list[EngineEvent]) -> None:
    engine.open_account("poor", {"USDT": D("100")})
    trade_at(engine, "60000")
    engine.place_order("mover", "BTCUSDT", "SELL", "LIMIT", price=D("61000"), quantity=D("1"), time_in_force="GTC")
    oid = engine.place_order(
        "poor", "BTCUSDT", "BUY", "STOP_LOSS", quantity=D("0.01"), stop_price=D("60500")
    ).order.order_id
    trade_at(engine, "60600")
    got = engine.get_order("poor", "BTCUSDT", order_id=oid)
    assert got.status == "EXPIRED" and got.expiry_reason == "REJECTED" and got.executed_qty == 0
    assert engine.balances("poor")["USDT"] == (D("100"), D("0"))


def test_stop_market_with_empty_book_expires_for_liquidity(engine: Engine) -> None:
    trade_at(engine, "60000")
    oid = engine.place_order(
        "a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("59000")
    ).order.order_id
    engine.place_order("mover", "BTCUSDT", "SELL", "LIMIT", price=D("58000"), quantity=D("0.001"), time_in_force="GTC")
    engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quantity=D("0.001"))
    got = engine.get_order("a", "BTCUSDT", order_id=oid)
    assert got.status == "EXPIRED" and got.expiry_reason == "INSUFFICIENT_LIQUIDITY"
    assert engine.balances("a")["BTC"] == (D("100"), D("0"))


def test_one_sweep_fires_stops_in_trigger_order_and_cascades(engine: Engine, events: list[EngineEvent]) -> None:
    trade_at(engine, "60000")
    for price in ("59900", "59800", "59700", "59000"):
        engine.place_order("mover", "BTCUSDT", "BUY", "LIMIT", price=D(price), quantity=D("0.01"), time_in_force="GTC")
    late = engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("59700")).order
    early = engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("59850")).order
    chained = engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("59100")).order
    events.clear()
    # a sweep through 59900 and 59800: `early` fires (at 59800), sells at 59700, which fires `late`,
    # which sells at 59000, which fires `chained` (nothing left to sell into: it expires)
    engine.place_order("b", "BTCUSDT", "SELL", "MARKET", quantity=D("0.02"))
    fired = [
        e.order.order_id
        for e in events
        if isinstance(e, OrderUpdated) and e.execution_type == "NEW" and e.account_id == "a"
    ]
    assert fired == [early.order_id, late.order_id, chained.order_id]
    assert [status(engine, "a", o.order_id) for o in (early, late, chained)] == ["FILLED", "FILLED", "EXPIRED"]
    assert [e.price for e in events if isinstance(e, TradeExecuted)] == [
        D("59900"), D("59800"), D("59700"), D("59000"),
    ]  # fmt: skip


def test_max_num_algo_orders(engine: Engine) -> None:
    trade_at(engine, "60000")
    for _ in range(5):
        engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("50000"))
    with pytest.raises(SimError) as err:
        engine.place_order("a", "BTCUSDT", "BUY", "TAKE_PROFIT", quantity=D("0.01"), stop_price=D("50000"))
    assert (err.value.code, err.value.msg) == (-1013, "Filter failure: MAX_NUM_ALGO_ORDERS")
    engine.place_order("b", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("50000"))  # per account


@pytest.mark.parametrize(
    ("kw", "code", "msg"),
    [
        ({"type": "STOP_LOSS", "quantity": "0.01"}, -1102, "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!"),
        ({"type": "STOP_LOSS", "stop_price": "1"}, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
        ({"type": "STOP_LOSS", "quantity": "0.01", "stop_price": "1", "price": "1"}, -1106, "Parameter 'price' sent when not required."),
        ({"type": "STOP_LOSS_LIMIT", "quantity": "0.01", "stop_price": "1", "price": "1"}, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."),
        ({"type": "LIMIT", "quantity": "0.01", "price": "50000", "time_in_force": "GTC", "stop_price": "1"}, -1106, "Parameter 'stopPrice' sent when not required."),
        ({"type": "MARKET", "quantity": "0.01", "trailing_delta": 100}, -1106, "Parameter 'trailingDelta' sent when not required."),
        ({"type": "STOP_LOSS", "quantity": "0.01", "trailing_delta": 5}, -1013, "Filter failure: TRAILING_DELTA"),
        ({"type": "STOP_LOSS", "quantity": "0.01", "trailing_delta": 2001}, -1013, "Filter failure: TRAILING_DELTA"),
        ({"type": "STOP_LOSS", "quantity": "0.01", "stop_price": "50000.001"}, -1013, "Filter failure: PRICE_FILTER"),
        ({"type": "LIMIT", "quantity": "0.01", "price": "50000", "time_in_force": "GTC", "iceberg_qty": "0.0009"}, -1013, "Filter failure: ICEBERG_PARTS"),
        ({"type": "LIMIT", "quantity": "0.01", "price": "50000", "time_in_force": "GTC", "iceberg_qty": "0.01"}, -2010, "IcebergQty exceeds QTY."),
        ({"type": "LIMIT", "quantity": "0.01", "price": "50000", "time_in_force": "IOC", "iceberg_qty": "0.005"}, -2010, "Unsupported order combination"),
        ({"type": "MARKET", "quantity": "0.01", "iceberg_qty": "0.005"}, -2010, "Unsupported order combination"),
        ({"type": "LIMIT", "quantity": "0.01", "price": "50000", "time_in_force": "GTC", "strategy_type": 999_999}, -1134, "strategyType was less than 1000000."),
        ({"type": "LIMIT", "quantity": "0.01", "price": "50000", "time_in_force": "GTC", "stp_mode": "TRANSFER"}, -1013, "This symbol does not allow the specified self-trade prevention mode."),
    ],
)  # fmt: skip
def test_parameter_and_filter_errors(engine: Engine, kw: dict, code: int, msg: str) -> None:  # type: ignore[type-arg]
    trade_at(engine, "60000")
    args = {
        k: (D(v) if isinstance(v, str) and k not in ("type", "time_in_force", "stp_mode") else v) for k, v in kw.items()
    }
    type_ = args.pop("type")
    with pytest.raises(SimError) as err:
        engine.place_order("a", "BTCUSDT", "SELL", type_, **args)
    assert (err.value.code, err.value.msg) == (code, msg)


# -- trailing stops (trailing-stop-faq.md scenarios, prices scaled to the sim's BTCUSDT) ----------


def test_scenario_a_trailing_stop_loss_limit_buy(engine: Engine) -> None:
    trade_at(engine, "40000")
    o = engine.place_order(
        "a", "BTCUSDT", "BUY", "STOP_LOSS_LIMIT", quantity=D("0.01"), price=D("45000"),
        stop_price=D("44000"), trailing_delta=500, time_in_force="GTC",
    ).order  # fmt: skip
    assert o.trailing_time == -1 and o.trailing_delta == 500
    path(engine, 39000, 37000)  # a 7.5 % fall is ignored: not tracking yet
    assert engine.get_order("a", "BTCUSDT", order_id=o.order_id).trailing_time == -1
    path(engine, 40000, 44000)  # reaches the stop: tracking starts, lowest = 44000
    tracking = engine.get_order("a", "BTCUSDT", order_id=o.order_id)
    assert tracking.trailing_time > 0 and tracking.status == "NEW" and not tracking.is_working
    path(engine, 45000, 46000, 42000, 44000)  # 46000 < 44000 * 1.05; then a new low at 42000
    assert status(engine, "a", o.order_id) == "NEW"
    trade_at(engine, "44100")  # 42000 * 1.05
    got = engine.get_order("a", "BTCUSDT", order_id=o.order_id)
    assert got.is_working and got.book_qty == D("0.01") and got.working_time > 0


def test_scenario_b_trailing_stop_loss_limit_sell(engine: Engine) -> None:
    trade_at(engine, "40000")
    o = engine.place_order(
        "a", "BTCUSDT", "SELL", "STOP_LOSS_LIMIT", quantity=D("0.01"), price=D("38000"),
        stop_price=D("39000"), trailing_delta=1000, time_in_force="GTC",
    ).order  # fmt: skip
    path(engine, 41500, 39000, 37000, 41000)
    assert status(engine, "a", o.order_id) == "NEW"
    trade_at(engine, "36900.01")
    assert not engine.get_order("a", "BTCUSDT", order_id=o.order_id).is_working
    trade_at(engine, "36900")  # 41000 * 0.90
    assert engine.get_order("a", "BTCUSDT", order_id=o.order_id).is_working


def test_scenario_c_trailing_take_profit_limit_buy(engine: Engine) -> None:
    trade_at(engine, "40000")
    o = engine.place_order(
        "a", "BTCUSDT", "BUY", "TAKE_PROFIT_LIMIT", quantity=D("0.01"), price=D("38500"),
        stop_price=D("38000"), trailing_delta=850, time_in_force="GTC",
    ).order  # fmt: skip
    path(engine, 42000, 38000, 37000, 39000, 38000, 40144)
    assert (
        status(engine, "a", o.order_id) == "NEW"
        and not engine.get_order("a", "BTCUSDT", order_id=o.order_id).is_working
    )
    trade_at(engine, "40145")  # 37000 * 1.085
    assert engine.get_order("a", "BTCUSDT", order_id=o.order_id).is_working


def test_scenario_d_trailing_take_profit_limit_sell(engine: Engine) -> None:
    trade_at(engine, "40000")
    o = engine.place_order(
        "a", "BTCUSDT", "SELL", "TAKE_PROFIT_LIMIT", quantity=D("0.01"), price=D("41000"),
        stop_price=D("42000"), trailing_delta=750, time_in_force="GTC",
    ).order  # fmt: skip
    path(engine, 41500, 39000, 42000, 45000, 44000, 46500, "43012.51")
    assert not engine.get_order("a", "BTCUSDT", order_id=o.order_id).is_working
    trade_at(engine, "43012.5")  # 46500 * 0.925
    assert engine.get_order("a", "BTCUSDT", order_id=o.order_id).is_working


def test_scenario_e_trailing_without_stop_price_tracks_from_placement(engine: Engine) -> None:
    trade_at(engine, "40000")
    o = engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), trailing_delta=700).order
    assert o.trailing_time > 0 and o.stop_price == 0
    engine.place_order("mover", "BTCUSDT", "BUY", "LIMIT", price=D("30000"), quantity=D("1"), time_in_force="GTC")
    path(engine, 42000, 39500, 45500, "42315.01")
    assert status(engine, "a", o.order_id) == "NEW"
    trade_at(engine, "42315")  # 45500 * 0.93: fires and sells at market into the 30000 bid
    got = engine.get_order("a", "BTCUSDT", order_id=o.order_id)
    assert got.status == "FILLED" and got.cum_quote_qty == D("300")


# -- icebergs -------------------------------------------------------------------------------------


def test_iceberg_shows_one_part_and_replenishes_at_the_back(engine: Engine, events: list[EngineEvent]) -> None:
    ice = engine.place_order(
        "a",
        "BTCUSDT",
        "SELL",
        "LIMIT",
        price=D("60000"),
        quantity=D("0.05"),
        iceberg_qty=D("0.02"),
        time_in_force="GTC",
    ).order
    assert ice.book_qty == D("0.02") and ice.iceberg_qty == D("0.02")
    assert engine.balances("a")["BTC"][1] == D("0.05")  # all of it is reserved
    other = engine.place_order(
        "b", "BTCUSDT", "SELL", "LIMIT", price=D("60000"), quantity=D("0.01"), time_in_force="GTC"
    ).order
    assert engine.depth("BTCUSDT")[2] == [(D("60000"), D("0.03"))]
    events.clear()
    res = engine.place_order("mover", "BTCUSDT", "BUY", "MARKET", quantity=D("0.025"))
    # 0.02 from the iceberg's first part, then the next part went behind `other`, which fills 0.005
    assert [(f.qty) for f in res.fills] == [D("0.02"), D("0.005")]
    makers = [e.order.order_id for e in events if isinstance(e, OrderUpdated) and e.last_fill and e.last_fill.is_maker]
    assert makers == [ice.order_id, other.order_id]
    assert engine.depth("BTCUSDT")[2] == [(D("60000"), D("0.025"))]  # other's 0.005 + a fresh 0.02
    levels = [e.qty for e in events if isinstance(e, BookLevelChanged)]
    assert levels == [D("0.03"), D("0.025")]
    got = engine.get_order("a", "BTCUSDT", order_id=ice.order_id)
    assert got.book_qty == D("0.02") and got.executed_qty == D("0.02")
    engine.place_order("mover", "BTCUSDT", "BUY", "MARKET", quantity=D("0.025"))
    got = engine.get_order("a", "BTCUSDT", order_id=ice.order_id)
    assert got.executed_qty == D("0.04") and got.book_qty == D("0.01")  # the last, smaller part
    engine.cancel_order("a", "BTCUSDT", order_id=ice.order_id)
    assert engine.depth("BTCUSDT")[2] == [] and engine.balances("a")["BTC"][1] == 0


def test_iceberg_taker_takes_its_whole_quantity(engine: Engine) -> None:
    engine.place_order("b", "BTCUSDT", "SELL", "LIMIT", price=D("60000"), quantity=D("0.05"), time_in_force="GTC")
    res = engine.place_order(
        "a", "BTCUSDT", "BUY", "LIMIT", price=D("60000"), quantity=D("0.04"), iceberg_qty=D("0.01"), time_in_force="GTC"
    )
    assert res.order.status == "FILLED" and sum(f.qty for f in res.fills) == D("0.04")


# -- self-trade prevention (stp_faq.md scenarios) -------------------------------------------------


def three_bids(engine: Engine) -> list[int]:
    return [
        engine.place_order(
            "demo", "BTCUSDT", "BUY", "LIMIT", price=D(p), quantity=D(q), time_in_force="GTC"
        ).order.order_id
        for p, q in (("60020", "0.012"), ("60010", "0.013"), ("60000", "0.081"))
    ]


def test_stp_none_trades_with_itself(engine: Engine) -> None:
    makers = three_bids(engine)
    res = engine.place_order(
        "demo", "BTCUSDT", "SELL", "LIMIT", price=D("60020"), quantity=D("0.012"), time_in_force="GTC"
    )
    assert res.order.status == "FILLED" and res.prevented == () and status(engine, "demo", makers[0]) == "FILLED"


def test_stp_expire_maker(engine: Engine, events: list[EngineEvent]) -> None:
    makers = three_bids(engine)
    events.clear()
    res = engine.place_order(
        "demo",
        "BTCUSDT",
        "SELL",
        "LIMIT",
        price=D("60000"),
        quantity=D("0.03"),
        time_in_force="GTC",
        stp_mode="EXPIRE_MAKER",
    )
    assert res.order.status == "NEW" and res.fills == () and res.order.book_qty == D("0.03")
    assert [(m.match_id, m.maker_order_id, m.maker_prevented, m.taker_prevented) for m in res.prevented] == [
        (0, makers[0], D("0.012"), 0), (1, makers[1], D("0.013"), 0), (2, makers[2], D("0.081"), 0),
    ]  # fmt: skip
    for oid, match_id in zip(makers, (0, 1, 2), strict=True):
        got = engine.get_order("demo", "BTCUSDT", order_id=oid)
        assert got.status == "EXPIRED_IN_MATCH" and got.prevented_match_id == match_id
        assert got.prevented_qty == got.orig_qty
    kinds = [(e.execution_type, e.order.status) for e in events if isinstance(e, OrderUpdated)]
    assert kinds == [("NEW", "NEW")] + [("TRADE_PREVENTION", "EXPIRED_IN_MATCH")] * 3
    assert engine.depth("BTCUSDT")[1] == [] and engine.depth("BTCUSDT")[2] == [(D("60000"), D("0.03"))]
    assert engine.balances("demo")["USDT"][1] == 0 and engine.balances("demo")["BTC"][1] == D("0.03")
    assert not any(isinstance(e, TradeExecuted) for e in events)


def test_stp_expire_taker(engine: Engine, events: list[EngineEvent]) -> None:
    makers = three_bids(engine)
    events.clear()
    res = engine.place_order(
        "demo",
        "BTCUSDT",
        "SELL",
        "LIMIT",
        price=D("60000"),
        quantity=D("0.03"),
        time_in_force="GTC",
        stp_mode="EXPIRE_TAKER",
    )
    assert res.order.status == "EXPIRED_IN_MATCH" and res.order.prevented_qty == D("0.03")
    assert [(m.maker_order_id, m.taker_prevented, m.maker_prevented) for m in res.prevented] == [
        (makers[0], D("0.03"), 0)
    ]
    assert [status(engine, "demo", o) for o in makers] == ["NEW"] * 3
    assert engine.balances("demo")["BTC"][1] == 0
    assert [(e.execution_type, e.order.status) for e in events if isinstance(e, OrderUpdated)] == [
        ("NEW", "NEW"), ("TRADE_PREVENTION", "EXPIRED_IN_MATCH"),
    ]  # fmt: skip


def test_stp_expire_both(engine: Engine) -> None:
    maker = engine.place_order(
        "demo", "BTCUSDT", "BUY", "LIMIT", price=D("60000"), quantity=D("0.01"), time_in_force="GTC"
    ).order
    res = engine.place_order(
        "demo",
        "BTCUSDT",
        "SELL",
        "LIMIT",
        price=D("60000"),
        quantity=D("0.03"),
        time_in_force="GTC",
        stp_mode="EXPIRE_BOTH",
    )
    assert res.order.status == "EXPIRED_IN_MATCH" and status(engine, "demo", maker.order_id) == "EXPIRED_IN_MATCH"
    assert res.prevented[0].taker_prevented == D("0.03") and res.prevented[0].maker_prevented == D("0.01")
    assert engine.balances("demo")["USDT"][1] == 0 and engine.balances("demo")["BTC"][1] == 0


def test_stp_decrement(engine: Engine, events: list[EngineEvent]) -> None:
    maker = engine.place_order(
        "demo", "BTCUSDT", "BUY", "LIMIT", price=D("60000"), quantity=D("0.06"), time_in_force="GTC"
    ).order
    events.clear()
    res = engine.place_order(
        "demo",
        "BTCUSDT",
        "SELL",
        "LIMIT",
        price=D("60000"),
        quantity=D("0.02"),
        time_in_force="GTC",
        stp_mode="DECREMENT",
    )
    assert res.order.status == "EXPIRED_IN_MATCH" and res.order.prevented_qty == D("0.02")
    got = engine.get_order("demo", "BTCUSDT", order_id=maker.order_id)
    assert got.status == "NEW" and got.prevented_qty == D("0.02") and got.prevented_match_id == 0
    assert got.book_qty == D("0.04") and engine.depth("BTCUSDT")[1] == [(D("60000"), D("0.04"))]
    assert engine.balances("demo")["USDT"][1] == D("2400")  # 0.04 * 60000 still reserved
    assert [(e.execution_type, e.order.status) for e in events if isinstance(e, OrderUpdated)] == [
        ("NEW", "NEW"), ("TRADE_PREVENTION", "NEW"), ("TRADE_PREVENTION", "EXPIRED_IN_MATCH"),
    ]  # fmt: skip
    # another account can still take what is left
    engine.place_order("b", "BTCUSDT", "SELL", "MARKET", quantity=D("0.04"))
    assert status(engine, "demo", maker.order_id) == "FILLED"


def test_stp_market_expire_maker_then_expires_for_liquidity(engine: Engine) -> None:
    maker = engine.place_order(
        "demo", "BTCUSDT", "BUY", "LIMIT", price=D("60000"), quantity=D("0.01"), time_in_force="GTC"
    ).order
    res = engine.place_order("demo", "BTCUSDT", "SELL", "MARKET", quantity=D("0.01"), stp_mode="EXPIRE_MAKER")
    assert res.order.status == "EXPIRED" and res.order.expiry_reason == "INSUFFICIENT_LIQUIDITY"
    assert status(engine, "demo", maker.order_id) == "EXPIRED_IN_MATCH"


def test_stp_only_between_the_same_account(engine: Engine) -> None:
    engine.place_order("b", "BTCUSDT", "BUY", "LIMIT", price=D("60000"), quantity=D("0.01"), time_in_force="GTC")
    res = engine.place_order("demo", "BTCUSDT", "SELL", "MARKET", quantity=D("0.01"), stp_mode="EXPIRE_BOTH")
    assert res.order.status == "FILLED" and res.prevented == ()


def test_stp_default_mode_comes_from_the_symbol(engine: Engine) -> None:
    res = engine.place_order(
        "demo", "BTCUSDT", "BUY", "LIMIT", price=D("1000"), quantity=D("0.01"), time_in_force="GTC"
    )
    assert res.order.stp_mode == "NONE"


# -- order.test and labels ------------------------------------------------------------------------


def test_test_order_validates_conditional_orders_and_changes_nothing(engine: Engine, events: list[EngineEvent]) -> None:
    trade_at(engine, "60000")
    before = engine.balances("a"), engine.update_id("BTCUSDT")
    events.clear()
    res = engine.place_order(
        "a", "BTCUSDT", "SELL", "STOP_LOSS_LIMIT", quantity=D("0.01"), price=D("59000"), stop_price=D("59500"),
        time_in_force="GTC", strategy_id=7, strategy_type=1_000_000, test=True,
    )  # fmt: skip
    assert res.order.order_id == 0 and res.order.strategy_id == 7
    assert events == [] and (engine.balances("a"), engine.update_id("BTCUSDT")) == before
    assert engine.open_orders("a") == []
    with pytest.raises(SimError, match="Order would trigger immediately"):
        engine.place_order("a", "BTCUSDT", "SELL", "STOP_LOSS", quantity=D("0.01"), stop_price=D("61000"), test=True)
