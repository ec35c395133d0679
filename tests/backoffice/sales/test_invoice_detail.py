"""One invoice's page: parties, lines, VAT by rate, totals, payments, history in words, credit notes both
ways, the stored PDF, and what a draft still lacks."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from ashopy.core.money import format_money
from ashopy.sales import services
from ashopy.sales.models import Invoice, SellerProfile

from .conftest import browser

pytestmark = [pytest.mark.django_db]


def detail(client, invoice):
    response = client.get(reverse("staff_sales:invoice_detail", args=[invoice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_parties_lines_vat_totals_payments_and_a_history_in_words(manager, invoice):
    note = services.credit(invoice=invoice, user=manager, reason="Geste commercial", amount=Decimal(11800))
    page = detail(browser(manager), invoice)
    assert "Dakar Tech SARL" in page and "1234567 2G3" in page and "SN-DKR-2020-B-12345" in page  # the seller
    assert "client@example.com" in page and "12 rue Carnot" in page  # the buyer
    assert "ThinkPad X1" in page
    vat = re.search(r'data-testid="vat">(.*?)</table>', page, re.S).group(1)
    assert "18&nbsp;%" in vat and format_money(invoice.total_tax, "XOF", "en") in vat
    assert f'data-testid="due">{format_money(Decimal(0), "XOF", "en")}<' in page
    history = re.search(r'data-testid="history">(.*?)</ol>', page, re.S).group(1)
    assert f"Draft made from order {invoice.order.number}." in history
    assert f"Issued with the number {invoice.number}." in history
    assert f"Corrected by credit note {note.number} of {format_money(Decimal(11800), 'XOF', 'en')}." in history
    for code in ("created", "issued", "credited"):
        assert not re.search(rf"\b{code}\b", re.sub(r"<[^>]+>", " ", history)), code
    assert note.number in re.search(r'data-testid="credit-notes">(.*?)</ul>', page, re.S).group(1)
    back = detail(browser(manager), note)
    assert f'href="{reverse("staff_sales:invoice_detail", args=[invoice.pk])}"' in back
    assert f"Corrects invoice {invoice.number}" in back and "Geste commercial" in back


def test_payments_show_with_what_remains_due(seller, unpaid_invoice):
    services.record_payment(invoice=unpaid_invoice, user=seller, amount=Decimal(10000), method="Wave",
                            reference="W-123")
    page = detail(browser(seller), unpaid_invoice)
    assert "W-123" in page and "Wave" in page and "vendeur@example.com" in page
    assert f"Payment of {format_money(Decimal(10000), 'XOF', 'en')} received (Wave)." in page
    assert 'data-state="partial"' in page


def test_the_pdf_is_the_stored_file_named_after_the_number(manager, invoice):
    response = browser(manager).get(reverse("staff_sales:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    body = b"".join(response.streaming_content)
    invoice.pdf.open("rb")
    assert body == invoice.pdf.read() and body.startswith(b"%PDF")


def test_a_draft_has_no_pdf_and_says_what_is_missing_with_a_link_for_those_who_may_fix_it(
        draft, manager, seller):
    assert browser(manager).get(reverse("staff_sales:invoice_pdf", args=[draft.pk])).status_code == 404
    page = detail(browser(manager), draft)
    missing = re.search(r'data-testid="missing">(.*?)</div>', page, re.S).group(1)
    assert "a valid NINEA for the seller" in missing and "the seller&#x27;s RCCM number" in missing
    assert reverse("staff_sales:legal_profile") in missing
    assert 'data-testid="issue"' in page and "disabled" in re.search(r'data-testid="issue">(.*?)</form>',
                                                                        page, re.S).group(1)
    seller_page = detail(browser(seller), draft)
    assert reverse("staff_sales:legal_profile") not in seller_page and "A manager or an administrator" in seller_page


def test_issuing_a_draft_from_its_page(draft, seller, store):
    client = browser(seller)
    refused = client.post(reverse("staff_sales:issue", args=[draft.pk]), follow=True)
    assert "cannot be issued yet" in refused.content.decode()
    assert Invoice.objects.get(pk=draft.pk).state == "draft"
    from tests.sales.test_invoices import complete_profile

    complete_profile(store)
    response = client.post(reverse("staff_sales:issue", args=[draft.pk]), follow=True)
    issued = Invoice.objects.get(pk=draft.pk)
    assert issued.is_issued and issued.pdf and issued.issued_by == seller
    assert f"{issued.number} is issued." in response.content.decode()
    again = client.post(reverse("staff_sales:issue", args=[draft.pk]), follow=True)
    assert "can no longer be changed" in again.content.decode()
    assert SellerProfile.objects.count() == 1


def test_the_detail_costs_the_same_queries_whatever_its_lines_payments_and_events(
        manager, unpaid_invoice, seller, django_assert_max_num_queries):
    client = browser(manager)
    detail(client, unpaid_invoice)
    with django_assert_max_num_queries(30) as before:
        detail(client, unpaid_invoice)
    for _index in range(5):
        services.record_payment(invoice=unpaid_invoice, user=seller, amount=Decimal(1000), method="Wave")
    services.credit(invoice=unpaid_invoice, user=manager, reason="Geste", amount=Decimal(500))
    services.credit(invoice=unpaid_invoice, user=manager, reason="Geste", amount=Decimal(500))
    with django_assert_max_num_queries(len(before.captured_queries)):
        detail(client, unpaid_invoice)
