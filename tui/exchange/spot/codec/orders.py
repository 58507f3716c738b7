"""Single orders on the wire: order.place / order.test params, and the order as replies report it. No I/O.

Money goes from the wire string straight to Decimal; anything malformed raises ValueError naming the
field and the message type, so a caller can log and skip one bad reply.
"""

from __future__ import annotations

from typing import Any

from tui.domain.money import ZERO, wire
from tui.domain.spot.account import CommissionRates, OrderCommissionRates
from tui.domain.spot.orders import Order, OrderRequest, PreventedMatch
from tui.exchange.wire_readers import bool_field, decimal_field, expect_object, field, int_field, str_field


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
        return int_field(result, "orderId", "order.place ACK")
    return None


def peg_fields(d: dict[str, Any], what: str, price_type: str, offset: str, pegged: str) -> dict[str, Any]:
    """A pegged order's peg fields as `Order` keywords, read under their reply (or executionReport) keys;
    None where absent."""
    return {
        "peg_price_type": str_field(d, price_type, what, None),
        "peg_offset_value": int_field(d, offset, what, None),
        "pegged_price": decimal_field(d, pegged, what, None),
    }


def order_from_wire(d: Any) -> Order:
    """An order as order.place (RESULT/FULL), order.cancel, order.status or openOrders.* report it."""
    what = "order"
    o = expect_object(d, what)
    placed = int_field(o, "time", what, None)
    if placed is None:
        placed = int_field(o, "transactTime", what, 0)
    updated = int_field(o, "updateTime", what, None)
    if updated is None:
        updated = int_field(o, "transactTime", what, placed)
    return Order(
        symbol=str_field(o, "symbol", what),
        order_id=int_field(o, "orderId", what),
        client_order_id=str_field(o, "clientOrderId", what, ""),
        side=str_field(o, "side", what),
        type=str_field(o, "type", what),
        status=str_field(o, "status", what),
        price=decimal_field(o, "price", what, ZERO),
        orig_qty=decimal_field(o, "origQty", what),
        executed_qty=decimal_field(o, "executedQty", what),
        cum_quote_qty=decimal_field(o, "cummulativeQuoteQty", what, ZERO),
        time_in_force=str_field(o, "timeInForce", what, ""),
        time=placed,
        update_time=updated,
        stop_price=decimal_field(o, "stopPrice", what, ZERO),
        iceberg_qty=decimal_field(o, "icebergQty", what, ZERO),
        trailing_delta=int_field(o, "trailingDelta", what, None),
        trailing_time=int_field(o, "trailingTime", what, None),
        working_time=int_field(o, "workingTime", what, None),
        is_working=bool_field(o, "isWorking", what, None),
        stp_mode=str_field(o, "selfTradePreventionMode", what, None),
        strategy_id=int_field(o, "strategyId", what, None),
        strategy_type=int_field(o, "strategyType", what, None),
        prevented_qty=decimal_field(o, "preventedQuantity", what, ZERO),
        prevented_match_id=int_field(o, "preventedMatchId", what, None),
        expiry_reason=str_field(o, "expiryReason", what, None),
        order_list_id=int_field(o, "orderListId", what, -1),
        **peg_fields(o, what, "pegPriceType", "pegOffsetValue", "peggedPrice"),
    )


def report_order(r: Any) -> Order:
    """An order as an `orderReports` entry describes it, which may lack fields (ACK replies, OPO legs)."""
    r = dict(expect_object(r, "order report"))
    r.setdefault("origQty", "0")  # an OPO pending leg has no quantity yet
    r.setdefault("executedQty", "0")
    r.setdefault("status", "NEW")  # ACK reports carry ids only
    r.setdefault("side", "")
    r.setdefault("type", "")
    return order_from_wire(r)


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


def _rates(d: Any, what: str) -> CommissionRates:
    r = expect_object(d, what)
    return CommissionRates(maker=decimal_field(r, "maker", what), taker=decimal_field(r, "taker", what))


def order_commission_rates(d: Any, what: str = "order.test commission rates") -> OrderCommissionRates:
    """order.test / sor.order.test with computeCommissionRates=true (sor.order.test lists no special
    rates: zero then)."""
    o = expect_object(d, what)
    discount = expect_object(field(o, "discount", what), f"{what} discount")
    return OrderCommissionRates(
        standard=_rates(field(o, "standardCommissionForOrder", what), what),
        special=_rates(field(o, "specialCommissionForOrder", what, {"maker": "0", "taker": "0"}), what),
        tax=_rates(field(o, "taxCommissionForOrder", what), what),
        discount_enabled_for_account=bool_field(discount, "enabledForAccount", what, False),
        discount_enabled_for_symbol=bool_field(discount, "enabledForSymbol", what, False),
        discount_asset=str_field(discount, "discountAsset", what, ""),
        discount=decimal_field(discount, "discount", what, ZERO),
    )


def prevented_match_from_wire(d: Any) -> PreventedMatch:
    what = "myPreventedMatches"
    m = expect_object(d, what)
    return PreventedMatch(
        symbol=str_field(m, "symbol", what),
        prevented_match_id=int_field(m, "preventedMatchId", what),
        taker_order_id=int_field(m, "takerOrderId", what),
        maker_order_id=int_field(m, "makerOrderId", what),
        mode=str_field(m, "selfTradePreventionMode", what),
        price=decimal_field(m, "price", what),
        taker_prevented_qty=decimal_field(m, "takerPreventedQuantity", what, ZERO),
        maker_prevented_qty=decimal_field(m, "makerPreventedQuantity", what, ZERO),
        time=int_field(m, "transactTime", what, 0),
    )
