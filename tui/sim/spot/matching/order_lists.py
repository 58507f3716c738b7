"""Order lists in the engine: OCO pairs, OTO / OTOCO (a working order whose fill places pending ones) and
their OPO forms, where the pending legs sell what the working leg bought (faqs/opo.md).

Rules the simulator keeps (web-socket-api.md "Order lists", user-data-stream.md):
- OCO: the stop-loss leg gets the lower order id and is reported first. Only a leg that rests on the
  book from the start (LIMIT_MAKER) locks funds; a conditional leg holds nothing while it waits. When a
  leg fires, or a leg gets its first fill, the other expires with `OCO_TRIGGER`, and a fired leg then
  locks what it needs (or expires `REJECTED` when the account can no longer pay).
- OTO: pending legs wait as PENDING_NEW, off the book and holding nothing, until the working leg is
  FILLED; then they are placed (an OTOCO's two as an OCO pair). A working leg that is canceled cancels
  them; one that expires expires them (`OTO_PHASE_ONE_EXPIRED`). A pending leg the account cannot pay
  for expires `REJECTED` (with a RESPONSE / REJECT listStatus).
- OPO: while the working BUY fills, what it receives (net of commission) is locked for the pending SELL
  legs, whose quantity is that amount rounded down to the step size when they are placed.
- Canceling any leg cancels the list. `listStatus` goes out when a list is placed (EXEC_STARTED), when
  its pending legs are placed (EXEC_STARTED), when a leg gets a new client order id (UPDATED), when a
  pending leg is rejected (RESPONSE / REJECT) and when it is over (ALL_DONE).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

from tui.domain.money import ZERO, floor_to_step
from tui.sim.spot.filters import filter_failure, max_num_order_lists
from tui.sim.spot.matching.accounts import Account
from tui.sim.spot.matching.effects import Effects
from tui.sim.spot.matching.errors import SimError, rejected
from tui.sim.spot.matching.events import Fill, ListStatusChanged, OrderListSnapshot, PlaceListResult, SymbolSpec
from tui.sim.spot.matching.intake import prepare
from tui.sim.spot.matching.list_requests import KINDS, OPO_KINDS, arrange_legs
from tui.sim.spot.matching.orders import BUY, OPEN_STATUSES, Order, OrderParams
from tui.sim.spot.matching.removal import remove_order
from tui.sim.spot.matching.state import EngineState

if TYPE_CHECKING:
    from tui.sim.spot.matching.matcher import Matcher


@dataclass(eq=False)
class OrderList:
    """One order list's mutable state."""

    list_id: int
    account_id: str
    symbol: str
    kind: str
    client_id: str
    legs: list[Order]  # in the order responses report them
    working: Order | None  # OTO family: the leg that goes first
    pending: list[Order]  # OTO family: the legs its fill places
    time: int
    status_type: str = "EXEC_STARTED"
    order_status: str = "EXECUTING"
    activated: bool = False
    reserved: Decimal = ZERO  # OPO: bought base held for the pending legs
    reject_reason: str = "NONE"
    fills: dict[int, list[Fill]] = field(default_factory=dict)

    @property
    def contingency_type(self) -> str:
        return "OCO" if self.kind == "OCO" else "OTO"

    @property
    def opo(self) -> bool:
        return self.kind in OPO_KINDS

    @property
    def open(self) -> bool:
        return self.order_status == "EXECUTING"

    def oco_pair(self, order: Order) -> list[Order]:
        """The OCO pair `order` belongs to (OCO legs, or an OTOCO's pending legs), else []."""
        if self.kind == "OCO":
            return self.legs
        if len(self.pending) == 2 and order in self.pending:
            return self.pending
        return []

    def snapshot(self, orders: tuple | None = None) -> OrderListSnapshot:
        return OrderListSnapshot(
            self.account_id, self.list_id, self.kind, self.contingency_type, self.status_type, self.order_status,
            self.client_id, self.time, self.symbol,
            orders if orders is not None else tuple(o.snapshot() for o in self.legs), self.reject_reason,
        )  # fmt: skip


