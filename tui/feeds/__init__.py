"""The one bridge from exchange to UI: feeds turn stream events into coalesced snapshot messages.

`coalesce` is the publish loop they share (latest state, at most `PUBLISH_HZ` posts a second);
`spot` feeds the dashboard (market data of one symbol, the account's orders and balances);
`options` feeds the options screen (the chain with greeks, positions, orders, account);
`exports` feeds the export screen (the futures export jobs the app's `JobManager` runs).
"""
