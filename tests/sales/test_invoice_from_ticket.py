# ruff: noqa: F811 (the till's fixtures of tests/pos/conftest.py are imported, then asked for by name)
"""An invoice on request from a till sale: issued with the store's numbering and mentions, its lines and
totals those of the ticket, one per ticket (asking again returns it), a French store's PDF with its
Factur-X XML; a refund of an invoiced sale makes a credit note on that invoice; a refund ticket, a
customer or another store's staff get no invoice."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ashopy.core.errors import DomainError, PermissionDenied
from ashopy.pos import invoicing, selling, services
from ashopy.pos.models import TicketInvoice
from ashopy.pos.selling import RefundLine
from ashopy.sales.errors import MentionsMissing
from ashopy.sales.models import Invoice
from tests import factories
from tests.pos.conftest import _signing_key, sell, session, shop, till, variant  # noqa: F401 (fixtures)
from tests.sales.test_invoices import complete_profile

pytestmark = pytest.mark.django_db

BUYER = {"name": "Moussa Fall", "company": "Fall Services SARL", "line1": "Rue 10, Point E", "city": "Dakar",
         "country": "SN", "email": "moussa@example.com"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_an_invoice_from_a_sale_is_issued_once(store, session, seller, variant, media,
                                               django_capture_on_commit_callbacks):
    complete_profile(store)
    ticket = sell(session, seller, variant, 2)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.invoice_ticket(user=seller, ticket=ticket, buyer=BUYER)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.is_issued and invoice.number.startswith("FAC-")
    assert invoice.total == ticket.total == Decimal(11800) and invoice.total_tax == ticket.total_tax
    assert invoice.payment_state == Invoice.Payment.PAID and invoice.buyer["company"] == "Fall Services SARL"
    (line,) = invoice.lines.all()
    assert line.quantity == 2 and line.net == ticket.total_net and line.description == "Clé USB 32 Go"
    assert invoice.pdf and PdfReader(io.BytesIO(invoice.pdf.read())).pages
    assert invoicing.invoice_ticket(user=seller, ticket=ticket, buyer={"name": "Autre"}).pk == invoice.pk
    assert Invoice.objects.filter(kind="invoice").count() == 1
    assert TicketInvoice.objects.get(ticket=ticket).invoice_id == invoice.pk


def test_a_refund_of_an_invoiced_sale_makes_a_credit_note(store, session, seller, variant, media):
    complete_profile(store)
    ticket = sell(session, seller, variant, 3)
    invoice = invoicing.invoice_ticket(user=seller, ticket=ticket, buyer=BUYER)
    refund = selling.record_refund(user=seller, session=session, ticket=ticket,
                                   lines=[RefundLine(ticket.lines.get().pk, 2)], method="cash")
    note = Invoice.objects.get(credited_invoice=invoice)
    assert note.is_issued and note.number.startswith("AV-") and note.total == -refund.total == Decimal(11800)
    assert note.payment_state == Invoice.Payment.PAID
    assert TicketInvoice.objects.get(ticket=refund).invoice_id == note.pk
    other = sell(session, seller, variant, 1)  # not invoiced: its refund makes no credit note
    selling.record_refund(user=seller, session=session, ticket=other,
                          lines=[RefundLine(other.lines.get().pk, 1)], method="cash")
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_a_french_store_s_invoice_carries_factur_x(other_store, other_manager, media,
                                                   django_capture_on_commit_callbacks):
    complete_profile(other_store)
    shop_ = factories.warehouse(other_store, "boutique", kind="shop")
    till_ = services.save_till(user=other_manager, store=other_store, code="p1", name="Caisse", warehouse=shop_)
    variant_ = factories.product(other_store, "Carnet", price="12.50").variants.get()
    factories.receive(variant_, 10, warehouse_=shop_)
    session_ = services.open_session(user=other_manager, till=till_, opening_float={})
    ticket = sell(session_, other_manager, variant_, 2)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.invoice_ticket(user=other_manager, ticket=ticket,
                                           buyer={**BUYER, "country": "FR", "city": "Paris"})
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.total == Decimal("25.00")
    reader = PdfReader(io.BytesIO(invoice.pdf.read()))
    assert "factur-x.xml" in reader.attachments


def test_refusals_change_nothing(store, session, seller, customer, variant, other_manager, media):
    ticket = sell(session, seller, variant, 1)
    with pytest.raises(MentionsMissing):  # the store's legal profile is empty
        invoicing.invoice_ticket(user=seller, ticket=ticket, buyer=BUYER)
    complete_profile(store)
    with pytest.raises(MentionsMissing):  # no buyer's name
        invoicing.invoice_ticket(user=seller, ticket=ticket, buyer={})
    with pytest.raises(PermissionDenied):
        invoicing.invoice_ticket(user=customer, ticket=ticket, buyer=BUYER)
    with pytest.raises(PermissionDenied):
        invoicing.invoice_ticket(user=other_manager, ticket=ticket, buyer=BUYER)
    refund = selling.record_refund(user=seller, session=session, ticket=ticket,
                                   lines=[RefundLine(ticket.lines.get().pk, 1)], method="cash")
    with pytest.raises(DomainError):
        invoicing.invoice_ticket(user=seller, ticket=refund, buyer=BUYER)
    assert not Invoice.objects.exists() and not TicketInvoice.objects.exists()


def test_the_staff_page_asks_for_the_buyer_then_issues(store, session, seller, variant, media):
    complete_profile(store)
    ticket = sell(session, seller, variant, 1)
    client = Client()
    client.force_login(seller)
    url = reverse("staff_pos:invoice", args=[ticket.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "x@example.com"}).status_code == 400  # no name nor company
    assert not Invoice.objects.exists()
    response = client.post(url, BUYER)
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff_sales:invoice_detail",
                                                                            args=[invoice.pk])
    assert client.get(url)["Location"] == response["Location"]  # one invoice per ticket
    html = client.get(reverse("staff_pos:ticket_detail", args=[ticket.pk])).content.decode()
    assert invoice.number in html
