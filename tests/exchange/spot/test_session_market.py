"""Session market-data and filter methods against the simulator: public trades, aggregate trades,
uiKlines, rolling-window / trading-day / price tickers and myFilters, as domain values with Decimals.

Trades come from the demo account buying the market makers' asks; `my_trades` (our own fills) is
what the public answers are compared with."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.account import AccountTrade
from tui.domain.spot.market import AccountFilters, AggTrade, Kline, MarketTrade, PriceTicker, WindowTicker
from tui.domain.spot.orders import OrderRequest, OrderType, Side
from tui.exchange.errors import ExchangeError
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session

pytestmark = pytest.mark.timeout(30)

SYMBOL = "BTCUSDT"
DAY = 86_400_000


@pytest.fixture
async def session(quiet_sim: Any, keys_dir: Any, endpoints_of: Any) -> Any:
    s = Session(endpoints_of(quiet_sim), load_demo_signer(keys_dir, "ed25519"))
    await s.start()
    yield s
    await s.close()


async def buy(session: Session, qty: str = "0.01") -> list[AccountTrade]:
    """A MARKET buy from the demo account; its fills as myTrades reports them."""
    before = {t.id for t in await session.account.my_trades(SYMBOL)}
    order = await session.orders.place_order(OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, quantity=D(qty)))
    assert order.status == "FILLED"
    fills = [t for t in await session.account.my_trades(SYMBOL) if t.id not in before]
    assert fills
    return fills


async def test_recent_and_historical_trades_are_our_fills(session: Session) -> None:
    fills = await buy(session)
    recent = await session.market.recent_trades(SYMBOL, limit=len(fills))
    assert all(isinstance(t, MarketTrade) for t in recent)
    assert [(t.trade_id, t.price, t.qty, t.quote_qty) for t in recent] == [
        (f.id, f.price, f.qty, f.quote_qty) for f in fills
    ]
    assert all(isinstance(t.price, D) and t.aggressor is Side.BUY and t.best_match for t in recent)
    assert (await session.market.recent_trades(SYMBOL))[-len(fills) :] == recent

    more = await buy(session)
    history = await session.market.historical_trades(SYMBOL, from_id=fills[0].id)
    assert [t.trade_id for t in history] == [f.id for f in fills + more]
    assert [t.trade_id for t in await session.market.historical_trades(SYMBOL, limit=1)] == [more[-1].id]


async def test_agg_trades(session: Session) -> None:
    fills = await buy(session)
    aggs = await session.market.agg_trades(SYMBOL, limit=1)
    assert len(aggs) == 1 and isinstance(aggs[0], AggTrade)
    last = aggs[0]
    assert last.last_trade_id == fills[-1].id and last.price == fills[-1].price and not last.buyer_is_maker
    assert last.qty == sum((f.qty for f in fills if f.id >= last.first_trade_id), D(0))
    assert last.trade_count == last.last_trade_id - last.first_trade_id + 1
    assert await session.market.agg_trades(SYMBOL, from_id=last.agg_id) == [last]
    assert last in await session.market.agg_trades(SYMBOL, start_time=last.time, end_time=last.time)
    with pytest.raises(ExchangeError) as err:
        await session.market.agg_trades(SYMBOL, from_id=last.agg_id, start_time=last.time)
    assert err.value.code == -1128


async def test_ui_klines(session: Session) -> None:
    await buy(session)
    ui = await session.market.ui_klines(SYMBOL, "1m", limit=5)
    assert len(ui) == 5 and all(isinstance(k, Kline) and isinstance(k.close, D) for k in ui)
    assert [k.open_time for k in ui] == [k.open_time for k in await session.market.klines(SYMBOL, "1m", limit=5)]
    zoned = await session.market.ui_klines(SYMBOL, "1d", time_zone="8")
    assert zoned and all((k.open_time + 8 * 3_600_000) % DAY == 0 for k in zoned)
    assert zoned[-1].close == ui[-1].close
    with pytest.raises(ExchangeError) as err:
        await session.market.ui_klines(SYMBOL, "1m", time_zone="+15")
    assert err.value.code == -1130


async def test_rolling_tickers(session: Session) -> None:
    fills = await buy(session)
    t = await session.market.rolling_ticker(SYMBOL, "5m")
    assert isinstance(t, WindowTicker) and not t.mini and t.symbol == SYMBOL
    assert t.last_price == fills[-1].price and t.last_id == fills[-1].id
    assert t.price_change == t.last_price - t.open_price and isinstance(t.price_change_percent, D)
    assert t.volume >= sum((f.qty for f in fills), D(0)) and t.open_time % 60_000 == 0
    mini = await session.market.rolling_ticker(SYMBOL, "5m", mini=True)
    assert mini.mini and mini.weighted_avg_price is None and mini.last_price == t.last_price
    both = await session.market.rolling_tickers(["ETHUSDT", SYMBOL], "2h")
    assert [x.symbol for x in both] == ["ETHUSDT", SYMBOL] and both[1].last_price == t.last_price
    with pytest.raises(ExchangeError) as err:
        await session.market.rolling_ticker(SYMBOL, "60m")
    assert err.value.code == -1130


async def test_trading_day_tickers(session: Session) -> None:
    fills = await buy(session)
    day = await session.market.trading_day_ticker(SYMBOL)
    assert day.open_time % DAY == 0 and day.close_time == day.open_time + DAY - 1
    assert day.last_price == fills[-1].price and not day.mini
    zoned = await session.market.trading_day_tickers([SYMBOL, "BNBUSDT"], time_zone="-5:30", mini=True)
    assert [x.symbol for x in zoned] == [SYMBOL, "BNBUSDT"] and all(x.mini for x in zoned)
    assert all((x.open_time - 330 * 60_000) % DAY == 0 for x in zoned)


async def test_price_tickers(session: Session, quiet_sim: Any) -> None:
    fills = await buy(session)
    price = await session.market.ticker_price(SYMBOL)
    assert price == PriceTicker(SYMBOL, fills[-1].price) and isinstance(price.price, D)
    every = await session.market.ticker_prices()
    assert [p.symbol for p in every] == list(quiet_sim.engine.specs)
    assert [p.symbol for p in await session.market.ticker_prices(["BNBUSDT", SYMBOL])] == ["BNBUSDT", SYMBOL]
    with pytest.raises(ExchangeError) as err:
        await session.market.ticker_price("NOPEUSDT")
    assert err.value.code == -1121


async def test_my_filters(session: Session) -> None:
    filters = await session.account.my_filters(SYMBOL)
    assert isinstance(filters, AccountFilters) and filters.symbol == SYMBOL
    rules = session.rules[SYMBOL]
    price_filter = filters.symbol_filter("PRICE_FILTER")
    assert price_filter is not None and price_filter["tickSize"] == rules.tick_size
    lot = filters.symbol_filter("LOT_SIZE")
    assert lot is not None and lot["stepSize"] == rules.step_size and isinstance(lot["minQty"], D)
    notional = filters.symbol_filter("NOTIONAL")
    assert notional is not None and notional["applyMinToMarket"] is True and notional["avgPriceMins"] == 5
    assert filters.exchange_filters == () and filters.asset_filters == () and filters.max_asset("BTC") is None
