"""Widgets of the spot dashboard and history: book, chart, tape, open orders, balances, history tables."""
