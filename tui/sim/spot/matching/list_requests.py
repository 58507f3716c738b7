"""What an order-list request must meet as a list, before its legs are checked as orders
(web-socket-api.md "Order lists", faqs/opo.md): unique client order ids, the OCO pair's types, sides
and price relation, the OPO sides, the working leg's type; and the legs in the order they are placed.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tui.sim.spot.matching.errors import SimError, rejected
from tui.sim.spot.matching.orders import BUY, SELL, OrderParams

KINDS = ("OCO", "OTO", "OTOCO", "OPO", "OPOCO")
OPO_KINDS = ("OPO", "OPOCO")  # the pending legs sell what the working leg buys
_LIMIT_LEGS = ("LIMIT_MAKER", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
_STOP_LEGS = ("STOP_LOSS", "STOP_LOSS_LIMIT")


def arrange_legs(
    kind: str, legs: list[OrderParams], working: OrderParams | None, last: Decimal | None
) -> list[OrderParams]:
    """Check the list's shape (raising Binance's error); the OCO / pending legs as they are placed: an OCO
    pair with its stop-loss leg first, OPO pending legs sized as the working leg (they are validated as
    if they sold what it buys, and sized when they are placed)."""
    cids = [p.client_order_id for p in ([working] if working else []) + legs if p and p.client_order_id]
    if len(set(cids)) != len(cids):
        raise rejected("Duplicate order sent.")
    if len(legs) == 2:
        check_oco(legs[0].side, legs[0], legs[1], last if kind == "OCO" else None)
        if legs[0].type in _LIMIT_LEGS:
            legs = [legs[1], legs[0]]
    if kind in OPO_KINDS:
        assert working is not None
        if working.side != BUY:
            raise SimError(-1222, "Working order in an OPO list must be a bid.")
        if any(p.side != SELL for p in legs):
            raise SimError(-1223, "Pending orders in an OPO list must be asks.")
        legs = [replace(p, quantity=working.quantity) for p in legs]
    if working is not None and working.type not in ("LIMIT", "LIMIT_MAKER"):
        raise SimError(-1158, "Order type not supported in OCO.")
    return legs


def check_oco(side: str, above: OrderParams, below: OrderParams, last: Decimal | None) -> None:
    """Types, sides and the price relation of an OCO pair (web-socket-api.md orderList.place.oco)."""
    if above.type not in (*_LIMIT_LEGS, *_STOP_LEGS) or below.type not in (
        *_STOP_LEGS,
        "TAKE_PROFIT",
        "TAKE_PROFIT_LIMIT",
        "LIMIT_MAKER",
    ):
        raise SimError(-1158, "Order type not supported in OCO.")
    if (above.type in _LIMIT_LEGS) == (below.type in _LIMIT_LEGS):
        if above.type in _LIMIT_LEGS:
            raise SimError(-1168, "At least one OCO order must be contingent.")
        raise SimError(-1158, "Order type not supported in OCO.")
    if above.quantity != below.quantity:
        raise SimError(-1158, "Order type not supported in OCO.")
    # which leg must be where: BUY limit/take-profit below, stop above; SELL the other way round
    if side == BUY:
        if above.type in _LIMIT_LEGS:
            raise SimError(-1165 if above.type == "LIMIT_MAKER" else -1198,
                           "A limit order in a buy OCO must be below." if above.type == "LIMIT_MAKER"
                           else "A take profit order in a buy OCO must be below.")  # fmt: skip
    elif below.type in _LIMIT_LEGS:
        raise SimError(-1166 if below.type == "LIMIT_MAKER" else -1199,
                       "A limit order in a sell OCO must be above." if below.type == "LIMIT_MAKER"
                       else "A take profit order in a sell OCO must be above.")  # fmt: skip
    if last is None:
        return
    hi = above.stop_price if above.type != "LIMIT_MAKER" else above.price
    lo = below.stop_price if below.type != "LIMIT_MAKER" else below.price
    if hi is None or lo is None:
        return  # a trailing leg without stopPrice starts from the last price
    if not lo < last < hi:
        raise rejected("The relationship of the prices for the orders is not correct.")
