"""Order book depth on the wire: the `depth` snapshot and `depthUpdate` diffs -> `tui.domain.order_book`
values. No I/O."""

from __future__ import annotations

from typing import Any

from tui.domain.money import to_decimal
from tui.domain.order_book import DepthDiff, DepthSnapshot, Level
from tui.exchange.wire_readers import expect_object, field, int_field


def _levels(raw: Any, what: str) -> tuple[Level, ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{what}: levels must be a list")
    out: list[Level] = []
    for level in raw:
        if not isinstance(level, (list, tuple)) or len(level) < 2:
            raise ValueError(f"{what}: bad level {level!r}")
        try:
            out.append((to_decimal(level[0]), to_decimal(level[1])))
        except (ValueError, TypeError):
            raise ValueError(f"{what}: bad level {level!r}") from None
    return tuple(out)


def depth_diff_from_stream(d: Any) -> DepthDiff:
    """A `depthUpdate` payload: first (U) and final (u) update id and the changed levels."""
    what = "depthUpdate"
    e = expect_object(d, what)
    first, final = int_field(e, "U", what), int_field(e, "u", what)
    if final < first:
        raise ValueError(f"{what}: final update id {final} < first {first}")
    return DepthDiff(
        first_update_id=first,
        final_update_id=final,
        bids=_levels(field(e, "b", what), f"{what} bids"),
        asks=_levels(field(e, "a", what), f"{what} asks"),
    )


def snapshot_from_rest(d: Any) -> DepthSnapshot:
    """A `depth` result (REST /api/v3/depth or WS API `depth`)."""
    what = "depth snapshot"
    s = expect_object(d, what)
    return DepthSnapshot(
        last_update_id=int_field(s, "lastUpdateId", what),
        bids=_levels(field(s, "bids", what), f"{what} bids"),
        asks=_levels(field(s, "asks", what), f"{what} asks"),
    )
