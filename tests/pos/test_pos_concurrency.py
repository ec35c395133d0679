"""The till under concurrency, real threads on PostgreSQL: sales at one till chain one after the
other with gap-free numbers; the last unit raced by the till and a web checkout goes once; an offline
sale synced twice at once makes one ticket."""

import uuid
from decimal import Decimal

import pytest

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.inventory.errors import InsufficientStock
from ashopy.inventory.models import Stock
from ashopy.inventory.selectors import stock_discrepancies
from ashopy.orders.models import Order
from ashopy.pos import selling, services
from ashopy.pos.errors import RefundRefused
from ashopy.pos.models import ChainRecord, Ticket
from ashopy.pos.selling import SaleLine, Tender
from ashopy.pos.verification import verify_till
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _sale(session, seller, variant, key=None):
    return selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 1)],
                               payments=[Tender("cash", variant.price)], idempotency_key=key)


def test_eight_sales_at_once_on_one_till_chain_in_order(session, seller, variant, till):
    tickets = run_together(8, lambda index: _sale(session, seller, variant).pk)
    assert sorted(Ticket.objects.filter(pk__in=tickets).values_list("number", flat=True)) == list(range(1, 9))
    assert list(ChainRecord.objects.filter(till=till).values_list("sequence", flat=True)) == list(range(1, 9))
    assert verify_till(till).ok
    assert Stock.objects.get(variant=variant, warehouse=till.warehouse).on_hand == 42
    assert stock_discrepancies() == []


def test_the_till_and_a_web_checkout_race_for_the_last_unit_one_wins(store, session, seller, shop):
    last = factories.product(store, "Dernière lampe", price="12000").variants.get()
    factories.receive(last, 1, warehouse_=shop)
    method = factories.shipping_method(store, price="1000")
    buyer = factories.UserFactory(email="web@example.com")
    cart = cart_services.get_cart(store=store, user=buyer, create=True)
    cart_services.add(cart=cart, variant_id=last.pk, quantity=1)

    def work(index):
        try:
            if index == 0:
                return "till", _sale(session, seller, last).pk
            order, _payment = checkout.place_order(cart=cart, user=buyer, policy=PricingPolicy(store, buyer),
                                                   details=factories.checkout_details(method, email=buyer.email))
            return "web", order.pk
        except (InsufficientStock, CartChanged):
            return "refused", None

    outcomes = sorted(kind for kind, _pk in run_together(2, work))
    assert outcomes in (["refused", "till"], ["refused", "web"])
    assert Ticket.objects.count() + Order.objects.count() == 1
    row = Stock.objects.get(variant=last, warehouse=shop)
    assert row.on_hand - row.reserved == 0 and row.on_hand >= 0
    assert stock_discrepancies() == []


def test_one_offline_sale_synced_from_two_tabs_at_once_is_one_ticket(session, seller, variant, till):
    key = uuid.uuid4()
    tickets = run_together(2, lambda index: _sale(session, seller, variant, key).pk)
    assert tickets[0] == tickets[1] and Ticket.objects.count() == 1
    assert Stock.objects.get(variant=variant, warehouse=till.warehouse).on_hand == 49
    assert verify_till(till).ok


def test_two_tills_refunding_one_ticket_never_refund_a_unit_twice(store, session, seller, manager, variant, shop):
    other_till = services.save_till(user=manager, store=store, code="c2", name="Caisse 2", warehouse=shop)
    other = services.open_session(user=manager, till=other_till, opening_float={})
    sale = _sale(session, seller, variant)
    line = sale.lines.get()

    def refund(index):
        try:
            return selling.record_refund(user=seller, session=(session, other)[index], ticket=sale,
                                         lines=[selling.RefundLine(line.pk, 1)], method="cash").pk
        except RefundRefused:
            return None

    assert sorted(pk is None for pk in run_together(2, refund)) == [False, True]
    assert sum(Ticket.objects.values_list("total", flat=True)) == Decimal(0)
