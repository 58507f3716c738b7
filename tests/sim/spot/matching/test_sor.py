"""Smart Order Routing in the engine (tui/sim/sor.py): the configuration it derives, the event order of
one SOR order, and a property test over random books and orders (best price first, never past the
limit, money conserved with USDT and USDC as one 1:1 pool)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.sim.spot.matching.engine import (
    BalancesChanged,
    BookLevelChanged,
    Engine,
    EngineEvent,
    OrderUpdated,
    SimError,
)
from tui.sim.spot.matching.sor import ALLOCATOR, SorConfig, SorOrderUpdated, config_for, place_sor_order, sor_configs
from tui.sim.spot.symbols import default_specs

USDT, USDC = "BTCUSDT", "BTCUSDC"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        return self.now


def engine() -> Engine:
    eng = Engine(default_specs(), Clock())
    eng.open_account("maker", {"USDT": D("10000000"), "USDC": D("10000000"), "BTC": D("100")})
    eng.open_account("user", {"USDT": D("100000"), "USDC": D("1000"), "BTC": D("2")})
    return eng


def test_configuration_from_interchangeable_quotes() -> None:
    eng = engine()
    assert sor_configs(eng.specs) == [SorConfig("BTC", (USDT, USDC))]
    assert config_for(eng.specs, USDC).symbols == (USDT, USDC)
    with pytest.raises(SimError) as err:
        config_for(eng.specs, "ETHUSDT")
    assert (err.value.code, err.value.msg) == (-1013, "This symbol has no SOR.")
    only_usdt = Engine([s for s in default_specs() if s.symbol != USDC], Clock())
    assert sor_configs(only_usdt.specs) == []


def test_event_order_of_one_sor_order() -> None:
    eng = engine()
    eng.place_order("maker", USDC, "SELL", "LIMIT", price=D("28000"), quantity=D("0.1"), time_in_force="GTC")
    eng.place_order("maker", USDT, "SELL", "LIMIT", price=D("30000"), quantity=D("0.1"), time_in_force="GTC")
    events: list[EngineEvent] = []
    eng.subscribe(events.append)
    result = place_sor_order(
        eng, "user", USDT, "BUY", "LIMIT", quantity=D("0.3"), price=D("30000"), time_in_force="GTC"
    )
    shape = [
        (type(e).__name__, getattr(e, "account_id", getattr(e, "symbol", "")), getattr(e, "execution_type", ""))
        for e in events
    ]
    assert shape == [
        ("SorOrderUpdated", "user", "NEW"),
        ("BookLevelChanged", USDC, ""),
        ("TradeExecuted", USDC, ""),
        ("OrderUpdated", "maker", "TRADE"),
        ("OrderUpdated", ALLOCATOR, "TRADE"),
        ("SorOrderUpdated", "user", "TRADE"),
        ("BookLevelChanged", USDT, ""),
        ("TradeExecuted", USDT, ""),
        ("OrderUpdated", "maker", "TRADE"),
        ("OrderUpdated", ALLOCATOR, "TRADE"),
        ("SorOrderUpdated", "user", "TRADE"),
        ("BookLevelChanged", USDT, ""),  # the remainder rests on the order's own book
        ("BalancesChanged", "user", ""),
        ("BalancesChanged", "maker", ""),
        ("BalancesChanged", ALLOCATOR, ""),
    ]
    trades = [e for e in events if isinstance(e, SorOrderUpdated) and e.execution_type == "TRADE"]
    assert [(e.allocation.allocation_id, e.last_fill.trade_id) for e in trades if e.allocation and e.last_fill] == [
        (0, -1),
        (1, -1),
    ]
    user_balances = next(e for e in events if isinstance(e, BalancesChanged) and e.account_id == "user")
    assert set(user_balances.balances) == {"BTC", "USDT"}
    rest = events[11]
    assert isinstance(rest, BookLevelChanged) and (rest.side, rest.price, rest.qty) == ("BID", D("30000"), D("0.1"))
    assert result.working_floor == "EXCHANGE" and result.order.status == "PARTIALLY_FILLED"
    # the allocator keeps no history; the user's allocations are kept, its trades list stays empty
    assert eng.my_trades("user", USDT) == [] and len(eng.sor.allocations("user", USDT)) == 2
    assert not [e for e in events if isinstance(e, OrderUpdated) and e.account_id == ALLOCATOR and e.order.is_working]
    # canceling the rested part gives its lock back
    eng.cancel_order("user", USDT, order_id=result.order.order_id)
    assert eng.balances("user")["USDT"] == (D("100000") - D("5800"), D("0"))


def _pool(eng: Engine, accounts: tuple[str, ...]) -> Counter[str]:
    """Every account's holdings plus fees collected, with USDT and USDC in one dollar pool."""
    total: Counter[str] = Counter()
    for account in accounts:
        for asset, (free, locked) in eng.balances(account).items():
            total["USD" if asset in ("USDT", "USDC") else asset] += free + locked
    for asset, fee in eng.commissions.items():
        total["USD" if asset in ("USDT", "USDC") else asset] += fee
    return total


