"""USDT option accounts: cash balance, positions, bills, and the margin arithmetic.

Cash flows: the buyer pays the premium (price x qty) to the seller at the trade (CONTRACT bills),
fees are charged at the trade (FEE), transfers move USDT in and out (TRANSFER), and settlement pays
intrinsic value x position (a CONTRACT bill). Hence:

    markValue       = mark x quantity (signed: a short is a liability)
    unrealizedPNL   = (mark - entryPrice) x quantity
    equity          = balance + sum(markValue)
    positionMargin  = sum over shorts of |qty| x (mark + short buffer)
    maintMargin     = sum over shorts of |qty| x (mark + short buffer / 2)
    orderMargin     = sum over open orders of margin_per_unit x opening part of the remainder
    available       = balance - positionMargin - orderMargin   (long option value is not lendable)

short buffer = max(15 % of index - out-of-the-money amount, 10 % of index) per contract.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from tui.sim.options.book import ZERO

SHORT_RATE = Decimal("0.15")
SHORT_MIN_RATE = Decimal("0.10")
MAX_BILLS = 10_000
_bill_ids = itertools.count(1125899906842624000)


@dataclass
class Position:
    quantity: Decimal = ZERO
    entry_price: Decimal = ZERO

    def apply(self, dq: Decimal, price: Decimal) -> None:
        """Add a signed fill of `dq` at `price`: average in when growing, keep entry when reducing."""
        q0, q1 = self.quantity, self.quantity + dq
        if q0 == 0 or (q0 > 0) == (dq > 0):
            self.entry_price = (self.entry_price * abs(q0) + price * abs(dq)) / abs(q1)
        elif q1 == 0:
            self.entry_price = ZERO
        elif (q1 > 0) != (q0 > 0):
            self.entry_price = price
        self.quantity = q1


@dataclass(frozen=True)
class Bill:
    id: int
    currency: str
    amount: Decimal
    type: str
    create_ms: int


@dataclass
class Account:
    """One account. System accounts (the synthetic market) skip margin checks and keep no bills."""

    id: str
    balance: Decimal
    system: bool = False
    positions: dict[str, Position] = field(default_factory=dict)
    bills: list[Bill] = field(default_factory=list)

    def bill(self, amount: Decimal, kind: str, now_ms: int) -> None:
        self.balance += amount
        if self.system or amount == 0:
            return
        self.bills.append(Bill(next(_bill_ids), "USDT", amount, kind, now_ms))
        if len(self.bills) > MAX_BILLS:
            del self.bills[: len(self.bills) - MAX_BILLS]

    def position(self, symbol: str) -> Position:
        return self.positions.setdefault(symbol, Position())


def short_buffer(strike: Decimal, is_call: bool, index: Decimal) -> Decimal:
    """Margin per short contract on top of its mark."""
    otm = max(strike - index, ZERO) if is_call else max(index - strike, ZERO)
    return max(SHORT_RATE * index - otm, SHORT_MIN_RATE * index)


def fee_for(price: Decimal, qty: Decimal, index: Decimal, rate: Decimal) -> Decimal:
    """rate x index x qty, capped at 10 % of the premium (Binance caps option fees the same way)."""
    return min(rate * index * qty, Decimal("0.1") * price * qty).quantize(Decimal("0.00000001"))
