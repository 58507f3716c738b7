"""Pure translation between the spot venue's wire dicts and domain values, one module per idea. No I/O.

exchange_info (symbol rules), orders, lists (order lists), amendments (cancel-replace, amend),
account, user_events (the user data stream), depth, market (trades, klines, tickers, filters) and
sor (Smart Order Routing). They read untrusted values through `tui.exchange.wire_readers`.
"""
