"""The till's fixtures: a signing key for every store, a shop warehouse with stock, a till and an
open session in store A (Dakar, XOF, prices tax included at 18 %)."""

from decimal import Decimal

import pytest

from ashopy.pos import selling, services, signing
from ashopy.pos.selling import SaleLine, Tender
from tests import factories


@pytest.fixture(autouse=True)
def _signing_key(settings):
    settings.POS_SIGNING_KEYS = {"*": signing.new_seed()}


@pytest.fixture
def shop(store):
    return factories.warehouse(store, "shop", kind="shop", priority=2)


@pytest.fixture
def till(store, shop, manager):
    return services.save_till(user=manager, store=store, code="c1", name="Caisse 1", warehouse=shop)


@pytest.fixture
def session(till, seller):
    return services.open_session(user=seller, till=till, opening_float={"1000": 10, "500": 4})


@pytest.fixture
def variant(store, shop):
    variant = factories.product(store, "Clé USB 32 Go", price="5900").variants.get()
    factories.receive(variant, 50, warehouse_=shop)
    return variant


def sell(session, seller, variant, quantity=1, *, cash=None, **options):
    """A cash sale of `quantity` units (exact money unless `cash` says what was tendered)."""
    amount = Decimal(cash) if cash is not None else variant.price * quantity
    return selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, quantity)],
                               payments=[Tender("cash", amount)], **options)
