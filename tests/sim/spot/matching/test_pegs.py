"""Engine: pegged orders' prices, and what a pegged stop-limit order locks before and after it fires."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tui.sim.spot.filters import first_failure
from tui.sim.spot.matching.engine import Engine, SimError
from tui.sim.spot.matching.pegs import peg_price
from tui.sim.spot.symbols import default_specs

BIG = {"USDT": D("10000000"), "BTC": D("100")}
QTY = D("0.001")


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        self.now += 1
        return self.now


@pytest.fixture
def engine() -> Engine:
    eng = Engine(default_specs(), Clock())
    for acct in ("mover", "b"):
        eng.open_account(acct, BIG)
    eng.open_account("demo", {"USDT": D("1000"), "BTC": D("1")})
    return eng


def rest(engine: Engine, side: str, price: str, qty: D = QTY) -> None:
    engine.place_order("mover", "BTCUSDT", side, "LIMIT", price=D(price), quantity=qty, time_in_force="GTC")


def trade_at(engine: Engine, price: str) -> None:
    rest(engine, "SELL", price)
    engine.place_order("b", "BTCUSDT", "BUY", "LIMIT", price=D(price), quantity=QTY, time_in_force="IOC")


def usdt(engine: Engine) -> tuple[D, D]:
    return engine.balances("demo")["USDT"]


def test_peg_price_walks_existing_levels(engine: Engine) -> None:
    for price in ("100", "99", "97"):
        rest(engine, "BUY", price, D("1"))
    book = engine.state.book("BTCUSDT")
    assert [peg_price(book, "BUY", "PRIMARY_PEG", n) for n in (None, 0, 1, 2, 3)] == [
        D("100"), D("100"), D("99"), D("97"), None,
    ]  # fmt: skip
    assert peg_price(book, "SELL", "MARKET_PEG", 1) == D("99")
    assert peg_price(book, "SELL", "PRIMARY_PEG", None) is None


def test_pegged_buy_stop_limit_without_price_locks_at_the_trigger(engine: Engine) -> None:
    trade_at(engine, "60000")
    res = engine.place_order(
        "demo", "BTCUSDT", "BUY", "STOP_LOSS_LIMIT", quantity=QTY, time_in_force="GTC", stop_price=D("61000"),
        peg_price_type="MARKET_PEG",
    )  # fmt: skip
    assert usdt(engine) == (D("1000"), D("0"))  # nothing to price it at yet
    assert res.order.price == 0 and res.order.pegged_price is None and res.order.peg_price_type == "MARKET_PEG"
    rest(engine, "SELL", "61500", D("0.01"))
    trade_at(engine, "61000")
    snap = engine.get_order("demo", "BTCUSDT", order_id=res.order.order_id)
    assert snap.pegged_price == D("61500") and snap.status == "FILLED"  # took the best ask when it fired
    assert usdt(engine) == (D("1000") - D("61.5"), D("0"))


def test_pegged_buy_stop_limit_with_price_relocks_at_the_pegged_price(engine: Engine) -> None:
    trade_at(engine, "60000")
    rest(engine, "BUY", "59000")
    res = engine.place_order(
        "demo", "BTCUSDT", "BUY", "STOP_LOSS_LIMIT", quantity=QTY, price=D("62000"), time_in_force="GTC",
        stop_price=D("61000"), peg_price_type="PRIMARY_PEG",
    )  # fmt: skip
    assert usdt(engine) == (D("938"), D("62"))  # locked at the sent price while it waits
    rest(engine, "BUY", "60500")
    trade_at(engine, "61000")
    snap = engine.get_order("demo", "BTCUSDT", order_id=res.order.order_id)
    assert snap.price == D("62000") and snap.pegged_price == D("60500") and snap.is_working
    assert usdt(engine) == (D("939.5"), D("60.5"))
    engine.cancel_order("demo", "BTCUSDT", order_id=res.order.order_id)
    assert usdt(engine) == (D("1000"), D("0"))


def test_pegged_stop_limit_fails_filters_at_the_pegged_price(engine: Engine) -> None:
    trade_at(engine, "60000")
    rest(engine, "BUY", "40000")
    res = engine.place_order(
        "demo", "BTCUSDT", "BUY", "STOP_LOSS_LIMIT", quantity=D("0.0001"), time_in_force="GTC",
        stop_price=D("61000"), peg_price_type="PRIMARY_PEG",
    )  # fmt: skip
    trade_at(engine, "61000")  # pegs to the 40000 bid: 4 USDT, under the 5 USDT minimum notional
    snap = engine.get_order("demo", "BTCUSDT", order_id=res.order.order_id)
    assert (snap.status, snap.expiry_reason) == ("EXPIRED", "REJECTED")
    assert usdt(engine) == (D("1000"), D("0"))


def test_pegged_buy_stop_limit_the_account_cannot_pay_for_is_rejected_at_the_trigger(engine: Engine) -> None:
    trade_at(engine, "60000")
    rest(engine, "SELL", "70000", D("1"))
    res = engine.place_order(
        "demo", "BTCUSDT", "BUY", "STOP_LOSS_LIMIT", quantity=D("0.02"), time_in_force="GTC",
        stop_price=D("61000"), peg_price_type="MARKET_PEG",
    )  # fmt: skip
    trade_at(engine, "61000")  # 0.02 * 70000 = 1400 USDT > 1000
    snap = engine.get_order("demo", "BTCUSDT", order_id=res.order.order_id)
    assert (snap.status, snap.expiry_reason) == ("EXPIRED", "REJECTED")
    assert usdt(engine) == (D("1000"), D("0"))


def test_pegged_limit_checks_funds_at_the_pegged_price(engine: Engine) -> None:
    rest(engine, "SELL", "70000")
    with pytest.raises(SimError) as err:
        engine.place_order(
            "demo", "BTCUSDT", "BUY", "LIMIT", quantity=D("0.02"), time_in_force="GTC", peg_price_type="MARKET_PEG"
        )
    assert err.value.code == -2010 and err.value.msg == "Account has insufficient balance for requested action."


def test_symbol_without_peg_instructions_refuses(engine: Engine) -> None:
    from dataclasses import replace

    spec = engine.specs["BTCUSDT"]
    engine.specs["BTCUSDT"] = replace(spec, rules=replace(spec.rules, peg_instructions_allowed=False))
    rest(engine, "BUY", "100", D("1"))
    with pytest.raises(SimError) as err:
        engine.place_order(
            "demo", "BTCUSDT", "BUY", "LIMIT", quantity=D("0.1"), time_in_force="GTC", peg_price_type="PRIMARY_PEG"
        )
    assert (err.value.code, err.value.msg) == (-2010, "Pegged orders are not supported for this symbol.")


def test_filters_let_a_pegged_order_go_without_price() -> None:
    rules = default_specs()[0].rules

    def failed(price: D | None, qty: D, *, pegged: bool) -> str | None:
        return first_failure(rules, order_type="LIMIT", side="BUY", price=price, quantity=qty, pegged=pegged)

    assert failed(None, D("0.001"), pegged=False) == "PRICE_FILTER"
    assert failed(None, D("0.001"), pegged=True) is None
    assert failed(None, D("0.0000001"), pegged=True) == "LOT_SIZE"
    assert failed(D("0.001"), D("0.001"), pegged=True) == "PRICE_FILTER"
