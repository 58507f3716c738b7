"""Pure translation between Binance wire dicts and domain values. No I/O.

Money is parsed from the wire string straight into Decimal. Anything malformed raises ValueError
naming the field and the message type, so a caller can log and skip one bad frame instead of dying
on a KeyError deep inside a feed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from tui.domain.money import ZERO, to_decimal, wire
from tui.domain.order_book import DepthDiff, DepthSnapshot, Level
from tui.domain.spot.filters import SymbolRules
from tui.domain.spot.orders import (
    AccountCommission,
    AccountTrade,
    AmendedOrder,
    Balance,
    CancelReplaceResult,
    CommissionRates,
    Kline,
    ListKind,
    ListLeg,
    Order,
    OrderAmendment,
    OrderCommissionRates,
    OrderList,
    OrderListRequest,
    OrderRequest,
    PreventedMatch,
    Ticker24h,
    Trade,
    TradeCommissionRates,
    UnfilledOrderCount,
)
from tui.exchange.spot.events import AccountSnapshot, BalanceDelta, BalancesUpdate, OrderListUpdate, OrderUpdate

T = TypeVar("T")
_MISSING = object()


def _obj(d: Any, what: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise ValueError(f"{what}: expected an object, got {type(d).__name__}")
    return d


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what}: expected a list, got {type(value).__name__}")
    return value


def _get(d: dict[str, Any], key: str, what: str, default: Any = _MISSING) -> Any:
    value = d.get(key, _MISSING)
    if value is _MISSING or value is None:
        if default is _MISSING:
            raise ValueError(f"{what}: missing field {key!r}")
        return default
    return value


def _conv(d: dict[str, Any], key: str, what: str, fn: Callable[[Any], T], default: Any = _MISSING) -> T:
    value = _get(d, key, what, default)
    if value is default and default is not _MISSING:
        return value  # type: ignore[no-any-return]
    try:
        return fn(value)
    except (ValueError, TypeError, ArithmeticError):
        raise ValueError(f"{what}: bad value for {key!r}: {value!r}") from None


def _dec(d: dict[str, Any], key: str, what: str, default: Any = _MISSING) -> Decimal:
    def parse(v: Any) -> Decimal:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise TypeError("money must travel as a string")
        return to_decimal(v)

    return _conv(d, key, what, parse, default)


def _int(d: dict[str, Any], key: str, what: str, default: Any = _MISSING) -> int:
    def parse(v: Any) -> int:
        if isinstance(v, bool):
            raise TypeError("bool is not an int")
        return int(v)

    return _conv(d, key, what, parse, default)


def _str(d: dict[str, Any], key: str, what: str, default: Any = _MISSING) -> str:
    return _conv(d, key, what, str, default)


def _bool(d: dict[str, Any], key: str, what: str, default: Any = _MISSING) -> bool:
    def parse(v: Any) -> bool:
        if not isinstance(v, bool):
            raise TypeError("not a boolean")
        return v

    return _conv(d, key, what, parse, default)


def _levels(raw: Any, what: str) -> tuple[Level, ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{what}: levels must be a list")
    out: list[Level] = []
    for level in raw:
        if not isinstance(level, (list, tuple)) or len(level) < 2:
            raise ValueError(f"{what}: bad level {level!r}")
        try:
            out.append((to_decimal(level[0]), to_decimal(level[1])))
        except (ValueError, TypeError):
            raise ValueError(f"{what}: bad level {level!r}") from None
    return tuple(out)


# --- exchange info ---------------------------------------------------------------------------


def rules_from_exchange_info(symbol: Any) -> SymbolRules:
    """One entry of exchangeInfo `symbols` -> SymbolRules (filters missing on the wire are disabled)."""
    what = "exchangeInfo symbol"
    s = _obj(symbol, what)
    fields: dict[str, Any] = {
        "tick_size": ZERO, "min_price": ZERO, "max_price": ZERO,
        "step_size": ZERO, "min_qty": ZERO, "max_qty": ZERO,
        "min_notional": ZERO, "max_notional": ZERO,
    }  # fmt: skip
    notional_seen = False
    for f in _get(s, "filters", what, []):
        f = _obj(f, f"{what} filter")
        kind = f.get("filterType")
        fw = f"{what} {kind}"
        if kind == "PRICE_FILTER":
            fields["min_price"] = _dec(f, "minPrice", fw, ZERO)
            fields["max_price"] = _dec(f, "maxPrice", fw, ZERO)
            fields["tick_size"] = _dec(f, "tickSize", fw, ZERO)
        elif kind == "LOT_SIZE":
            fields["min_qty"] = _dec(f, "minQty", fw, ZERO)
            fields["max_qty"] = _dec(f, "maxQty", fw, ZERO)
            fields["step_size"] = _dec(f, "stepSize", fw, ZERO)
        elif kind == "MARKET_LOT_SIZE":
            fields["market_min_qty"] = _dec(f, "minQty", fw, ZERO)
            fields["market_max_qty"] = _dec(f, "maxQty", fw, ZERO)
            fields["market_step_size"] = _dec(f, "stepSize", fw, ZERO)
        elif kind == "NOTIONAL":
            notional_seen = True
            fields["min_notional"] = _dec(f, "minNotional", fw, ZERO)
            fields["max_notional"] = _dec(f, "maxNotional", fw, ZERO)
            fields["apply_min_to_market"] = _bool(f, "applyMinToMarket", fw, True)
            fields["apply_max_to_market"] = _bool(f, "applyMaxToMarket", fw, False)
        elif kind == "ICEBERG_PARTS":
            fields["iceberg_parts"] = _int(f, "limit", fw, 0)
        elif kind == "TRAILING_DELTA":
            for key, name in (
                ("min_trailing_above_delta", "minTrailingAboveDelta"),
                ("max_trailing_above_delta", "maxTrailingAboveDelta"),
                ("min_trailing_below_delta", "minTrailingBelowDelta"),
                ("max_trailing_below_delta", "maxTrailingBelowDelta"),
            ):
                fields[key] = _int(f, name, fw, 0)
        elif kind == "MAX_NUM_ALGO_ORDERS":
            fields["max_num_algo_orders"] = _int(f, "maxNumAlgoOrders", fw, 0)
        elif kind == "MIN_NOTIONAL" and not notional_seen:
            # The older filter; NOTIONAL supersedes it when a symbol has both.
            fields["min_notional"] = _dec(f, "minNotional", fw, ZERO)
            fields["apply_min_to_market"] = _bool(f, "applyToMarket", fw, True)
    order_types = _get(s, "orderTypes", what, None)
    if order_types is not None:
        fields["order_types"] = tuple(str(t) for t in order_types)
    stp_modes = _get(s, "allowedSelfTradePreventionModes", what, None)
    if isinstance(stp_modes, list):
        fields["allowed_stp_modes"] = tuple(str(m) for m in stp_modes)
    return SymbolRules(
        iceberg_allowed=_bool(s, "icebergAllowed", what, True),
        allow_trailing_stop=_bool(s, "allowTrailingStop", what, True),
        default_stp_mode=_str(s, "defaultSelfTradePreventionMode", what, "NONE"),
        symbol=_str(s, "symbol", what),
        base_asset=_str(s, "baseAsset", what),
        quote_asset=_str(s, "quoteAsset", what),
        base_asset_precision=_int(s, "baseAssetPrecision", what, 8),
        quote_asset_precision=_int(s, "quoteAssetPrecision", what, 8),
        status=_str(s, "status", what, "TRADING"),
        peg_instructions_allowed=_bool(s, "pegInstructionsAllowed", what, False),
        **fields,
    )


def rules_by_symbol(exchange_info: Any) -> dict[str, SymbolRules]:
    info = _obj(exchange_info, "exchangeInfo")
    symbols = _get(info, "symbols", "exchangeInfo")
    if not isinstance(symbols, list):
        raise ValueError("exchangeInfo: 'symbols' must be a list")
    rules = (rules_from_exchange_info(s) for s in symbols)
    return {r.symbol: r for r in rules}


# --- orders and account ----------------------------------------------------------------------


def _peg(d: dict[str, Any], what: str, price_type: str, offset: str, pegged: str) -> dict[str, Any]:
    """A pegged order's peg fields, under their reply (or executionReport) keys; None where absent."""
    return {
        "peg_price_type": _str(d, price_type, what, None),
        "peg_offset_value": _int(d, offset, what, None),
        "pegged_price": _dec(d, pegged, what, None),
    }


