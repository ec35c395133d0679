"""Fixtures of the invoice back-office tests: store A (Dakar, XOF, Senegal) with a complete legal profile, a
paid order's issued invoice, and browsers of each role."""

import pytest
from django.test import Client

from ashopy.sales import services
from ashopy.sales.models import Invoice
from tests import factories
from tests.sales.test_invoices import complete_profile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def browser(user, *, host="testserver", language="en") -> Client:
    """A signed-in browser; in English unless told, so that messages can be asserted."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", price="50000", stock=100).variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def complete(store):
    return complete_profile(store)


def paid_order(store, variant, method, customer=None, quantity=3, **options):
    return factories.placed_order(store, variant, method, user=customer, quantity=quantity, paid=True, **options)


@pytest.fixture
def invoice(complete, store, variant, method, customer) -> Invoice:
    """An issued, paid invoice of 3 units and the delivery."""
    return services.invoice_order(order=paid_order(store, variant, method, customer))


@pytest.fixture
def unpaid_invoice(complete, store, variant, method, customer, seller) -> Invoice:
    """An issued invoice of a delivered cash-on-delivery order, nothing received yet."""
    from ashopy.orders import services as orders

    order = factories.placed_order(store, variant, method, user=customer, quantity=2,
                                   payment_method="cash_on_delivery")
    orders.process(order=order, user=seller)
    orders.ship(order=order, user=seller)
    orders.deliver(order=order, user=seller)
    return services.invoice_order(order=order, user=seller)


@pytest.fixture
def draft(store, variant, method, customer) -> Invoice:
    """A paid order's invoice, drafted and not issued yet (whatever the legal profile)."""
    return services.draft_for_order(order=paid_order(store, variant, method, customer))
