"""The simulator's European options venue (Binance options API, seed 002): `venue.OptionsVenue` and
the engine, market, REST routes and streams it assembles."""
