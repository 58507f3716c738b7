"""`OptionsVenue`: the European options host of the simulator (seed 002), as one aiohttp app.

It lists BTCUSDT and ETHUSDT options (`instruments`), follows the spot simulator's price as index
(`index_price`, a callable so the venue never touches the spot engine), marks them with
Black-Scholes and a smile (`pricing`), runs a market maker and a taker on them (`participants`),
keeps their public trades, klines and tickers (`market_data`), matches orders (`engine`), and
settles expired series at intrinsic value against the index. REST routes are in `rest`, streams in
`streams`. `app()` returns the aiohttp application; its startup lists the series and quotes them,
and, with `run_market`, steps the market every `step_seconds`. Tests may drive the clock themselves
and call `step()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from aiohttp import web

from tui.domain.options.contracts import implied_vol_decimal
from tui.sim.options import wire
from tui.sim.options.engine import OptionsEngine
from tui.sim.options.instruments import QUOTE_ASSET, Catalog, Instrument
from tui.sim.options.listen_keys import VALIDITY_MS, ListenKeys
from tui.sim.options.market_data import OptionsMarketData
from tui.sim.options.participants import OptionsMarket
from tui.sim.options.pricing import IV_HALF_SPREAD, MarkInfo, Marks
from tui.sim.options.rest import OptionsRest
from tui.sim.options.streams import OptionsStreams
from tui.sim.protocol.auth import KeyRegistry

log = logging.getLogger(__name__)
DEMO_ACCOUNT = "demo"
DEMO_OPTIONS_BALANCE = Decimal(10000)


class OptionsVenue:
    def __init__(
        self,
        *,
        registry: KeyRegistry,
        clock_ms: Callable[[], int],
        index_price: Callable[[str], Decimal | None],
        seed: int = 1,
        run_market: bool = True,
        step_seconds: float = 0.2,
        stream_tick_seconds: float = 0.5,
        ws_ping_interval: float = 20.0,
        listen_key_validity_ms: int = VALIDITY_MS,
        accounts: dict[str, Decimal] | None = None,
    ) -> None:
        self.registry = registry
        self.clock_ms = clock_ms
        self._index_price = index_price
        self.run_market = run_market
        self.step_seconds = step_seconds
        self.catalog = Catalog()
        self._last_index = {u.name: u.default_index for u in self.catalog.underlyings.values()}
        self.marks = Marks(self.index, clock_ms)
        self.engine = OptionsEngine(self.catalog, self.marks, clock_ms)
        self.market_data = OptionsMarketData()
        self.engine.subscribe(self.market_data.on_event)
        self.market = OptionsMarket(self.engine, seed)
        self.listen_keys = ListenKeys(clock_ms, listen_key_validity_ms)
        for account, balance in (accounts or {DEMO_ACCOUNT: DEMO_OPTIONS_BALANCE}).items():
            self.engine.open_account(account, balance)
        self.streams = OptionsStreams(self, ws_ping_interval, stream_tick_seconds)
        self._task: asyncio.Task[None] | None = None

    # -- market state -----------------------------------------------------------------------------

    def index(self, underlying: str) -> Decimal:
        """The index of `underlying`: the spot price, or the last one seen if spot has none."""
        try:
            price = self._index_price(underlying)
        except Exception:
            price = None
        if price is not None and price > 0:
            self._last_index[underlying] = price
        return self._last_index[underlying]

    def instruments(self) -> list[Instrument]:
        return sorted(self.catalog.instruments.values(), key=lambda i: i.id)

    def step(self, now_ms: int | None = None, *, trade: bool = True) -> None:
        """List new expiries, settle expired ones, then (with `trade`) let the market maker and taker act."""
        now = self.clock_ms() if now_ms is None else now_ms
        listed, expired = self.catalog.refresh(now, self.index)
        for inst in expired:
            self.engine.settle(inst, self.index(inst.underlying.name))
            self.market.forget(inst.symbol)
        self.engine.list_instruments(listed)
        for inst in listed:
            self.market.requote(inst, now, force=True)
        if trade:
            self.market.step(now)

    def ivs(self, inst: Instrument, info: MarkInfo) -> tuple[float, float]:
        """Implied vols of the best bid and ask; the maker's quoting vols when a side is empty."""
        book = self.engine.books.get(inst.symbol)
        now = self.clock_ms()
        out = []
        for side, fallback in (("BUY", info.vol - IV_HALF_SPREAD), ("SELL", info.vol + IV_HALF_SPREAD)):
            best = book.best(side) if book is not None else None
            iv = implied_vol_decimal(inst.contract, best[0], info.index, now) if best is not None else None
            out.append(iv if iv is not None else max(fallback, 0.0))
        return out[0], out[1]

    def mark_json(self, inst: Instrument) -> dict[str, Any]:
        info = self.marks.of(inst)
        return wire.mark(inst, info, *self.ivs(inst, info))

    def depth_json(self, symbol: str, limit: int) -> dict[str, Any]:
        book = self.engine.books[symbol]
        return {
            "bids": [[wire.wire(p), wire.wire(q)] for p, q in book.depth("BUY", limit)],
            "asks": [[wire.wire(p), wire.wire(q)] for p, q in book.depth("SELL", limit)],
        }

    def ticker_event(self, inst: Instrument, now: int) -> dict[str, Any]:
        t = wire.ticker(inst, self.market_data.ticker(inst.symbol, now))
        info = self.marks.of(inst, now)
        bid_iv, ask_iv = self.ivs(inst, info)
        g = info.greeks
        return {
            "e": "ticker", "E": now, "s": inst.symbol, "o": t["open"], "h": t["high"], "l": t["low"],
            "c": t["lastPrice"], "V": t["volume"], "A": t["amount"], "p": t["priceChangePercent"],
            "Q": t["lastQty"], "F": t["firstTradeId"], "L": t["firstTradeId"] + max(t["tradeCount"] - 1, 0),
            "n": t["tradeCount"], "b": f"{bid_iv:.8f}", "a": f"{ask_iv:.8f}", "d": f"{g.delta:.8f}",
            "t": f"{g.theta:.8f}", "g": f"{g.gamma:.8f}", "v": f"{g.vega:.8f}",
        }  # fmt: skip

    def exchange_info(self) -> dict[str, Any]:
        us = list(self.catalog.underlyings.values())
        return {
            "timezone": "UTC",
            "serverTime": self.clock_ms(),
            "optionContracts": [
                {
                    "id": u.contract_id,
                    "baseAsset": u.base_asset,
                    "quoteAsset": QUOTE_ASSET,
                    "underlying": u.name,
                    "settleAsset": QUOTE_ASSET,
                }
                for u in us
            ],
            "optionAssets": [{"id": 1, "name": QUOTE_ASSET}],
            "optionSymbols": [wire.option_symbol(i) for i in self.instruments()],
        }

    # -- app --------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.add_routes(OptionsRest(self).routes())
        app.add_routes(
            [
                web.get("/ws", self.streams.handle_raw),
                web.get("/ws/{stream}", self.streams.handle_raw),
                web.get("/stream", self.streams.handle_combined),
            ]
        )
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_startup(self, app: web.Application) -> None:
        self.step(trade=False)
        self.streams.start()
        if self.run_market:
            self._task = asyncio.create_task(self._run())

    async def _on_shutdown(self, app: web.Application) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.streams.stop()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.step_seconds)
            try:
                self.step()
            except Exception:  # keep serving even if one step fails
                log.exception("options market step failed")
