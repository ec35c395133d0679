"""The invoice pages in the shop's language (French): amounts as "12 500 F CFA" with no-break spaces, dates as
"5 décembre 2026", amounts that never wrap, tables that scroll sideways on a phone, no inline code (the CSP)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, translation

from ashopy.core.money import format_money
from ashopy.sales import services
from tests.core.test_csp_header import inline_code

from .conftest import browser

pytestmark = [pytest.mark.django_db]

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


def french(amount) -> str:
    return format_money(Decimal(amount), "XOF", "fr")


def test_french_amounts_and_dates_on_the_list_and_the_detail(manager, seller, unpaid_invoice, invoice):
    services.record_payment(invoice=unpaid_invoice, user=seller, amount=Decimal(12500), method="Wave")
    client = browser(manager, language=None)  # the store's language: French
    listing = client.get(reverse("staff_sales:invoice_list")).content.decode()
    assert '<html lang="fr">' in listing and "Commandes" in listing  # the menu, in French
    assert re.search(r"\d+\u202f\d{3}\xa0F\u202fCFA", french(unpaid_invoice.total))  # 104 000 F CFA
    assert f'<td class="text-end text-nowrap">{french(unpaid_invoice.total)}</td>' in listing
    assert f'<td class="text-end text-nowrap">{french(unpaid_invoice.amount_due - 12500)}</td>' in listing
    detail = client.get(reverse("staff_sales:invoice_detail", args=[unpaid_invoice.pk])).content.decode()
    with translation.override("fr"):
        issued = formats.date_format(unpaid_invoice.issue_date, "DATE_FORMAT")
    assert re.fullmatch(rf"\d{{1,2}} ({MONTHS}) \d{{4}}", issued), issued
    assert issued in detail and french(12500) in detail and "18&nbsp;%" in detail
    assert f'value="{int(unpaid_invoice.amount_due) - 12500}"' in detail  # the amount still due, in francs
    for page in (listing, detail):
        assert page.count("<table") == page.count('<div class="table-responsive'), "a table outside its box"
        assert inline_code(page) == []
    assert not re.search(r'<td class="text-end">[^<]*F\u202fCFA', detail), "an amount without text-nowrap"


def test_a_payment_in_euros_typed_with_a_decimal_comma(other_store, other_manager, settings):
    """Paris: an invoice in euros, a payment typed "12,50" on the French page."""
    from ashopy.orders import services as orders
    from ashopy.sales import profile
    from ashopy.sales.models import Invoice
    from tests import factories

    settings.ALLOWED_HOSTS = ["testserver", "b.test"]
    profile.update_legal_profile(store=other_store, user=None, legal_name="Paris Tech SAS", address="1 rue de Rivoli",
                                 postal_code="75001", city="Paris", legal_form="SAS", siren="732829320",
                                 vat_number="FR44732829320")
    variant = factories.product(other_store, "Souris", price="25.50", stock=10).variants.get()
    order = factories.placed_order(other_store, variant, factories.shipping_method(other_store, price="4.90"),
                                   payment_method="cash_on_delivery", email="jean@example.fr")
    for step in (orders.process, orders.ship, orders.deliver):
        step(order=order, user=other_manager)
    invoice = services.invoice_order(order=order, user=other_manager)
    client = browser(other_manager, host="b.test", language=None)
    page = client.get(reverse("staff_sales:invoice_detail", args=[invoice.pk])).content.decode()
    assert f'value="{str(invoice.amount_due).replace(".", ",")}"' in page  # e.g. 30,40
    assert format_money(invoice.total, "EUR", "fr") in page and "\xa0€" in format_money(invoice.total, "EUR", "fr")
    response = client.post(reverse("staff_sales:record_payment", args=[invoice.pk]), {
        "payment-amount": "12,50", "payment-received_on": invoice.issue_date.isoformat(),
        "payment-method": "Chèque"})
    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == Decimal("12.50")
    cents = client.post(reverse("staff_sales:record_payment", args=[invoice.pk]), {
        "payment-amount": "1,005", "payment-received_on": invoice.issue_date.isoformat(), "payment-method": "x"})
    assert cents.status_code == 400 and "amount" in cents.context["payment_form"].errors


def test_every_invoice_page_renders_in_french_without_inline_code(manager, invoice, unpaid_invoice):
    services.mark_overdue(today=unpaid_invoice.due_date + timedelta(days=1))
    client = browser(manager, language=None)
    for url in (reverse("staff_sales:invoice_list"), reverse("staff_sales:invoice_detail", args=[invoice.pk]),
                reverse("staff_sales:invoice_detail", args=[unpaid_invoice.pk]),
                reverse("staff_sales:credit_note", args=[invoice.pk]), reverse("staff_sales:legal_profile")):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and '<html lang="fr">' in html, url
        assert inline_code(html) == [], url
        assert html.count("<table") <= html.count('<div class="table-responsive') + 1, url
