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
    back office lists with what is missing (an invoice is never lost, nor issued without its mentions).
    An invoice issued before the money came (cash on delivery, invoiced at delivery) is settled instead."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        invoice = services.invoice_order(order=order, keep_draft_if_incomplete=True)
        services.settle_paid_order(invoice=invoice, order=order)


@events.consumer("order_cancelled", name="sales.credit_note.cancelled_order")
def credit_cancelled_order(*, order_id: int, **_facts) -> None:
    """A paid order cancelled after its invoice was issued: the invoice stays as it is and a credit note
    for what remains on it corrects it (the order's cancellation already refunded and restocked)."""
    services.credit_cancelled_order(order_id=order_id)


@events.consumer("quote_requested", name="sales.quote_request.notify_staff")
def notify_staff_of_quote_request(*, quote_id: int, **_facts) -> None:
    """E-mail the store's salespeople, managers and admins that a customer asked for a quote, once."""
    from . import quote_request_emails

    quote_request_emails.notify_staff(quote_id=quote_id)
