"""JSON shapes of the options venue, field for field as seed 002 shows them.

Where the seed shows a JSON number we send a number (Decimal -> int or float), where it shows a
string we send the plain Decimal text. Greeks: theta per day, vega per vol point (`tui.domain.options.greeks`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tui.domain.money import wire
from tui.sim.options.book import STATUS_CODES, Order
from tui.sim.options.events import Trade
from tui.sim.options.instruments import QUOTE_ASSET, Instrument
from tui.sim.options.ledger import Bill, Position
from tui.sim.options.margin import AccountSummary
from tui.sim.options.market_data import Bar, Ticker24h
from tui.sim.options.pricing import MarkInfo


def num(value: Decimal) -> int | float:
    """A Decimal as a JSON number (exact for the magnitudes the venue deals in)."""
    return int(value) if value == value.to_integral_value() else float(value)


def greek(value: float) -> float:
    return round(value, 8)


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def option_symbol(inst: Instrument) -> dict[str, Any]:
    c = inst.contract
    return {
        "id": inst.id,
        "contractId": inst.underlying.contract_id,
        "underlying": c.underlying,
        "quoteAsset": QUOTE_ASSET,
        "symbol": inst.symbol,
        "unit": 1,
        "minQty": num(inst.qty_step),
        "side": c.side.value,
        "leverage": 0,
        "strikePrice": num(c.strike),
        "expiryDate": inst.expiry_ms,
    }


def mark(inst: Instrument, info: MarkInfo, bid_iv: float, ask_iv: float) -> dict[str, Any]:
    g = info.greeks
    return {
        "symbol": inst.symbol,
        "markPrice": num(info.mark),
        "bidIV": f"{bid_iv:.8f}",
        "askIV": f"{ask_iv:.8f}",
        "delta": greek(g.delta),
        "theta": greek(g.theta),
        "gamma": greek(g.gamma),
        "vega": greek(g.vega),
        "highPriceLimit": num(info.high_limit),
        "lowPriceLimit": num(info.low_limit),
    }


def ticker(inst: Instrument, tk: Ticker24h | None) -> dict[str, Any]:
    if tk is None:
        zero = "0"
        return {
            "symbol": inst.symbol, "priceChange": zero, "priceChangePercent": zero, "lastPrice": zero,
            "lastQty": zero, "open": zero, "high": zero, "low": zero, "volume": zero, "amount": zero,
            "openTime": 0, "closeTime": 0, "firstTradeId": 0, "tradeCount": 0,
            "strikePrice": wire(inst.contract.strike),
        }  # fmt: skip
    change = tk.last - tk.open
    return {
        "symbol": inst.symbol,
        "priceChange": wire(change),
        "priceChangePercent": wire((change / tk.open).quantize(Decimal("0.0001"))) if tk.open else "0",
        "lastPrice": wire(tk.last),
        "lastQty": wire(tk.last_qty),
        "open": wire(tk.open),
        "high": wire(tk.high),
        "low": wire(tk.low),
        "volume": wire(tk.volume),
        "amount": wire(tk.amount),
        "openTime": tk.open_time,
        "closeTime": tk.close_time,
        "firstTradeId": tk.first_id,
        "tradeCount": tk.count,
        "strikePrice": wire(inst.contract.strike),
    }


def trade(t: Trade) -> dict[str, Any]:
    signed = t.qty * t.side
    return {"id": t.id, "price": wire(t.price), "qty": wire(signed), "quoteQty": wire(signed * t.price),
            "time": t.time, "side": t.side}  # fmt: skip


def kline(bar: Bar, interval: str) -> dict[str, Any]:
    return {
        "close": wire(bar.close),
        "closeTime": bar.close_time,
        "tradeCount": bar.count,
        "high": wire(bar.high),
        "low": wire(bar.low),
        "open": wire(bar.open),
        "openTime": bar.open_time,
        "takerAmount": wire(bar.taker_amount),
        "takerVolume": wire(bar.taker_volume),
        "interval": interval,
        "volume": wire(bar.volume),
    }


def order(o: Order) -> dict[str, Any]:
    return {
        "id": str(o.id),
        "symbol": o.symbol,
        "price": num(o.price) if o.price is not None else 0,
        "quantity": num(o.quantity),
        "executedQty": num(o.executed_qty),
        "fee": num(o.fee),
        "side": o.side,
        "type": o.type,
        "timeInForce": o.time_in_force,
        "createDate": o.create_ms,
        "status": o.status,
        "avgPrice": num(o.avg_price.quantize(Decimal("0.00000001"))),
        "source": o.source,
        "reduceOnly": o.reduce_only,
        "clientOrderId": o.client_order_id,
    }


def position(inst: Instrument, pos: Position, info: MarkInfo, reducible: Decimal) -> dict[str, Any]:
    unrealized = (info.mark - pos.entry_price) * pos.quantity
    cost = abs(pos.entry_price * pos.quantity)
    return {
        "entryPrice": num(pos.entry_price.quantize(Decimal("0.00000001"))),
        "symbol": inst.symbol,
        "side": "LONG" if pos.quantity > 0 else "SHORT",
        "leverage": 0,
        "quantity": num(pos.quantity),
        "reducibleQty": num(reducible),
        "markValue": num(info.mark * pos.quantity),
        "autoReducePriority": 0,
        "ror": num((unrealized / cost).quantize(Decimal("0.0001"))) if cost else 0,
        "unrealizedPNL": num(unrealized.quantize(Decimal("0.00000001"))),
        "markPrice": num(info.mark),
        "strikePrice": num(inst.contract.strike),
        "expiryDate": inst.expiry_ms,
    }


def account(s: AccountSummary) -> dict[str, Any]:
    q = Decimal("0.00000001")
    return {
        "currency": QUOTE_ASSET,
        "equity": num(s.equity.quantize(q)),
        "available": num(s.available.quantize(q)),
        "orderMargin": num(s.order_margin.quantize(q)),
        "positionMargin": num(s.position_margin.quantize(q)),
        "unrealizedPNL": num(s.unrealized_pnl.quantize(q)),
        "maintMargin": num(s.maint_margin.quantize(q)),
        "balance": num(s.balance.quantize(q)),
    }


def bill(b: Bill) -> dict[str, Any]:
    return {"id": b.id, "currency": b.currency, "amount": num(b.amount), "type": b.type, "createDate": b.create_ms}


# -- stream payloads ------------------------------------------------------------------------------


def account_update(
    s: AccountSummary, positions: list[tuple[str, Decimal, Decimal, Decimal, Decimal]], now: int
) -> dict[str, Any]:
    """ACCOUNT_UPDATE; `positions` rows are (symbol, qty, reducible, mark value, entry price)."""
    event: dict[str, Any] = {
        "e": "ACCOUNT_UPDATE",
        "E": now,
        "B": [
            {
                "b": wire(s.balance),
                "m": wire(s.mark_value),
                "u": wire(s.unrealized_pnl),
                "U": wire(s.unrealized_pnl),
                "o": wire(s.order_margin),
                "p": wire(s.position_margin),
                "r": wire(s.position_margin),
                "M": wire(s.maint_margin),
            }
        ],
    }
    if positions:
        event["P"] = [{"S": sym, "c": num(q), "r": num(r), "p": num(v), "a": num(a.quantize(Decimal("0.00000001")))}
                      for sym, q, r, v, a in positions]  # fmt: skip
    return event


def order_trade_update(o: Order, trade_time: int, now: int) -> dict[str, Any]:
    return {
        "e": "ORDER_TRADE_UPDATE",
        "E": now,
        "o": [
            {
                "T": trade_time,
                "oid": o.id,
                "S": o.symbol,
                "cid": o.client_order_id,
                "q": wire(o.quantity),
                "stp": 0,
                "r": o.reduce_only,
                "c": False,
                "s": STATUS_CODES[o.status],
                "e": wire(o.executed_qty),
                "ec": wire(o.executed_quote),
                "f": wire(o.fee),
            }
        ],
    }
