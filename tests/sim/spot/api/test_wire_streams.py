"""Market stream event shapes: field order as web-socket-streams.md lists it (clients are tested against
these bytes)."""

from __future__ import annotations

from tui.sim.spot.api.wire_streams import mini_ticker_event, ticker_event

ROW = {
    "symbol": "BTCUSDT",
    "priceChange": "1.00000000",
    "priceChangePercent": "0.010",
    "weightedAvgPrice": "100.50000000",
    "prevClosePrice": "99.00000000",
    "lastPrice": "101.00000000",
    "lastQty": "0.10000000",
    "bidPrice": "100.90000000",
    "bidQty": "1.00000000",
    "askPrice": "101.10000000",
    "askQty": "2.00000000",
    "openPrice": "100.00000000",
    "highPrice": "102.00000000",
    "lowPrice": "99.50000000",
    "volume": "10.00000000",
    "quoteVolume": "1005.00000000",
    "openTime": 1,
    "closeTime": 2,
    "firstId": 3,
    "lastId": 4,
    "count": 2,
}


def test_ticker_event_fields_in_binance_order() -> None:
    event = ticker_event(ROW, 7)
    assert list(event) == list("eEspPwxcQbBaAohlvqOCFLn")
    assert (event["e"], event["E"], event["c"], event["b"], event["n"]) == ("24hrTicker", 7, "101.00000000",
                                                                          "100.90000000", 2)  # fmt: skip


def test_mini_ticker_event_fields_in_binance_order() -> None:
    event = mini_ticker_event(ROW, 7)
    assert event == {
        "e": "24hrMiniTicker",
        "E": 7,
        "s": "BTCUSDT",
        "c": "101.00000000",
        "o": "100.00000000",
        "h": "102.00000000",
        "l": "99.50000000",
        "v": "10.00000000",
        "q": "1005.00000000",
    }
    assert list(event) == list("eEscohlvq")
