"""Consumers of domain events: an invoice for every paid order.

Durable (core/events.py): delivered after the payment's transaction commits, retried until it
succeeds, and idempotent — an order has one invoice whatever delivers `order_paid` and how often.
"""

from ashopy.core import events
from ashopy.orders.models import Order

from . import services


@events.consumer("order_paid", name="sales.invoice.issue")
def issue_invoice(*, order_id: int, **_facts) -> None:
    """Issued at once when the store's legal profile is complete; otherwise kept as a draft that the
    back office lists with what is missing (an invoice is never lost, nor issued without its mentions)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        services.invoice_order(order=order, keep_draft_if_incomplete=True)
