"""Public REST endpoints of the options venue against seed 002."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.sim.options.conftest import Rest, Venue, error, ok
from tui.domain.options.contracts import parse_option_symbol, year_fraction
from tui.domain.options.greeks import bs_greeks


async def test_ping_and_time(rest: Rest, venue: Venue) -> None:
    r = await rest.public("/api/v1/ping")
    assert r.json() == {"code": 0, "msg": "success"}
    assert ok(await rest.public("/api/v1/time")) == venue.clock()


async def test_option_info_and_exchange_info(rest: Rest, venue: Venue) -> None:
    info = ok(await rest.public("/api/v1/optionInfo"))
    assert len(info) == len(venue.venue.catalog.instruments) > 50
    row = info[0]
    assert set(row) == {"id", "contractId", "underlying", "quoteAsset", "symbol", "unit", "minQty", "side",
                        "leverage", "strikePrice", "expiryDate"}  # fmt: skip
    underlyings = {r["underlying"] for r in info}
    assert underlyings == {"BTCUSDT", "ETHUSDT"}
    for r in info:
        c = parse_option_symbol(r["symbol"])
        assert r["side"] == c.side.value and Decimal(str(r["strikePrice"])) == c.strike
        assert r["expiryDate"] == c.expiry_ms > venue.clock()
    expiries = {r["expiryDate"] for r in info if r["underlying"] == "BTCUSDT"}
    assert len(expiries) >= 4  # two dailies, two weeklies, a monthly (some may coincide)
    btc_strikes = sorted({r["strikePrice"] for r in info if r["underlying"] == "BTCUSDT"})
    assert btc_strikes[0] < 60123 < btc_strikes[-1]
    ex = ok(await rest.public("/api/v1/exchangeInfo"))
    assert ex["timezone"] == "UTC" and ex["serverTime"] == venue.clock()
    assert [c["underlying"] for c in ex["optionContracts"]] == ["BTCUSDT", "ETHUSDT"]
    assert ex["optionAssets"] == [{"id": 1, "name": "USDT"}]
    assert ex["optionSymbols"] == info


async def test_index_follows_spot(rest: Rest, venue: Venue) -> None:
    assert ok(await rest.public("/api/v1/index", underlying="BTCUSDT")) == {"indexPrice": "60123.45"}
    venue.index.prices["BTCUSDT"] = Decimal("61000.5")
    assert ok(await rest.public("/api/v1/index", underlying="BTCUSDT")) == {"indexPrice": "61000.5"}
    error(await rest.public("/api/v1/index", underlying="DOGEUSDT"), -1121)
    error(await rest.public("/api/v1/index"), -1102)


def _symbol(venue: Venue, underlying: str = "BTCUSDT", side: str = "C") -> str:
    """The nearest-expiry series closest to the money."""
    insts = [i for i in venue.venue.instruments() if i.underlying.name == underlying and i.symbol.endswith(side)]
    first = min(i.expiry_ms for i in insts)
    index = venue.index.prices[underlying]
    return min((i for i in insts if i.expiry_ms == first), key=lambda i: abs(i.contract.strike - index)).symbol


async def test_mark_matches_black_scholes(rest: Rest, venue: Venue) -> None:
    marks = ok(await rest.public("/api/v1/mark"))
    assert len(marks) == len(venue.venue.catalog.instruments)
    symbol = _symbol(venue)
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    assert set(m) == {"symbol", "markPrice", "bidIV", "askIV", "delta", "theta", "gamma", "vega",
                      "highPriceLimit", "lowPriceLimit"}  # fmt: skip
    c = parse_option_symbol(symbol)
    bid_iv, ask_iv = float(m["bidIV"]), float(m["askIV"])
    assert 0 < bid_iv < ask_iv < 3
    vol = venue.venue.marks.of(venue.venue.catalog.instruments[symbol]).vol
    assert bid_iv < vol < ask_iv
    t = year_fraction(venue.clock(), c.expiry_ms)
    g = bs_greeks(c.side, 60123.45, float(c.strike), t, vol)
    assert m["markPrice"] == pytest.approx(g.price, abs=2.5)  # rounded to the tick of 5
    assert m["markPrice"] % 5 == 0
    assert m["delta"] == pytest.approx(g.delta, abs=1e-7)
    assert m["gamma"] == pytest.approx(g.gamma, abs=1e-8)  # 8 decimals on the wire
    assert m["theta"] == pytest.approx(g.theta, rel=1e-6) and m["theta"] < 0  # per day
    assert m["vega"] == pytest.approx(g.vega, rel=1e-6) and m["vega"] > 0  # per vol point
    assert m["lowPriceLimit"] < m["markPrice"] < m["highPriceLimit"]


async def test_depth_has_quotes_around_mark(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue, "ETHUSDT", "P")
    depth = ok(await rest.public("/api/v1/depth", symbol=symbol, limit=5))
    assert set(depth) == {"bids", "asks"} and depth["bids"] and depth["asks"]
    bids = [Decimal(p) for p, _ in depth["bids"]]
    asks = [Decimal(p) for p, _ in depth["asks"]]
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks) and bids[0] < asks[0]
    (m,) = ok(await rest.public("/api/v1/mark", symbol=symbol))
    assert bids[0] <= Decimal(str(m["markPrice"])) <= asks[0]
    error(await rest.public("/api/v1/depth", symbol=symbol, limit=7), -1130)
    error(await rest.public("/api/v1/depth", symbol="BTCUSDT-200730-9000-C"), -1121)
    error(await rest.public("/api/v1/depth"), -1102)


async def test_trades_klines_ticker_after_a_trade(rest: Rest, venue: Venue) -> None:
    symbol = _symbol(venue)
    empty = ok(await rest.public("/api/v1/ticker", symbol=symbol))
    assert empty[0]["tradeCount"] == 0 and empty[0]["strikePrice"] == symbol.split("-")[2]
    assert ok(await rest.public("/api/v1/trades", symbol=symbol)) == []
    await rest.data("POST", "/api/v1/order", {"symbol": symbol, "side": "BUY", "type": "MARKET", "quantity": "0.05"})
    venue.clock.advance(1000)
    await rest.data("POST", "/api/v1/order", {"symbol": symbol, "side": "SELL", "type": "MARKET", "quantity": "0.02"})
    trades = ok(await rest.public("/api/v1/trades", symbol=symbol))
    assert [t["side"] for t in trades] == [1, -1]
    assert trades[0]["qty"] == "0.05" and trades[1]["qty"] == "-0.02"
    assert Decimal(trades[1]["quoteQty"]) == Decimal(trades[1]["qty"]) * Decimal(trades[1]["price"])
    assert trades[0]["time"] < trades[1]["time"]
    (tk,) = ok(await rest.public("/api/v1/ticker", symbol=symbol))
    assert tk["tradeCount"] == 2 and tk["volume"] == "0.07" and tk["lastPrice"] == trades[1]["price"]
    assert tk["open"] == trades[0]["price"] and tk["firstTradeId"] == trades[0]["id"]
    bars = ok(await rest.public("/api/v1/klines", symbol=symbol, interval="1h"))
    assert len(bars) == 1 and bars[0]["tradeCount"] == 2 and bars[0]["interval"] == "1h"
    assert bars[0]["takerVolume"] == "0.05" and bars[0]["volume"] == "0.07"
    assert bars[0]["openTime"] % 3_600_000 == 0 and bars[0]["closeTime"] == bars[0]["openTime"] + 3_599_999
    error(await rest.public("/api/v1/klines", symbol=symbol, interval="7m"), -1120)
    error(await rest.public("/api/v1/historicalTrades", symbol=symbol), -2014, 401)
    r = await rest.http.get("/api/v1/historicalTrades", params={"symbol": symbol, "fromId": trades[1]["id"]},
                            headers={"X-MBX-APIKEY": "optionsTestKey0123456789"})  # fmt: skip
    assert ok(r) == trades[1:]
    r = await rest.http.get("/api/v1/historicalTrades", params={"symbol": symbol}, headers={"X-MBX-APIKEY": "nope"})
    error(r, -2015, 401)