def order_from_wire(d: Any) -> Order:
    """An order as order.place (RESULT/FULL), order.cancel, order.status or openOrders.* report it."""
    what = "order"
    o = _obj(d, what)
    placed = _int(o, "time", what, None)
    if placed is None:
        placed = _int(o, "transactTime", what, 0)
    updated = _int(o, "updateTime", what, None)
    if updated is None:
        updated = _int(o, "transactTime", what, placed)
    return Order(
        symbol=_str(o, "symbol", what),
        order_id=_int(o, "orderId", what),
        client_order_id=_str(o, "clientOrderId", what, ""),
        side=_str(o, "side", what),
        type=_str(o, "type", what),
        status=_str(o, "status", what),
        price=_dec(o, "price", what, ZERO),
        orig_qty=_dec(o, "origQty", what),
        executed_qty=_dec(o, "executedQty", what),
        cum_quote_qty=_dec(o, "cummulativeQuoteQty", what, ZERO),
        time_in_force=_str(o, "timeInForce", what, ""),
        time=placed,
        update_time=updated,
        stop_price=_dec(o, "stopPrice", what, ZERO),
        iceberg_qty=_dec(o, "icebergQty", what, ZERO),
        trailing_delta=_int(o, "trailingDelta", what, None),
        trailing_time=_int(o, "trailingTime", what, None),
        working_time=_int(o, "workingTime", what, None),
        is_working=_bool(o, "isWorking", what, None),
        stp_mode=_str(o, "selfTradePreventionMode", what, None),
        strategy_id=_int(o, "strategyId", what, None),
        strategy_type=_int(o, "strategyType", what, None),
        prevented_qty=_dec(o, "preventedQuantity", what, ZERO),
        prevented_match_id=_int(o, "preventedMatchId", what, None),
        expiry_reason=_str(o, "expiryReason", what, None),
        order_list_id=_int(o, "orderListId", what, -1),
        **_peg(o, what, "pegPriceType", "pegOffsetValue", "peggedPrice"),
    )


