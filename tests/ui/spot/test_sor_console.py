"""Smart Order Routing from the console, as a person uses it at 80x24: the Route row of the order form,
the sor.order.test preview and confirmation, the fills notice, the Allocations history tab, and the
plain errors. The simulator's one SOR configuration is BTCUSDT + BTCUSDC."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from textual.widgets import Input, Select

from tests.fixtures.pilot import pick_command, type_into, wait_for_screen, wait_until
from tui.domain.spot.order_entry import SorOrderRequest
from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
from tui.screens.common.confirm import ConfirmScreen
from tui.screens.spot.history import HistoryScreen
from tui.screens.spot.order_fields import SOR_ROUTE
from tui.screens.spot.order_form import OrderFormScreen
from tui.widgets.spot.history_tables import HistoryPane
from tui.widgets.spot.order_book import OrderBookView

DEMO = "demo"
SIZE = (80, 24)


def _book(app):  # type: ignore[no-untyped-def]
    return app.dashboard.query_one(OrderBookView).snapshot


async def _ready(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.dashboard.ready, what="session ready")
    await wait_until(
        pilot,
        lambda: _book(app) is not None and _book(app).state == "live" and _book(app).bids and _book(app).asks,
        what="live order book",
    )


async def _form(pilot, app, key: str = "b") -> OrderFormScreen:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, OrderFormScreen), what="order form")
    form = app.screen
    assert isinstance(form, OrderFormScreen)
    return form


def _messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{n.title}: {n.message}" for n in app._notifications]


def _crossing_buy_price(app) -> str:  # type: ignore[no-untyped-def]
    return f"{(_book(app).asks[0][0] * D('1.01')).quantize(D('0.01'))}"


def _column(pane: HistoryPane, name: str) -> list[str]:
    i = pane.columns.index(name)
    return [row[i] for row in pane.rows]


async def test_sor_buy_from_the_form_previews_confirms_and_reports_its_allocations(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)
        assert app.dashboard.symbol == "BTCUSDT"
        form = await _form(pilot, app)
        route = form.query_one("#route", Select)
        assert form.query_one("#route-row").display  # BTCUSDT has SOR and LIMIT is a type SOR takes
        assert route.value != SOR_ROUTE  # its own book unless the person chooses otherwise

        # Reach the Route row by keyboard alone at 80x24: back from Qty over Price, then pick SOR.
        await wait_until(pilot, lambda: app.focused is form.query_one("#quantity", Input), what="focus on Qty")
        await pilot.press("shift+tab", "shift+tab")
        await wait_until(pilot, lambda: app.focused is route, what="focus on Route")
        assert route.region.bottom <= SIZE[1] and route.region.width > 0  # on screen, not scrolled away
        await pilot.press("enter", "down", "enter")
        await wait_until(pilot, lambda: route.value == SOR_ROUTE, what="SOR chosen")
        assert "via SOR" in str(form.query_one("#title").render())
        assert "SOR: best of BTCUSDT + BTCUSDC; settles in USDT" in str(form.query_one("#summary").render())

        price = _crossing_buy_price(app)
        form.query_one("#price", Input).value = ""
        await type_into(pilot, form.query_one("#price", Input), price)
        await type_into(pilot, form.query_one("#quantity", Input), "0.001")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="SOR preview + confirmation")
        confirm = app.screen
        assert confirm.title_text == "Send this order via SOR?"
        assert "BTCUSDT, BTCUSDC" in confirm.question and "Commission (sor.order.test)" in confirm.question

        # Back: the form again, still routed with SOR and as typed.
        await pilot.press("n")
        await wait_for_screen(pilot, OrderFormScreen, ready="#route")
        again = app.screen
        await wait_until(pilot, lambda: again.via_sor, what="SOR kept on Back")
        assert again.query_one("#quantity", Input).value == "0.001"
        assert sim.engine.all_orders(DEMO, "BTCUSDT") == []  # the preview placed nothing

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation again")
        await pilot.press("y")
        await wait_until(pilot, lambda: any("via SOR" in m for m in _messages(app)), what="SOR fills notice")

        (order,) = sim.engine.all_orders(DEMO, "BTCUSDT")
        assert order.side == "BUY" and order.executed_qty == D("0.001")
        ledger = sim.engine.sor.allocations(DEMO, "BTCUSDT", order_id=order.order_id)
        assert ledger and sum(a.qty for a in ledger) == D("0.001")  # filled by allocations, not trades
        mine = await app.session.sor.my_allocations("BTCUSDT", order_id=order.order_id)
        assert [a.allocation_id for a in mine] == [a.allocation_id for a in ledger]

        notice = next(m for m in _messages(app) if "via SOR" in m)
        assert f"#{order.order_id}" in notice and "FILLED" in notice
        count = f"{len(ledger)} allocation{'s' if len(ledger) != 1 else ''}"
        assert f"0.001 BTC in {count} across BTCUSDT + BTCUSDC" in notice and "avg " in notice


async def test_route_row_only_for_sor_symbols_and_types(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)
        form = await _form(pilot, app)
        type_select = form.query_one("#type", Select)
        for order_type, offered in (
            (OrderType.LIMIT_MAKER, False),
            (OrderType.STOP_LOSS_LIMIT, False),
            (OrderType.MARKET, True),
        ):
            type_select.value = order_type
            await wait_until(
                pilot, lambda o=offered: form.query_one("#route-row").display == o, what=f"route row for {order_type}"
            )
        # MARKET with SOR: by quantity only, so the quote amount row goes away.
        assert form.query_one("#quote-row").display
        await pilot.press("f4")
        await wait_until(pilot, lambda: form.via_sor, what="f4 routes with SOR")
        await wait_until(pilot, lambda: not form.query_one("#quote-row").display, what="quote row hidden for SOR")
        # A type SOR does not take: the row goes, and the order would go to its own book.
        type_select.value = OrderType.TAKE_PROFIT_LIMIT
        await wait_until(pilot, lambda: not form.query_one("#route-row").display, what="route row hidden")
        assert not form.via_sor
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard, what="form closed")

        await pilot.press("right_square_bracket")  # ETHUSDT: no SOR configuration
        await wait_until(pilot, lambda: app.dashboard.symbol == "ETHUSDT", what="ETHUSDT")
        form = await _form(pilot, app, "s")
        assert not form.query_one("#route-row").display
        await pilot.press("f4")
        await wait_until(pilot, lambda: any("no Smart Order Routing" in m for m in _messages(app)), what="f4 warning")
        assert not form.via_sor and not form.query_one("#route-row").display


async def test_allocations_tab_lists_a_sor_orders_allocations(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)
        placed = await app.session.sor.place_sor_order(
            OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, quantity=D("0.002"))
        )
        assert placed.allocations
        ledger = sim.engine.sor.allocations(DEMO, "BTCUSDT", order_id=placed.order.order_id)

        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        screen = app.screen
        await pilot.press("7")
        pane = screen.pane("allocations")
        await wait_until(pilot, lambda: screen.active_tab == "allocations" and pane.rows, what="allocations")
        assert set(_column(pane, "Order")) == {str(placed.order.order_id)}
        assert sorted(_column(pane, "Alloc")) == sorted(str(a.allocation_id) for a in ledger)
        assert sum(D(q) for q in _column(pane, "Qty")) == D("0.002")
        assert set(_column(pane, "Side")) == {"BUY"} and set(_column(pane, "Type")) == {"SOR"}
        assert all(c.endswith(" BTC") for c in _column(pane, "Commission"))  # a buyer pays in the base asset
        assert "on BTCUSDT" in pane.status_text and "SOR across BTCUSDT + BTCUSDC" in pane.status_text
        assert app.focused is pane.table

        # In the command palette too, like every tab.
        await pilot.press("1")
        await wait_until(pilot, lambda: screen.active_tab == "orders", what="orders tab")
        await pilot.press("ctrl+p")
        await pick_command(pilot, "History: Allocations")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen and screen.active_tab == "allocations", what="palette")


async def test_allocations_tab_empty_and_error_states(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)
        for symbol, expected in (
            ("BTCUSDC", "No allocations on BTCUSDC yet"),
            ("ETHUSDT", "No allocations on ETHUSDT: it has no Smart Order Routing."),
            ("NOPEUSDT", "Error loading allocations"),
        ):
            screen = HistoryScreen(app.session, symbol)
            await app.push_screen(screen)
            await pilot.press("7")
            pane = screen.pane("allocations")
            await wait_until(pilot, lambda p=pane, e=expected: e in p.status_text, what=f"{symbol}: {expected}")
            assert not pane.rows
            await app.pop_screen()


async def test_exchange_errors_from_sor_are_shown_and_nothing_is_placed(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)

        # 1. sor.order.place refuses: the USDT went elsewhere while the confirmation was open.
        form = await _form(pilot, app)
        await pilot.press("f4")
        await wait_until(pilot, lambda: form.via_sor, what="SOR route")
        form.query_one("#price", Input).value = _crossing_buy_price(app)
        await type_into(pilot, form.query_one("#quantity", Input), "0.001")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        free = sim.engine.balances(DEMO)["USDT"][0]
        lock_price = (_book(app).bids[0][0] * D("0.9")).quantize(D("0.01"))
        lock_qty = ((free - D("1")) / lock_price).quantize(D("0.00001"))
        sim.engine.place_order(
            DEMO, "BTCUSDT", "BUY", "LIMIT", price=lock_price, quantity=lock_qty, time_in_force="GTC"
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: any("Order rejected" in m for m in _messages(app)), what="place rejection")
        rejected = next(m for m in _messages(app) if "Order rejected" in m)
        assert "SOR order:" in rejected and "insufficient balance" in rejected and "-2010" in rejected
        assert [o.price for o in sim.engine.all_orders(DEMO, "BTCUSDT")] == [lock_price]  # only the lock
        assert sim.engine.sor.allocations(DEMO, "BTCUSDT") == []

        # 2. sor.order.test refuses a quantity the exchange's LOT_SIZE does not allow (our copy of the
        # rules is stale): the preview says so with the filter's name, and nothing is sent.
        rules = app.session.rules["BTCUSDT"]
        app.session.rules["BTCUSDT"] = replace(rules, step_size=D("0.000001"), min_qty=D("0.000001"))
        form = await _form(pilot, app, "s")  # LIMIT, at the best ask
        await pilot.press("f4")
        await wait_until(pilot, lambda: form.via_sor, what="SOR route")
        await type_into(pilot, form.query_one("#quantity", Input), "0.001005")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any("nothing was sent" in m for m in _messages(app)), what="preview rejection")
        preview = next(m for m in _messages(app) if "nothing was sent" in m)
        assert "SOR" in preview and "LOT_SIZE" in preview and "nothing was sent" in preview
        assert not any(o.side == "SELL" for o in sim.engine.all_orders(DEMO, "BTCUSDT"))


async def test_sor_request_is_what_the_form_dismisses_with(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    """The form hands back a `SorOrderRequest` (never a plain request) when SOR is chosen."""
    results: list[object] = []
    app = make_trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot, app)
        from tui.screens.spot.order_form import OrderFormContext

        context = OrderFormContext(
            rules=app.session.rules["BTCUSDT"], side=Side.SELL, sor=app.session.sors[0], last_price=D("60000")
        )
        await app.push_screen(OrderFormScreen(context), results.append)
        form = app.screen
        assert isinstance(form, OrderFormScreen)
        await pilot.press("f4")
        await type_into(pilot, form.query_one("#quantity", Input), "0.002")
        form.query_one("#price", Input).value = "70000"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: results, what="form dismissed")
        (result,) = results
        assert isinstance(result, SorOrderRequest) and result.symbols == ("BTCUSDT", "BTCUSDC")
        assert result.request.quantity == D("0.002") and result.request.time_in_force is TimeInForce.GTC


def test_sor_notice_says_what_filled_where_and_what_rests() -> None:
    """The fills notice (pure text): allocations across the SOR books, trades on the order's own book,
    the average and total, and what is left resting."""
    from tests.domain.spot.test_filters import RULES
    from tui.domain.spot.order_descriptions import describe_sor_result
    from tui.domain.spot.orders import Order
    from tui.domain.spot.sor import ONE_PARTY_TRADE_REPORT, SorFill, SorOrderResult

    def order(status: str, executed: str, quote: str) -> Order:
        return Order("BTCUSDT", 7, "c", "BUY", "LIMIT", status, D("60100"), D("0.005"), D(executed), D(quote), "GTC", 0)

    def alloc(i: int, price: str, qty: str) -> SorFill:
        return SorFill(D(price), D(qty), D("0"), "BTC", -1, ONE_PARTY_TRADE_REPORT, i)

    fills = (alloc(0, "60000", "0.002"), alloc(1, "60050", "0.001"), SorFill(D("60100"), D("0.001"), D(0), "BTC", 5))
    text = describe_sor_result(
        SorOrderResult(order("PARTIALLY_FILLED", "0.004", "240.15"), fills, "EXCHANGE"),
        RULES,
        ("BTCUSDT", "BTCUSDC"),
    )
    lines = text.splitlines()
    assert lines[0] == "BUY BTCUSDT #7 via SOR: PARTIALLY_FILLED"
    assert lines[1] == "0.003 BTC in 2 allocations across BTCUSDT + BTCUSDC · 0.002 @ 60000.00, 0.001 @ 60050.00"
    assert lines[2] == "0.001 BTC traded on the BTCUSDT book"
    assert lines[3] == "avg 60037.50 USDT, total 240.15 USDT"
    assert lines[4] == "0.001 BTC rests on the BTCUSDT book"

    expired = describe_sor_result(SorOrderResult(order("EXPIRED", "0", "0")), RULES, ("BTCUSDT", "BTCUSDC"))
    assert expired == "BUY BTCUSDT #7 via SOR: EXPIRED. Nothing was filled"
