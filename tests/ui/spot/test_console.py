"""Console behaviour beyond the order path: keys, palette, help, layout, symbols, errors, reconnects."""

from __future__ import annotations

import asyncio
import io
from decimal import Decimal

from rich.console import Console
from textual.command import CommandPalette

from tests.fixtures.pilot import pick_command, wait_for_screen, wait_until
from tests.ui.spot.test_dashboard import _book, _fill_form, _ready
from tui.messages import OrderRejected
from tui.screens.common.help import HelpScreen
from tui.screens.spot.dashboard import DashboardScreen
from tui.widgets.common.header_bar import HeaderBar
from tui.widgets.common.status_bar import StatusBar
from tui.widgets.spot.trades_tape import TradesTape


async def test_help_lists_every_dashboard_key(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help screen")
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.table)
        text = console.export_text()
        for binding in DashboardScreen.BINDINGS:
            assert binding.description in text, binding.description
        assert "Quit" in text and "Command palette" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.dashboard, what="help to close")


async def test_every_action_is_in_the_command_palette_and_runs_from_it(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = {command.title for command in app.get_system_commands(app.dashboard)}
        for binding in DashboardScreen.BINDINGS:
            assert binding.description in titles
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pick_command(pilot, "Help")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help from the palette")


async def test_80x24_hides_the_tape_but_keeps_the_live_book(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot, app)
        assert app.dashboard.has_class("narrow")
        assert not app.dashboard.query_one("#trades-panel").display
        assert app.dashboard.query_one(TradesTape).region.width == 0
        book = app.dashboard.query_one("#book-panel")
        assert book.region.width > 20 and book.region.height > 10


async def test_switching_symbol_resyncs_book_and_header(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: app.dashboard.symbol == "ETHUSDT", what="symbol switch")
        await wait_until(
            pilot,
            lambda: (
                _book(app).snapshot is not None
                and _book(app).snapshot.symbol == "ETHUSDT"
                and _book(app).snapshot.state == "live"
            ),
            what="ETH book",
        )
        assert app.dashboard.query_one(HeaderBar).symbol == "ETHUSDT"
        _update_id, bids, _asks = sim.engine.depth("ETHUSDT", 5)
        shown_bid = _book(app).snapshot.bids[0][0]
        # The ETH book is ETH's, not BTC's left over: its best bid is near the engine's.
        assert abs(shown_bid - bids[0][0]) / bids[0][0] < Decimal("0.01")


async def test_exchange_rejection_shows_code_and_message(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    captured: list[OrderRejected] = []

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, OrderRejected):
            captured.append(message)

    app = make_trading_app()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await _ready(pilot, app)
        ask = _book(app).snapshot.asks[0][0]
        # 1 BTC costs far more than the demo account's 10,000 USDT: the exchange says -2010.
        await pilot.press("b")
        await _fill_form(pilot, app, price=f"{ask:.2f}", quantity="1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: captured, what="rejection")
        assert captured[0].code == -2010
        assert "insufficient balance" in captured[0].msg
        await wait_until(pilot, lambda: any("-2010" in n.message for n in app._notifications), what="the notice")
        assert app.is_running


async def test_stream_drop_marks_the_book_stale_then_resyncs_with_no_stale_level(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        bar = app.dashboard.query_one(StatusBar)
        bar.watch(bar, "snapshot", lambda snap: seen.append(dict(snap.states).get("book", "")))
        before = _book(app).snapshot.update_id
        await sim.streams.close_all()
        await wait_until(pilot, lambda: any(state != "live" for state in seen), what="book marked not live")
        await wait_until(
            pilot,
            lambda: _book(app).snapshot.state == "live" and seen[-1] == "live",
            timeout=15,
            what="book live again",
        )
        # The book shown after the reconnect came from a fresh snapshot: it is uncrossed and newer.
        snap = _book(app).snapshot
        assert snap.bids[0][0] < snap.asks[0][0]
        assert snap.update_id >= before


async def test_book_redraws_are_coalesced_not_one_per_frame(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from tui.feeds.coalesce import PUBLISH_HZ
    from tui.messages import BookUpdated

    posted: dict[int, BookUpdated] = {}  # by identity: a message bubbling screen -> app is seen twice

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, BookUpdated):
            posted[id(message)] = message

    app = make_trading_app()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await _ready(pilot, app)
        feed = app.dashboard.market_feed
        # A burst far above the publish rate: 20 market steps inside one publish period.
        frames_before, posted_before = feed.frames, len(posted)
        start = asyncio.get_running_loop().time()
        for _ in range(40):
            sim.market.step(sim.engine.clock_ms())
            await asyncio.sleep(0.005)
        await pilot.pause(1.0)
        elapsed = asyncio.get_running_loop().time() - start
        frames = feed.frames - frames_before
        messages = len(posted) - posted_before
        assert messages <= PUBLISH_HZ * elapsed + 2, (messages, elapsed)
        assert frames > messages, (frames, messages)


async def test_interval_key_and_symbol_picker(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.spot.symbol_picker import SymbolPicker
    from tui.widgets.spot.kline_chart import KlineChart

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("i")
        chart = app.dashboard.query_one(KlineChart)
        await wait_until(pilot, lambda: chart.interval == "5m" and chart.klines, what="5m klines")
        assert chart.klines[1].open_time - chart.klines[0].open_time == 5 * 60 * 1000
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, SymbolPicker), what="symbol picker")
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: app.dashboard.symbol == "BNBUSDT", what="BNBUSDT picked")


async def test_lost_order_response_is_resolved_by_client_id_not_reported_as_rejected(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from tui.messages import OrderAccepted

    seen: dict[int, object] = {}

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        if isinstance(message, OrderAccepted | OrderRejected):
            seen[id(message)] = message

    app = make_trading_app()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await _ready(pilot, app)
        app.session.reconnect_delay = 0.05
        resting = f"{(_book(app).snapshot.bids[0][0] * Decimal('0.9')).quantize(Decimal('0.01'))}"
        # The exchange executes the next order.place but the connection drops before it answers.
        sim.ws_api.drop_response_to.add("order.place")
        await pilot.press("b")
        await _fill_form(pilot, app, price=resting, quantity="0.001")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: seen, timeout=20, what="order outcome resolved")
        (outcome,) = {id(m): m for m in seen.values()}.values()
        assert isinstance(outcome, OrderAccepted), outcome  # found by its client order id, not "rejected"
        (on_exchange,) = sim.engine.open_orders("demo")
        assert outcome.order.order_id == on_exchange.order_id
        assert on_exchange.client_order_id.startswith("tui-")
        await wait_until(
            pilot, lambda: app.dashboard.query_one("#orders").row_count == 1, what="order tracked after reconnect"
        )


async def test_enter_in_the_confirmation_goes_back_instead_of_sending(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.common.confirm import ConfirmScreen
    from tui.screens.spot.order_form import OrderFormScreen

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("b")
        await _fill_form(pilot, app, quantity="0.001")
        await pilot.press("enter")  # submit from the quantity field: opens the review
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("enter")  # focus is on Back
        await wait_for_screen(pilot, OrderFormScreen, ready="#type")
        await pilot.pause(0.3)  # bounded: proves no order goes out, which no condition can show
        assert sim.engine.all_orders("demo", "BTCUSDT") == []


async def test_status_bar_shows_states_latency_clock_and_rate_limit_gauges(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        bar = app.dashboard.query_one(StatusBar)
        await wait_until(pilot, lambda: bar.snapshot.gauges and bar.snapshot.rtt_ms is not None, what="gauges")
        states = dict(bar.snapshot.states)
        assert states["ws-api"] == "live" and states["book"] == "live"
        weight = bar.snapshot.gauges[0]
        assert weight.label == "weight/1m" and weight.limit == 6000 and 0 < weight.used < weight.limit
        text = str(bar.render())
        assert "ws-api" in text and "rtt" in text and "clock" in text and "weight/1m" in text and "/6000" in text


async def test_read_only_profile_hides_and_refuses_trading(sim, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tui.app import make_app
    from tui.config.settings import Settings
    from tui.exchange.endpoints import Endpoints
    from tui.exchange.key_files import load_demo_signer
    from tui.exchange.signing import ReadOnlySigner
    from tui.exchange.spot.session import Session
    from tui.screens.spot.order_form import OrderFormScreen

    endpoints = Endpoints(rest=sim.rest_url, ws_api=sim.ws_api_url, streams=sim.stream_url)
    signer = ReadOnlySigner(load_demo_signer(tmp_path / "keys", "ed25519"), profile="watch")
    settings = Settings(endpoints=endpoints, profile_name="watch", read_only=True)
    app = make_app(settings, Session(endpoints, signer), venue="test sim")
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        titles = {command.title for command in app.get_system_commands(app.dashboard)}
        assert "Buy" not in titles and "Cancel order" not in titles and "Options desk" in titles
        await pilot.press("b")
        await pilot.pause(0.3)  # bounded: proves the form does not open, which no condition can show
        assert not isinstance(app.screen, OrderFormScreen)
        header = str(app.dashboard.query_one(HeaderBar).render())
        assert "watch" in header and "READ-ONLY" in header
        # Even past the UI, the exchange layer refuses: nothing is sent.
        from decimal import Decimal

        from tui.domain.spot.orders import OrderRequest, OrderType, Side, TimeInForce
        from tui.exchange.errors import ExchangeError

        request = OrderRequest(
            "BTCUSDT",
            Side.BUY,
            OrderType.LIMIT,
            quantity=Decimal("0.001"),
            price=Decimal("10000"),
            time_in_force=TimeInForce.GTC,
        )
        try:
            await app.session.orders.place_order(request)
        except ExchangeError as exc:
            assert "read-only" in exc.msg
        else:
            raise AssertionError("a read-only profile sent an order")
        assert sim.engine.all_orders("demo", "BTCUSDT") == []


async def test_live_profile_is_visibly_different(sim, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tui.app import make_app
    from tui.config.settings import Settings
    from tui.exchange.endpoints import Endpoints
    from tui.exchange.key_files import load_demo_signer
    from tui.exchange.spot.session import Session

    endpoints = Endpoints(rest=sim.rest_url, ws_api=sim.ws_api_url, streams=sim.stream_url)
    settings = Settings(endpoints=endpoints, profile_name="live", live=True)
    app = make_app(settings, Session(endpoints, load_demo_signer(tmp_path / "keys", "ed25519")), venue="test sim")
    async with app.run_test(size=(120, 40)) as pilot:
        header = app.dashboard.query_one(HeaderBar)
        await wait_until(pilot, lambda: header.has_class("live"), what="the live header")
        assert "LIVE · REAL MONEY" in str(header.render())


async def test_palette_lists_the_front_screens_actions(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.exports.jobs import ExportScreen

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await wait_for_screen(pilot, ExportScreen, ready="#start")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Request export" in titles and "Buy" not in titles
