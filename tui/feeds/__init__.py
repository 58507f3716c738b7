"""The one bridge from exchange to UI: feeds turn stream events into coalesced snapshot messages.

`spot` feeds the dashboard (market data of one symbol, the account's orders and balances);
`options` feeds the options screen (the chain with greeks, positions, orders, account).
"""
