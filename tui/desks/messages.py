"""Messages the order desks post to their screen besides the app-wide ones (`tui.messages`)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.domain.spot.orders import Order


@dataclass
class OrdersReported(Message):
    """Order reports a reply carried (placed, cancelled, amended, replaced, a list's legs): the account
    feed takes them in at once, before the user stream's events for them arrive."""

    orders: tuple[Order, ...]


@dataclass
class AccountInDoubt(Message):
    """A reply was lost or unreadable: what is open and what is held must be reloaded from the venue."""
