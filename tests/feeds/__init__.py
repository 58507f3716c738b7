"""Tests of tui/feeds: the shared publish loop without sockets; the feeds themselves run in tests/ui."""
