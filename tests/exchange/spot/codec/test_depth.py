"""Codec: Depth snapshots and diffs; malformed levels -> ValueError."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.exchange.spot.codec.depth import depth_diff_from_stream, snapshot_from_rest

D = Decimal


def test_depth() -> None:
    diff = depth_diff_from_stream(
        {"e": "depthUpdate", "E": 1, "s": "BNBBTC", "U": 157, "u": 160, "b": [["0.0024", "10"]], "a": [["0.0026", "0"]]}
    )
    assert (diff.first_update_id, diff.final_update_id) == (157, 160)
    assert diff.bids == ((D("0.0024"), D("10")),) and diff.asks == ((D("0.0026"), D("0")),)
    snap = snapshot_from_rest({"lastUpdateId": 2731179239, "bids": [["0.013799", "3.432"]], "asks": []})
    assert snap.last_update_id == 2731179239 and snap.bids[0][0] == D("0.013799")


@pytest.mark.parametrize(
    "bad",
    [
        {"U": 1, "b": [], "a": []},
        {"U": 5, "u": 4, "b": [], "a": []},
        {"U": 1, "u": 2, "b": [["x", "1"]], "a": []},
        {"U": 1, "u": 2, "b": [["1"]], "a": []},
        {"U": 1, "u": 2, "b": "nope", "a": []},
        "not a dict",
    ],
)
def test_depth_malformed(bad: object) -> None:
    with pytest.raises(ValueError):
        depth_diff_from_stream(bad)
