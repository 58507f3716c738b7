"""Property tests: random order flow over a few accounts keeps the engine's invariants, with stop,
take-profit and trailing orders, icebergs, self-trade prevention, OCO / OTO / OTOCO order lists and
amendments in the mix."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.sim.spot.matching.engine import BookLevelChanged, Engine, EngineEvent, OrderParams, SimError
from tui.sim.spot.symbols import default_specs

ACCOUNTS = ("a", "b", "c")
START = {"USDT": D("5000"), "BTC": D("0.1"), "ETH": D("2")}
SYMBOLS = {"BTCUSDT": ("BTC", D("60000"), D("0.001")), "ETHUSDT": ("ETH", D("3000"), D("0.01"))}

STP = st.sampled_from(("NONE", "NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT"))
place = st.tuples(
    st.just("place"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(sorted(SYMBOLS)),
    st.sampled_from(("BUY", "SELL")),
    st.sampled_from(("GTC", "GTC", "IOC", "FOK", "MAKER", "MARKET", "QUOTE", "ICEBERG")),
    st.integers(-6, 6),  # price offset in ticks of 1 USDT
    st.integers(1, 30),  # quantity in lots
    STP,
)
conditional = st.tuples(
    st.just("stop"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(sorted(SYMBOLS)),
    st.sampled_from(("BUY", "SELL")),
    st.sampled_from(("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")),
    st.integers(-6, 6),  # stop offset in ticks
    st.integers(1, 30),  # quantity in lots
    st.sampled_from((None, None, 10, 25)),  # trailingDelta (BIPS)
    st.integers(-3, 3),  # limit price offset from the stop
    STP,
)
order_list = st.tuples(
    st.just("list"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(sorted(SYMBOLS)),
    st.sampled_from(("BUY", "SELL")),
    st.sampled_from(("OCO", "OTO", "OTOCO")),
    st.integers(1, 6),  # distance of the legs from the mid, in ticks
    st.integers(1, 20),  # quantity in lots
    STP,
)
amend = st.tuples(st.just("amend"), st.sampled_from(ACCOUNTS), st.integers(0, 20), st.integers(1, 9))
cancel = st.tuples(st.just("cancel"), st.sampled_from(ACCOUNTS), st.integers(0, 20))
cancel_all = st.tuples(st.just("cancel_all"), st.sampled_from(ACCOUNTS), st.sampled_from(sorted(SYMBOLS)))
op = st.integers(0, 14).flatmap(
    lambda k: (
        place
        if k < 7
        else conditional
        if k < 9
        else order_list
        if k < 11
        else amend
        if k < 12
        else cancel
        if k < 14
        else cancel_all
    )
)


def _oco(side: str, mid: D, d: int, qty: D, stp: str) -> list[OrderParams]:
    if side == "SELL":
        return [
            OrderParams(side, "LIMIT_MAKER", qty, price=mid + d, stp_mode=stp),
            OrderParams(side, "STOP_LOSS_LIMIT", qty, price=mid - d - 1, time_in_force="GTC", stop_price=mid - d),
        ]
    return [
        OrderParams(side, "STOP_LOSS", qty, stop_price=mid + d, stp_mode=stp),
        OrderParams(side, "LIMIT_MAKER", qty, price=mid - d, stp_mode=stp),
    ]


ops = st.lists(op, min_size=10, max_size=80)


def run(engine: Engine, op: tuple) -> None:
    kind, acct = op[0], op[1]
    try:
        if kind == "place":
            _, _, symbol, side, how, offset, lots, stp = op
            _, mid, lot = SYMBOLS[symbol]
            price, qty = mid + offset, lot * lots
            if how == "MARKET":
                engine.place_order(acct, symbol, side, "MARKET", quantity=qty, stp_mode=stp)
            elif how == "QUOTE":
                quote = (qty * mid).quantize(D("0.01"))
                engine.place_order(acct, symbol, side, "MARKET", quote_order_qty=quote, stp_mode=stp)
            elif how == "MAKER":
                engine.place_order(acct, symbol, side, "LIMIT_MAKER", price=price, quantity=qty, stp_mode=stp)
            elif how == "ICEBERG":
                engine.place_order(
                    acct, symbol, side, "LIMIT", price=price, quantity=qty * 3, iceberg_qty=qty,
                    time_in_force="GTC", stp_mode=stp,
                )  # fmt: skip
            else:
                engine.place_order(
                    acct, symbol, side, "LIMIT", price=price, quantity=qty, time_in_force=how, stp_mode=stp
                )
        elif kind == "stop":
            _, _, symbol, side, type_, offset, lots, trailing, limit_offset, stp = op
            _, mid, lot = SYMBOLS[symbol]
            stop = mid + offset
            extra = {"price": stop + limit_offset, "time_in_force": "GTC"} if type_.endswith("LIMIT") else {}
            engine.place_order(
                acct, symbol, side, type_, quantity=lot * lots, stop_price=None if trailing and offset % 2 else stop,
                trailing_delta=trailing, stp_mode=stp, **extra,
            )  # fmt: skip
        elif kind == "list":
            _, _, symbol, side, list_kind, d, lots, stp = op
            _, mid, lot = SYMBOLS[symbol]
            qty = lot * lots
            last = engine.last_price(symbol) or mid
            if list_kind == "OCO":
                engine.place_order_list(acct, symbol, "OCO", _oco(side, last, d, qty, stp))
            else:
                other = "SELL" if side == "BUY" else "BUY"
                price = mid - d if side == "BUY" else mid + d
                working = OrderParams(side, "LIMIT", qty, price=price, time_in_force="GTC", stp_mode=stp)
                pending = (
                    [
                        OrderParams(
                            other, "LIMIT", qty, price=price + (d if other == "SELL" else -d), time_in_force="GTC"
                        )
                    ]
                    if list_kind == "OTO"
                    else _oco(other, price, d, qty, stp)
                )
                engine.place_order_list(acct, symbol, list_kind, pending, working=working)
        elif kind == "amend":
            orders = engine.open_orders(acct)
            if orders:
                target = orders[op[2] % len(orders)]
                new_qty = (target.orig_qty * op[3] / 10).quantize(D("0.001"))
                engine.amend_keep_priority(acct, target.symbol, new_qty, order_id=target.order_id)
        elif kind == "cancel":
            orders = engine.open_orders(acct)
            if orders:
                target = orders[op[2] % len(orders)]
                engine.cancel_order(acct, target.symbol, order_id=target.order_id)
        else:
            engine.cancel_all(acct, op[2])
    except SimError as err:
        assert err.code in (-2010, -2011, -1013, -2038, -1165, -1166, -1196, -1197), err


def check_invariants(engine: Engine, events: list[EngineEvent]) -> None:
    specs = engine.specs
    # conservation: nothing is created or destroyed, fees included
    totals: Counter[str] = Counter()
    for acct in ACCOUNTS:
        for asset, (free, locked) in engine.balances(acct).items():
            assert free >= 0 and locked >= 0, (acct, asset, free, locked)
            totals[asset] += free + locked
    for asset, start in START.items():
        assert totals[asset] + engine.commissions.get(asset, D(0)) == start * len(ACCOUNTS), asset

    levels: dict[tuple[str, str], dict[D, D]] = defaultdict(lambda: defaultdict(D))
    for acct in ACCOUNTS:
        need: Counter[str] = Counter()
        for o in engine.open_orders(acct):
            rules = specs[o.symbol].rules
            remaining = o.orig_qty - o.executed_qty - o.prevented_qty
            assert remaining > 0 or o.status == "PENDING_NEW", o
            assert o.status in ("NEW", "PARTIALLY_FILLED", "PENDING_NEW")
            if o.status == "PENDING_NEW" or (o.order_list_id >= 0 and o.working_time == -1):
                # an OTO leg not yet placed, or an OCO leg waiting for its trigger: holds nothing, off the book
                assert not o.is_working and o.book_qty == 0 and o.executed_qty == 0
                continue
            if o.side == "BUY":
                need[rules.quote_asset] += o.price * remaining  # 0 for a BUY stop-market: nothing held
            else:
                need[rules.base_asset] += remaining
            if o.working_time == -1:  # a conditional order waiting for its trigger: off the book
                assert o.type in ("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
                assert not o.is_working and o.book_qty == 0 and o.executed_qty == 0
                continue
            assert o.type not in ("STOP_LOSS", "TAKE_PROFIT"), "a triggered stop-market order never rests"
            if o.iceberg_qty > 0:
                assert 0 < o.book_qty <= min(o.iceberg_qty, remaining)
            else:
                assert o.book_qty == remaining
            levels[(o.symbol, "BID" if o.side == "BUY" else "ASK")][o.price] += o.book_qty
        for asset, (_, locked) in engine.balances(acct).items():
            assert locked == need[asset], (acct, asset)

    counts = Counter(e.symbol for e in events if isinstance(e, BookLevelChanged))
    for symbol in SYMBOLS:
        update_id, bids, asks = engine.depth(symbol, limit=1000)
        if bids and asks:
            assert bids[0][0] < asks[0][0], "crossed book"
        assert dict(bids) == dict(levels[(symbol, "BID")])
        assert dict(asks) == dict(levels[(symbol, "ASK")])
        assert [p for p, _ in bids] == sorted((p for p, _ in bids), reverse=True)
        assert [p for p, _ in asks] == sorted(p for p, _ in asks)
        assert update_id == engine.update_id(symbol) == counts[symbol]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_random_order_flow_keeps_invariants(sequence: list[tuple]) -> None:
    clock = iter(range(1_700_000_000_000, 1_800_000_000_000, 7))
    engine = Engine(default_specs(), lambda: next(clock))
    for acct in ACCOUNTS:
        engine.open_account(acct, START)
    events: list[EngineEvent] = []
    engine.subscribe(events.append)
    for op in sequence:
        run(engine, op)
        check_invariants(engine, events)
    # ids only ever grow and book update ids are consecutive per symbol
    per_symbol: dict[str, list[int]] = defaultdict(list)
    for e in events:
        if isinstance(e, BookLevelChanged):
            per_symbol[e.symbol].append(e.update_id)
    for ids in per_symbol.values():
        assert ids == list(range(1, len(ids) + 1))
    exec_ids = [e.execution_id for e in events if hasattr(e, "execution_id")]
    assert exec_ids == sorted(set(exec_ids))
    trade_ids = [e.trade_id for e in events if hasattr(e, "trade_id")]
    assert trade_ids == sorted(set(trade_ids))
