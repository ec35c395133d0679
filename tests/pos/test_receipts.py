"""The receipt: the store's legal details, the ticket's number, date and time to the second in the
store's clock, till and cashier, lines, VAT per rate, total, payments and change, the first 4
characters of its signature and the software version; "DUPLICATA n°…" only on a logged reprint; the
PDF is a real PDF that says the same."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ashopy.pos import receipts, services
from ashopy.pos.models import ChainRecord, Duplicate
from ashopy.sales.models import SellerProfile
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def profile(store):
    store.legal_name, store.address, store.city = "Boutique Test SARL", "12 avenue Cheikh Anta Diop", "Dakar"
    store.save()
    return SellerProfile.objects.create(store=store, ninea="0012345 2G3", rccm="SN-DKR-2020-B-12345")


@pytest.fixture
def ticket(session, seller, variant):
    with time_machine.travel(datetime(2026, 3, 14, 15, 9, 26, tzinfo=ZoneInfo("UTC")), tick=False):
        return sell(session, seller, variant, 2, cash="12000")


def browser(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    return client


def test_the_receipt_prints_what_the_law_asks(profile, ticket, seller, store):
    html = browser(seller).get(reverse("staff_pos:receipt", args=[ticket.pk])).content.decode()
    record = ChainRecord.objects.get(kind="sale", object_id=ticket.pk)
    assert "Boutique Test SARL" in html and "12 avenue Cheikh Anta Diop" in html
    assert "0012345 2G3" in html and "SN-DKR-2020-B-12345" in html
    assert "C1-000001" in html
    assert "14/03/2026 15:09:26" in html  # Dakar is UTC+0: the store's clock, to the second
    assert "Caisse 1" in html and "Clé USB 32 Go" in html
    assert f"2 × 5{NBSP}900" in html or "2 × 5\u202f900" in html
    assert "11\u202f800" in html or f"11{NBSP}800" in html  # the total
    assert "200" in html  # the change from 12 000
    assert f'data-testid="signature">{record.signature[:4]}<' in html
    assert record.software_version in html
    assert "DUPLICATA" not in html
    assert 'href="/static/pos/receipt.css"' in html or "receipt.css" in html


def test_vat_per_rate_equals_the_ticket(ticket, store):
    context = receipts.receipt_context(ticket.pk, store=store)
    ((rate, amounts),) = context["vat"]
    assert Decimal(rate) == Decimal(18)
    assert amounts["net"] + amounts["tax"] == ticket.total == Decimal(11800)
    assert context["change"] == Decimal(200)


def test_a_reprint_is_logged_and_marked_duplicata(ticket, seller):
    client = browser(seller)
    url = reverse("staff_pos:receipt", args=[ticket.pk])
    assert "DUPLICATA" not in client.get(f"{url}?duplicate=1").content.decode()  # no reprint logged yet
    response = client.post(reverse("staff_pos:reprint", args=[ticket.pk]))
    assert response.status_code == 302 and response["Location"].endswith("?duplicate=1")
    assert "DUPLICATA n°1" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("staff_pos:reprint", args=[ticket.pk]))
    assert "DUPLICATA n°2" in client.get(response["Location"]).content.decode()
    assert list(Duplicate.objects.filter(ticket=ticket).values_list("number", flat=True).order_by("number")) == [1, 2]
    assert ChainRecord.objects.filter(till=ticket.till, kind="duplicate").count() == 2
    assert client.get(url).content.decode().count("DUPLICATA") == 0  # opening a receipt logs nothing
    assert Duplicate.objects.filter(ticket=ticket).count() == 2


def test_the_pdf_is_a_real_pdf_with_the_ticket_number(profile, ticket, seller):
    client = browser(seller)
    response = client.get(reverse("staff_pos:receipt_pdf", args=[ticket.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "C1-000001" in text and "Boutique Test SARL" in text
    width = float(reader.pages[0].mediabox.width)
    assert abs(width - 80 / 25.4 * 72) < 1  # 80 mm wide
    services.print_duplicate(user=seller, ticket=ticket)
    response = client.get(reverse("staff_pos:receipt_pdf", args=[ticket.pk]), {"duplicate": "1"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "DUPLICATA" in text and "C1-000001" in text


def test_a_refund_receipt_names_the_sale_it_refunds(ticket, session, seller, store):
    from ashopy.pos import selling
    from ashopy.pos.selling import RefundLine

    refund = selling.record_refund(user=seller, session=session, ticket=ticket,
                                   lines=[RefundLine(ticket.lines.get().pk, 1)], method="cash")
    html = browser(seller).get(reverse("staff_pos:receipt", args=[refund.pk])).content.decode()
    assert 'data-testid="reference">C1-000002<' in html and "C1-000001" in html
    assert receipts.receipt_context(refund.pk, store=store)["ticket"].total == Decimal(-5900)


def test_bad_input_is_a_clear_4xx_or_ignored(ticket, seller, customer):
    client = browser(seller)
    url = reverse("staff_pos:receipt", args=[ticket.pk])
    for value in ("abc", "-1", "99999999999999999999", "1.5"):
        response = client.get(url, {"duplicate": value})
        assert response.status_code == 200 and "DUPLICATA" not in response.content.decode()
    assert client.get(reverse("staff_pos:receipt", args=[2_147_483_647])).status_code == 404
    assert client.get(reverse("staff_pos:receipt_pdf", args=[ticket.pk + 1000])).status_code == 404
    assert client.get(reverse("staff_pos:reprint", args=[ticket.pk])).status_code == 405  # a reprint is a POST
    assert browser(customer).post(reverse("staff_pos:reprint", args=[ticket.pk])).status_code == 403
    assert not Duplicate.objects.exists()
