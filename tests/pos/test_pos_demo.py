"""The demo opens a till in each store; a sale there is signed with the demo key (DEBUG only), and
a reset starts the till's records over. Without DEBUG, signing refuses to start without a key."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import F

from ashopy.pos import signing
from ashopy.pos.models import ChainRecord, Ticket, Till, TillSession
from ashopy.pos.verification import verify_till
from ashopy.stores.models import Store
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_each_demo_store_has_an_open_till_that_sells_and_signs(settings):
    settings.DEBUG, settings.POS_SIGNING_KEYS = True, {}
    call_command("load_demo", products=6, stdout=io.StringIO())
    for store in Store.objects.filter(slug__in=["dakar", "paris"]):
        till = Till.objects.get(store=store)
        session = TillSession.objects.get(till=till, state="open")
        assert till.warehouse.kind == "shop" and session.opening_total > 0
        samples = list(Ticket.objects.filter(till=till).order_by("number"))
        assert [ticket.number for ticket in samples] == [1, 2, 3]  # the sample sales, paid in cash with change
        assert all(ticket.payments.get().change_given >= 0 and ticket.total > 0 for ticket in samples)
        stock = till.warehouse.stocks.filter(on_hand__gt=F("reserved"), variant__active=True,
                                             variant__product__status="published").order_by("id").first()
        variant = stock.variant
        assert sell(session, session.cashier, variant).total > 0
        assert verify_till(till).ok
    call_command("load_demo", products=6, reset=True, stdout=io.StringIO())
    # The tills start over: the sample sales again, numbered from 1, the chain as long as they are.
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 1, 2, 2, 3, 3]
    assert ChainRecord.objects.count() == 6
    assert TillSession.objects.filter(state="open").count() == 2


def test_without_debug_signing_needs_a_configured_key(settings, store):
    settings.DEBUG, settings.POS_SIGNING_KEYS = False, {}
    with pytest.raises(ImproperlyConfigured, match="POS_SIGNING_KEYS"):
        signing.private_key(store)
    settings.DEBUG = True
    assert signing.key_id(signing.public_key(store)) == signing.key_id(signing.public_key(store))
    settings.POS_SIGNING_KEYS = {"dakar": signing.new_seed(), "*": "not a key"}
    assert signing.private_key(store)
    settings.POS_SIGNING_KEYS = {"*": "not a key"}
    with pytest.raises(ImproperlyConfigured):
        signing.private_key(store)
