"""Reads of sales documents shared by the customer's account, the back office and the API."""

from .errors import InvoiceNotFound
from .models import Invoice


def customer_documents(*, store, user):
    """A customer's issued invoices and credit notes in `store`, newest first (drafts are staff's business)."""
    return (Invoice.objects.filter(store=store, customer=user, state=Invoice.State.ISSUED)
            .select_related("order", "credited_invoice").order_by("-issue_date", "-id"))


def own_document(*, store, user, number: str) -> Invoice:
    """The customer's issued document `number`; InvoiceNotFound for anyone else's (not even its existence)."""
    document = customer_documents(store=store, user=user).filter(number=number).first()
    if document is None:
        raise InvoiceNotFound()
    return document
