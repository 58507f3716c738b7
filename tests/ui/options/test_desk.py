"""The options desk as a person uses it: chain with greeks, buy a call by keyboard, see the risk move."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input, Select

from tests.fixtures.pilot import wait_until
from tui.screens.common.confirm import ConfirmScreen
from tui.screens.options.desk import OptionsScreen
from tui.screens.options.order_form import OptionOrderFormScreen
from tui.widgets.options.account import OptionsSummary
from tui.widgets.options.chain import OptionChainTable


def _complete(chain) -> bool:  # type: ignore[no-untyped-def]
    quotes = [q for row in chain.rows for q in (row.call, row.put) if q is not None]
    return bool(quotes) and all(q.mark is not None and q.delta is not None and q.vega is not None for q in quotes)


async def test_chain_fills_buy_a_call_and_the_position_and_portfolio_delta_update(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OptionsScreen), what="options screen")
        screen = app.screen
        table = screen.query_one(OptionChainTable)
        await wait_until(
            pilot, lambda: table.chain is not None and _complete(table.chain), timeout=15, what="chain with greeks"
        )
        chain = table.chain
        assert chain.index is not None and chain.atm_strike is not None
        # The cross-check ran on every contract (its verdicts are tested deterministically in
        # tests/unit/test_portfolio.py; a live market under CPU load is no place to demand zero flags).
        quotes = [q for row in chain.rows for q in (row.call, row.put) if q]
        assert all(isinstance(q.mismatched, tuple) for q in quotes)
        assert sum(1 for q in quotes if q.mismatched) <= len(quotes) // 4
        # The cursor starts on the at-the-money call.
        quote = table.selected_quote
        assert (
            quote is not None and quote.symbol.endswith("-C") and f"-{chain.atm_strike.normalize():f}-" in quote.symbol
        )
        assert Decimal(0) < quote.delta < Decimal(1)

        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, OptionOrderFormScreen), what="order form")
        form = app.screen
        form.query_one("#type", Select).value = "MARKET"
        form.query_one("#quantity", Input).focus()
        await pilot.press(*"0.2")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("y")

        summary = screen.query_one(OptionsSummary)

        def btc_delta() -> Decimal | None:
            book = summary.book
            greeks = {g.underlying: g for g in book.greeks} if book else {}
            return greeks["BTCUSDT"].delta if "BTCUSDT" in greeks else None

        await wait_until(
            pilot,
            lambda: summary.book and any(p.symbol == quote.symbol for p in summary.book.positions),
            timeout=15,
            what="position",
        )
        position = next(p for p in summary.book.positions if p.symbol == quote.symbol)
        assert position.quantity == Decimal("0.2")
        await wait_until(pilot, lambda: btc_delta() is not None, timeout=10, what="portfolio delta")
        delta = btc_delta()
        # Portfolio delta = contract delta x quantity x unit, with the delta the venue publishes now.
        mark = await screen.session.rest.mark(quote.symbol)
        assert abs(delta - mark.delta * Decimal("0.2")) < Decimal("0.02")
        positions = await screen.session.rest.positions()
        assert [(p.symbol, p.quantity) for p in positions] == [(quote.symbol, Decimal("0.2"))]


async def test_price_outside_the_venue_band_is_refused_in_the_form(make_trading_app, sim) -> None:  # type: ignore[no-untyped-def]
    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OptionsScreen), what="options screen")
        table = app.screen.query_one(OptionChainTable)
        await wait_until(pilot, lambda: table.chain is not None and _complete(table.chain), timeout=15, what="chain")
        quote = table.selected_quote
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, OptionOrderFormScreen), what="order form")
        form = app.screen
        form.query_one("#price", Input).value = f"{quote.high_limit * 2:.1f}"
        form.query_one("#quantity", Input).focus()
        await pilot.press(*"0.1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "highPriceLimit" in str(form.query_one("#price-error").render())
        await pilot.press("escape")
        orders = await app.options.rest.open_orders(quote.symbol)
        assert orders == ()