def orders_from_cancel_all(result: Any) -> list[Order]:
    """openOrders.cancelAll: single orders, plus the reports inside canceled order lists."""
    if not isinstance(result, list):
        raise ValueError("openOrders.cancelAll: expected a list")
    out: list[Order] = []
    for item in result:
        if isinstance(item, dict) and "orderReports" in item:
            out.extend(order_from_wire(r) for r in item["orderReports"])
        else:
            out.append(order_from_wire(item))
    return out


def order_from_execution_report(ev: Any) -> Order:
    """The order as an `executionReport` describes it after this execution."""
    what = "executionReport"
    e = _obj(ev, what)
    client_id = _str(e, "c", what, "")
    if _str(e, "x", what, "") == "CANCELED" and _str(e, "C", what, ""):
        client_id = e["C"]  # on cancel `c` is the cancel request's id; `C` is the order's own
    created = _int(e, "O", what, None)
    transacted = _int(e, "T", what, 0)
    return Order(
        symbol=_str(e, "s", what),
        order_id=_int(e, "i", what),
        client_order_id=client_id,
        side=_str(e, "S", what),
        type=_str(e, "o", what),
        status=_str(e, "X", what),
        price=_dec(e, "p", what, ZERO),
        orig_qty=_dec(e, "q", what),
        executed_qty=_dec(e, "z", what),
        cum_quote_qty=_dec(e, "Z", what, ZERO),
        time_in_force=_str(e, "f", what, ""),
        time=created if created is not None else transacted,
        update_time=transacted,
        stop_price=_dec(e, "P", what, ZERO),
        iceberg_qty=_dec(e, "F", what, ZERO),
        trailing_delta=_int(e, "d", what, None),
        trailing_time=_int(e, "D", what, None),
        working_time=_int(e, "W", what, None),
        is_working=_bool(e, "w", what, None),
        stp_mode=_str(e, "V", what, None),
        strategy_id=_int(e, "j", what, None),
        strategy_type=_int(e, "J", what, None),
        prevented_qty=_dec(e, "A", what, ZERO),
        prevented_match_id=_int(e, "v", what, None),
        expiry_reason=_str(e, "eR", what, None),
        order_list_id=_int(e, "g", what, -1),
        **_peg(e, what, "gP", "gOV", "gp"),
    )


