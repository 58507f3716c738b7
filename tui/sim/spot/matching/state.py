"""What every part of the matching engine shares: the symbols and their books, the accounts, the id
sequences, the clock and the commissions collected.

`EngineState` is handed explicitly to the parts that act on it (`matcher`, `intake`, `removal`,
`order_lists`, `amend`, `sor`, `stp`, `triggers`); none of them holds the `Engine` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from tui.domain.money import ZERO
from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.accounts import Account
from tui.sim.spot.matching.book import Book
from tui.sim.spot.matching.errors import SimError
from tui.sim.spot.matching.events import SymbolSpec
from tui.sim.spot.matching.orders import Order


class EngineState:
    """Books, accounts and id sequences of one engine. Order, trade and execution ids are strictly
    increasing, each from 1."""

    def __init__(self, specs: Iterable[SymbolSpec], clock_ms: Callable[[], int]) -> None:
        self.specs: dict[str, SymbolSpec] = {s.symbol: s for s in specs}
        self.clock_ms = clock_ms
        self.commissions: dict[str, Decimal] = {}  # collected fees per asset (for accounting checks)
        self._books = {name: Book() for name in self.specs}
        self._accounts: dict[str, Account] = {}
        self._next_order_id = 1
        self._next_trade_id = 1
        self._next_exec_id = 1

    # -- symbols ---------------------------------------------------------------------------------

    def spec(self, symbol: str) -> SymbolSpec:
        """The symbol's spec; -1121 "Invalid symbol." if the engine does not trade it."""
        spec = self.specs.get(symbol)
        if spec is None:
            raise SimError(-1121, "Invalid symbol.")
        return spec

    def rules(self, symbol: str) -> SymbolRules:
        """The rules of a symbol known to be traded (an order's, a book's)."""
        return self.specs[symbol].rules

    def book(self, symbol: str) -> Book:
        """The book of a symbol known to be traded."""
        return self._books[symbol]

    # -- accounts --------------------------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        """The account; -2015 (as for an unknown API key) if there is none."""
        try:
            return self._accounts[account_id]
        except KeyError:
            raise SimError(-2015, "Invalid API-key, IP, or permissions for action.", 401) from None

    def account_for(self, account_id: str, symbol: str) -> Account:
        """The account of a request about `symbol`: the account is checked first (-2015), then the
        symbol (-1121), as every order and query call does."""
        acct = self.account(account_id)
        self.spec(symbol)
        return acct

    def has_account(self, account_id: str) -> bool:
        return account_id in self._accounts

    def open_account(
        self, account_id: str, balances: Mapping[str, Decimal], maker_rate: Decimal, taker_rate: Decimal
    ) -> Account:
        """Create an account (or, if it exists, set its rates and the free balance of the given assets)."""
        acct = self._accounts.get(account_id)
        if acct is None:
            acct = self._accounts[account_id] = Account.open(account_id, maker_rate, taker_rate)
        acct.maker, acct.taker = maker_rate, taker_rate
        acct.set_free(balances)
        return acct

    def add_commission(self, asset: str, amount: Decimal) -> None:
        self.commissions[asset] = self.commissions.get(asset, ZERO) + amount

    # -- id sequences ----------------------------------------------------------------------------

    def assign_order_id(self, order: Order) -> None:
        """Give a new order its id (and, if it came without one, its client order id)."""
        order.order_id = self._next_order_id
        self._next_order_id += 1
        order.client_order_id = order.client_order_id or f"sim{order.order_id:019d}"

    def take_trade_id(self) -> int:
        trade_id = self._next_trade_id
        self._next_trade_id += 1
        return trade_id

    def take_exec_id(self) -> int:
        exec_id = self._next_exec_id
        self._next_exec_id += 1
        return exec_id

    def peek_exec_id(self) -> int:
        """The id the next execution will get: generated client ids (cancel, amend) are made from it."""
        return self._next_exec_id
