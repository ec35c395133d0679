"""For any paid order (random carts from tests/orders/test_order_totals.py, XOF and EUR) and any sequence
of credit notes on its invoice: stored totals equal their recomputation from the lines, no amount is
negative or finer than the currency, and the credit notes never add up to more than the invoice —
exactly the invoice when every line is credited in full."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ashopy.checkout import services as checkout
from ashopy.core.money import round_money
from ashopy.payments import services as payments
from ashopy.pricing.resolver import PricingPolicy
from ashopy.sales import services
from ashopy.sales.errors import CreditTooLarge
from ashopy.sales.models import Invoice
from tests import factories
from tests.orders.test_order_totals import _build, shops

from .test_invoices import complete_profile

pytestmark = pytest.mark.django_db

credits = st.lists(st.one_of(
    st.tuples(st.just("lines"), st.integers(0, 4), st.integers(1, 5)),
    st.tuples(st.just("amount"), st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1), places=2)),
), max_size=4)


def _assert_consistent(document: Invoice) -> None:
    stored = {name: getattr(document, name) for name in document.recomputed_totals()}
    assert stored == document.recomputed_totals()
    for line in document.lines.all():
        for amount in (line.net, line.tax, line.discount):
            assert amount >= 0 and round_money(amount, document.currency) == amount


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops(), steps=credits, full=st.booleans())
def test_invoice_and_credit_note_totals_always_add_up(shop, steps, full):
    with transaction.atomic():
        store, customer, cart, method = _build(shop)
        complete_profile(store)
        destination = "SN" if store.currency == "XOF" else "FR"
        order, payment = checkout.place_order(
            cart=cart, user=customer, policy=PricingPolicy(store, customer),
            details=factories.checkout_details(method, email=customer.email, payment_method="cash_on_delivery",
                                               shipping_address=factories.address(country=destination)))
        checkout.start_payment(order=order, payment=payment, urls=factories.RETURN_URLS)  # awaits the cash
        payments.mark_paid_by_hand(order=order, user=None)
        invoice = services.invoice_order(order=order)
        _assert_consistent(invoice)
        assert (invoice.total_net, invoice.total_tax, invoice.total) == (order.total_net, order.total_tax,
                                                                         order.total)
        lines = list(invoice.lines.all())
        for step in steps:
            try:
                if step[0] == "lines":
                    line = lines[step[1] % len(lines)]
                    note = services.credit(invoice=invoice, user=None, reason="x",
                                           quantities={line.pk: min(step[2], line.quantity)})
                else:
                    amount = round_money(invoice.total * step[1], invoice.currency)
                    if amount <= 0:
                        continue
                    note = services.credit(invoice=invoice, user=None, reason="x", amount=amount)
            except CreditTooLarge:
                continue
            _assert_consistent(note)
        credited = sum(invoice.credit_notes.values_list("total", flat=True), Decimal(0))
        assert credited <= invoice.total
        if full and not invoice.credit_notes.exists():
            services.credit(invoice=invoice, user=None, reason="x",
                            quantities={line.pk: line.quantity for line in lines})
            assert sum(invoice.credit_notes.values_list("total", flat=True)) == invoice.total
        transaction.set_rollback(True)
