"""`sales.emails`: the invoice e-mail in the invoice's language from the store's sender, with the stored PDF;
the reminder only for an overdue invoice; the rules of `sales.rules`."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import formats, translation

from ashopy.core.errors import PermissionDenied
from ashopy.core.money import format_money
from ashopy.sales import emails, services
from ashopy.sales.errors import NoRecipient, NotOverdue, NotSendable
from ashopy.sales.models import Invoice, InvoiceEvent

from .conftest import paid_order

pytestmark = [pytest.mark.django_db]


def stored(invoice) -> bytes:
    with Invoice.objects.get(pk=invoice.pk).pdf.open("rb") as pdf:
        return pdf.read()


def test_the_invoice_goes_in_its_language_with_the_stored_pdf(complete, store, variant, method, customer, seller):
    invoice = services.invoice_order(order=paid_order(store, variant, method, customer, language="fr"))
    sent = emails.send_invoice(invoice=invoice, user=seller)
    [message] = mail.outbox
    assert message.to == [invoice.buyer["email"]] and message.from_email == store.email_sender
    assert invoice.number in message.subject and "Dakar Tech SARL" in message.subject
    with translation.override("fr"):
        french_date = formats.date_format(invoice.issue_date, "DATE_FORMAT")
        total = format_money(invoice.total, "XOF")
    assert french_date in message.body and total in message.body and "\u202f" in total
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html and french_date in html
    [(name, content, mimetype)] = message.attachments
    assert name == f"{invoice.number}.pdf" and mimetype == "application/pdf" and content == stored(invoice)
    assert Invoice.objects.get(pk=invoice.pk).sent_at == sent.sent_at is not None
    assert InvoiceEvent.objects.get(invoice=invoice, code="sent").data == {"recipients": [invoice.buyer["email"]]}


def test_a_credit_note_is_sent_as_one(invoice, manager):
    from decimal import Decimal

    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1000))
    emails.send_invoice(invoice=note, user=manager)
    [message] = mail.outbox
    assert f"credit note {note.number}" in message.subject and invoice.number in message.body
    assert message.attachments[0][1] == stored(note)


def test_refusals_send_nothing(invoice, draft, customer, other_manager):
    for user in (customer, other_manager):
        with pytest.raises(PermissionDenied):
            emails.send_invoice(invoice=invoice, user=user)
    with pytest.raises(NotSendable):
        emails.send_invoice(invoice=draft, user=None)
    with pytest.raises(NotOverdue):
        emails.send_reminder(invoice=invoice)
    buyer = {**invoice.buyer, "email": ""}
    nobody = Invoice.objects.create(store=invoice.store, currency="XOF", buyer=buyer)
    with pytest.raises(NotSendable):
        emails.send_invoice(invoice=nobody, user=None)
    assert mail.outbox == [] and not InvoiceEvent.objects.filter(code__in=("sent", "reminded")).exists()


def test_an_invoice_without_an_address_needs_one(unpaid_invoice):
    with pytest.raises(NoRecipient):
        emails._recipients(Invoice(buyer={}), "")
    assert emails._recipients(unpaid_invoice, " compta@client.sn ") == ["compta@client.sn"]


def test_an_overdue_invoice_is_reminded_by_ashopy_itself(unpaid_invoice):
    services.mark_overdue(today=unpaid_invoice.due_date + timedelta(days=1))
    emails.send_reminder(invoice=unpaid_invoice)
    [message] = mail.outbox
    assert "overdue" in message.subject and message.attachments[0][1] == stored(unpaid_invoice)
    event = InvoiceEvent.objects.get(invoice=unpaid_invoice, code="reminded")
    assert event.user is None and event.data == {"recipients": [unpaid_invoice.buyer["email"]]}
