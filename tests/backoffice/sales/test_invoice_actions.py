"""The invoice page's actions through the web: a payment typed as people type amounts, sending and reminding
by e-mail, and invoicing an order from its page. Bad input is a form error that changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from ashopy.sales import services
from ashopy.sales.models import Invoice, InvoiceEvent, InvoicePayment

from .conftest import browser, paid_order

pytestmark = [pytest.mark.django_db]


def pay(client, invoice, amount, **fields):
    data = {"payment-amount": amount, "payment-received_on": invoice.issue_date.isoformat(),
            "payment-method": "Wave", "payment-reference": "", **fields}
    return client.post(reverse("staff_sales:record_payment", args=[invoice.pk]), data)


@pytest.mark.parametrize(("typed", "language", "expected"), [
    ("12500", "en", Decimal(12500)), ("12 500", "fr", Decimal(12500)), ("12\u202f500", "fr", Decimal(12500)),
    ("12500,00", "fr", Decimal(12500)),
])
def test_a_partial_payment_is_typed_in_the_pages_language(seller, unpaid_invoice, typed, language, expected):
    client = browser(seller, language=language)
    response = pay(client, unpaid_invoice, typed)
    assert response.status_code == 302, response.content.decode()[-3000:]
    invoice = Invoice.objects.get(pk=unpaid_invoice.pk)
    assert invoice.amount_paid == expected and invoice.payment_state == "partial"
    payment = InvoicePayment.objects.get()
    assert (payment.amount, payment.method, payment.recorded_by) == (expected, "Wave", seller)


def test_the_rest_pays_the_invoice(seller, unpaid_invoice):
    client = browser(seller)
    assert pay(client, unpaid_invoice, "10000").status_code == 302
    due = Invoice.objects.get(pk=unpaid_invoice.pk).amount_due
    assert pay(client, unpaid_invoice, str(due)).status_code == 302
    invoice = Invoice.objects.get(pk=unpaid_invoice.pk)
    assert invoice.payment_state == "paid" and invoice.amount_due == 0
    page = client.get(reverse("staff_sales:invoice_detail", args=[invoice.pk])).content.decode()
    assert 'data-testid="record-payment"' not in page  # nothing left to record


@pytest.mark.parametrize(("amount", "fields", "field"), [
    ("-5", {}, "amount"), ("0", {}, "amount"), ("12.5", {}, "amount"), ("abc", {}, "amount"),
    ("1e400", {}, "amount"), ("9" * 40, {}, "amount"), ("99999999", {}, "amount"), ("", {}, "amount"),
    ("NaN", {}, "amount"), ("Infinity", {}, "amount"),
    ("1000", {"payment-received_on": "2026-02-30"}, "received_on"),
    ("1000", {"payment-received_on": "2999-01-01"}, "received_on"),
    ("1000", {"payment-method": ""}, "method"), ("1000", {"payment-method": "x" * 81}, "method"),
])
def test_bad_payments_are_form_errors_and_change_nothing(seller, unpaid_invoice, amount, fields, field):
    response = pay(browser(seller), unpaid_invoice, amount, **fields)
    assert response.status_code == 400
    assert field in response.context["payment_form"].errors
    invoice = Invoice.objects.get(pk=unpaid_invoice.pk)
    assert invoice.amount_paid == 0 and not InvoicePayment.objects.exists()
    assert not InvoiceEvent.objects.filter(code="payment").exists()


def test_a_payment_above_what_is_due_is_the_services_error_on_the_amount(seller, unpaid_invoice):
    response = pay(browser(seller), unpaid_invoice, str(int(unpaid_invoice.amount_due) + 1))
    assert response.status_code == 400
    assert "more than what remains due" in " ".join(response.context["payment_form"].errors["amount"])
    assert not InvoicePayment.objects.exists()


def test_a_payment_on_a_draft_is_refused(seller, draft):
    response = browser(seller).post(reverse("staff_sales:record_payment", args=[draft.pk]), {
        "payment-amount": "1000", "payment-received_on": "2026-01-01", "payment-method": "Wave"}, follow=True)
    assert response.status_code == 200 and not InvoicePayment.objects.exists()


def stored_pdf(invoice) -> bytes:
    invoice = Invoice.objects.get(pk=invoice.pk)
    with invoice.pdf.open("rb") as stored:
        return stored.read()


def test_sending_mails_the_stored_pdf_records_it_and_says_so(seller, invoice, store):
    client = browser(seller)
    response = client.post(reverse("staff_sales:send", args=[invoice.pk]), {"send-to": "compta@client.sn"},
                           follow=True)
    assert "Sent to compta@client.sn." in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["compta@client.sn"] and message.from_email == store.email_sender
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf") and content == stored_pdf(invoice)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.sent_at is not None
    event = invoice.events.get(code="sent")
    assert event.user == seller and event.data == {"recipients": ["compta@client.sn"]}
    assert "Sent by e-mail to compta@client.sn." in response.content.decode()


def test_a_bad_address_or_a_draft_sends_nothing(seller, invoice, draft):
    client = browser(seller)
    bad = client.post(reverse("staff_sales:send", args=[invoice.pk]), {"send-to": "not an address"})
    assert bad.status_code == 400 and "to" in bad.context["send_form"].errors
    refused = client.post(reverse("staff_sales:send", args=[draft.pk]), {"send-to": "a@b.sn"}, follow=True)
    assert "Issue the invoice before sending it" in refused.content.decode()
    assert mail.outbox == [] and not InvoiceEvent.objects.filter(code="sent").exists()


def test_an_overdue_invoice_gets_a_reminder_button_and_a_reminder(seller, unpaid_invoice, invoice):
    client = browser(seller)
    url = reverse("staff_sales:invoice_detail", args=[unpaid_invoice.pk])
    assert 'data-testid="remind"' not in client.get(url).content.decode()
    refused = client.post(reverse("staff_sales:remind", args=[invoice.pk]), {"send-to": "a@b.sn"}, follow=True)
    assert "Only an overdue invoice" in refused.content.decode() and mail.outbox == []
    services.mark_overdue(today=unpaid_invoice.due_date + timedelta(days=1))
    assert 'data-testid="remind"' in client.get(url).content.decode()
    response = client.post(reverse("staff_sales:remind", args=[unpaid_invoice.pk]),
                           {"send-to": "client@example.com"}, follow=True)
    assert "Reminder sent to client@example.com." in response.content.decode()
    [message] = mail.outbox
    assert "overdue" in message.subject and message.attachments[0][1] == stored_pdf(unpaid_invoice)
    assert "Payment reminder sent to client@example.com." in response.content.decode()


def test_an_order_page_links_to_its_invoice_or_invoices_it(store, variant, method, customer, seller, complete):
    order = paid_order(store, variant, method, customer)
    client = browser(seller)
    order_url = reverse("staff_orders:order_detail", args=[order.number])
    page = client.get(order_url).content.decode()
    assert 'data-testid="invoice-order"' in page and 'data-testid="order-invoice"' not in page
    response = client.post(reverse("staff_sales:invoice_order", args=[order.number]))
    invoice = Invoice.objects.get(order=order)
    assert invoice.is_issued and response.url == reverse("staff_sales:invoice_detail", args=[invoice.pk])
    page = client.get(order_url).content.decode()
    assert f"Invoice {invoice.number}" in page and 'data-testid="invoice-order"' not in page
    client.post(reverse("staff_sales:invoice_order", args=[order.number]))
    assert Invoice.objects.filter(order=order).count() == 1


def test_an_unpaid_order_has_no_invoice_button_and_is_refused(store, variant, method, seller):
    from tests import factories

    order = factories.placed_order(store, variant, method)
    client = browser(seller)
    assert 'data-testid="invoice-order"' not in client.get(
        reverse("staff_orders:order_detail", args=[order.number])).content.decode()
    response = client.post(reverse("staff_sales:invoice_order", args=[order.number]), follow=True)
    assert "nor waiting for a transfer" in response.content.decode() and not Invoice.objects.exists()


def test_an_incomplete_profile_keeps_the_orders_invoice_a_draft(store, variant, method, customer, seller):
    order = paid_order(store, variant, method, customer)
    response = browser(seller).post(reverse("staff_sales:invoice_order", args=[order.number]), follow=True)
    invoice = Invoice.objects.get(order=order)
    assert invoice.state == "draft" and "kept as a draft" in response.content.decode()
