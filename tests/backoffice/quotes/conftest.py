"""Fixtures of the quote back-office tests: store A (Dakar, XOF) with a complete legal profile, a catalogue
variant, a customer's draft quote with one catalogue line, and the same quote sent."""

import pytest

from ashopy.sales import quote_services
from tests import factories
from tests.backoffice.sales.conftest import browser  # noqa: F401  (re-exported for the tests here)
from tests.sales.test_invoices import complete_profile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def complete(store):
    return complete_profile(store)


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", price="50000", stock=100).variants.get()


@pytest.fixture
def draft(complete, store, seller, customer, variant):
    """A draft for the customer: 2 × ThinkPad at the catalogue price."""
    quote = quote_services.create_quote(store=store, user=seller, customer=customer)
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant.pk, quantity=2)
    return quote


@pytest.fixture
def sent(draft, seller):
    return quote_services.send_quote(quote=draft, user=seller)
