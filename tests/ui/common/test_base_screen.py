"""The screens' base: a worker's failure becomes a notice, exchange errors by the venue's code and message."""

from __future__ import annotations

from textual import work
from textual.app import App

from tests.fixtures.pilot import wait_until
from tui.exchange.errors import ExchangeError
from tui.screens.common.base import BaseScreen


class FailingScreen(BaseScreen[None]):
    @work(exit_on_error=False)
    async def fetch_weights(self) -> None:
        raise ExchangeError(-1003, "Too much request weight used; current limit is 6000.", 429)

    @work(exit_on_error=False)
    async def parse_reply(self) -> None:
        raise KeyError("orderId")


async def test_failed_workers_are_notified_with_the_venues_code_and_message() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        screen = FailingScreen()
        await app.push_screen(screen)
        screen.fetch_weights()
        screen.parse_reply()
        await wait_until(pilot, lambda: len(app._notifications) == 2, what="two notices")
        notices = sorted((n.message, n.severity, n.title) for n in app._notifications)
        assert notices == [
            ("fetch_weights: Too much request weight used; current limit is 6000. (code -1003)", "error", "Error"),
            ("parse_reply: 'orderId'", "error", "Error"),
        ]
        assert app.is_running
