"""The simulator's USD-M futures venue (`fapi` host): `venue.FuturesVenue`, the account history and its
asynchronous CSV exports."""
