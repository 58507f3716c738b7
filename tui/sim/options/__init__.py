"""The simulator's European options venue (Binance options API, seed 002). See `venue`."""

from tui.sim.options.venue import OptionsVenue

__all__ = ["OptionsVenue"]
