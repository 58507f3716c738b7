"""Order lists (OCO, OTO, OTOCO, OPO, OPOCO) on the wire: placement params and list replies. No I/O."""

from __future__ import annotations

from typing import Any

from tui.domain.money import wire
from tui.domain.spot.orders import ListKind, ListLeg, OrderList, OrderListRequest
from tui.exchange.spot.codec.orders import report_order
from tui.exchange.wire_readers import expect_object, field, int_field, str_field


def list_order_ids(raw: Any, what: str, sym: str, oid: str, cid: str) -> tuple[tuple[int, str], ...]:
    """(orderId, clientOrderId) of each order a list reply or listStatus event names, under the given keys."""
    if not isinstance(raw, list):
        raise ValueError(f"{what}: orders must be a list")
    return tuple((int_field(expect_object(o, what), oid, what), str_field(o, cid, what, "")) for o in raw)


def order_list_from_wire(d: Any) -> OrderList:
    """orderList.place* / orderList.cancel / orderList.status / openOrderLists / allOrderLists entry."""
    what = "order list"
    o = expect_object(d, what)
    reports = field(o, "orderReports", what, [])
    if not isinstance(reports, list):
        raise ValueError(f"{what}: orderReports must be a list")
    return OrderList(
        order_list_id=int_field(o, "orderListId", what),
        contingency_type=str_field(o, "contingencyType", what),
        list_status_type=str_field(o, "listStatusType", what),
        list_order_status=str_field(o, "listOrderStatus", what),
        list_client_order_id=str_field(o, "listClientOrderId", what, ""),
        transaction_time=int_field(o, "transactionTime", what, 0),
        symbol=str_field(o, "symbol", what),
        order_ids=list_order_ids(field(o, "orders", what, []), what, "symbol", "orderId", "clientOrderId"),
        orders=tuple(report_order(r) for r in reports),
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
