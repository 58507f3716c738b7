"""The history screen as a person uses it, at 80x24: orders, trades with commission, order lists,
amendments of a chosen order, the account tab, and the plain error and empty states."""

from __future__ import annotations

from decimal import Decimal as D

from tests.fixtures.pilot import pick_command, wait_until
from tui.domain.spot.orders import ListLeg, OrderListRequest, OrderRequest, OrderType, Side, TimeInForce
from tui.screens.spot.history import HistoryScreen
from tui.widgets.spot.history_tables import LIST_COLUMNS, HistoryPane

SYMBOL = "BTCUSDT"


def _column(pane: HistoryPane, name: str) -> list[str]:
    i = pane.columns.index(name)
    return [row[i] for row in pane.rows]


async def _history(pilot, app, symbol: str = SYMBOL) -> HistoryScreen:  # type: ignore[no-untyped-def]
    screen = HistoryScreen(app.session, symbol)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_history_tabs_show_orders_trades_lists_amendments_and_account(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")
        session = app.session
        bid, ask = sim.engine.best_bid_ask(SYMBOL)
        assert bid and ask
        bought = await session.orders.place_order(OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, quantity=D("0.002")))
        assert bought.status == "FILLED"
        top, low = (ask[0] * D("1.05")).quantize(D(1)), (bid[0] * D("0.95")).quantize(D(1))
        oco = await session.order_lists.place_order_list(
            OrderListRequest.oco(
                SYMBOL,
                Side.SELL,
                D("0.001"),
                above=ListLeg(OrderType.LIMIT_MAKER, price=top),
                below=ListLeg(OrderType.STOP_LOSS_LIMIT, price=low - 10, stop_price=low),
            )
        )
        resting = await session.orders.place_order(
            OrderRequest(
                SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.002"), price=low, time_in_force=TimeInForce.GTC
            )
        )
        await session.orders.amend_keep_priority(SYMBOL, resting.order_id, D("0.001"))

        screen = await _history(pilot, app)
        orders = screen.pane("orders")
        await wait_until(pilot, lambda: str(resting.order_id) in _column(orders, "Id"), what="orders")
        ids = _column(orders, "Id")
        assert {str(bought.order_id), *(str(o.order_id) for o in oco.orders)} <= set(ids)
        assert ids[0] == str(resting.order_id)  # newest first
        assert _column(orders, "Status")[ids.index(str(bought.order_id))] == "FILLED"
        assert "orders on BTCUSDT" in orders.status_text

        await pilot.press("2")
        trades = screen.pane("trades")
        await wait_until(pilot, lambda: str(bought.order_id) in _column(trades, "Order"), what="trades")
        mine = [i for i, oid in enumerate(_column(trades, "Order")) if oid == str(bought.order_id)]
        fees = [_column(trades, "Commission")[i] for i in mine]
        assert fees and all(f.endswith(" BTC") and D(f.split()[0]) > 0 for f in fees)  # commission and its asset
        assert sum(D(_column(trades, "Qty")[i]) for i in mine) == D("0.002")
        assert "commission paid:" in trades.status_text and "BTC" in trades.status_text

        await pilot.press("3")
        lists = screen.pane("lists")
        await wait_until(pilot, lambda: str(oco.order_list_id) in _column(lists, "List"), what="order lists")
        row = lists.rows[_column(lists, "List").index(str(oco.order_list_id))]
        assert row[LIST_COLUMNS.index("Type")] == "OCO" and row[LIST_COLUMNS.index("Status")] == "EXECUTING"
        legs = row[LIST_COLUMNS.index("Legs")]
        assert "LIMIT_MAKER NEW" in legs and "STOP_LOSS_LIMIT NEW" in legs

        # enter on the newest order (the amended one) shows its amendments
        await pilot.press("1")
        await wait_until(pilot, lambda: orders.rows and "Loading" not in orders.status_text, what="orders again")
        await pilot.press("enter")
        amendments = screen.pane("amendments")
        await wait_until(pilot, lambda: screen.active_tab == "amendments" and amendments.rows, what="amendments")
        assert list(zip(_column(amendments, "Qty before"), _column(amendments, "Qty after"), strict=True)) == [
            ("0.00200", "0.00100")
        ]
        assert f"#{resting.order_id}" in amendments.status_text

        await pilot.press("5")
        prevented = screen.pane("prevented")
        await wait_until(pilot, lambda: "No prevented matches" in prevented.status_text, what="prevented empty")

        await pilot.press("6")
        panel = screen.account_panel
        await wait_until(pilot, lambda: "orders/1d" in panel.text and "0.1000%" in panel.text, what="account")
        assert "Commission on BTCUSDT" in panel.text and "standard" in panel.text and "BNB" in panel.text
        day = next(line for line in panel.text.splitlines() if line.startswith("orders/1d"))
        assert day.endswith(" of 160000") and int(day.split("]")[1].split()[0]) >= 3
        assert any(line.startswith("orders/10s") and line.endswith(" of 50") for line in panel.text.splitlines())
        await wait_until(pilot, lambda: "Filters on BTCUSDT" in panel.text, what="myFilters")
        lines = panel.text.splitlines()
        assert "  PRICE_FILTER: minPrice 0.01 maxPrice 1000000 tickSize 0.01" in lines
        assert any(line.startswith("  LOT_SIZE: minQty 0.00001") for line in lines), lines
        assert "  no asset limits (MAX_ASSET)" in lines

        before = panel.text
        await session.orders.place_order(
            OrderRequest(
                SYMBOL, Side.BUY, OrderType.LIMIT, quantity=D("0.001"), price=low, time_in_force=TimeInForce.GTC
            )
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: "loading" not in panel.text and panel.text != before, what="counts to move")

        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard, what="back to the dashboard")


