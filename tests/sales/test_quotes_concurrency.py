"""Quotes under concurrency, on PostgreSQL with real threads: gap-free numbers when 20 staff send at once
(and a rolled-back send gives its number back), one winner when two customers race for one lot, and one
order when the same quote is accepted twice at once."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from ashopy.inventory.errors import InsufficientStock
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.sales import quote_acceptance, quote_services
from ashopy.sales.errors import QuoteStateError
from ashopy.sales.models import Quote, QuoteAcceptance
from tests import factories
from tests.threads import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and real threads")]


def draft(store, seller, customer, variant, quantity=1, **fields):
    quote = quote_services.create_quote(store=store, user=seller, customer=customer, **fields)
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=quantity)
    return quote


@pytest.mark.django_db(transaction=True)
def test_twenty_staff_sending_at_once_get_gap_free_numbers(store, seller, customer):
    variant = factories.product(store, price="1000", stock=5).variants.get()
    drafts = [draft(store, seller, customer, variant) for _ in range(21)]

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():  # sent, then rolled back: its number is given back
        quote_services.send_quote(quote=drafts[0], user=seller)
        raise Abort
    assert Quote.objects.get(pk=drafts[0].pk).number is None

    todo = drafts[1:]
    run_together(20, lambda index: quote_services.send_quote(quote=todo[index], user=seller).number)
    year = quote_services.local_today(store).year
    numbers = sorted(Quote.objects.filter(state=Quote.State.SENT).values_list("number", flat=True))
    assert numbers == [f"DEV-{year}-{n:06d}" for n in range(1, 21)], "no gap, no duplicate"
    assert all(Quote.objects.get(number=number).pdf_sha256 for number in numbers)


@pytest.mark.django_db(transaction=True)
def test_two_customers_racing_for_one_lot_exactly_one_wins(store, seller):
    lot = factories.product(store, "Villa Almadies", kind="real_estate_lot", stock=1, price="90000000",
                            surface_m2=Decimal("240"), rooms=5, floor=0, programme="Almadies Résidence"
                            ).variants.get()
    buyers = [factories.UserFactory(email=f"acheteur{n}@example.com", registered_store=store) for n in range(2)]
    quotes = [quote_services.send_quote(quote=draft(store, seller, buyer, lot, deposit_percent="10"), user=seller)
              for buyer in buyers]

    def race(index):
        try:
            return quote_acceptance.accept_quote(quote=quotes[index], name=f"Acheteur {index}", accepted_terms=True,
                                                 ip="203.0.113.5", user_agent="test").state
        except InsufficientStock:
            return "refused"

    outcomes = run_together(2, race)
    assert sorted(outcomes) == ["converted", "refused"]
    assert Order.objects.count() == 1 and QuoteAcceptance.objects.count() == 1
    stock = Stock.objects.get(variant=lot)
    assert (stock.on_hand, stock.reserved) == (0, 0), "the lot left the stock once, for the winner"
    loser = quotes[outcomes.index("refused")]
    assert Quote.objects.get(pk=loser.pk).state == Quote.State.SENT


@pytest.mark.django_db(transaction=True)
def test_one_quote_accepted_twice_at_once_gives_one_order(store, seller, customer):
    variant = factories.product(store, price="1000", stock=10).variants.get()
    quote = quote_services.send_quote(quote=draft(store, seller, customer, variant, quantity=2), user=seller)

    def accept(index):
        try:
            return quote_acceptance.accept_quote(quote=quote, name="Awa Diop", accepted_terms=True).state
        except QuoteStateError:
            return "refused"

    assert sorted(run_together(2, accept)) == ["converted", "refused"]
    assert Order.objects.count() == 1 and QuoteAcceptance.objects.count() == 1
    assert Stock.objects.get(variant=variant).on_hand == 8
    assert Quote.objects.get(pk=quote.pk).order.created_at <= timezone.now()
