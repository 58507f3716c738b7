"""Order lists (OTO, OTOCO, OPO) and the STP mode from the forms, by keys alone, against the simulator."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input, Select

from tests.fixtures.pilot import wait_for_screen, wait_until
from tests.ui.spot.test_dashboard import _book, _orders, _ready
from tui.domain.spot.orders import ListKind, OrderType, StpMode
from tui.screens.common.confirm import ConfirmScreen
from tui.screens.spot.list_form import ListFormScreen
from tui.screens.spot.order_form import OrderFormScreen

DEMO = "demo"
CENT = Decimal("0.01")


def _price(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


async def _tab_to(pilot, screen, widget_id: str) -> None:  # type: ignore[no-untyped-def]
    """Move the focus with Tab, as a person would, until it reaches `widget_id`."""
    for _ in range(40):
        if screen.focused is not None and screen.focused.id == widget_id:
            return
        await pilot.press("tab")
        await pilot.pause()
    raise AssertionError(f"#{widget_id} cannot be reached with Tab (focus is on {screen.focused})")


async def _type(pilot, screen, widget_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    await _tab_to(pilot, screen, widget_id)
    # Clear it first, as its own step: bound keys run as actions, after plain keys already queued.
    await pilot.press("end", "ctrl+u")
    await pilot.pause()
    await pilot.press(*text)
    assert screen.query_one(f"#{widget_id}", Input).value == text


async def _choose(pilot, screen, widget_id: str, value: object) -> None:  # type: ignore[no-untyped-def]
    """Open a select with Enter, walk to `value` with the arrow keys and take it with Enter."""
    select = screen.query_one(f"#{widget_id}", Select)
    await _tab_to(pilot, screen, widget_id)
    values = [v for _, v in select._options]
    steps = values.index(value) - values.index(select.value)
    await pilot.press("enter")
    # The arrows must reach the open overlay, not the closed select: wait for it, not for a guess.
    await wait_until(pilot, lambda: select.expanded, what=f"#{widget_id} open")
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await wait_until(pilot, lambda: select.value == value, what=f"#{widget_id} = {value}")


async def _list_form(pilot, app, kind: ListKind) -> ListFormScreen:  # type: ignore[no-untyped-def]
    await _ready(pilot, app)
    await wait_until(pilot, lambda: app.dashboard.ticker is not None, what="ticker")
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(app.screen, ListFormScreen), what="list form")
    form = app.screen
    assert form.kind is ListKind.OCO  # `l` opens on OCO
    while form.kind is not kind:
        await pilot.press("f3")
        await pilot.pause()
    first = "quantity" if kind is ListKind.OCO else "working_price"
    await wait_until(pilot, lambda: form.focused is not None and form.focused.id == first, what=f"focus on #{first}")
    return form


def _list_cells(app) -> list[str]:  # type: ignore[no-untyped-def]
    table = _orders(app)
    return [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]


async def test_oto_working_order_rests_and_the_pending_leg_waits_in_the_same_list(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _list_form(pilot, app, ListKind.OTO)
        bid = _book(app).snapshot.bids[0][0]
        assert not form.query_one("#pair-section").display or form.query_one("#pair-section").has_class("hidden")
        await _type(pilot, form, "working_price", _price(bid * Decimal("0.98")))
        await _type(pilot, form, "working_quantity", "0.001")
        await _type(pilot, form, "pending_price", _price(bid * Decimal("1.03")))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        question = app.screen.question
        assert question.startswith("OTO on BTCUSDT") and "pending: SELL 0.001 BTC LIMIT GTC" in question
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 2, what="working and pending legs")
        legs = {o.side: o for o in sim.engine.open_orders(DEMO)}
        assert legs["BUY"].type == "LIMIT" and legs["BUY"].status == "NEW"
        assert legs["SELL"].status == "PENDING_NEW" and legs["SELL"].orig_qty == Decimal("0.001")
        cells = _list_cells(app)
        assert cells[0] == cells[1] and cells[0].startswith("└ list #")
        shown = {o.status for o in _orders(app)._orders.values()}
        assert shown == {"NEW", "PENDING_NEW"}


async def test_otoco_places_a_working_order_and_a_pending_pair(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _list_form(pilot, app, ListKind.OTOCO)
        bid = _book(app).snapshot.bids[0][0]
        assert form.query_one("#pending-section").has_class("hidden")
        await _type(pilot, form, "working_price", _price(bid * Decimal("0.98")))
        await _type(pilot, form, "working_quantity", "0.002")
        await _type(pilot, form, "limit", _price(bid * Decimal("1.05")))
        await _type(pilot, form, "stop", _price(bid * Decimal("0.95")))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        assert "then OCO pair: SELL 0.002 BTC" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 3, what="three legs")
        legs = sim.engine.open_orders(DEMO)
        assert sorted(o.type for o in legs) == ["LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT"]
        assert {o.order_list_id for o in legs} == {legs[0].order_list_id}
        assert all(o.orig_qty == Decimal("0.002") for o in legs)
        assert len(set(_list_cells(app))) == 1


async def test_opo_pending_sell_sells_what_the_working_buy_bought(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _list_form(pilot, app, ListKind.OCO)
        await _choose(pilot, form, "kind", ListKind.OPO)  # the kind select, by keys
        assert form.kind is ListKind.OPO
        assert form.query_one("#pending_quantity-row").has_class("hidden")  # no quantity of its own
        assert form.query_one("#working_side", Select).disabled  # always a BUY
        ask = _book(app).snapshot.asks[0][0]
        # A working BUY above the ask fills at once; the pending SELL then rests far above the market.
        await _type(pilot, form, "working_price", _price(ask * Decimal("1.01")))
        await _type(pilot, form, "working_quantity", "0.001")
        await _type(pilot, form, "pending_price", _price(ask * Decimal("1.10")))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        assert "pending: SELL what the working order bought LIMIT" in app.screen.question
        await pilot.press("y")

        def pending_placed() -> bool:
            rows = list(_orders(app)._orders.values())
            return len(rows) == 1 and rows[0].side == "SELL" and rows[0].status == "NEW"

        await wait_until(pilot, pending_placed, timeout=15, what="the pending SELL on the book")
        (sell,) = sim.engine.open_orders(DEMO)
        # 0.001 bought, less the commission taken in BTC, rounded down to the 0.00001 step
        assert Decimal("0") < sell.orig_qty <= Decimal("0.001") and sell.order_list_id >= 0
        (shown,) = _orders(app)._orders.values()
        assert shown.orig_qty == sell.orig_qty


async def test_a_bad_field_shows_its_error_there_and_nothing_is_sent(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _list_form(pilot, app, ListKind.OTO)
        bid = _book(app).snapshot.bids[0][0]
        await _type(pilot, form, "working_price", f"{_price(bid * Decimal('0.98'))}5")  # off the 0.01 tick
        await _type(pilot, form, "working_quantity", "0.001")
        await _type(pilot, form, "pending_price", _price(bid * Decimal("1.03")))
        await pilot.press("ctrl+s")
        error = form.query_one("#working_price-error")
        await wait_until(pilot, lambda: error.display and "PRICE_FILTER" in str(error.render()), what="the error")
        assert app.screen is form
        assert not form.query_one("#pending_price-error").display
        assert not form.query_one("#working_quantity-error").display
        assert form.focused is form.query_one("#working_price")  # the person is taken to it
        assert sim.engine.all_orders(DEMO, "BTCUSDT") == []
        await _type(pilot, form, "working_price", _price(bid * Decimal("0.98")))
        assert not form.query_one("#working_price-error").display  # editing clears it


async def test_back_from_the_confirmation_returns_to_the_form_with_the_draft(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _list_form(pilot, app, ListKind.OTOCO)
        bid = _book(app).snapshot.bids[0][0]
        typed = {
            "working_price": _price(bid * Decimal("0.98")),
            "working_quantity": "0.001",
            "limit": _price(bid * Decimal("1.05")),
            "stop": _price(bid * Decimal("0.95")),
            "stop_limit": _price(bid * Decimal("0.94")),
        }
        await _choose(pilot, form, "working_type", OrderType.LIMIT_MAKER)
        for key, text in typed.items():
            await _type(pilot, form, key, text)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("n")
        await wait_for_screen(pilot, ListFormScreen, ready="#working_type")
        again = app.screen
        assert again is not form and again.kind is ListKind.OTOCO
        assert again.query_one("#working_type", Select).value is OrderType.LIMIT_MAKER
        for key, text in typed.items():
            assert Decimal(again.query_one(f"#{key}", Input).value) == Decimal(text), key
        assert sim.engine.all_orders(DEMO, "BTCUSDT") == []
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation again")
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 3, what="the list, sent from the draft")
        assert {o.type for o in sim.engine.open_orders(DEMO)} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}


async def test_stp_mode_chosen_in_the_order_form_reaches_the_exchange(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        bid = _book(app).snapshot.bids[0][0]
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderFormScreen), what="order form")
        form = app.screen
        stp = form.query_one("#stp_mode", Select)
        await wait_until(pilot, lambda: stp.value is StpMode.NONE, what="STP at the symbol's default, NONE")
        await _type(pilot, form, "price", _price(bid * Decimal("0.97")))
        await _type(pilot, form, "quantity", "0.001")
        await _choose(pilot, form, "stp_mode", StpMode.EXPIRE_MAKER)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        assert "self-trade prevention: EXPIRE_MAKER" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: _orders(app).row_count == 1, what="the order")
        (on_exchange,) = sim.engine.open_orders(DEMO)
        assert on_exchange.stp_mode == "EXPIRE_MAKER"
        (shown,) = _orders(app)._orders.values()
        assert shown.stp_mode == "EXPIRE_MAKER"  # as the exchange reported it back


async def test_every_list_kind_is_usable_at_80x24(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _list_form(pilot, app, ListKind.OCO)
        screen_region = app.screen.region
        for kind in ListKind:
            while form.kind is not kind:
                await pilot.press("f3")
                await pilot.pause()
            if kind in (ListKind.OTO, ListKind.OPO):  # the tallest: a stop-limit pending leg
                await _choose(pilot, form, "pending_type", OrderType.STOP_LOSS_LIMIT)
            start = form.focused
            seen: set[str | None] = set()
            for _ in range(25):  # Tab wraps round the form: every field, then the buttons, then back
                await pilot.press("tab")
                await pilot.pause()
                focused = form.focused
                assert focused is not None
                visible = focused.region.area > 0 and screen_region.contains_region(focused.region)
                assert visible, f"{kind}: {focused} is off screen"
                seen.add(focused.id)
                if focused is start:
                    break
            needed = {"limit", "stop"} if kind in (ListKind.OCO, ListKind.OTOCO, ListKind.OPOCO) else {"pending_stop"}
            assert needed | {"kind", "submit", "cancel"} <= seen, (kind, seen)
