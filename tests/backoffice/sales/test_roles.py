"""Who opens the invoice pages and who may act: the rules of `sales.rules`, through the web.

A salesperson views, issues, records payments and sends; only managers and administrators credit and edit
the legal profile; a customer and another store's staff get a 403 and change nothing; another store's
invoice id is a 404, like an unknown one.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from ashopy.sales.models import Invoice, InvoicePayment, SellerProfile
from tests.backoffice.test_home import menu

from .conftest import browser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

ROLES = ("client", "vendeur", "gestionnaire", "admin", "other_store")


@pytest.fixture
def people(customer, seller, manager, store_admin, other_manager):
    return {"client": customer, "vendeur": seller, "gestionnaire": manager, "admin": store_admin,
            "other_store": other_manager}


def pages(invoice) -> dict[str, str]:
    return {"list": reverse("staff_sales:invoice_list"),
            "detail": reverse("staff_sales:invoice_detail", args=[invoice.pk]),
            "pdf": reverse("staff_sales:invoice_pdf", args=[invoice.pk]),
            "credit": reverse("staff_sales:credit_note", args=[invoice.pk]),
            "settings": reverse("staff_sales:legal_profile")}


OPENS = {"client": set(), "other_store": set(), "vendeur": {"list", "detail", "pdf"},
         "gestionnaire": {"list", "detail", "pdf", "credit", "settings"},
         "admin": {"list", "detail", "pdf", "credit", "settings"}}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_its_rules_allow(role, people, invoice):
    client = browser(people[role])  # another store's staff on store A's host: no role here
    for name, url in pages(invoice).items():
        status = client.get(url).status_code
        assert status == (200 if name in OPENS[role] else 403), (role, name, status)


@pytest.mark.parametrize("role", ["vendeur", "gestionnaire", "admin"])
def test_the_menu_shows_invoices_to_the_roles_that_may_view_them(role, people, store):
    page = browser(people[role]).get(reverse("staff_home:home")).content.decode()
    links = menu(page)
    assert reverse("staff_sales:invoice_list") in links
    assert links.index(reverse("staff_sales:invoice_list")) == links.index(reverse("staff_orders:order_list")) + 2


def test_anonymous_visitors_go_to_the_login(client, invoice):
    for url in pages(invoice).values():
        assert client.get(url).status_code == 302


def test_a_salesperson_issues_records_and_sends_but_neither_credits_nor_edits_the_legal_profile(
        seller, unpaid_invoice, store):
    client = browser(seller)
    detail = client.get(reverse("staff_sales:invoice_detail", args=[unpaid_invoice.pk])).content.decode()
    assert 'data-testid="record-payment"' in detail and 'data-testid="send"' in detail
    assert reverse("staff_sales:credit_note", args=[unpaid_invoice.pk]) not in detail
    assert reverse("staff_sales:legal_profile") not in detail
    response = client.post(reverse("staff_sales:record_payment", args=[unpaid_invoice.pk]), {
        "payment-amount": "1000", "payment-received_on": unpaid_invoice.issue_date.isoformat(),
        "payment-method": "Espèces"})
    assert response.status_code == 302
    assert client.post(reverse("staff_sales:send", args=[unpaid_invoice.pk]),
                       {"send-to": "client@example.com"}).status_code == 302
    assert len(mail.outbox) == 1
    line = unpaid_invoice.lines.first()
    refused = client.post(reverse("staff_sales:credit_note", args=[unpaid_invoice.pk]), {
        f"line_{line.pk}": "1", "reason": "Casse"})
    assert refused.status_code == 403 and not Invoice.objects.filter(kind="credit_note").exists()
    assert client.post(reverse("staff_sales:legal_profile"), {"legal_name": "Autre"}).status_code == 403
    store.refresh_from_db()
    assert store.legal_name == "Dakar Tech SARL"


@pytest.mark.parametrize("role", ["client", "other_store"])
def test_outsiders_change_nothing(role, people, unpaid_invoice, draft, store):
    client = browser(people[role])
    posts = [
        (reverse("staff_sales:issue", args=[draft.pk]), {}),
        (reverse("staff_sales:record_payment", args=[unpaid_invoice.pk]),
         {"payment-amount": "1000", "payment-received_on": unpaid_invoice.issue_date.isoformat(),
          "payment-method": "Espèces"}),
        (reverse("staff_sales:send", args=[unpaid_invoice.pk]), {"send-to": "x@example.com"}),
        (reverse("staff_sales:credit_note", args=[unpaid_invoice.pk]), {"amount": "1000", "reason": "x"}),
        (reverse("staff_sales:invoice_order", args=[unpaid_invoice.order.number]), {}),
        (reverse("staff_sales:legal_profile"), {"legal_name": "Pirate"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Invoice.objects.get(pk=draft.pk).state == "draft"
    assert not InvoicePayment.objects.exists() and not Invoice.objects.filter(kind="credit_note").exists()
    assert mail.outbox == [] and SellerProfile.objects.get(store=store).legal_form == "SARL"


def test_another_stores_invoice_is_a_404_for_its_own_staff_too(other_store, other_manager, invoice, manager):
    """Store B's manager on store B's host does not find store A's invoice, nor act on it."""
    client = browser(other_manager, host="b.test")
    assert client.get(reverse("staff_sales:invoice_list")).status_code == 200
    for name in ("invoice_detail", "invoice_pdf", "credit_note", "issue", "record_payment", "send", "remind"):
        url = reverse(f"staff_sales:{name}", args=[invoice.pk])
        response = client.post(url, {"amount": "1", "reason": "x"}) if name not in (
            "invoice_detail", "invoice_pdf") else client.get(url)
        assert response.status_code == 404, (name, response.status_code)
    listing = client.get(reverse("staff_sales:invoice_list")).content.decode()
    assert invoice.number not in listing
    assert browser(manager).get(reverse("staff_sales:invoice_detail", args=[10 ** 9])).status_code == 404
    assert Invoice.objects.filter(kind="credit_note").count() == 0
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == invoice.amount_paid == Decimal(invoice.total)
    assert client.post(reverse("staff_sales:invoice_order", args=[invoice.order.number])).status_code == 404
