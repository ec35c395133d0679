"""The order e-mails, as durable consumers of the order events (core/events.py).

Each runs once per event, after the order's transaction has committed; their names are stored
in outbox rows, so they stay as they are.
"""

from ashopy.core import events

from . import emails
from .models import Order


@events.consumer("order_confirmed", name="orders.email.confirmation")
def confirmation(*, order_id: int, **_facts) -> None:
    emails.send(order_id, "confirmation")


@events.consumer("order_paid", name="orders.email.payment_received")
def payment_received(*, order_id: int, from_state: str = "", **_facts) -> None:
    """Only an order that waited for an offline payment: an online one had its confirmation."""
    if from_state == Order.State.AWAITING_PAYMENT:
        emails.send(order_id, "payment_received")


@events.consumer("order_refund_needed", name="orders.email.refund_needed")
def refund_needed(*, order_id: int, **_facts) -> None:
    emails.send(order_id, "refund_needed")


@events.consumer("order_shipped", name="orders.email.shipped")
def shipped(*, order_id: int, **_facts) -> None:
    emails.send(order_id, "shipped")


@events.consumer("order_cancelled", name="orders.email.cancelled")
def cancelled(*, order_id: int, from_state: str = "", **_facts) -> None:
    """A customer who backed out of the payment page needs no e-mail about it."""
    if from_state != Order.State.PENDING_PAYMENT:
        emails.send(order_id, "cancelled")