def order_update_from_execution_report(ev: Any) -> OrderUpdate:
    what = "executionReport"
    e = _obj(ev, what)
    return OrderUpdate(
        order=order_from_execution_report(e),
        execution_type=_str(e, "x", what),
        last_qty=_dec(e, "l", what, ZERO),
        last_price=_dec(e, "L", what, ZERO),
        commission=_dec(e, "n", what, ZERO),
        commission_asset=_str(e, "N", what, None),
        reject_reason=_str(e, "r", what, "NONE"),
    )


def _balance(b: Any, what: str, asset: str, free: str, locked: str) -> Balance:
    b = _obj(b, what)
    return Balance(asset=_str(b, asset, what), free=_dec(b, free, what), locked=_dec(b, locked, what))


def balances_from_account(d: Any) -> tuple[Balance, ...]:
    what = "account balance"
    raw = _get(_obj(d, "account"), "balances", "account")
    if not isinstance(raw, list):
        raise ValueError("account: 'balances' must be a list")
    return tuple(_balance(b, what, "asset", "free", "locked") for b in raw)


def account_from_wire(d: Any) -> AccountSnapshot:
    what = "account"
    a = _obj(d, what)
    rates = a.get("commissionRates")
    if isinstance(rates, dict):
        commission = CommissionRates(maker=_dec(rates, "maker", what), taker=_dec(rates, "taker", what))
    else:  # older shape: integer basis points
        bps = Decimal(10_000)
        commission = CommissionRates(
            maker=_int(a, "makerCommission", what, 0) / bps, taker=_int(a, "takerCommission", what, 0) / bps
        )
    return AccountSnapshot(
        balances=balances_from_account(a), commission=commission, can_trade=_bool(a, "canTrade", what, False)
    )


def balances_from_outbound_position(ev: Any) -> tuple[Balance, ...]:
    what = "outboundAccountPosition"
    raw = _get(_obj(ev, what), "B", what)
    if not isinstance(raw, list):
        raise ValueError(f"{what}: 'B' must be a list")
    return tuple(_balance(b, what, "a", "f", "l") for b in raw)


def user_event_from_wire(ev: Any) -> OrderUpdate | OrderListUpdate | BalancesUpdate | BalanceDelta | None:
    """A user-data event -> domain event; None for event types the console does not use."""
    e = _obj(ev, "user data event")
    kind = e.get("e")
    if kind == "executionReport":
        return order_update_from_execution_report(e)
    if kind == "listStatus":
        return OrderListUpdate(order_list_from_event(e))
    if kind == "outboundAccountPosition":
        return BalancesUpdate(balances_from_outbound_position(e))
    if kind == "balanceUpdate":
        return BalanceDelta(asset=_str(e, "a", "balanceUpdate"), delta=_dec(e, "d", "balanceUpdate"))
    return None


# --- order lists, cancel-replace, amendments ------------------------------------------------