async def test_history_errors_and_empty_states_are_plain(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")
        screen = await _history(pilot, app, "ETHUSDT")
        orders = screen.pane("orders")
        await wait_until(pilot, lambda: "No orders on ETHUSDT yet." in orders.status_text, what="empty orders")
        await pilot.press("4")
        amendments = screen.pane("amendments")
        await wait_until(pilot, lambda: "No order chosen" in amendments.status_text, what="no selection")
        await pilot.press("m")  # nothing to choose: a warning, and the screen stays
        assert screen.active_tab == "amendments"
        await app.pop_screen()

        bad = await _history(pilot, app, "NOPEUSDT")
        await wait_until(pilot, lambda: bad.pane("orders").status_text.startswith("Error loading orders"), what="error")
        assert "r to try again" in bad.pane("orders").status_text
        await pilot.press("6")
        await wait_until(pilot, lambda: "Commission: error" in bad.account_panel.text, what="commission error")
        assert "orders/10s" in bad.account_panel.text  # the other half still loads
        await wait_until(pilot, lambda: "Filters: error" in bad.account_panel.text, what="filters error")


async def test_history_actions_are_in_the_command_palette(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")
        screen = await _history(pilot, app)
        await pilot.press("ctrl+p")
        await pick_command(pilot, "History: Account")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen and screen.active_tab == "account", what="account tab")


async def test_a_history_worker_that_fails_is_shown_not_lost(make_trading_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Failures the tab does not expect (anything but a refused or unanswered request) end the
    # worker; the screen's base turns that into a notice instead of dropping it.
    app = make_trading_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")

        async def broken_my_trades(symbol: str, **kwargs: object) -> list[object]:
            raise RuntimeError("myTrades reply in a shape nobody expected")

        monkeypatch.setattr(app.session.account, "my_trades", broken_my_trades)
        screen = await _history(pilot, app)
        await pilot.press("2")

        def failure_notices() -> list[str]:
            return [n.message for n in app._notifications if n.severity == "error"]

        await wait_until(pilot, failure_notices, what="the failure on screen")
        (notice,) = failure_notices()
        assert notice == "load_trades: myTrades reply in a shape nobody expected"
        assert app.screen is screen and app.is_running  # the screen stays, so does the app
