"""The customer's invoices: their own issued documents only, the PDF exactly as stored, a link from the order;
a credit note shown as money given back (negative, "to refund" or "refunded"), numbers and amounts on one line;
an invoice's delivery line in the invoice's language."""

from decimal import Decimal

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ashopy.orders.models import Order
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


def _rows(html: str) -> dict[str, lxml.html.HtmlElement]:
    """The list's rows by document number."""
    rows = lxml.html.fromstring(html).xpath('//*[@data-testid="invoice-row"]')
    return {_one(row, "invoice-number").text_content(): row for row in rows}


def _all(element, testid: str) -> list:
    return element.xpath(f'.//*[@data-testid="{testid}"]')


def _one(element, testid: str):
    found = _all(element, testid)
    assert len(found) == 1, testid
    return found[0]


def _nowrap(element) -> bool:
    """The element, or one around it inside its row, keeps its text on one line."""
    while element is not None and element.get("data-testid") != "invoice-row":
        if "text-nowrap" in (element.get("class") or "").split():
            return True
        element = element.getparent()
    return False


def test_a_credit_note_reads_as_money_given_back_not_as_an_unpaid_invoice(invoice, customer, manager):
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(5000))
    rows = _rows(browser(customer).get(reverse("invoices:list")).content.decode())  # the store's French
    row = rows[note.number]
    amount = _one(row, "invoice-amount").text_content().strip()
    assert amount == "−5\u202f000\xa0F\u202fCFA", "negative, with a minus sign that never breaks"
    text = row.text_content()
    assert "Avoir" in text and "Impayée" not in text and "À rembourser" in text
    assert row.xpath(".//*[@data-state]")[0].get("data-state") == "to-refund"
    assert _one(rows[invoice.number], "invoice-amount").text_content() == "52\u202f000\xa0F\u202fCFA"
    assert "Payée" in rows[invoice.number].text_content()
    services.record_payment(invoice=note, user=manager, amount=note.total, method="Espèces")
    refunded = _rows(browser(customer).get(reverse("invoices:list")).content.decode())[note.number]
    assert "Remboursé" in refunded.text_content() and "Impayée" not in refunded.text_content()


def test_numbers_and_amounts_never_wrap(invoice, customer, manager):
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(5000))
    rows = _rows(browser(customer).get(reverse("invoices:list")).content.decode())
    assert set(rows) == {invoice.number, note.number}
    for row in rows.values():
        found = [*_all(row, "invoice-number"), *_all(row, "invoice-amount"), *_all(row, "invoice-pdf"),
                 *row.xpath('.//a[contains(@href, "/orders/")]')]
        assert len(found) == 4 and all(_nowrap(element) for element in found), found
    reference = [div for div in rows[note.number].iter("div") if invoice.number in (div.text or "")]
    assert reference and _nowrap(reference[0]), "“on invoice FAC-…” stays on one line"
    detail = browser(customer).get(reverse("orders:detail", args=[invoice.order.number])).content.decode()
    links = lxml.html.fromstring(detail).xpath('//*[@data-testid="order-documents"]//a')
    assert len(links) == 2 and all("text-nowrap" in link.get("class", "") for link in links)


@pytest.mark.parametrize(("language", "label"), [("fr", "Livraison"), ("en", "Delivery")])
def test_a_delivery_without_a_method_name_is_labelled_in_the_invoice_language(store, customer, language, label):
    complete_profile(store)
    variant = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, variant, factories.shipping_method(store, price="2000"), user=customer,
                                   paid=True, language=language)
    Order.objects.filter(pk=order.pk).update(shipping_method="")  # an order placed before methods had names
    with translation.override("fr" if language == "en" else "en"):  # whatever the language of the moment
        invoice = services.invoice_order(order=Order.objects.get(pk=order.pk))
    delivery = invoice.lines.get(order_line__isnull=True)
    assert (delivery.description, delivery.net + delivery.tax) == (label, Decimal(2000))