def _list_orders(raw: Any, what: str, sym: str, oid: str, cid: str) -> tuple[tuple[int, str], ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{what}: orders must be a list")
    return tuple((_int(_obj(o, what), oid, what), _str(o, cid, what, "")) for o in raw)


def order_list_from_wire(d: Any) -> OrderList:
    """orderList.place* / orderList.cancel / orderList.status / openOrderLists / allOrderLists entry."""
    what = "order list"
    o = _obj(d, what)
    reports = _get(o, "orderReports", what, [])
    if not isinstance(reports, list):
        raise ValueError(f"{what}: orderReports must be a list")
    return OrderList(
        order_list_id=_int(o, "orderListId", what),
        contingency_type=_str(o, "contingencyType", what),
        list_status_type=_str(o, "listStatusType", what),
        list_order_status=_str(o, "listOrderStatus", what),
        list_client_order_id=_str(o, "listClientOrderId", what, ""),
        transaction_time=_int(o, "transactionTime", what, 0),
        symbol=_str(o, "symbol", what),
        order_ids=_list_orders(_get(o, "orders", what, []), what, "symbol", "orderId", "clientOrderId"),
        orders=tuple(_report_order(r) for r in reports),
    )


def _report_order(r: Any) -> Order:
    r = dict(_obj(r, "order report"))
    r.setdefault("origQty", "0")  # an OPO pending leg has no quantity yet
    r.setdefault("executedQty", "0")
    r.setdefault("status", "NEW")  # ACK reports carry ids only
    r.setdefault("side", "")
    r.setdefault("type", "")
    return order_from_wire(r)


def order_list_from_event(e: Any) -> OrderList:
    """A `listStatus` user data event."""
    what = "listStatus"
    e = _obj(e, what)
    return OrderList(
        order_list_id=_int(e, "g", what),
        contingency_type=_str(e, "c", what),
        list_status_type=_str(e, "l", what),
        list_order_status=_str(e, "L", what),
        list_client_order_id=_str(e, "C", what, ""),
        transaction_time=_int(e, "T", what, 0),
        symbol=_str(e, "s", what),
        order_ids=_list_orders(_get(e, "O", what, []), what, "s", "i", "c"),
        reject_reason=_str(e, "r", what, "NONE"),
    )


def _error_pair(d: Any) -> tuple[int, str] | None:
    if isinstance(d, dict) and "code" in d:
        return _int(d, "code", "error"), _str(d, "msg", "error", "")
    return None


def cancel_replace_from_wire(d: Any) -> CancelReplaceResult:
    """order.cancelReplace result, or the `data` of its -2021 / -2022 error."""
    what = "order.cancelReplace"
    o = _obj(d, what)
    cancel, new = o.get("cancelResponse"), o.get("newOrderResponse")
    cancel_err, new_err = _error_pair(cancel), _error_pair(new)
    new_order = None
    if isinstance(new, dict) and new_err is None:
        new_order = _report_order(new) if "status" not in new else order_from_wire(new)
    return CancelReplaceResult(
        cancel_result=_str(o, "cancelResult", what),
        new_order_result=_str(o, "newOrderResult", what),
        canceled=order_from_wire(cancel) if isinstance(cancel, dict) and cancel_err is None else None,
        new_order=new_order,
        cancel_error=cancel_err,
        new_order_error=new_err,
    )


def amended_order_from_wire(d: Any) -> AmendedOrder:
    what = "order.amend.keepPriority"
    o = _obj(d, what)
    a = dict(_obj(_get(o, "amendedOrder", what), what))
    a["origQty"] = a.get("qty")
    a["cummulativeQuoteQty"] = a.get("cumulativeQuoteQty")
    a["preventedQuantity"] = a.get("preventedQty")
    a.setdefault("transactTime", o.get("transactTime"))
    lst = o.get("listStatus")
    order_list = None
    if isinstance(lst, dict):
        order_list = order_list_from_wire(
            {"listStatusType": "EXEC_STARTED", "transactionTime": o.get("transactTime"), **lst}
        )
    return AmendedOrder(
        order=order_from_wire(a),
        orig_client_order_id=_str(a, "origClientOrderId", what, ""),
        execution_id=_int(o, "executionId", what),
        transact_time=_int(o, "transactTime", what),
        order_list=order_list,
    )


def amendment_from_wire(d: Any) -> OrderAmendment:
    what = "order.amendments"
    a = _obj(d, what)
    return OrderAmendment(
        symbol=_str(a, "symbol", what),
        order_id=_int(a, "orderId", what),
        execution_id=_int(a, "executionId", what),
        orig_client_order_id=_str(a, "origClientOrderId", what, ""),
        new_client_order_id=_str(a, "newClientOrderId", what, ""),
        orig_qty=_dec(a, "origQty", what),
        new_qty=_dec(a, "newQty", what),
        time=_int(a, "time", what),
    )


def prevented_match_from_wire(d: Any) -> PreventedMatch:
    what = "myPreventedMatches"
    m = _obj(d, what)
    return PreventedMatch(
        symbol=_str(m, "symbol", what),
        prevented_match_id=_int(m, "preventedMatchId", what),
        taker_order_id=_int(m, "takerOrderId", what),
        maker_order_id=_int(m, "makerOrderId", what),
        mode=_str(m, "selfTradePreventionMode", what),
        price=_dec(m, "price", what),
        taker_prevented_qty=_dec(m, "takerPreventedQuantity", what, ZERO),
        maker_prevented_qty=_dec(m, "makerPreventedQuantity", what, ZERO),
        time=_int(m, "transactTime", what, 0),
    )


def _leg_params(leg: ListLeg, prefix: str, *, shared: bool) -> dict[str, Any]:
    out: dict[str, Any] = {prefix + "Type": str(leg.type)}
    if not shared:
        if leg.side is not None:
            out[prefix + "Side"] = str(leg.side)
        if leg.quantity is not None:
            out[prefix + "Quantity"] = wire(leg.quantity)
    for name, value in (
        ("Price", leg.price), ("StopPrice", leg.stop_price), ("IcebergQty", leg.iceberg_qty),
    ):  # fmt: skip
        if value is not None:
            out[prefix + name] = wire(value)
    if leg.trailing_delta is not None:
        out[prefix + "TrailingDelta"] = leg.trailing_delta
    if leg.time_in_force is not None:
        out[prefix + "TimeInForce"] = str(leg.time_in_force)
    elif leg.type.needs_time_in_force:
        out[prefix + "TimeInForce"] = "GTC"
    if leg.client_order_id:
        out[prefix + "ClientOrderId"] = leg.client_order_id
    if leg.strategy_id is not None:
        out[prefix + "StrategyId"] = leg.strategy_id
    if leg.strategy_type is not None:
        out[prefix + "StrategyType"] = leg.strategy_type
    return out


LIST_METHODS = {
    ListKind.OCO: "orderList.place.oco",
    ListKind.OTO: "orderList.place.oto",
    ListKind.OTOCO: "orderList.place.otoco",
    ListKind.OPO: "orderList.place.opo",
    ListKind.OPOCO: "orderList.place.opoco",
}


def order_list_params(req: OrderListRequest) -> tuple[str, dict[str, Any]]:
    """(method, unsigned params) for an order list request."""
    params: dict[str, Any] = {"symbol": req.symbol}
    if req.kind is ListKind.OCO:
        assert req.above is not None and req.below is not None and req.side is not None and req.quantity is not None
        params.update(side=str(req.side), quantity=wire(req.quantity))
        params.update(_leg_params(req.above, "above", shared=True))
        params.update(_leg_params(req.below, "below", shared=True))
    else:
        assert req.working is not None
        params.update(_leg_params(req.working, "working", shared=False))
        if req.pending is not None:
            params.update(_leg_params(req.pending, "pending", shared=False))
        else:
            assert req.above is not None and req.below is not None and req.side is not None
            params["pendingSide"] = str(req.side)
            if req.quantity is not None:
                params["pendingQuantity"] = wire(req.quantity)
            params.update(_leg_params(req.above, "pendingAbove", shared=True))
            params.update(_leg_params(req.below, "pendingBelow", shared=True))
    if req.list_client_order_id:
        params["listClientOrderId"] = req.list_client_order_id
    if req.stp_mode is not None:
        params["selfTradePreventionMode"] = str(req.stp_mode)
    params["newOrderRespType"] = str(req.new_order_resp_type or "FULL")
    return LIST_METHODS[req.kind], params


# --- market data -----------------------------------------------------------------------------


def trade_from_stream(d: Any) -> Trade:
    """A `trade` (or `aggTrade`) stream payload."""
    what = "trade"
    t = _obj(d, what)
    trade_id = _int(t, "t", what, None)
    if trade_id is None:
        trade_id = _int(t, "a", what)
    return Trade(
        trade_id=trade_id,
        price=_dec(t, "p", what),
        qty=_dec(t, "q", what),
        time=_int(t, "T", what),
        buyer_is_maker=_bool(t, "m", what),
    )


def kline_from_rest(row: Any) -> Kline:
    """One row of `klines` (REST or WS API): [openTime, o, h, l, c, v, closeTime, ...]."""
    if not isinstance(row, (list, tuple)) or len(row) < 7:
        raise ValueError(f"kline: expected an array of at least 7 fields, got {row!r}")
    d = {"t": row[0], "o": row[1], "h": row[2], "l": row[3], "c": row[4], "v": row[5], "T": row[6]}
    return _kline(d, "kline", closed=True)


def _kline(k: dict[str, Any], what: str, *, closed: bool) -> Kline:
    return Kline(
        open_time=_int(k, "t", what),
        close_time=_int(k, "T", what),
        open=_dec(k, "o", what),
        high=_dec(k, "h", what),
        low=_dec(k, "l", what),
        close=_dec(k, "c", what),
        volume=_dec(k, "v", what),
        closed=closed,
    )


def kline_from_stream(d: Any) -> Kline:
    """A `kline_<interval>` stream payload (the bar is under `k`; `x` says whether it closed)."""
    what = "kline event"
    k = _obj(_get(_obj(d, what), "k", what), what)
    return _kline(k, what, closed=_bool(k, "x", what, False))


def ticker_from_stream(d: Any) -> Ticker24h:
    """A `<symbol>@ticker` (24hrTicker) stream payload."""
    what = "24hrTicker"
    t = _obj(d, what)
    return Ticker24h(
        symbol=_str(t, "s", what),
        last_price=_dec(t, "c", what),
        price_change=_dec(t, "p", what),
        price_change_percent=_dec(t, "P", what),
        high=_dec(t, "h", what),
        low=_dec(t, "l", what),
        volume=_dec(t, "v", what),
        quote_volume=_dec(t, "q", what),
    )


def ticker_from_ws(d: Any) -> Ticker24h:
    """The `ticker.24hr` WS API result (FULL type) for one symbol."""
    what = "ticker.24hr"
    t = _obj(d, what)
    return Ticker24h(
        symbol=_str(t, "symbol", what),
        last_price=_dec(t, "lastPrice", what),
        price_change=_dec(t, "priceChange", what, ZERO),
        price_change_percent=_dec(t, "priceChangePercent", what, ZERO),
        high=_dec(t, "highPrice", what),
        low=_dec(t, "lowPrice", what),
        volume=_dec(t, "volume", what),
        quote_volume=_dec(t, "quoteVolume", what),
    )


def depth_diff_from_stream(d: Any) -> DepthDiff:
    """A `depthUpdate` payload: first (U) and final (u) update id and the changed levels."""
    what = "depthUpdate"
    e = _obj(d, what)
    first, final = _int(e, "U", what), _int(e, "u", what)
    if final < first:
        raise ValueError(f"{what}: final update id {final} < first {first}")
    return DepthDiff(
        first_update_id=first,
        final_update_id=final,
        bids=_levels(_get(e, "b", what), f"{what} bids"),
        asks=_levels(_get(e, "a", what), f"{what} asks"),
    )


def snapshot_from_rest(d: Any) -> DepthSnapshot:
    """A `depth` result (REST /api/v3/depth or WS API `depth`)."""
    what = "depth snapshot"
    s = _obj(d, what)
    return DepthSnapshot(
        last_update_id=_int(s, "lastUpdateId", what),
        bids=_levels(_get(s, "bids", what), f"{what} bids"),
        asks=_levels(_get(s, "asks", what), f"{what} asks"),
    )


# --- requests --------------------------------------------------------------------------------


def order_params(req: OrderRequest) -> dict[str, Any]:
    """Wire params for order.place / order.test (unsigned; the client adds timestamp and signature)."""
    params: dict[str, Any] = {"symbol": req.symbol, "side": str(req.side), "type": str(req.type)}
    if req.type.needs_time_in_force:
        params["timeInForce"] = str(req.time_in_force or "GTC")
    if req.price is not None:
        params["price"] = wire(req.price)
    if req.quantity is not None:
        params["quantity"] = wire(req.quantity)
    if req.quote_order_qty is not None:
        params["quoteOrderQty"] = wire(req.quote_order_qty)
    if req.stop_price is not None:
        params["stopPrice"] = wire(req.stop_price)
    if req.trailing_delta is not None:
        params["trailingDelta"] = req.trailing_delta
    if req.iceberg_qty is not None:
        params["icebergQty"] = wire(req.iceberg_qty)
    if req.client_order_id:
        params["newClientOrderId"] = req.client_order_id
    if req.stp_mode is not None:
        params["selfTradePreventionMode"] = str(req.stp_mode)
    if req.strategy_id is not None:
        params["strategyId"] = req.strategy_id
    if req.strategy_type is not None:
        params["strategyType"] = req.strategy_type
    if req.peg_price_type is not None:
        params["pegPriceType"] = str(req.peg_price_type)
    if req.peg_offset_value is not None:  # the only offset type there is
        params.update(pegOffsetType="PRICE_LEVEL", pegOffsetValue=req.peg_offset_value)
    params["newOrderRespType"] = str(req.new_order_resp_type or "FULL")
    return params


def ack_order_id(result: Any) -> int | None:
    """The orderId of an order.place reply in the ACK shape (ids and transactTime only), else None."""
    if isinstance(result, dict) and "status" not in result:
        return _int(result, "orderId", "order.place ACK")
    return None


def _rates(d: Any, what: str) -> CommissionRates:
    r = _obj(d, what)
    return CommissionRates(maker=_dec(r, "maker", what), taker=_dec(r, "taker", what))


def order_commission_rates(d: Any, what: str = "order.test commission rates") -> OrderCommissionRates:
    """order.test / sor.order.test with computeCommissionRates=true (sor.order.test lists no special
    rates: zero then)."""
    o = _obj(d, what)
    discount = _obj(_get(o, "discount", what), f"{what} discount")
    return OrderCommissionRates(
        standard=_rates(_get(o, "standardCommissionForOrder", what), what),
        special=_rates(_get(o, "specialCommissionForOrder", what, {"maker": "0", "taker": "0"}), what),
        tax=_rates(_get(o, "taxCommissionForOrder", what), what),
        discount_enabled_for_account=_bool(discount, "enabledForAccount", what, False),
        discount_enabled_for_symbol=_bool(discount, "enabledForSymbol", what, False),
        discount_asset=_str(discount, "discountAsset", what, ""),
        discount=_dec(discount, "discount", what, ZERO),
    )


def account_trade_from_wire(d: Any) -> AccountTrade:
    """One row of myTrades."""
    what = "myTrades"
    t = _obj(d, what)
    return AccountTrade(
        symbol=_str(t, "symbol", what),
        id=_int(t, "id", what),
        order_id=_int(t, "orderId", what),
        price=_dec(t, "price", what),
        qty=_dec(t, "qty", what),
        quote_qty=_dec(t, "quoteQty", what),
        commission=_dec(t, "commission", what),
        commission_asset=_str(t, "commissionAsset", what),
        time=_int(t, "time", what),
        is_buyer=_bool(t, "isBuyer", what),
        is_maker=_bool(t, "isMaker", what),
        order_list_id=_int(t, "orderListId", what, -1),
    )


def _trade_rates(d: Any, what: str) -> TradeCommissionRates:
    r = _obj(d, what)
    return TradeCommissionRates(
        maker=_dec(r, "maker", what, ZERO),
        taker=_dec(r, "taker", what, ZERO),
        buyer=_dec(r, "buyer", what, ZERO),
        seller=_dec(r, "seller", what, ZERO),
    )


def account_commission_from_wire(d: Any) -> AccountCommission:
    """account.commission."""
    what = "account.commission"
    o = _obj(d, what)
    discount = _obj(_get(o, "discount", what), f"{what} discount")
    return AccountCommission(
        symbol=_str(o, "symbol", what),
        standard=_trade_rates(_get(o, "standardCommission", what), f"{what} standardCommission"),
        special=_trade_rates(_get(o, "specialCommission", what, {}), f"{what} specialCommission"),
        tax=_trade_rates(_get(o, "taxCommission", what, {}), f"{what} taxCommission"),
        discount_enabled_for_account=_bool(discount, "enabledForAccount", what, False),
        discount_enabled_for_symbol=_bool(discount, "enabledForSymbol", what, False),
        discount_asset=_str(discount, "discountAsset", what, ""),
        discount=_dec(discount, "discount", what, ZERO),
    )


def unfilled_order_count_from_wire(d: Any) -> UnfilledOrderCount:
    """One row of account.rateLimits.orders."""
    what = "account.rateLimits.orders"
    r = _obj(d, what)
    return UnfilledOrderCount(
        interval=_str(r, "interval", what),
        interval_num=_int(r, "intervalNum", what),
        limit=_int(r, "limit", what),
        count=_int(r, "count", what),
    )


def levels_equal(a: Sequence[Level], b: Sequence[Level]) -> bool:
    """Compare two level lists numerically (so "1.0" equals "1.00000000")."""
    return len(a) == len(b) and all(pa == pb and qa == qb for (pa, qa), (pb, qb) in zip(a, b, strict=True))
