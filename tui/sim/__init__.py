"""The embedded exchange: matching engine, market data, synthetic market, and the servers around them.

Imports only `tui.domain` and the standard library (servers may also use aiohttp/cryptography), so the
simulator and the client never share protocol code by accident.
"""
