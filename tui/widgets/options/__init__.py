"""Widgets of the options desk: the chain with greeks, and the account summary, positions and orders."""
