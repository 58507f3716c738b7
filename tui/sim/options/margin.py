"""Options margin: what an account can still spend (`AccountSummary`: equity, position and order
margin, maintenance margin), how much of a position open orders have not yet promised to close
(`reducible`), and the margin one contract of a new order locks (`margin_per_unit`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tui.domain.options.contracts import OptionSide
from tui.sim.options.book import BUY, SELL, ZERO, Order
from tui.sim.options.instruments import Catalog, Instrument
from tui.sim.options.ledger import Account, short_buffer
from tui.sim.options.pricing import Marks


@dataclass(frozen=True)
class AccountSummary:
    balance: Decimal
    equity: Decimal
    available: Decimal
    order_margin: Decimal
    position_margin: Decimal
    maint_margin: Decimal
    unrealized_pnl: Decimal
    mark_value: Decimal


def reducible(acct: Account, symbol: str, open_orders: Iterable[Order]) -> Decimal:
    """|position| not already promised to open orders that would close it."""
    pos = acct.positions.get(symbol)
    if pos is None or pos.quantity == 0:
        return ZERO
    closing = SELL if pos.quantity > 0 else BUY
    locked = sum(
        (o.remaining for o in open_orders if o.account == acct.id and o.symbol == symbol and o.side == closing),
        ZERO,
    )
    return max(abs(pos.quantity) - locked, ZERO)


def account_summary(acct: Account, catalog: Catalog, marks: Marks, open_orders: Iterable[Order]) -> AccountSummary:
    """Balance, equity and margins of `acct` at the current marks."""
    mark_value = unrealized = pos_margin = maint = ZERO
    for symbol, pos in acct.positions.items():
        inst = catalog.get(symbol)
        if inst is None:
            continue
        info = marks.of(inst)
        mark_value += info.mark * pos.quantity
        unrealized += (info.mark - pos.entry_price) * pos.quantity
        if pos.quantity < 0:
            buffer = short_buffer(inst.contract.strike, inst.contract.side is OptionSide.CALL, info.index)
            pos_margin += -pos.quantity * (info.mark + buffer)
            maint += -pos.quantity * (info.mark + buffer / 2)
    order_margin = sum((o.order_margin for o in open_orders if o.account == acct.id), ZERO)
    return AccountSummary(
        balance=acct.balance,
        equity=acct.balance + mark_value,
        available=acct.balance - pos_margin - order_margin,
        order_margin=order_margin,
        position_margin=pos_margin,
        maint_margin=maint,
        unrealized_pnl=unrealized,
        mark_value=mark_value,
    )


def margin_per_unit(
    inst: Instrument, side: str, price: Decimal | None, high_limit: Decimal, index: Decimal, taker_fee: Decimal
) -> Decimal:
    """What one contract of a new order locks: a buy its price (a market buy the high price limit), a
    sell the short buffer; both plus the taker fee."""
    fee_per_unit = taker_fee * index
    if side == BUY:
        return (price if price is not None else high_limit) + fee_per_unit
    is_call = inst.contract.side is OptionSide.CALL
    return short_buffer(inst.contract.strike, is_call, index) + fee_per_unit
