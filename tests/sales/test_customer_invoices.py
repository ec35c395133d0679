"""The customer's invoices: their own issued documents only, the PDF exactly as stored, a link from the order."""

import pytest
from django.test import Client
from django.urls import reverse

from ashopy.sales import services
from ashopy.sales.models import Invoice
from tests import factories

from .test_invoices import complete_profile


@pytest.fixture
def invoice(store, customer):
    complete_profile(store)
    variant = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, variant, factories.shipping_method(store), user=customer, paid=True)
    return services.invoice_order(order=order)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_customer_lists_and_downloads_the_pdf_as_stored(invoice, customer, manager):
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=invoice.total // 10)
    page = browser(customer).get(reverse("invoices:list"))
    html = page.content.decode()
    assert page.status_code == 200 and invoice.number in html and note.number in html
    assert html.count(invoice.number) >= 3, "the invoice, the credit note's reference to it, its PDF link"
    response = browser(customer).get(reverse("invoices:pdf", args=[invoice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    invoice.pdf.open("rb")
    assert b"".join(response.streaming_content) == invoice.pdf.read(), "the stored file, never a new rendering"
    detail = browser(customer).get(reverse("orders:detail", args=[invoice.order.number])).content.decode()
    assert reverse("invoices:pdf", args=[invoice.number]) in detail


def test_nobody_else_sees_it_nor_a_draft(invoice, store, other_store, customer, both_store_hosts):
    stranger = factories.UserFactory(email="stranger@example.com")
    assert browser(stranger).get(reverse("invoices:pdf", args=[invoice.number])).status_code == 404
    assert invoice.number not in browser(stranger).get(reverse("invoices:list")).content.decode()
    paris = Client(HTTP_HOST="b.test")
    paris.force_login(customer)
    assert paris.get(reverse("invoices:pdf", args=[invoice.number])).status_code == 404, "another store's host"
    anonymous = Client().get(reverse("invoices:pdf", args=[invoice.number]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    draft = Invoice.objects.create(store=store, customer=customer, currency="XOF")
    assert draft.number == ""
    assert browser(customer).get(reverse("invoices:pdf", args=["-"])).status_code == 404
    assert len(browser(customer).get(reverse("invoices:list")).context["documents"]) == 1
