"""Sending an invoice (or a credit note) to its buyer, and reminding them of an overdue one.

The e-mail is written in the invoice's language from the store's address (`Store.email_sender`, as the
order e-mails), with the stored PDF attached: the very file that was issued (`services.ensure_pdf`),
never a new rendering. Sending happens outside any transaction; what was sent is then recorded on the
invoice's timeline ("sent", "reminded") and `sent_at` is set by an update of that column alone.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import rules, services
from .errors import NoRecipient, NotOverdue, NotSendable
from .models import Invoice, InvoiceEvent

KINDS = ("invoice", "reminder")


def _pdf_bytes(invoice: Invoice) -> bytes:
    with invoice.pdf.open("rb") as stored:
        return stored.read()


def _send(invoice: Invoice, kind: str, recipients: list[str]) -> None:
    store = invoice.store
    with translation.override(invoice.language):
        context = {"invoice": invoice, "store": store, "seller": invoice.seller.get("name") or store.name,
                   "buyer": invoice.buyer.get("name") or invoice.buyer.get("company") or ""}
        message = EmailMultiAlternatives(
            subject=render_to_string(f"sales/email/{kind}_subject.txt", context).strip(),
            body=render_to_string(f"sales/email/{kind}.txt", context),
            from_email=store.email_sender, to=recipients, reply_to=[store.email] if store.email else None)
        message.attach_alternative(render_to_string(f"sales/email/{kind}.html", context), "text/html")
    message.attach(f"{invoice.number}.pdf", _pdf_bytes(invoice), "application/pdf")
    message.send()


def _recipients(invoice: Invoice, to: str) -> list[str]:
    address = (to or invoice.buyer.get("email") or "").strip()
    if not address:
        raise NoRecipient()
    return [address]


def send_invoice(*, invoice: Invoice, user, to: str = "") -> Invoice:
    """E-mail the issued invoice (or credit note) with its PDF to the buyer, or to `to` when given."""
    rules.authorize(user=user, store=invoice.store, action="send")
    invoice = Invoice.objects.select_related("store").get(pk=invoice.pk)
    if not invoice.is_issued:
        raise NotSendable()
    recipients = _recipients(invoice, to)
    invoice = services.ensure_pdf(invoice)
    _send(invoice, "invoice", recipients)
    invoice.sent_at = timezone.now()
    Invoice.objects.filter(pk=invoice.pk).update(sent_at=invoice.sent_at)
    InvoiceEvent.objects.create(invoice=invoice, code="sent", user=user, data={"recipients": recipients})
    return invoice


def send_reminder(*, invoice: Invoice, user=None, to: str = "") -> Invoice:
    """Remind the buyer of an overdue invoice: what is still due and since when, with the PDF again."""
    rules.authorize(user=user, store=invoice.store, action="send")
    invoice = Invoice.objects.select_related("store").get(pk=invoice.pk)
    if not invoice.is_issued or invoice.is_credit_note or invoice.payment_state != Invoice.Payment.OVERDUE:
        raise NotOverdue()
    recipients = _recipients(invoice, to)
    invoice = services.ensure_pdf(invoice)
    _send(invoice, "reminder", recipients)
    InvoiceEvent.objects.create(invoice=invoice, code="reminded", user=user, data={"recipients": recipients})
    return invoice
