"""The staff invoice list: the request's store only, drafts first, filters, search, a fixed query budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from ashopy.sales import services
from ashopy.sales.models import Invoice
from tests import factories

from .conftest import browser, paid_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

LIST = reverse("staff_sales:invoice_list")


def listed(client, **params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [invoice.pk for invoice in response.context["page"].object_list]


def test_the_list_shows_the_stores_documents_drafts_first_with_amounts_and_payment_badges(
        store, other_store, variant, method, manager, customer, invoice, unpaid_invoice):
    draft = services.draft_for_order(order=paid_order(store, variant, method, customer, quantity=1))
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1000))
    elsewhere = Invoice.objects.create(store=other_store, currency="EUR", buyer={"name": "Paris"})
    client = browser(manager)
    assert listed(client) == [draft.pk, note.pk, unpaid_invoice.pk, invoice.pk]
    page = client.get(LIST).content.decode()
    assert "Draft invoice" in page and invoice.number in page and note.number in page
    assert f'href="{reverse("staff_sales:invoice_detail", args=[unpaid_invoice.pk])}"' in page
    assert 'data-state="paid"' in page and 'data-state="unpaid"' in page and 'data-state="draft"' in page
    assert elsewhere.pk not in listed(client) and "Paris" not in page


def test_filters_by_kind_state_payment_dates_and_customer(store, variant, method, manager, customer, invoice,
                                                          unpaid_invoice):
    draft = services.draft_for_order(order=paid_order(store, variant, method, customer, quantity=1))
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1000))
    client = browser(manager)
    assert listed(client, kind="credit_note") == [note.pk]
    assert set(listed(client, kind="invoice")) == {draft.pk, unpaid_invoice.pk, invoice.pk}
    assert listed(client, state="draft") == [draft.pk]
    assert listed(client, payment_state="unpaid", kind="invoice") == [unpaid_invoice.pk]
    assert set(listed(client, payment_state="due")) == {unpaid_invoice.pk, note.pk}  # the note's refund is owed
    services.mark_overdue(today=unpaid_invoice.due_date + timedelta(days=1))
    assert unpaid_invoice.pk in listed(client, payment_state="overdue")
    day = unpaid_invoice.issue_date
    assert draft.pk not in listed(client, date_from=day.isoformat(), date_to=day.isoformat())
    assert listed(client, date_from=(day + timedelta(days=1)).isoformat()) == []
    other = factories.UserFactory(email="mariama.ba@example.com", registered_store=store)
    mariama = services.invoice_order(order=paid_order(store, variant, method, other, quantity=1,
                                                      first_name="Mariama", last_name="Bâ"))
    assert listed(client, q="mariama.ba@") == [mariama.pk]
    assert listed(client, q="mariama bâ") == [mariama.pk]
    assert listed(client, q=mariama.number) == [mariama.pk]
    assert listed(client, q=mariama.order.number) == [mariama.pk]


def test_bad_filters_are_ignored_with_a_warning_never_a_500(manager, invoice):
    client = browser(manager)
    for params in ({"date_from": "2026-13-45"}, {"kind": "quote"}, {"payment_state": "x" * 500},
                   {"date_from": "2026-12-05", "date_to": "2026-01-01"}, {"page": "-1"}, {"q": "x" * 1000}):
        response = client.get(LIST, params)
        assert response.status_code == 200, params


def test_the_list_costs_the_same_queries_for_3_or_30_documents(store, other_store, manager,
                                                              django_assert_max_num_queries):
    def documents(count):
        for index in range(count):
            invoice = Invoice.objects.create(store=store, currency="XOF", buyer={"name": f"Client {index}"},
                                             total_net=Decimal(1000), total=Decimal(1000))
            if index % 3 == 0:
                Invoice.objects.create(store=store, kind="credit_note", credited_invoice=invoice, currency="XOF",
                                       buyer={"name": f"Client {index}"})

    client = browser(manager)
    documents(3)
    client.get(LIST)  # the per-process caches are filled once
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST).status_code == 200
    documents(27)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(LIST).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
