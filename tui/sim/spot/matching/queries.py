"""The engine's read side: books, balances, orders, trades, order lists, amendments and prevented
matches, as frozen snapshots. Nothing here changes the engine or emits an event.

`EngineQueries` is the base of `Engine` (which adds the calls that act); it reads the `EngineState`
and the `OrderLists` it is given.
"""

from __future__ import annotations

from decimal import Decimal

from tui.sim.spot.matching.book import Level
from tui.sim.spot.matching.errors import SimError
from tui.sim.spot.matching.events import AccountTrade, Amendment, OrderListSnapshot, OrderSnapshot, PreventedMatch
from tui.sim.spot.matching.order_lists import OrderLists
from tui.sim.spot.matching.state import EngineState


def _no_such_order() -> SimError:
    return SimError(-2013, "Order does not exist.")


class EngineQueries:
    """Read-only views of one engine's state (the queries of Binance's API, one method each)."""

    def __init__(self, state: EngineState, lists: OrderLists) -> None:
        self.state = state
        self.lists = lists

    # -- accounts --------------------------------------------------------------------------------

    def has_account(self, account_id: str) -> bool:
        return self.state.has_account(account_id)

    def balances(self, account_id: str) -> dict[str, tuple[Decimal, Decimal]]:
        return self.state.account(account_id).balances()

    def commission_rates(self, account_id: str) -> tuple[Decimal, Decimal]:
        acct = self.state.account(account_id)
        return acct.maker, acct.taker

    # -- market views ----------------------------------------------------------------------------

    def depth(self, symbol: str, limit: int = 100) -> tuple[int, list[Level], list[Level]]:
        self.state.spec(symbol)
        book = self.state.book(symbol)
        return book.update_id, book.bids.top(limit), book.asks.top(limit)

    def update_id(self, symbol: str) -> int:
        self.state.spec(symbol)
        return self.state.book(symbol).update_id

    def last_price(self, symbol: str) -> Decimal | None:
        self.state.spec(symbol)
        return self.state.book(symbol).last_price

    def best_bid_ask(self, symbol: str) -> tuple[Level | None, Level | None]:
        self.state.spec(symbol)
        return self.state.book(symbol).best_bid_ask()

    def reference_price(self, symbol: str) -> Decimal | None:
        """Last trade price, else the mid, else None: what MARKET notional checks are made against."""
        return self.state.book(symbol).reference_price()

    # -- orders and trades -----------------------------------------------------------------------

    def get_order(
        self, account_id: str, symbol: str, *, order_id: int | None = None, orig_client_order_id: str | None = None
    ) -> OrderSnapshot:
        acct = self.state.account_for(account_id, symbol)
        order = acct.find(symbol, order_id, orig_client_order_id)
        if order is None:
            raise _no_such_order()
        return order.snapshot()

    def open_orders(self, account_id: str, symbol: str | None = None) -> list[OrderSnapshot]:
        acct = self.state.account(account_id)
        if symbol is not None:
            self.state.spec(symbol)
        return [o.snapshot() for o in acct.open_orders(symbol)]

    def open_order_ids(self, account_id: str, symbol: str | None = None) -> set[int]:
        """Ids of the open orders (cheaper than `open_orders` for the synthetic market)."""
        acct = self.state.account(account_id)
        return {oid for oid in acct.open_ids.values() if symbol is None or acct.orders[oid].symbol == symbol}

    def all_orders(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[OrderSnapshot]:
        """Orders of one symbol, oldest first: from `order_id` on, else the most recent `limit`."""
        acct = self.state.account_for(account_id, symbol)
        return [o.snapshot() for o in acct.order_history(symbol, order_id, start_time, end_time, limit)]

    def my_trades(
        self,
        account_id: str,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[AccountTrade]:
        """Trades of one symbol, oldest first: from `from_id` on, else the most recent `limit`."""
        acct = self.state.account_for(account_id, symbol)
        return acct.trade_history(symbol, order_id, start_time, end_time, from_id, limit)

    def order_amendments(
        self, account_id: str, symbol: str, order_id: int, *, from_execution_id: int | None = None, limit: int = 500
    ) -> list[Amendment]:
        acct = self.state.account_for(account_id, symbol)
        if acct.find(symbol, order_id, None) is None:
            raise _no_such_order()
        picked = [
            a
            for a in acct.amendments
            if a.symbol == symbol
            and a.order_id == order_id
            and (from_execution_id is None or a.execution_id >= from_execution_id)
        ]
        return picked[:limit]

    def prevented_matches(
        self,
        account_id: str,
        symbol: str,
        *,
        prevented_match_id: int | None = None,
        order_id: int | None = None,
        from_prevented_match_id: int | None = None,
        limit: int = 500,
    ) -> list[PreventedMatch]:
        """myPreventedMatches: by preventedMatchId, or by orderId (from fromPreventedMatchId on)."""
        acct = self.state.account_for(account_id, symbol)
        mine = [m for m in acct.prevented if m.symbol == symbol]
        if prevented_match_id is not None:
            return [m for m in mine if m.match_id == prevented_match_id]
        return [
            m
            for m in mine
            if order_id in (m.taker_order_id, m.maker_order_id)
            and (from_prevented_match_id is None or m.match_id >= from_prevented_match_id)
        ][:limit]

    # -- order lists -----------------------------------------------------------------------------

    def get_order_list(
        self, account_id: str, *, order_list_id: int | None = None, list_client_order_id: str | None = None
    ) -> OrderListSnapshot:
        self.state.account(account_id)
        return self.lists.find(account_id, order_list_id, list_client_order_id).snapshot()

    def open_order_lists(self, account_id: str) -> list[OrderListSnapshot]:
        self.state.account(account_id)
        return self.lists.open_lists(account_id)

    def all_order_lists(
        self,
        account_id: str,
        *,
        from_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[OrderListSnapshot]:
        self.state.account(account_id)
        return self.lists.history(account_id, from_id, start_time, end_time, limit)
