"""Races at the counter, real threads on PostgreSQL, for what test_pos_concurrency.py leaves out: two
tills selling the last unit at once; a sale through the till's API racing a web checkout for the last
unit; one offline sale synced from two tabs at once through the API (one ticket, both answers name
it). After each, every till's chain still verifies and the stock ledger adds up."""

import uuid

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.inventory.errors import InsufficientStock
from ashopy.inventory.models import Stock
from ashopy.inventory.selectors import stock_discrepancies
from ashopy.orders.models import Order
from ashopy.pos import selling, services
from ashopy.pos.models import ChainRecord, Ticket, Till
from ashopy.pos.selling import SaleLine, Tender
from ashopy.pos.verification import verify_till
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SALES = "/api/v1/pos/sales/"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.fixture
def second(store, shop, manager):
    """A second till on the same shelf, its session opened by the manager."""
    till = services.save_till(user=manager, store=store, code="c2", name="Caisse 2", warehouse=shop)
    return services.open_session(user=manager, till=till, opening_float={})


def api_for(user) -> APIClient:
    client = APIClient(HTTP_HOST="testserver")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def last_unit(store, shop, name):
    variant = factories.product(store, name, price="12000").variants.get()
    factories.receive(variant, 1, warehouse_=shop)
    return variant


def every_chain_verifies():
    reports = [verify_till(till) for till in Till.objects.select_related("store")]
    assert reports and all(report.ok for report in reports), [str(report.failure) for report in reports]
    assert stock_discrepancies() == []


def test_two_tills_selling_the_last_unit_at_once_sell_it_once(store, shop, till, session, second, seller, manager):
    last = last_unit(store, shop, "Dernière lampe")
    sessions, cashiers = (session, second), (seller, manager)

    def sell(index):
        try:
            return selling.record_sale(user=cashiers[index], session=sessions[index], lines=[SaleLine(last.pk, 1)],
                                       payments=[Tender("cash", last.price)]).pk
        except InsufficientStock:
            return None

    sold = run_together(2, sell)
    assert sorted(pk is None for pk in sold) == [False, True]
    ticket = Ticket.objects.get()
    assert ticket.pk in sold and ticket.number == 1
    assert Stock.objects.get(variant=last, warehouse=shop).on_hand == 0
    # The refused till took no number and chained nothing: its counter rolled back with the sale.
    loser = Till.objects.exclude(pk=ticket.till_id).get()
    assert (loser.last_ticket_number, loser.chain_length) == (0, 0)
    assert not ChainRecord.objects.filter(till=loser).exists()
    every_chain_verifies()


@pytest.mark.parametrize("round_", range(3))
def test_the_till_api_and_a_web_checkout_race_for_the_last_unit_one_wins(store, shop, till, session, seller,
                                                                       round_):
    last = last_unit(store, shop, f"Dernier vase {round_}")
    method = factories.shipping_method(store, price="1000")
    buyer = factories.UserFactory(email=f"web{round_}@example.com")
    cart = cart_services.get_cart(store=store, user=buyer, create=True)
    cart_services.add(cart=cart, variant_id=last.pk, quantity=1)
    api = api_for(seller)
    body = {"till": till.pk, "lines": [{"variant": last.pk, "quantity": 1}],
            "payments": [{"method": "card", "amount": "12000"}]}

    def work(index):
        if index == 0:
            response = api.post(SALES, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
            return "till", response.status_code, response.json()
        try:
            checkout.place_order(cart=cart, user=buyer, policy=PricingPolicy(store, buyer),
                                 details=factories.checkout_details(method, email=buyer.email))
            return "web", 201, None
        except (InsufficientStock, CartChanged):
            return "web", 409, None

    (_, till_status, answer), (_, web_status, _) = run_together(2, work)
    assert {till_status, web_status} == {201, 409}
    assert Ticket.objects.count() + Order.objects.count() == 1
    if till_status == 201:
        assert Ticket.objects.get().pk == answer["ticket"]["id"]
    else:  # the till's refusal names the line, and the till chained nothing
        assert answer["code"] == "insufficient_stock" and "lines" in answer["fields"]
        assert not ChainRecord.objects.exists()
    row = Stock.objects.get(variant=last, warehouse=shop)
    assert row.on_hand - row.reserved == 0 and row.on_hand >= 0
    every_chain_verifies()


def test_one_offline_sync_sent_from_two_tabs_at_once_is_one_ticket_both_answers_name_it(
        store, shop, till, session, seller, variant):
    key = str(uuid.uuid4())
    body = {"till": till.pk, "lines": [{"variant": variant.pk, "quantity": 2}],
            "payments": [{"method": "cash", "amount": "15000"}]}  # 2 × 5,900 = 11,800: 3,200 back
    tabs = (api_for(seller), api_for(seller))

    def sync(index):
        response = tabs[index].post(SALES, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        return response.status_code, response.json()

    answers = run_together(2, sync)
    assert sorted(status for status, _ in answers) == [200, 201]
    ticket = Ticket.objects.get()
    for _status, answer in answers:
        assert answer["ticket"]["id"] == ticket.pk and answer["ticket"]["reference"] == ticket.reference
        assert answer["change"] == "3200.00"
    assert answers[0][1] == answers[1][1]  # the replay answers exactly what the sale answered
    assert ChainRecord.objects.filter(till=till).count() == 1
    assert Stock.objects.get(variant=variant, warehouse=shop).on_hand == 48
    every_chain_verifies()
