"""Type-ahead: keys that arrive in one burst (a fast typist over SSH, a paste) land in the fields
the user meant, across Tab."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.fixtures.pilot import wait_until
from tui.screens.spot.order_form import OrderFormScreen


def _burst(app, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Queue every key at once through the driver, as a terminal read of several bytes does."""
    names = {".": "full_stop", "\t": "tab"}
    for key in keys:
        name = names.get(key, key)
        app._driver.send_message(events.Key(name, key if key != "\t" else None))


async def test_keys_after_tab_in_one_burst_go_to_the_next_field(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderFormScreen), what="order form")
        form = app.screen
        # The screen is current before its fields are composed: wait for them, then query.
        await wait_until(pilot, lambda: form.query("#price") and form.query("#quantity"), what="the form's fields")
        price, quantity = form.query_one("#price", Input), form.query_one("#quantity", Input)
        price.focus()
        await wait_until(pilot, lambda: app.focused is price, what="focus on price")
        price.value = ""
        await pilot.pause()
        _burst(app, [*"58000.5", "\t", *"0.001"])
        await wait_until(pilot, lambda: quantity.value == "0.001", what="quantity typed")
        assert price.value == "58000.5"
        assert app.focused is quantity
