"""The rows of the simulated futures account history (orders, trades, income) and their CSV form, as
Binance's export files lay them out: one header row, one row per record, oldest first, UTC times as
`YYYY-MM-DD HH:MM:SS`, amounts as plain decimal strings.

- orders: `ORDER_HEADER`; Price is 0 for market orders, Trigger Price 0 for non-trigger orders.
- trades: `TRADE_HEADER`.
- transactions (income): `INCOME_HEADER`; Trade ID empty for FUNDING_FEE and TRANSFER.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

ORDER_HEADER = (
    "Date(UTC)",
    "Order No",
    "Symbol",
    "Type",
    "Side",
    "Price",
    "Average",
    "Order Amount",
    "Filled",
    "Total",
    "Trigger Price",
    "Status",
)
TRADE_HEADER = (
    "Date(UTC)",
    "Trade ID",
    "Order No",
    "Symbol",
    "Side",
    "Price",
    "Quantity",
    "Amount",
    "Fee",
    "Fee Coin",
    "Realized Profit",
    "Quote Asset",
)
INCOME_HEADER = ("Date(UTC)", "Transaction ID", "Symbol", "Type", "Amount", "Asset", "Trade ID")


def utc_text(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _text(d: Decimal) -> str:
    return format(d, "f")


@dataclass(frozen=True)
class OrderRecord:
    time_ms: int
    order_id: int
    symbol: str
    type: str
    side: str
    price: Decimal
    avg_price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    total: Decimal
    stop_price: Decimal
    status: str

    def csv_row(self) -> list[str]:
        return [
            utc_text(self.time_ms),
            str(self.order_id),
            self.symbol,
            self.type,
            self.side,
            _text(self.price),
            _text(self.avg_price),
            _text(self.orig_qty),
            _text(self.executed_qty),
            _text(self.total),
            _text(self.stop_price),
            self.status,
        ]


@dataclass(frozen=True)
class TradeRecord:
    time_ms: int
    trade_id: int
    order_id: int
    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    realized_pnl: Decimal

    def csv_row(self) -> list[str]:
        return [
            utc_text(self.time_ms),
            str(self.trade_id),
            str(self.order_id),
            self.symbol,
            self.side,
            _text(self.price),
            _text(self.qty),
            _text(self.quote_qty),
            _text(self.commission),
            self.commission_asset,
            _text(self.realized_pnl),
            "USDT",
        ]


@dataclass(frozen=True)
class IncomeRecord:
    time_ms: int
    tran_id: int
    symbol: str
    income_type: str  # REALIZED_PNL, COMMISSION, FUNDING_FEE, TRANSFER
    income: Decimal
    asset: str
    trade_id: int | None

    def csv_row(self) -> list[str]:
        trade = "" if self.trade_id is None else str(self.trade_id)
        return [
            utc_text(self.time_ms),
            str(self.tran_id),
            self.symbol,
            self.income_type,
            _text(self.income),
            self.asset,
            trade,
        ]


def write_csv(header: Sequence[str], rows: Iterator[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
