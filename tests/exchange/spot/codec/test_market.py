"""Market codec: trades.recent / .historical rows, trades.aggregate rows, rolling-window and trading-day
tickers (FULL and MINI), ticker.price and myFilters from the documented shapes (web-socket-api.md), and
the trade, kline and 24hr ticker streams; malformed frames refused with a ValueError naming the message and the field, never a KeyError or
TypeError."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from typing import Any

import pytest

from tui.domain.spot.market import AggTrade, FilterRule, MarketTrade, PriceTicker
from tui.domain.spot.orders import Side
from tui.exchange.spot.codec import market as mc

# web-socket-api.md, trades.recent result row
TRADE: dict[str, Any] = {
    "id": 194686783, "price": "0.01361000", "qty": "0.01400000", "quoteQty": "0.00019054",
    "time": 1660009530807, "isBuyerMaker": True, "isBestMatch": True,
}  # fmt: skip

# web-socket-api.md, trades.aggregate result row
AGG: dict[str, Any] = {
    "a": 50000000, "p": "0.00274100", "q": "57.19000000", "f": 59120167, "l": 59120170,
    "T": 1565877971222, "m": True, "M": True,
}  # fmt: skip

# web-socket-api.md, ticker (FULL, one symbol)
FULL: dict[str, Any] = {
    "symbol": "BNBBTC", "priceChange": "0.00061500", "priceChangePercent": "4.735",
    "weightedAvgPrice": "0.01368242", "openPrice": "0.01298900", "highPrice": "0.01418800",
    "lowPrice": "0.01296000", "lastPrice": "0.01360400", "volume": "587179.23900000",
    "quoteVolume": "8034.03382165", "openTime": 1659580020000, "closeTime": 1660184865291,
    "firstId": 192977765, "lastId": 195365758, "count": 2387994,
}  # fmt: skip
MINI = {k: v for k, v in FULL.items() if k not in ("priceChange", "priceChangePercent", "weightedAvgPrice")}

# web-socket-api.md, myFilters result
FILTERS: dict[str, Any] = {
    "exchangeFilters": [{"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1000}],
    "symbolFilters": [
        {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 20},
        {"filterType": "PRICE_FILTER", "minPrice": "0.00000100", "maxPrice": "100000.00000000",
         "tickSize": "0.00000100"},
        {"filterType": "NOTIONAL", "minNotional": "0.00100000", "applyMinToMarket": True,
         "maxNotional": "10000.00000000", "applyMaxToMarket": False, "avgPriceMins": 5},
    ],
    "assetFilters": [{"filterType": "MAX_ASSET", "asset": "JPY", "limit": "1000000.00000000"}],
}  # fmt: skip


def test_documented_shapes() -> None:
    t = mc.market_trade_from_wire(TRADE)
    assert t == MarketTrade(194686783, D("0.01361000"), D("0.014"), D("0.00019054"), 1660009530807, True, True)
    assert t.aggressor is Side.SELL
    a = mc.agg_trade_from_wire(AGG)
    assert a == AggTrade(50000000, D("0.002741"), D("57.19"), 59120167, 59120170, 1565877971222, True, True)
    assert a.trade_count == 4

    full = mc.window_ticker_from_wire(FULL)
    assert not full.mini and full.price_change_percent == D("4.735") and full.weighted_avg_price == D("0.01368242")
    assert (full.open_time, full.close_time, full.first_id, full.last_id, full.count) == (
        1659580020000, 1660184865291, 192977765, 195365758, 2387994,
    )  # fmt: skip
    mini = mc.window_ticker_from_wire(MINI, "ticker.tradingDay")
    assert mini.mini and mini.price_change is None and mini.last_price == D("0.013604")
    assert mc.price_ticker_from_wire({"symbol": "BNBBTC", "price": "0.01361900"}) == PriceTicker(
        "BNBBTC", D("0.013619")
    )

    f = mc.account_filters_from_wire(FILTERS, "BNBBTC")
    assert f.exchange_filters == (FilterRule("EXCHANGE_MAX_NUM_ORDERS", {"maxNumOrders": 1000}),)
    price = f.symbol_filter("PRICE_FILTER")
    assert price is not None and price["tickSize"] == D("0.000001") and isinstance(price["maxPrice"], D)
    notional = f.symbol_filter("NOTIONAL")
    assert notional is not None and notional["applyMinToMarket"] is True and notional["avgPriceMins"] == 5
    assert f.max_asset("JPY") == D("1000000") and f.max_asset("USDC") is None
    assert f.asset_filters[0]["asset"] == "JPY"
    assert len({f.exchange_filters[0], FilterRule("EXCHANGE_MAX_NUM_ORDERS", {"maxNumOrders": 1000})}) == 1

    assert mc.rows([TRADE, TRADE], "trades.recent", mc.market_trade_from_wire) == [t, t]


def _without(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


def _with(d: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    return {**d, key: value}


MALFORMED = [
    pytest.param(mc.market_trade_from_wire, None, "trade", id="trade-null"),
    pytest.param(mc.market_trade_from_wire, [], "trade", id="trade-list"),
    pytest.param(mc.market_trade_from_wire, _without(TRADE, "price"), "'price'", id="trade-no-price"),
    pytest.param(mc.market_trade_from_wire, _with(TRADE, "price", 0.0136), "'price'", id="trade-float-price"),
    pytest.param(mc.market_trade_from_wire, _with(TRADE, "qty", "lots"), "'qty'", id="trade-text-qty"),
    pytest.param(mc.market_trade_from_wire, _with(TRADE, "isBuyerMaker", "yes"), "'isBuyerMaker'", id="trade-flag"),
    pytest.param(mc.market_trade_from_wire, _with(TRADE, "id", {"n": 1}), "'id'", id="trade-id-object"),
    pytest.param(mc.agg_trade_from_wire, _without(AGG, "a"), "'a'", id="agg-no-id"),
    pytest.param(mc.agg_trade_from_wire, _with(AGG, "q", None), "'q'", id="agg-null-qty"),
    pytest.param(mc.agg_trade_from_wire, _with(AGG, "T", "soon"), "'T'", id="agg-bad-time"),
    pytest.param(mc.agg_trade_from_wire, "a,p,q", "aggTrade", id="agg-string"),
    pytest.param(mc.window_ticker_from_wire, _without(FULL, "lastPrice"), "'lastPrice'", id="ticker-no-last"),
    pytest.param(mc.window_ticker_from_wire, _with(FULL, "priceChange", None), "'priceChange'", id="ticker-null-chg"),
    pytest.param(mc.window_ticker_from_wire, _with(MINI, "count", "many"), "'count'", id="ticker-bad-count"),
    pytest.param(mc.window_ticker_from_wire, _with(FULL, "volume", "NaN"), "'volume'", id="ticker-nan"),
    pytest.param(mc.price_ticker_from_wire, {"symbol": "BNBBTC"}, "'price'", id="price-missing"),
    pytest.param(mc.price_ticker_from_wire, {"symbol": "BNBBTC", "price": "Infinity"}, "'price'", id="price-inf"),
]


@pytest.mark.parametrize(("parse", "frame", "names"), MALFORMED)
def test_malformed_rows_raise_value_error(parse: Any, frame: Any, names: str) -> None:
    with pytest.raises(ValueError, match=names):
        parse(frame)


_DELETE = object()


def _filters_with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    frame = copy.deepcopy(FILTERS)
    target: Any = frame
    for key in path[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return frame


@pytest.mark.parametrize(
    ("frame", "names"),
    [
        pytest.param(None, "myFilters", id="null"),
        pytest.param([], "myFilters", id="list"),
        pytest.param(_filters_with(("assetFilters",), _DELETE), "'assetFilters'", id="no-asset-filters"),
        pytest.param(_filters_with(("symbolFilters",), {"filterType": "X"}), "symbolFilters", id="group-object"),
        pytest.param(_filters_with(("exchangeFilters",), [None]), "exchangeFilters", id="filter-null"),
        pytest.param(_filters_with(("symbolFilters",), [{"tickSize": "0.01"}]), "'filterType'", id="no-type"),
        pytest.param(_filters_with(("symbolFilters",), [{"filterType": "X", "v": [1]}]), "'v'", id="list-value"),
        pytest.param(_filters_with(("symbolFilters",), [{"filterType": "X", "v": 1.5}]), "'v'", id="float-value"),
    ],
)
def test_malformed_filters_raise_value_error(frame: Any, names: str) -> None:
    with pytest.raises(ValueError, match=names):
        mc.account_filters_from_wire(frame, "BNBBTC")


@pytest.mark.parametrize("result", [None, {"id": 1}, "[]", 3])
def test_list_answers_must_be_lists(result: Any) -> None:
    with pytest.raises(ValueError, match=r"trades\.recent: expected a list"):
        mc.rows(result, "trades.recent", mc.market_trade_from_wire)


def test_market_data() -> None:
    trade = mc.trade_from_stream(
        {"e": "trade", "E": 1, "s": "BNBBTC", "t": 12345, "p": "0.001", "q": "100", "T": 1672515782136, "m": True}
    )
    assert trade.trade_id == 12345 and trade.price == D("0.001") and trade.aggressor is Side.SELL
    row = [1655971200000, "0.01086000", "0.01086600", "0.01083600", "0.01083800", "2290.53800000",
           1655974799999, "24.85074442", 2283, "1171.64000000", "12.71225884", "0"]  # fmt: skip
    k = mc.kline_from_rest(row)
    assert k.open == D("0.01086") and k.close_time == 1655974799999 and k.closed
    ks = mc.kline_from_stream(
        {"e": "kline", "k": {"t": 1, "T": 2, "o": "1", "c": "2", "h": "3", "l": "0.5", "v": "10", "x": False}}
    )
    assert ks.high == D("3") and not ks.closed
    t = mc.ticker_from_stream(
        {
            "e": "24hrTicker",
            "s": "BNBBTC",
            "p": "0.0015",
            "P": "250.00",
            "c": "0.0025",
            "h": "0.0025",
            "l": "0.0010",
            "v": "10000",
            "q": "18",
        }
    )
    assert t.last_price == D("0.0025") and t.price_change_percent == D("250")
    tw = mc.ticker_from_ws(
        {
            "symbol": "BNBBTC",
            "priceChange": "0.000139",
            "priceChangePercent": "1.020",
            "lastPrice": "0.013767",
            "highPrice": "0.014149",
            "lowPrice": "0.013466",
            "volume": "69412.405",
            "quoteVolume": "959.59411487",
        }
    )
    assert tw.quote_volume == D("959.59411487")
