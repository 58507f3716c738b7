"""The spot order desk without a screen: the real session against the simulator, and a UI that
records what it is told and answers its questions from a script."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.screen import Screen

from tui.desks.messages import OrdersReported
from tui.desks.spot_orders import SpotOrderDesk, kept_stp_mode, replacement_draft
from tui.domain.money import floor_to_step
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.orders import Order, OrderRequest, OrderType, Side, StpMode, TimeInForce
from tui.exchange.key_files import load_demo_signer
from tui.exchange.spot.session import Session
from tui.messages import OrderAccepted
from tui.screens.common.confirm import ConfirmScreen
from tui.sim.server import SimServer

SYMBOL = "BTCUSDT"


class ScriptedUI:
    """A DeskUI: answers `ask` from `answers` in turn, keeps every modal, notice and message."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.asked: list[Screen[Any]] = []
        self.notices: list[tuple[str, str, str]] = []
        self.messages: list[Message] = []

    async def ask(self, modal: Screen[Any]) -> Any:
        self.asked.append(modal)
        return self.answers.pop(0)

    def notify(
        self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None
    ) -> None:
        self.notices.append((title, message, severity))

    def post_message(self, message: Message) -> bool:
        self.messages.append(message)
        return True


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[SimServer]:
    server = SimServer(host="127.0.0.1", port=0, seed=1, keys_dir=tmp_path / "keys", run_market=False, backfill_hours=1)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def session(sim: SimServer, tmp_path: Path) -> AsyncIterator[Session]:
    from tui.exchange.endpoints import Endpoints

    endpoints = Endpoints(rest=sim.rest_url, ws_api=sim.ws_api_url, streams=sim.stream_url)
    s = Session(endpoints, load_demo_signer(tmp_path / "keys", "ed25519"), reconnect_delay=0.05)
    await s.start()
    yield s
    await s.close()


def resting_buy(session: Session, sim: SimServer) -> OrderRequest:
    rules = session.rules[SYMBOL]
    bid = sim.engine.best_bid_ask(SYMBOL)[0]
    assert bid is not None
    price = floor_to_step(bid[0] * Decimal("0.8"), rules.tick_size)
    qty = floor_to_step(Decimal(20) / price, rules.step_size) + rules.step_size
    return OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, quantity=qty, price=price, time_in_force=TimeInForce.GTC)


async def test_back_from_the_confirmation_returns_the_order_and_sends_nothing(session: Session, sim: SimServer) -> None:
    ui = ScriptedUI(False)
    order = resting_buy(session, sim)
    assert await SpotOrderDesk(session, ui).preview_and_place(order) is order
    (confirm,) = ui.asked
    assert isinstance(confirm, ConfirmScreen) and confirm.title_text == "Send this order?"
    assert "Commission (order.test): maker" in confirm.question  # the preview's rates, from order.test
    assert sim.engine.all_orders("demo", SYMBOL) == [] and ui.messages == []


async def test_a_confirmed_order_is_reported_then_accepted(session: Session, sim: SimServer) -> None:
    ui = ScriptedUI(True)
    assert await SpotOrderDesk(session, ui).preview_and_place(resting_buy(session, sim)) is None
    reported, accepted = ui.messages
    assert isinstance(reported, OrdersReported) and isinstance(accepted, OrderAccepted)
    assert reported.orders == (accepted.order,)
    (on_exchange,) = sim.engine.open_orders("demo")
    assert on_exchange.order_id == accepted.order.order_id and on_exchange.client_order_id.startswith("tui-")
    assert ui.notices[-1][0] == "Order placed"


async def test_without_confirmation_the_notice_says_what_is_sent(session: Session, sim: SimServer) -> None:
    ui = ScriptedUI()
    await SpotOrderDesk(session, ui, confirm_orders=False).preview_and_place(resting_buy(session, sim))
    assert ui.asked == []
    assert ui.notices[0][0] == "Sending (confirmation off for this profile)" and "\n" not in ui.notices[0][1]
    assert len(sim.engine.open_orders("demo")) == 1


async def test_a_lost_reply_is_resolved_by_client_id(session: Session, sim: SimServer) -> None:
    ui = ScriptedUI()
    sim.ws_api.drop_response_to.add("order.place")
    await SpotOrderDesk(session, ui, confirm_orders=False).place_order(resting_buy(session, sim))
    assert ("Order status unknown" in [title for title, _, _ in ui.notices]) and ui.notices[-1][0] == "Order placed"
    accepted = [m for m in ui.messages if isinstance(m, OrderAccepted)]
    (on_exchange,) = sim.engine.open_orders("demo")
    assert [m.order.order_id for m in accepted] == [on_exchange.order_id]


def _order(**fields: Any) -> Order:
    base: dict[str, Any] = dict(
        symbol=SYMBOL, order_id=7, client_order_id="tui-1", side="SELL", type="LIMIT", status="PARTIALLY_FILLED",
        price=Decimal("65000"), orig_qty=Decimal("0.003"), executed_qty=Decimal("0.001"),
        cum_quote_qty=Decimal("65"), time_in_force="GTC", time=1,
    )  # fmt: skip
    return Order(**(base | fields))


def test_the_replacement_draft_is_what_is_left_of_the_order_as_it_rests() -> None:
    one, zero, big = Decimal("0.01"), Decimal(0), Decimal(10**6)
    rules = SymbolRules(
        SYMBOL, "BTC", "USDT", one, one, big, one, one, big, zero, zero, default_stp_mode="EXPIRE_MAKER"
    )
    draft = replacement_draft(_order(stp_mode="EXPIRE_BOTH"), rules)
    assert (draft.side, draft.type, draft.quantity, draft.price) == (
        Side.SELL,
        OrderType.LIMIT,
        Decimal("0.002"),
        Decimal("65000"),
    )
    assert draft.time_in_force is TimeInForce.GTC and draft.stp_mode is StpMode.EXPIRE_BOTH
    assert replacement_draft(_order(stp_mode="EXPIRE_MAKER"), rules).stp_mode is None  # the default: not sent
    assert kept_stp_mode(None, "NONE") is None and kept_stp_mode("SOMETHING_NEW", "NONE") is None
