"""A pegged order from the single-order form, by keys alone, against the simulator: PRIMARY_PEG with the
price left blank rests at the best bid."""

from __future__ import annotations

from textual.widgets import Input

from tests.fixtures.pilot import wait_until
from tests.ui.spot.test_dashboard import _orders
from tests.ui.spot.test_list_forms import _choose, _type
from tests.ui.spot.test_sor_console import SIZE, _form, _ready
from tui.domain.spot.orders import PegPriceType
from tui.screens.common.confirm import ConfirmScreen
from tui.widgets.spot.open_orders import _plain

DEMO = "demo"


async def test_primary_peg_buy_without_a_price_rests_at_the_best_bid(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)
        form = await _form(pilot, app, "b")
        assert not form.query_one("#peg-row").has_class("hidden")  # BTCUSDT allows pegs, LIMIT takes one
        assert form.query_one("#peg-offset-row").has_class("hidden")  # until a peg is chosen
        await _choose(pilot, form, "peg_price_type", PegPriceType.PRIMARY_PEG)
        assert not form.query_one("#peg-offset-row").has_class("hidden")
        price = form.query_one("#price", Input)
        if price.value:  # the suggested price is dropped when a peg is chosen; a typed one would stay
            await _type(pilot, form, "price", "")
        assert price.value == ""
        await _type(pilot, form, "quantity", "0.001")
        before = set(o.order_id for o in sim.engine.open_orders(DEMO))
        bid, ask = sim.engine.best_bid_ask("BTCUSDT")
        assert bid is not None and ask is not None
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        question = app.screen.question
        assert "pegged to the best bid (PRIMARY_PEG)" in question, question
        await pilot.press("y")

        def placed():  # type: ignore[no-untyped-def]
            return [o for o in sim.engine.open_orders(DEMO) if o.order_id not in before]

        await wait_until(pilot, placed, what="the pegged order on the book")
        (order,) = placed()
        assert order.side == "BUY" and order.type == "LIMIT"
        assert order.peg_price_type == "PRIMARY_PEG"
        assert order.pegged_price is not None
        # The market moves while the keys are pressed: it joined the bid side, never crossed the ask.
        # It rests on the bid side, so the best bid is at least its price, and below the best ask.
        bid_now, ask_now = sim.engine.best_bid_ask("BTCUSDT")
        assert bid_now is not None and ask_now is not None
        assert order.pegged_price <= bid_now[0] < ask_now[0]
        assert order.price == 0  # sent without a price (pegged_orders.md: price is then zero)

        # The open-orders table shows what it works at: the pegged price.
        table = _orders(app)
        shown = f"{_plain(order.pegged_price)} peg"

        def row() -> list[object] | None:
            key = str(order.order_id)
            return table.get_row(key) if key in table._orders else None

        await wait_until(pilot, lambda: (r := row()) is not None and r[3] == shown, what=f"price column {shown}")
