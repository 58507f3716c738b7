"""The options account: balances per asset, open positions and the ledger (bills), plus transfer directions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class PositionSide(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"


class TransferDirection(StrEnum):
    """`type` of `POST /api/v1/transfer`: IN moves funds to the options account, OUT back to spot."""

    IN = "IN"
    OUT = "OUT"


@dataclass(frozen=True)
class OptionAccount:
    """One asset of the options account (`GET /api/v1/account`)."""

    asset: str
    equity: Decimal
    available: Decimal
    order_margin: Decimal
    position_margin: Decimal
    unrealized_pnl: Decimal
    maint_margin: Decimal
    balance: Decimal


@dataclass(frozen=True)
class OptionPosition:
    """One open position (`GET /api/v1/position`). `quantity` is signed: negative is short."""

    symbol: str
    side: PositionSide
    quantity: Decimal
    reducible_qty: Decimal
    entry_price: Decimal
    mark_price: Decimal
    mark_value: Decimal
    unrealized_pnl: Decimal
    ror: Decimal
    strike_price: Decimal
    expiry_ms: int
    leverage: Decimal
    auto_reduce_priority: int


@dataclass(frozen=True)
class Bill:
    """One ledger entry (`POST /api/v1/bill`): FEE, CONTRACT, TRANSFER, ... `amount` < 0 flows out."""

    id: int
    currency: str
    amount: Decimal
    type: str
    create_time: int