levels = st.lists(
    st.tuples(st.sampled_from((USDT, USDC)), st.integers(-5, 5), st.integers(1, 5)), min_size=0, max_size=8
)
orders = st.lists(
    st.tuples(
        st.sampled_from((USDT, USDC)),
        st.sampled_from(("BUY", "SELL")),
        st.sampled_from(("GTC", "IOC", "FOK", "MARKET")),
        st.integers(-5, 5),  # price offset from 30000, in 100s
        st.integers(1, 12),  # quantity in 0.01 BTC
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asks=levels, bids=levels, flow=orders)
def test_sor_routes_best_first_and_conserves_money(
    asks: list[tuple[str, int, int]], bids: list[tuple[str, int, int]], flow: list[tuple[str, str, str, int, int]]
) -> None:
    eng = engine()
    mid = D("30000")
    for side, quotes, sign in (("SELL", asks, 1), ("BUY", bids, -1)):
        for symbol, offset, lots in quotes:
            price = mid + sign * (D(101) + D(100) * abs(offset))  # asks above, bids below: never crossed
            eng.place_order("maker", symbol, side, "LIMIT", price=price, quantity=D(lots) / 10, time_in_force="GTC")
    start = _pool(eng, ("maker", "user"))
    for symbol, side, kind, offset, lots in flow:
        limit = None if kind == "MARKET" else mid + D(100) * offset
        try:
            result = place_sor_order(
                eng, "user", symbol, side, "MARKET" if kind == "MARKET" else "LIMIT", quantity=D(lots) / 100,
                price=limit, time_in_force=None if kind == "MARKET" else kind,
            )  # fmt: skip
        except SimError as exc:
            assert exc.code in (-2010, -1013), exc.msg  # funds or NOTIONAL
            continue
        order = result.order
        prices = [a.price for a in result.allocations]
        assert prices == sorted(prices, reverse=side == "SELL")  # best price first
        if limit is not None:
            assert all(p <= limit if side == "BUY" else p >= limit for p in prices)
        assert sum(a.qty for a in result.allocations) == order.executed_qty <= order.orig_qty
        assert sum(a.quote_qty for a in result.allocations) == order.cum_quote_qty
        if kind == "FOK":
            assert order.status in ("FILLED", "EXPIRED") and (order.status == "FILLED") == bool(prices)
        if kind in ("IOC", "FOK", "MARKET"):
            assert order.status in ("FILLED", "EXPIRED") and not order.is_working
        else:
            assert result.working_floor == ("EXCHANGE" if order.is_working else "SOR")
        for name in (USDT, USDC):
            bid, ask = eng.best_bid_ask(name)
            assert bid is None or ask is None or bid[0] < ask[0]
    if eng.has_account(ALLOCATOR):  # opened on the first routed order, with 10^12 of every asset
        start += Counter({"USD": D(10) ** 12 * 2, "BTC": D(10) ** 12, "ETH": D(10) ** 12, "BNB": D(10) ** 12})
        assert _pool(eng, ("maker", "user", ALLOCATOR)) == start
    else:
        assert _pool(eng, ("maker", "user")) == start
