"""Widgets every screen shares: the header bar (venue, symbol, ticker) and the status bar."""
