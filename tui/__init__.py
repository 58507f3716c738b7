"""A keyboard-driven terminal trading console for Binance, with an embedded exchange simulator."""

__version__ = "0.1.0"
