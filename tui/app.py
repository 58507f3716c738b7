"""The Textual app: composition, wiring and lifecycle only.

`TradingApp` owns the one `Session` (made by the caller: `make_app(settings, session)`), connects it
on mount with backoff, and hands it to the dashboard. The screens reach the app's settings and
venues through `BaseScreen.console`; failed workers, the app's and the screens', are shown by
`tui.screens.common.base.report_worker_failure`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from tui.config.paths import downloads_dir, export_jobs_path
from tui.config.settings import Settings
from tui.exchange.errors import ExchangeError
from tui.exchange.futures.jobs import JobManager
from tui.exchange.futures.rest import FuturesExportClient
from tui.exchange.futures.store import JobStore
from tui.exchange.options.session import OptionsSession
from tui.exchange.spot.session import Session
from tui.messages import ConnectionStatus, SessionReady
from tui.screens.common.base import report_worker_failure
from tui.screens.common.console import Console
from tui.screens.spot.dashboard import DashboardScreen
from tui.themes import BID_ASK_DEFAULTS, DEFAULT_THEME, load_themes, remember_theme, remembered_theme


class TradingApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Binance TUI"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
        # Priority bindings, so the app moves focus as it reads the key, before it hands on the keys
        # typed after it. Textual's own tab binding runs in the focused widget's turn, by when the
        # following keys of a burst ("58000<tab>0.001" arriving at once, as over SSH) have already
        # been handed to the old field.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(self, settings: Settings, session: Session, *, venue: str = "") -> None:
        super().__init__()
        self.settings = settings
        self.session = session
        self.venue = venue
        self.dashboard = DashboardScreen(session, symbols=settings.symbols, venue=venue)
        # No key means market data only: every trading action is hidden and refused, as read-only.
        self.read_only = settings.read_only or session.signer is None
        self.exports = self._make_exports()
        self.options = self._make_options()
        self._options_started = asyncio.Lock()
        self._options_live = False

    def _make_options(self) -> OptionsSession | None:
        """The options venue's session, when it is configured and we have a key (started lazily)."""
        endpoints = self.settings.endpoints
        if (
            endpoints is None
            or not endpoints.options_rest
            or not endpoints.options_streams
            or self.session.signer is None
        ):
            return None
        return OptionsSession(endpoints.options_rest, endpoints.options_streams, self.session.signer)

    async def start_options(self) -> None:
        """Start the options session once (REST clock sync, listenKey, user stream)."""
        assert self.options is not None
        async with self._options_started:
            if not self._options_live:
                await self.options.start()
                self._options_live = True

    def _make_exports(self) -> JobManager | None:
        """Futures history exports, when the venue has a futures REST API and we have a key."""
        endpoints = self.settings.endpoints
        if endpoints is None or not endpoints.futures_rest or self.session.signer is None:
            return None
        client = FuturesExportClient(endpoints.futures_rest, self.session.signer)
        return JobManager(client, JobStore(export_jobs_path()), downloads_dir())

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(BID_ASK_DEFAULTS)

    def on_mount(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        names = {t.name for t in loaded.themes}
        wanted = remembered_theme()
        self.theme = (
            wanted if wanted in self.available_themes else (DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark")
        )
        self.theme_changed_signal.subscribe(self, lambda theme: remember_theme(theme.name))
        for problem in loaded.problems:
            self.notify(f"Theme skipped: {problem}", severity="warning", timeout=10)
        self.push_screen(self.dashboard)
        self.session.on_status = self._session_status
        self.connect()
        if self.exports is not None:
            self.run_exports()

    @work(group="exports", exit_on_error=False)
    async def run_exports(self) -> None:
        """Polls and downloads export jobs for as long as the app runs, whichever screen is shown."""
        assert self.exports is not None
        await self.exports.run()

    def _session_status(self, name: str, state: str, detail: str = "") -> None:
        self.dashboard.post_message(ConnectionStatus(name, state, detail))

    @work(exclusive=True, group="session", exit_on_error=False)
    async def connect(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.session.start()
                break
            except (TimeoutError, ExchangeError, OSError) as exc:
                self._session_status("ws-api", "reconnecting", str(exc))
                self.notify(f"Cannot reach the exchange: {exc}. Retrying in {delay:.0f}s.", severity="warning")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
        self._session_status("ws-api", "live")
        self.dashboard.post_message(SessionReady(tuple(self.session.rules)))

    async def on_unmount(self) -> None:
        # However the app ends (quit key, palette, ctrl+c, a test leaving run_test), the session's
        # connections close with it; nothing keeps reconnecting to a venue no one is watching.
        await self.session.close()
        if self.options is not None:
            await self.options.close()
        if self.exports is not None:
            self.workers.cancel_group(self, "exports")
            await self.exports.aclose()
            await self.exports.client.aclose()  # type: ignore[attr-defined]

    def report_worker(self, event: Worker.StateChanged) -> None:
        """For screens not (yet) derived from `BaseScreen`: their failed workers, shown the same way."""
        report_worker_failure(self, event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # The screen in front: its own actions, never the hidden dashboard's (modals: the screen below).
        target = screen
        for candidate in reversed(self.screen_stack):
            if not isinstance(candidate, ModalScreen):
                target = candidate
                break
        for binding in target.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if target.check_action(binding.action.split("(")[0], ()) is False:
                continue  # e.g. trading actions on a read-only profile
            key = binding.key_display or binding.key
            yield SystemCommand(
                binding.description, f"{binding.description} (key: {key})", partial(target.run_action, binding.action)
            )


# The screens reach the app as a `Console` (tui.screens.common.console): mypy checks here that it is one.
_PROVIDES_CONSOLE: type[Console] = TradingApp


def make_app(settings: Settings, session: Session, *, venue: str = "") -> TradingApp:
    return TradingApp(settings, session, venue=venue)
