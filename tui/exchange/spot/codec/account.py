"""Account answers on the wire: account.status, balances, myTrades, account.commission and
account.rateLimits.orders. No I/O."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.domain.money import ZERO
from tui.domain.spot.account import (
    AccountCommission,
    AccountTrade,
    Balance,
    CommissionRates,
    TradeCommissionRates,
    UnfilledOrderCount,
)
from tui.exchange.spot.events import AccountSnapshot
from tui.exchange.wire_readers import bool_field, decimal_field, expect_object, field, int_field, str_field


def _balance(b: Any, what: str, asset: str, free: str, locked: str) -> Balance:
    b = expect_object(b, what)
    return Balance(
        asset=str_field(b, asset, what), free=decimal_field(b, free, what), locked=decimal_field(b, locked, what)
    )


def balances_from_account(d: Any) -> tuple[Balance, ...]:
    what = "account balance"
    raw = field(expect_object(d, "account"), "balances", "account")
    if not isinstance(raw, list):
        raise ValueError("account: 'balances' must be a list")
    return tuple(_balance(b, what, "asset", "free", "locked") for b in raw)


def account_from_wire(d: Any) -> AccountSnapshot:
    what = "account"
    a = expect_object(d, what)
    rates = a.get("commissionRates")
    if isinstance(rates, dict):
        commission = CommissionRates(
            maker=decimal_field(rates, "maker", what), taker=decimal_field(rates, "taker", what)
        )
    else:  # older shape: integer basis points
        bps = Decimal(10_000)
        commission = CommissionRates(
            maker=int_field(a, "makerCommission", what, 0) / bps, taker=int_field(a, "takerCommission", what, 0) / bps
        )
    return AccountSnapshot(
        balances=balances_from_account(a), commission=commission, can_trade=bool_field(a, "canTrade", what, False)
    )


def balances_from_outbound_position(ev: Any) -> tuple[Balance, ...]:
    what = "outboundAccountPosition"
    raw = field(expect_object(ev, what), "B", what)
    if not isinstance(raw, list):
        raise ValueError(f"{what}: 'B' must be a list")
    return tuple(_balance(b, what, "a", "f", "l") for b in raw)


def account_trade_from_wire(d: Any) -> AccountTrade:
    """One row of myTrades."""
    what = "myTrades"
    t = expect_object(d, what)
    return AccountTrade(
        symbol=str_field(t, "symbol", what),
        id=int_field(t, "id", what),
        order_id=int_field(t, "orderId", what),
        price=decimal_field(t, "price", what),
        qty=decimal_field(t, "qty", what),
        quote_qty=decimal_field(t, "quoteQty", what),
        commission=decimal_field(t, "commission", what),
        commission_asset=str_field(t, "commissionAsset", what),
        time=int_field(t, "time", what),
        is_buyer=bool_field(t, "isBuyer", what),
        is_maker=bool_field(t, "isMaker", what),
        order_list_id=int_field(t, "orderListId", what, -1),
    )


def _trade_rates(d: Any, what: str) -> TradeCommissionRates:
    r = expect_object(d, what)
    return TradeCommissionRates(
        maker=decimal_field(r, "maker", what, ZERO),
        taker=decimal_field(r, "taker", what, ZERO),
        buyer=decimal_field(r, "buyer", what, ZERO),
        seller=decimal_field(r, "seller", what, ZERO),
    )


def account_commission_from_wire(d: Any) -> AccountCommission:
    """account.commission."""
    what = "account.commission"
    o = expect_object(d, what)
    discount = expect_object(field(o, "discount", what), f"{what} discount")
    return AccountCommission(
        symbol=str_field(o, "symbol", what),
        standard=_trade_rates(field(o, "standardCommission", what), f"{what} standardCommission"),
        special=_trade_rates(field(o, "specialCommission", what, {}), f"{what} specialCommission"),
        tax=_trade_rates(field(o, "taxCommission", what, {}), f"{what} taxCommission"),
        discount_enabled_for_account=bool_field(discount, "enabledForAccount", what, False),
        discount_enabled_for_symbol=bool_field(discount, "enabledForSymbol", what, False),
        discount_asset=str_field(discount, "discountAsset", what, ""),
        discount=decimal_field(discount, "discount", what, ZERO),
    )


def unfilled_order_count_from_wire(d: Any) -> UnfilledOrderCount:
    """One row of account.rateLimits.orders."""
    what = "account.rateLimits.orders"
    r = expect_object(d, what)
    return UnfilledOrderCount(
        interval=str_field(r, "interval", what),
        interval_num=int_field(r, "intervalNum", what),
        limit=int_field(r, "limit", what),
        count=int_field(r, "count", what),
    )
