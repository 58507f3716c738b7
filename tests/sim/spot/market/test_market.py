"""Market data (klines, aggTrades, 24h ticker) and the synthetic market of other participants."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from tui.sim.spot.market.data import MarketData
from tui.sim.spot.market.participants import MAKERS, TAKER, SyntheticMarket
from tui.sim.spot.market.records import INTERVALS, AggTradeExecuted, KlineBar, KlineUpdated, MarketDataEvent
from tui.sim.spot.matching.engine import BookLevelChanged, Engine, EngineEvent, PlaceResult, SimError, TradeExecuted
from tui.sim.spot.symbols import START_PRICES, default_specs

T0 = 1_700_000_040_000  # a minute boundary
BIG = {"USDT": D("10000000"), "BTC": D("1000"), "ETH": D("1000"), "BNB": D("1000")}


class Clock:
    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(clock: Clock) -> Engine:
    eng = Engine(default_specs(), clock)
    for acct in ("a", "b"):
        eng.open_account(acct, BIG)
    return eng


@pytest.fixture
def md(engine: Engine) -> MarketData:
    return MarketData(engine)


def sell(engine: Engine, price: str, qty: str) -> int:
    res = engine.place_order("a", "BTCUSDT", "SELL", "LIMIT", price=D(price), quantity=D(qty), time_in_force="GTC")
    return res.order.order_id


def buy_market(engine: Engine, qty: str) -> None:
    engine.place_order("b", "BTCUSDT", "BUY", "MARKET", quantity=D(qty))


# -- MarketData --------------------------------------------------------------------------------


def test_klines_from_trades(engine: Engine, md: MarketData, clock: Clock) -> None:
    sell(engine, "60000", "1")
    sell(engine, "60010", "1")
    clock.now = T0 + 1_500
    buy_market(engine, "0.5")
    clock.now = T0 + 30_000
    buy_market(engine, "0.7")  # 0.5 at 60000, 0.2 at 60010
    engine.place_order("a", "BTCUSDT", "SELL", "MARKET", quantity=D("0.1"))  # no bids: nothing
    engine.place_order("b", "BTCUSDT", "BUY", "LIMIT", price=D("59000"), quantity=D("0.1"), time_in_force="GTC")
    clock.now = T0 + 61_000
    engine.place_order("a", "BTCUSDT", "SELL", "MARKET", quantity=D("0.1"))  # taker sells at 59000
    (first, second) = md.klines("BTCUSDT", "1m")
    assert (first.open_time, first.close_time) == (T0, T0 + 59_999)
    assert (first.open, first.high, first.low, first.close) == (D("60000"), D("60010"), D("60000"), D("60010"))
    assert first.volume == D("1.2") and first.trades == 3
    assert first.quote_volume == D("60000") * D("1.0") + D("60010") * D("0.2")
    assert first.taker_buy_volume == D("1.2") and first.closed
    assert (first.first_trade_id, first.last_trade_id) == (1, 3)
    assert second.open_time == T0 + 60_000 and second.close == D("59000") and not second.closed
    assert second.taker_buy_volume == 0 and second.volume == D("0.1")
    hour = md.klines("BTCUSDT", "1h")
    assert len(hour) == 1 and hour[0].open_time == T0 - T0 % 3_600_000 and hour[0].trades == 4
    secs = md.klines("BTCUSDT", "1s", start_time=T0)
    assert secs[0].open_time == T0 + 1000 and secs[0].volume == D("0.5")
    # the seconds without trades in between are flat klines at the previous close
    assert secs[1].open_time == T0 + 2000 and secs[1].volume == 0 and secs[1].close == D("60000")
    assert md.klines("BTCUSDT", "1s", limit=2) == secs[-2:]
    with pytest.raises(SimError) as err:
        md.klines("BTCUSDT", "7m")
    assert err.value.code == -1120


def test_agg_trades_and_events(engine: Engine, md: MarketData, clock: Clock) -> None:
    seen: list[MarketDataEvent] = []
    md.subscribe(seen.append)
    sell(engine, "60000", "0.1")
    sell(engine, "60000", "0.2")
    sell(engine, "60001", "0.3")
    raw: list[EngineEvent] = []
    engine.subscribe(raw.append)
    buy_market(engine, "0.5")
    aggs = [e.trade for e in seen if isinstance(e, AggTradeExecuted)]
    assert [(a.price, a.qty, a.first_trade_id, a.last_trade_id) for a in aggs] == [
        (D("60000"), D("0.3"), 1, 2),
        (D("60001"), D("0.2"), 3, 3),
    ]
    assert [a.agg_id for a in aggs] == [1, 2] and not aggs[0].buyer_is_maker
    assert md.agg_trades("BTCUSDT") == aggs
    assert md.agg_trades("BTCUSDT", from_id=2) == aggs[1:]
    assert [t.trade_id for t in md.recent_trades("BTCUSDT")] == [1, 2, 3]
    # klines are published once per interval per taker order, not per fill
    updates = [e for e in seen if isinstance(e, KlineUpdated)]
    assert sorted(u.interval for u in updates) == sorted(INTERVALS)
    assert all(u.kline.volume == D("0.5") for u in updates)
    assert sum(isinstance(e, TradeExecuted) for e in raw) == 3
    # a second taker order at the same price is a new aggregate
    sell(engine, "60001", "0.1")
    buy_market(engine, "0.05")
    assert md.agg_trades("BTCUSDT")[-1].agg_id == 3


def test_tick_closes_and_opens_klines(engine: Engine, md: MarketData, clock: Clock) -> None:
    sell(engine, "60000", "1")
    buy_market(engine, "0.1")
    seen: list[MarketDataEvent] = []
    md.subscribe(seen.append)
    md.tick(T0 + 60_500)
    closed = [e.kline for e in seen if isinstance(e, KlineUpdated) and e.interval == "1m"]
    assert [(k.open_time, k.closed) for k in closed] == [(T0, True), (T0 + 60_000, False)]
    assert closed[1].volume == 0 and closed[1].open == D("60000")
    seen.clear()
    md.tick(T0 + 60_700)  # nothing new for 1m (same second too)
    assert not [e for e in seen if isinstance(e, KlineUpdated) and e.interval == "1m"]


def test_ticker_24h_and_avg_price(engine: Engine, md: MarketData, clock: Clock) -> None:
    sell(engine, "100", "1")
    sell(engine, "110", "1")
    engine.place_order("b", "BTCUSDT", "BUY", "LIMIT", price=D("90"), quantity=D("1"), time_in_force="GTC")
    buy_market(engine, "1")  # at 100
    clock.now += 120_000
    buy_market(engine, "0.5")  # at 110
    t = md.ticker_24h("BTCUSDT")
    assert t["openPrice"] == D("100") and t["lastPrice"] == D("110") and t["lastQty"] == D("0.5")
    assert t["priceChange"] == D("10") and t["priceChangePercent"] == D("10.000")
    assert t["highPrice"] == D("110") and t["lowPrice"] == D("100")
    assert t["volume"] == D("1.5") and t["quoteVolume"] == D("155")
    assert t["weightedAvgPrice"] == (D("155") / D("1.5")).quantize(D("0.00000001"))
    assert (t["bidPrice"], t["bidQty"], t["askPrice"], t["askQty"]) == (D("90"), D("1"), D("110"), D("0.5"))
    assert (t["firstId"], t["lastId"], t["count"]) == (1, 2, 2)
    assert t["closeTime"] == clock.now and t["openTime"] == clock.now - 86_400_000
    assert md.avg_price("BTCUSDT") == (D("155") / D("1.5")).quantize(D("0.00000001"))
    assert md.avg_price("BTCUSDT", minutes=1) == D("110")
    # a day later the window is empty: no volume, open = last
    later = md.ticker_24h("BTCUSDT", now_ms=clock.now + 2 * 86_400_000)
    assert later["volume"] == 0 and later["priceChange"] == 0 and later["count"] == 0


def test_backfill_feeds_longer_intervals(engine: Engine, md: MarketData) -> None:
    def bar(t: int, o: str, h: str, lo: str, c: str, v: str) -> KlineBar:
        return KlineBar("ETHUSDT", "1m", t, t + 59_999, D(o), D(h), D(lo), D(c), D(v), D(v) * D(c), 3, D(0), D(0))

    base = T0 - T0 % 300_000
    md.backfill(
        "ETHUSDT",
        [
            bar(base, "1", "3", "1", "2", "1"),
            bar(base + 60_000, "2", "4", "0.5", "3", "2"),
            bar(base + 300_000, "3", "3", "3", "3", "1"),
        ],
    )
    five = md.klines("ETHUSDT", "5m")
    assert [(k.open, k.high, k.low, k.close, k.volume, k.trades) for k in five] == [
        (D("1"), D("4"), D("0.5"), D("3"), D("3"), 6),
        (D("3"), D("3"), D("3"), D("3"), D("1"), 3),
    ]
    assert five[0].closed and not five[1].closed
    assert len(md.klines("ETHUSDT", "1m")) == 6  # gap minutes are flat klines
    assert md.klines("ETHUSDT", "1s") == []
    assert md.last_price("ETHUSDT") == D("3")


# -- SyntheticMarket ----------------------------------------------------------------------------


def run_market(seed: int, steps: int, *, backfill: bool = False) -> tuple[Engine, MarketData, SyntheticMarket, list]:
    clock = Clock(1_700_000_000_000)
    engine = Engine(default_specs(), clock)
    md = MarketData(engine)
    market = SyntheticMarket(engine, md, seed=seed)
    events: list[EngineEvent] = []
    engine.subscribe(events.append)
    if backfill:
        market.backfill(clock.now, hours=2)
    for _ in range(steps):
        clock.now += 100
        market.step(clock.now)
        for symbol in engine.specs:
            _, bids, asks = engine.depth(symbol, limit=1000)
            assert bids and asks and bids[0][0] < asks[0][0], symbol
    return engine, md, market, events


def test_market_is_deterministic_for_a_seed() -> None:
    e1, _, _, ev1 = run_market(7, 150)
    e2, _, _, ev2 = run_market(7, 150)
    e3, _, _, _ = run_market(8, 150)
    assert ev1 == ev2
    assert all(e1.depth(s) == e2.depth(s) for s in e1.specs)
    assert any(e1.depth(s)[1:] != e3.depth(s)[1:] for s in e1.specs)


def test_market_keeps_a_live_two_sided_book() -> None:
    engine, md, _, events = run_market(3, 400)
    for symbol, spec in engine.specs.items():
        rules = spec.rules
        _, bids, asks = engine.depth(symbol, limit=1000)
        assert len(bids) >= 10 and len(asks) >= 10
        assert bids[0][0] < asks[0][0]
        for price, qty in bids + asks:
            assert price % rules.tick_size == 0 and qty % rules.step_size == 0 and qty > 0
        trades = [e for e in events if isinstance(e, TradeExecuted) and e.symbol == symbol]
        assert len(trades) >= 10, symbol
        start = START_PRICES[symbol]
        assert all(start * D("0.9") < t.price < start * D("1.1") for t in trades)
        spread = (asks[0][0] - bids[0][0]) / bids[0][0]
        assert spread < D("0.001")
        assert engine.update_id(symbol) == sum(
            1 for e in events if isinstance(e, BookLevelChanged) and e.symbol == symbol
        )
        assert md.klines(symbol, "1s")
    # the synthetic participants keep no history beyond their open orders
    for account in (*MAKERS, TAKER):
        assert engine.all_orders(account, "BTCUSDT", limit=1000) == engine.open_orders(account, "BTCUSDT")
        assert engine.my_trades(account, "BTCUSDT") == []
    # and the book changes a little at a time, not wholesale every step
    changes = sum(1 for e in events if isinstance(e, BookLevelChanged)) / 400 / len(engine.specs)
    assert changes < 40


def test_market_backfill_gives_chart_history() -> None:
    engine, md, _, _ = run_market(5, 50, backfill=True)
    for symbol in engine.specs:
        minutes = md.klines(symbol, "1m", limit=1000)
        assert len(minutes) >= 2 * 60
        assert all(b.open_time % 60_000 == 0 for b in minutes)
        assert len(md.klines(symbol, "1s", limit=1000)) == 1000
        assert len(md.klines(symbol, "1h", limit=1000)) >= 2
        prev = minutes[0]
        for bar in minutes[1:]:
            assert bar.open_time == prev.open_time + 60_000
            assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
            prev = bar
        # live trading continues from where the history ends, without a jump
        last = engine.last_price(symbol)
        assert last is not None
        history_close = md.klines(symbol, "1s", end_time=1_700_000_000_000 - 1000)[-1].close
        assert abs(last - history_close) / history_close < D("0.01")
        ticker = md.ticker_24h(symbol)
        assert ticker["volume"] > 0 and ticker["count"] > 0


def test_market_sends_the_engine_only_rounded_decimals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fair-value model runs on floats; nothing float may reach `place_order`."""
    sent: list[dict[str, object]] = []
    real = Engine.place_order

    def recording(self: Engine, *args: Any, **kwargs: Any) -> PlaceResult:
        sent.append({"symbol": args[1], **kwargs})
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "place_order", recording)
    engine, _, _, _ = run_market(11, 200)
    assert {k for call in sent for k in call} >= {"price", "quantity", "quote_order_qty"}
    for call in sent:
        rules = engine.specs[str(call["symbol"])].rules
        for name, step in (("price", rules.tick_size), ("quantity", rules.step_size)):
            value = call.get(name)
            if value is not None:
                assert type(value) is D and value % step == 0, (name, value)
        quote = call.get("quote_order_qty")
        if quote is not None:
            assert type(quote) is D and quote == quote.quantize(D("0.01"))
