"""Query budgets of issuing: an invoice with its PDF costs a fixed number of queries, whatever its lines.

What the `order_paid` consumer does (load the order, draft, issue, render and store the PDF) takes at
most 15 queries, and as many for 2 lines as for 10 (no query per line); so does staff issuing a draft.
"""

import facturx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ashopy.accounts.models import User
from ashopy.cart import services as cart_services
from ashopy.orders.models import Order
from ashopy.sales import services
from ashopy.sales.documents import facturx_xml
from ashopy.sales.models import Invoice
from tests import factories
from tests.sales.test_invoices import complete_profile

pytestmark = pytest.mark.postgres

BUDGET = 15
FRENCH_BILLING = {"first_name": "Camille", "last_name": "Petit", "company": "Atelier Petit SARL",
                  "line1": "3 place Bellecour", "postal_code": "69002", "city": "Lyon", "country": "FR"}


def paid_order(store, customer, lines: int) -> Order:
    """A paid order of `lines` products (and the delivery), placed and paid through the checkout services."""
    method = factories.shipping_method(store, price="2000")
    variants = [factories.product(store, name=f"Article {n}", price=str(1000 * (n + 1)), stock=10).variants.get()
                for n in range(lines)]
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    for variant in variants[1:]:  # the last one comes with the order
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    billing = FRENCH_BILLING if str(store.country) == "FR" else {}
    order = factories.placed_order(store, variants[0], method, user=customer, paid=True, language="fr", **billing)
    assert order.lines.count() == lines and not Invoice.objects.filter(order=order).exists()
    return order


def consumer_queries(order: Order) -> tuple[Invoice, int]:
    """The invoice the `order_paid` consumer issues for `order`, and the queries it took (transaction included)."""
    with CaptureQueriesContext(connection) as captured:
        loaded = Order.objects.filter(pk=order.pk).first()
        invoice = services.invoice_order(order=loaded, keep_draft_if_incomplete=True)
    return invoice, len(captured.captured_queries)


@pytest.mark.parametrize("store_fixture", ["store", "french_store"])
def test_issuing_an_invoice_with_its_pdf_takes_a_fixed_number_of_queries(request, store_fixture,
                                                                            django_assert_max_num_queries):
    store = complete_profile(request.getfixturevalue(store_fixture))
    small = paid_order(store, factories.UserFactory(), lines=2)
    large = paid_order(store, factories.UserFactory(), lines=10)
    with django_assert_max_num_queries(BUDGET):
        invoice, small_count = consumer_queries(small)
    large_invoice, large_count = consumer_queries(large)
    assert small_count == large_count <= BUDGET
    for issued, lines in ((invoice, 3), (large_invoice, 11)):  # the products and the delivery
        issued = Invoice.objects.get(pk=issued.pk)
        assert issued.is_issued and issued.lines.count() == lines and issued.pdf
        assert [event.code for event in issued.events.all()] == ["created", "issued"]
        assert issued.recomputed_totals() == {"total_net": issued.total_net, "total_tax": issued.total_tax,
                                              "total": issued.total}
    if str(store.country) == "FR":
        with large_invoice.pdf.open("rb") as file:
            assert facturx.get_xml_from_pdf(file.read(), check_xsd=True) == (
                "factur-x.xml", facturx_xml(Invoice.objects.get(pk=large_invoice.pk)))
    # Stored once: asking again reads nothing but the invoice.
    with django_assert_max_num_queries(6):
        assert consumer_queries(large)[0].pdf.name == large_invoice.pdf.name


def test_staff_issuing_a_draft_takes_a_fixed_number_of_queries(store, manager, django_assert_max_num_queries):
    complete_profile(store)
    counts = []
    for lines in (2, 10):
        draft = services.draft_for_order(order=paid_order(store, factories.UserFactory(), lines=lines))
        draft, staff = Invoice.objects.get(pk=draft.pk), User.objects.get(pk=manager.pk)  # as a request has them
        with django_assert_max_num_queries(BUDGET) as captured:
            issued = services.issue(invoice=draft, user=staff)
        counts.append(len(captured.captured_queries))
        assert issued.is_issued and issued.pdf and issued.issued_by == manager
    assert counts[0] == counts[1]


def test_an_incomplete_profile_keeps_the_new_draft_in_one_transaction(store):
    order = paid_order(store, factories.UserFactory(), lines=2)
    invoice, _count = consumer_queries(order)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.state == Invoice.State.DRAFT and not invoice.number and not invoice.pdf
    assert invoice.lines.count() == 3 and [event.code for event in invoice.events.all()] == ["created"]