class OrderLists:
    """Every order list of one engine: placing, the reactions of legs to fills, canceling, queries.

    Placing a list, and placing the pending legs a fill released, put orders to work: those calls take
    the engine's `Matcher`; everything else acts on the `EngineState` through the call's `Effects`."""

    def __init__(self, state: EngineState) -> None:
        self.state = state
        self.lists: dict[int, OrderList] = {}
        self.next_id = 1
        self.deferred: list[OrderList] = []  # working legs filled mid-match; pending legs go next

    # -- placing ---------------------------------------------------------------------------------

    def place(
        self,
        matcher: Matcher,
        effects: Effects,
        acct: Account,
        spec: SymbolSpec,
        kind: str,
        legs: list[OrderParams],
        *,
        working: OrderParams | None = None,
        list_client_order_id: str | None = None,
    ) -> PlaceListResult:
        """Validate and place a list: OCO `legs` = [above, below]; OTO `legs` = [pending]; OTOCO
        `legs` = [above, below] pending; OPO / OPOCO the same with quantity None on the pending legs."""
        state = self.state
        symbol = spec.symbol
        if kind not in KINDS:
            raise SimError(-1130, "Data sent for parameter 'contingencyType' is not valid.")
        if list_client_order_id and any(
            lst.open and lst.client_id == list_client_order_id for lst in self._of(acct.account_id, symbol)
        ):
            raise rejected("Duplicate order sent.")
        open_lists = sum(1 for lst in self._of(acct.account_id, symbol) if lst.open)
        if failed := max_num_order_lists(spec.max_num_order_lists, open_lists):
            raise filter_failure(failed)
        legs = arrange_legs(kind, legs, working, state.book(symbol).last_price)
        opo = kind in OPO_KINDS
        work = prepare(state, acct, spec, working).order if working is not None else None
        orders = [prepare(state, acct, spec, p, check_funds=working is None).order for p in legs]
        now = state.clock_ms()
        lst = OrderList(
            self.next_id, acct.account_id, symbol, kind, list_client_order_id or f"list{self.next_id:019d}",
            [*([work] if work else []), *orders], work, orders if work else [], now,
        )  # fmt: skip
        self.next_id += 1
        self.lists[lst.list_id] = lst
        for order in lst.legs:
            state.assign_order_id(order)
            order.order_list_id = lst.list_id
        if work is None:
            for order in orders:
                matcher.submit(order, now, effects, lock=not order.pending)
        else:
            for order in orders:
                order.list_waiting, order.status, order.is_working, order.working_time = True, "PENDING_NEW", False, -1
                if opo:
                    order.orig_qty = ZERO
                acct.track(order)
            lst.fills[work.order_id] = matcher.submit(work, now, effects).fills
            for order in orders:
                effects.order_updated(order, "NEW", None, now)
        self._status(lst, now, effects)
        result = PlaceListResult(lst.snapshot(), MappingProxyType({oid: tuple(f) for oid, f in lst.fills.items()}))
        matcher.settle(symbol, now, effects)
        effects.touched_balances(now)
        return result

    # -- legs reacting to the book ------------------------------------------------------------------

    def on_fill(self, order: Order, qty: Decimal, commission: Decimal, fee_asset: str, effects: Effects) -> None:
        """A leg traded `qty`: an OCO partner expires; an OPO working leg holds back what it bought."""
        lst = self.lists.get(order.order_list_id)
        if lst is None or not lst.open:
            return
        if lst.opo and order is lst.working and not lst.activated:
            rules = self.state.rules(lst.symbol)
            received = qty - (commission if fee_asset == rules.base_asset else ZERO)
            self.state.account(lst.account_id).move_to_locked(rules.base_asset, received)
            lst.reserved += received
        self._expire_partners(lst, order, order.update_time, effects)

    def leg_activated(self, order: Order, now: int, effects: Effects) -> None:
        """An OCO leg fired: its partner expires before it starts working."""
        lst = self.lists.get(order.order_list_id)
        if lst is not None and lst.open:
            self._expire_partners(lst, order, now, effects)

    def sync(self, order: Order, now: int, effects: Effects) -> None:
        """A leg may have finished: start, cancel or expire the pending legs; close the list when done."""
        lst = self.lists.get(order.order_list_id)
        if lst is None or not lst.open:
            return
        if order is lst.working and not lst.activated and order.status not in OPEN_STATUSES:
            if order.status == "FILLED":
                lst.activated = True
                self.deferred.append(lst)
                return
            acct = self.state.account(lst.account_id)
            effects.touch(lst.account_id, self._release(lst, acct))
            for leg in lst.pending:
                if leg.status in OPEN_STATUSES:
                    expired = remove_order(effects, leg, now, status="EXPIRED", reason="OTO_PHASE_ONE_EXPIRED")
                    effects.touch(lst.account_id, expired.freed)
        self._close_if_done(lst, now, effects)

    def run_deferred(self, matcher: Matcher, now: int, effects: Effects) -> bool:
        """Place the pending legs of lists whose working leg filled; False if there were none."""
        if not self.deferred:
            return False
        lists, self.deferred = self.deferred, []
        for lst in lists:
            self._activate(matcher, lst, now, effects)
        return True

    def _activate(self, matcher: Matcher, lst: OrderList, now: int, effects: Effects) -> None:
        acct = self.state.account(lst.account_id)
        rules = self.state.rules(lst.symbol)
        effects.touch(lst.account_id)
        if lst.opo:
            qty = floor_to_step(lst.reserved, rules.step_size)
            effects.touch(lst.account_id, self._release(lst, acct))
            for leg in lst.pending:
                leg.orig_qty = qty
        paired = len(lst.pending) == 2
        book = self.state.book(lst.symbol)
        for leg in lst.pending:
            leg.list_waiting = False
            leg.status, leg.update_time = "NEW", now
            try:
                if leg.orig_qty < rules.min_qty:
                    raise rejected("Filter failure: LOT_SIZE")
                acct.check_funds(rules, book.opposite(leg.side), leg.side == BUY, leg.type, leg.orig_qty, None,
                                 leg.price if leg.locks else None)  # fmt: skip
            except SimError as err:
                for other in lst.pending:
                    other.list_waiting = False
                    other.status, other.expiry_reason, other.is_working = "EXPIRED", "REJECTED", False
                    effects.touch(lst.account_id, acct.close(other, rules))
                    effects.order_updated(other, "EXPIRED", None, now)
                lst.status_type, lst.order_status, lst.reject_reason = "RESPONSE", "REJECT", _reason(err)
                self._emit(lst, now, effects)
                lst.reject_reason = "NONE"
                lst.order_status = "EXECUTING"
                self._close_if_done(lst, now, effects)
                return
            if not leg.pending:
                leg.working_time = now
                leg.is_working = leg.type in ("LIMIT", "LIMIT_MAKER") and leg.tif == "GTC"
        lst.status_type = "EXEC_STARTED"
        for leg in lst.pending:
            if leg.status in OPEN_STATUSES:
                matcher.submit(leg, now, effects, lock=not (paired and leg.pending))
        self._status(lst, now, effects)
        self._close_if_done(lst, now, effects)

    def _expire_partners(self, lst: OrderList, order: Order, now: int, effects: Effects) -> None:
        effects.touch(lst.account_id)
        for other in lst.oco_pair(order):
            if other is not order and other.status in OPEN_STATUSES:
                expired = remove_order(effects, other, now, status="EXPIRED", reason="OCO_TRIGGER")
                effects.touch(lst.account_id, expired.freed)

    def _release(self, lst: OrderList, acct: Account) -> str | None:
        """OPO: give back the bought base held for the pending legs; the asset, None if none was held."""
        if not lst.reserved:
            return None
        asset = self.state.rules(lst.symbol).base_asset
        acct.move_to_locked(asset, -lst.reserved)
        lst.reserved = ZERO
        return asset

    def _close_if_done(self, lst: OrderList, now: int, effects: Effects) -> None:
        if lst.open and all(o.status not in OPEN_STATUSES for o in lst.legs):
            lst.status_type, lst.order_status, lst.time = "ALL_DONE", "ALL_DONE", now
            self._emit(lst, now, effects)
            if not self.state.account(lst.account_id).keep_history:
                del self.lists[lst.list_id]

    def _status(self, lst: OrderList, now: int, effects: Effects) -> None:
        lst.time = now
        self._emit(lst, now, effects)

    @staticmethod
    def _emit(lst: OrderList, now: int, effects: Effects) -> None:
        effects.emit(ListStatusChanged(lst.account_id, lst.snapshot(), now))

    def renamed(self, order: Order, now: int, effects: Effects) -> OrderListSnapshot | None:
        """A leg got a new client order id (amend): listStatus UPDATED. The list, if `order` is a leg."""
        lst = self.lists.get(order.order_list_id)
        if lst is None:
            return None
        if lst.open:
            lst.status_type = "UPDATED"
            self._status(lst, now, effects)
            lst.status_type = "EXEC_STARTED"
        return lst.snapshot()

    # -- canceling -------------------------------------------------------------------------------

    def cancel(
        self, effects: Effects, acct: Account, list_id: int, new_client_id: str | None, now: int
    ) -> OrderListSnapshot:
        """Cancel every open leg of an open list; the list as it ends (legs as cancel reports)."""
        lst = self.lists.get(list_id)
        if lst is None or lst.account_id != acct.account_id or not lst.open:
            raise SimError(-2011, "Unknown order list sent.")
        freed = [self._release(lst, acct)]
        reports = []
        for leg in lst.legs:
            if leg.status in OPEN_STATUSES:
                report, asset = remove_order(effects, leg, now, new_client_order_id=new_client_id)
                reports.append(report)
                freed.append(asset)
            else:
                reports.append(leg.snapshot())
        assets = {a for a in freed if a is not None}
        lst.status_type, lst.order_status, lst.time = "ALL_DONE", "ALL_DONE", now
        if new_client_id:
            lst.client_id = new_client_id
        self._emit(lst, now, effects)
        if assets:  # now, not at the end of the call: cancelAll reports each list's balances with it
            effects.balances_changed(acct.account_id, assets, now)
        snap = lst.snapshot(tuple(reports))
        if not acct.keep_history:
            del self.lists[list_id]
        return snap

    # -- queries ---------------------------------------------------------------------------------

    def _of(self, account_id: str, symbol: str | None = None) -> list[OrderList]:
        return [
            lst
            for lst in self.lists.values()
            if lst.account_id == account_id and (symbol is None or lst.symbol == symbol)
        ]

    def find(self, account_id: str, list_id: int | None, client_id: str | None) -> OrderList:
        if client_id is not None:
            found = [lst for lst in self._of(account_id) if lst.client_id == client_id]
            lst = found[-1] if found else None
        elif list_id is not None:
            lst = self.lists.get(list_id)
        else:
            raise SimError(-1102, "Param 'origClientOrderId' or 'orderListId' must be sent, but both were empty/null!")
        if lst is None or lst.account_id != account_id:
            raise SimError(-2011, "Order list does not exist.")
        return lst

    def open_lists(self, account_id: str) -> list[OrderListSnapshot]:
        return [lst.snapshot() for lst in self._of(account_id) if lst.open]

    def history(
        self, account_id: str, from_id: int | None, start: int | None, end: int | None, limit: int
    ) -> list[OrderListSnapshot]:
        picked = [
            lst
            for lst in self._of(account_id)
            if (from_id is None or start is not None or end is not None or lst.list_id >= from_id)
            and (start is None or lst.time >= start)
            and (end is None or lst.time <= end)
        ]
        picked = picked[:limit] if from_id is not None and start is None and end is None else picked[-limit:]
        return [lst.snapshot() for lst in picked]


def _reason(err: SimError) -> str:
    if "insufficient balance" in err.msg:
        return "INSUFFICIENT_BALANCES"
    return "NONE"
