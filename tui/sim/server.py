"""`SimServer`: the embedded exchange on one aiohttp app and port.

REST under `/api/v3/...`, the WebSocket API at `/ws-api/v3`, market streams at `/ws/<stream>`,
`/ws` and `/stream?streams=...`. It opens the demo account (all three demo keys map to it), backfills
market history, and steps the synthetic market every 100 ms when `run_market` is set. The USD-M futures
venue (`FuturesVenue`: `/fapi/v1/...` history exports) listens on a second port, as Binance's futures
API is a different host (`futures_rest_url`). The European options venue (`OptionsVenue`: `/api/v1/...`
and its streams, seed 002) listens on a third port (`options_rest_url`, `options_stream_url`); its
index follows this engine's BTCUSDT / ETHUSDT price.

Run it on the current loop (`await start()` / `await stop()`) or in its own daemon thread
(`start_in_thread()` / `stop_thread()`); `call(fn, *args)` runs a callable on the server's loop
either way, which is how tests touch the engine safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from tui.sim.futures.venue import FuturesVenue
from tui.sim.keys import DemoKeys, ensure_demo_keys
from tui.sim.options.venue import OptionsVenue
from tui.sim.protocol.auth import KeyRegistry
from tui.sim.protocol.rate_limits import RateLimitConfig, RateLimiter
from tui.sim.spot.api.rest import RestApi
from tui.sim.spot.api.streams import StreamHub
from tui.sim.spot.api.ws_api import WsApi
from tui.sim.spot.market.data import MarketData
from tui.sim.spot.market.participants import SyntheticMarket
from tui.sim.spot.matching.engine import Engine
from tui.sim.spot.symbols import DEMO_ACCOUNT, DEMO_BALANCES, default_specs

T = TypeVar("T")
log = logging.getLogger(__name__)
STEP_SECONDS = 0.1
BACKFILL_HOURS = 24


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


class SimServer:
    """The simulator: engine, market data, synthetic market, and its REST/WS servers."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 1,
        keys_dir: Path,
        run_market: bool = True,
        clock_ms: Callable[[], int] | None = None,
        ws_ping_interval: float = 20.0,
        rate_limits: RateLimitConfig | None = None,
        backfill_hours: int = BACKFILL_HOURS,
        futures_port: int = 0,
        futures_job_delay_ms: int = 3_000,
        futures_monthly_quota: int | Mapping[str, int] = 5,
        futures_weight_limit: int = 2_400,
        options_port: int = 0,
    ) -> None:
        self.host = host
        self.port = port
        self.futures_port = futures_port
        self.options_port = options_port
        self.seed = seed
        self.run_market = run_market
        self.clock_ms = clock_ms or wall_clock_ms
        self.keys: DemoKeys = ensure_demo_keys(Path(keys_dir))
        self.engine = Engine(default_specs(), self.clock_ms)
        self.engine.open_account(DEMO_ACCOUNT, DEMO_BALANCES)
        self.market_data = MarketData(self.engine)
        self.market = SyntheticMarket(self.engine, self.market_data, seed)
        self.registry = KeyRegistry()
        self.registry.add_hmac(self.keys.hmac_api_key, self.keys.hmac_secret, DEMO_ACCOUNT)
        self.registry.add_rsa(self.keys.rsa_api_key, self.keys.rsa_public_key, DEMO_ACCOUNT)
        self.registry.add_ed25519(self.keys.ed25519_api_key, self.keys.ed25519_public_key, DEMO_ACCOUNT)
        self.limiter = RateLimiter(rate_limits or RateLimitConfig(), self.clock_ms)
        self.ws_ping_interval = ws_ping_interval
        self.backfill_hours = backfill_hours
        self.futures = FuturesVenue(
            registry=self.registry,
            clock_ms=self.clock_ms,
            seed=seed,
            job_delay_ms=futures_job_delay_ms,
            monthly_quota=futures_monthly_quota,
            weight_limit=futures_weight_limit,
        )
        self.options = OptionsVenue(
            registry=self.registry,
            clock_ms=self.clock_ms,
            index_price=self._spot_index,
            seed=seed,
            run_market=run_market,
            ws_ping_interval=ws_ping_interval,
        )
        self.ws_api: WsApi | None = None
        self.streams: StreamHub | None = None
        self._runner: web.AppRunner | None = None
        self._futures_runner: web.AppRunner | None = None
        self._options_runner: web.AppRunner | None = None
        self._market_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- URLs ------------------------------------------------------------------------------------

    @property
    def rest_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_api_url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws-api/v3"

    @property
    def stream_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def futures_rest_url(self) -> str:
        """Base URL of the USD-M futures venue (`/fapi/v1/...`)."""
        return f"http://{self.host}:{self.futures_port}"

    @property
    def options_rest_url(self) -> str:
        """Base URL of the options venue (`/api/v1/...`)."""
        return f"http://{self.host}:{self.options_port}"

    @property
    def options_stream_url(self) -> str:
        """Base URL of the options streams (`/ws/<stream>`, `/ws/<listenKey>`, `/stream?streams=`)."""
        return f"ws://{self.host}:{self.options_port}"

    def _spot_index(self, underlying: str) -> Decimal | None:
        """The options index: the spot engine's last price (its mid before the first trade)."""
        return self.engine.last_price(underlying) or self.engine.reference_price(underlying)

    # -- lifecycle on the running loop -----------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.backfill_hours:
            self.market.backfill(self.clock_ms(), self.backfill_hours)
        self.market.step(self.clock_ms())  # quotes on the book even when the market is not running
        self.ws_api = WsApi(
            self.engine, self.market_data, self.registry, self.limiter, self.clock_ms, self.ws_ping_interval
        )
        self.streams = StreamHub(self.engine, self.market_data, self.clock_ms, self.ws_ping_interval)
        app = web.Application()
        app.add_routes(RestApi(self.engine, self.market_data, self.limiter).routes())
        app.add_routes(
            [
                web.get("/ws-api/v3", self.ws_api.handle),
                web.get("/ws", self.streams.handle_raw),
                web.get("/ws/{stream}", self.streams.handle_raw),
                web.get("/stream", self.streams.handle_combined),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._futures_runner = web.AppRunner(self.futures.app(), handle_signals=False)
        await self._futures_runner.setup()
        futures_site = web.TCPSite(self._futures_runner, self.host, self.futures_port)
        await futures_site.start()
        futures_server = futures_site._server
        assert futures_server is not None
        self.futures_port = futures_server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.futures.base_url = self.futures_rest_url
        self._options_runner = web.AppRunner(self.options.app(), handle_signals=False)
        await self._options_runner.setup()
        options_site = web.TCPSite(self._options_runner, self.host, self.options_port)
        await options_site.start()
        options_server = options_site._server
        assert options_server is not None
        self.options_port = options_server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.streams.start()
        if self.run_market:
            self._market_task = asyncio.create_task(self._step_market())

    async def stop(self) -> None:
        if self._market_task is not None:
            self._market_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._market_task
            self._market_task = None
        if self.streams is not None:
            await self.streams.stop()
        if self.ws_api is not None:
            self.ws_api.close()
            await self.ws_api.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._futures_runner is not None:
            await self._futures_runner.cleanup()
            self._futures_runner = None
        if self._options_runner is not None:
            await self._options_runner.cleanup()
            self._options_runner = None
        self.futures.close()

    async def _step_market(self) -> None:
        while True:
            await asyncio.sleep(STEP_SECONDS)
            try:
                self.market.step(self.clock_ms())
            except Exception:  # keep serving even if one step fails
                log.exception("market step failed")

    # -- own thread ------------------------------------------------------------------------------

    def start_in_thread(self) -> None:
        """Start on a private loop in a daemon thread; returns once the server is listening."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="sim-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]

    def stop_thread(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the server's loop (directly if already on it) and return its result."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("server not started")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            return fn(*args)
        done: Future[T] = Future()

        def run() -> None:
            try:
                done.set_result(fn(*args))
            except BaseException as exc:
                done.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return done.result(timeout=10)

    # -- account helpers -------------------------------------------------------------------------

    def credit(self, account: str, asset: str, delta: Decimal) -> None:
        """Deposit/withdraw on the server loop; subscribers get `outboundAccountPosition` and `balanceUpdate`."""

        def apply() -> None:
            assert self.ws_api is not None
            self.engine.credit(account, asset, delta)
            self.ws_api.publish_balance_update(account, asset, delta)

        self.call(apply)
