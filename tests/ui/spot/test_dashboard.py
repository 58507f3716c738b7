"""The console as a person uses it: keys in, what the widgets show out, the simulator as the venue."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input

from tests.fixtures.pilot import type_into, wait_until
from tui.screens.spot.order_form import OrderFormScreen
from tui.widgets.spot.balances import BalancesView
from tui.widgets.spot.kline_chart import KlineChart
from tui.widgets.spot.open_orders import OpenOrdersTable
from tui.widgets.spot.order_book import OrderBookView
from tui.widgets.spot.trades_tape import TradesTape

DEMO = "demo"


def _book(app) -> OrderBookView:  # type: ignore[no-untyped-def]
    return app.dashboard.query_one(OrderBookView)


def _orders(app) -> OpenOrdersTable:  # type: ignore[no-untyped-def]
    return app.dashboard.query_one(OpenOrdersTable)


async def _ready(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")
    await wait_until(
        pilot,
        lambda: (
            _book(app).snapshot is not None
            and _book(app).snapshot.state == "live"
            and _book(app).snapshot.bids
            and _book(app).snapshot.asks
        ),
        what="live order book",
    )
    await wait_until(pilot, lambda: app.dashboard.query_one(BalancesView).balances, what="balances")


async def _fill_form(
    pilot, app, *, price: str | None = None, quantity: str = "", order_type: str | None = None
) -> OrderFormScreen:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: isinstance(app.screen, OrderFormScreen), what="order form")
    form = app.screen
    assert isinstance(form, OrderFormScreen)
    if order_type is not None:
        from textual.widgets import Select

        from tui.domain.spot.orders import OrderType

        form.query_one("#type", Select).value = OrderType(order_type)
        await pilot.pause()
    if price is not None:
        form.query_one("#price", Input).value = ""
        await type_into(pilot, form.query_one("#price", Input), price)
    await type_into(pilot, form.query_one("#quantity", Input), quantity)
    return form


async def test_book_chart_and_tape_fill_from_the_simulator(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        snap = _book(app).snapshot
        assert snap.bids[0][0] < snap.asks[0][0]  # not crossed
        assert len(snap.bids) >= 10 and len(snap.asks) >= 10
        await wait_until(pilot, lambda: app.dashboard.query_one(KlineChart).klines, what="klines")
        await wait_until(pilot, lambda: app.dashboard.query_one(TradesTape).trades, timeout=15, what="trades")
        first_id = _book(app).snapshot.update_id
        await wait_until(pilot, lambda: _book(app).snapshot.update_id > first_id, what="book to move")


async def test_limit_order_from_the_form_appears_in_open_orders_and_cancel_removes_it(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        best_bid = _book(app).snapshot.bids[0][0]
        resting = f"{(best_bid * Decimal('0.9')).quantize(Decimal('0.01'))}"
        await pilot.press("b")
        await _fill_form(pilot, app, price=resting, quantity="0.001")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 1, what="order in open orders")
        engine_orders = sim.engine.open_orders(DEMO)
        assert len(engine_orders) == 1 and engine_orders[0].price == Decimal(resting)
        assert _orders(app).selected_order.order_id == engine_orders[0].order_id
        await pilot.press("c")
        await wait_until(pilot, lambda: _orders(app).row_count == 0, what="order removed after cancel")
        assert sim.engine.open_orders(DEMO) == []


async def test_crossing_order_fills_and_balances_change(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        balances = app.dashboard.query_one(BalancesView)
        btc_before = next(b.free for b in balances.balances if b.asset == "BTC")
        usdt_before = next(b.free for b in balances.balances if b.asset == "USDT")
        best_ask = _book(app).snapshot.asks[0][0]
        crossing = f"{(best_ask * Decimal('1.01')).quantize(Decimal('0.01'))}"
        await pilot.press("b")
        await _fill_form(pilot, app, price=crossing, quantity="0.002")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")

        def btc_now() -> Decimal:
            return next(b.free for b in balances.balances if b.asset == "BTC")

        await wait_until(pilot, lambda: btc_now() > btc_before, what="BTC balance to rise")
        usdt_now = next(b.free for b in balances.balances if b.asset == "USDT")
        assert usdt_now < usdt_before
        # Bought 0.002 less the taker commission paid in BTC, exactly as the engine booked it.
        free, _locked = sim.engine.balances(DEMO)["BTC"]
        assert btc_now() == free
        assert _orders(app).row_count == 0


async def test_invalid_price_shows_an_error_and_sends_nothing(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("s")
        form = await _fill_form(pilot, app, price="60000.001", quantity="0.001")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # no confirmation, form still open
        error = str(form.query_one("#price-error").render())
        assert "PRICE_FILTER" in error and "tick size 0.01" in error
        await pilot.press("escape")
        await pilot.pause(0.3)  # bounded: proves no order goes out, which no condition can show
        assert sim.engine.all_orders(DEMO, "BTCUSDT") == []
        assert _orders(app).row_count == 0


async def test_stop_limit_sell_with_trailing_delta_through_the_form(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Select

    from tui.domain.spot.orders import OrderType
    from tui.screens.common.confirm import ConfirmScreen

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        bid = _book(app).snapshot.bids[0][0]
        await pilot.press("s")
        form = await _fill_form(pilot, app)
        form.query_one("#type", Select).value = OrderType.STOP_LOSS_LIMIT
        await pilot.pause()
        assert form.query_one("#stop-row").display and form.query_one("#trailing-row").display
        assert not form.query_one("#quote-row").display
        form.query_one("#price", Input).value = f"{(bid * Decimal('0.95')).quantize(Decimal('0.01'))}"
        form.query_one("#quantity", Input).value = "0.001"
        form.query_one("#trailing_delta", Input).value = "200"
        await pilot.pause()
        summary = str(form.query_one("#summary").render())
        assert "falls 2 %" in summary  # the resulting trigger is shown
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="preview + confirmation")
        assert "Commission (order.test)" in app.screen.question and "trailing 200 bips" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 1, what="stop order in open orders")
        (order,) = sim.engine.open_orders(DEMO)
        assert order.type == "STOP_LOSS_LIMIT" and not order.is_working


async def test_preview_rejection_sends_nothing(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Select

    from tui.domain.spot.orders import OrderType
    from tui.messages import OrderRejected

    seen: dict[int, OrderRejected] = {}

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, OrderRejected):
            seen[id(message)] = message

    app = make_trading_app()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await _ready(pilot, app)
        ask = _book(app).snapshot.asks[0][0]
        await pilot.press("b")
        form = await _fill_form(pilot, app)
        form.query_one("#type", Select).value = OrderType.STOP_LOSS
        await pilot.pause()
        # A BUY stop below the last price would trigger at once: the exchange's order.test says so.
        form.query_one("#stop_price", Input).value = f"{(ask * Decimal('0.9')).quantize(Decimal('0.01'))}"
        form.query_one("#quantity", Input).value = "0.001"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: seen, what="preview rejection")
        (rejected,) = seen.values()
        assert rejected.code == -2010 and "nothing was sent" in rejected.msg
        assert sim.engine.all_orders(DEMO, "BTCUSDT") == []


async def _resting_buy(pilot, app, qty: str = "0.002") -> None:  # type: ignore[no-untyped-def]
    resting = f"{(_book(app).snapshot.bids[0][0] * Decimal('0.9')).quantize(Decimal('0.01'))}"
    await pilot.press("b")
    await _fill_form(pilot, app, price=resting, quantity=qty)
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.press("y")
    await wait_until(pilot, lambda: _orders(app).row_count == 1, what="resting order")


async def test_amend_lowers_quantity_keeping_the_order(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.spot.amend import AmendScreen

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _resting_buy(pilot, app)
        (before,) = sim.engine.open_orders(DEMO)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AmendScreen), what="amend modal")
        app.screen.query_one(Input).value = "0.001"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: sim.engine.open_orders(DEMO)[0].orig_qty == Decimal("0.001"), what="amended on the exchange"
        )
        (after,) = sim.engine.open_orders(DEMO)
        assert after.order_id == before.order_id  # the same order, so its queue place is kept
        await wait_until(
            pilot,
            lambda: _orders(app).selected_order and _orders(app).selected_order.orig_qty == Decimal("0.001"),
            what="table updated",
        )


async def test_cancel_replace_from_the_prefilled_form(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.common.confirm import ConfirmScreen

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _resting_buy(pilot, app)
        (old,) = sim.engine.open_orders(DEMO)
        await pilot.press("r")
        form = await _fill_form(pilot, app)  # prefilled with the order: price and remaining quantity
        await wait_until(
            pilot, lambda: form.query_one("#price", Input).value == f"{old.price.normalize():f}", what="prefilled price"
        )
        new_price = (old.price - Decimal("1")).quantize(Decimal("0.01"))
        form.query_one("#price", Input).value = f"{new_price}"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="replace confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: [o.price for o in sim.engine.open_orders(DEMO)] == [new_price], what="replaced")
        await wait_until(
            pilot,
            lambda: [o.price for o in _orders(app)._orders.values()] == [new_price],
            what="the table shows only the replacement",
        )


async def test_oco_from_the_form_shows_both_legs_grouped(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.common.confirm import ConfirmScreen
    from tui.screens.spot.list_form import ListFormScreen

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await wait_until(pilot, lambda: app.dashboard.ticker is not None, what="ticker")
        last = app.dashboard.ticker.last_price
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, ListFormScreen), what="OCO form")
        form = app.screen
        form.query_one("#quantity", Input).value = "0.001"
        form.query_one("#limit", Input).value = f"{(last * Decimal('1.05')).quantize(Decimal('0.01'))}"
        form.query_one("#stop", Input).value = f"{(last * Decimal('0.95')).quantize(Decimal('0.01'))}"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 2, what="both legs")
        legs = sim.engine.open_orders(DEMO)
        assert {o.type for o in legs} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}
        table = _orders(app)
        list_cells = [str(table.get_row_at(i)[-1]) for i in range(2)]
        assert list_cells[0] == list_cells[1] and list_cells[0].startswith("└ list #")
