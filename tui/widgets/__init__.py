"""Widgets: they render the snapshots and values they are given; no I/O, no feeds, no workers.

Grouped like the screens: `common/` (header and status bars), `spot/`, `options/`, `exports/`.
"""
