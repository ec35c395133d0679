"""Orders API: customers see and cancel only their own orders; the store's staff list, filter and move them
through the services; other stores and other customers get nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ashopy.orders.models import Order, OrderEvent
from ashopy.payments.models import Payment
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

MINE, STAFF = "/api/v1/orders/", "/api/v1/staff/orders/"
URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=20, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def place(store, variant, method):
    """place(user, paid=…, payment_method=…): an order made through the checkout services."""

    def make(user, **options):
        return factories.placed_order(store, variant, method, user=user, language="fr", **options)

    return make


def _transition(client, order, action, **fields):
    return client.post(f"{STAFF}{order.number}/transition/", {"action": action, **fields}, format="json")


def test_customer_lists_and_reads_only_their_orders(store, customer, place):
    mine = place(customer, paid=True, quantity=2)
    stranger = factories.UserFactory(email="autre@example.com")
    theirs = place(stranger)
    client = client_for(customer)
    listing = client.get(MINE).json()
    assert listing["count"] == 1
    assert {key: listing["results"][0][key] for key in ("number", "state", "total", "quantity")} == {
        "number": mine.number, "state": "paid", "total": "22000", "quantity": 2}

    detail = client.get(f"{MINE}{mine.number}/").json()
    assert detail["lines"][0]["sku"] and detail["lines"][0]["quantity"] == 2
    assert (detail["goods_gross"], detail["shipping_gross"], detail["total"]) == ("20000", "2000", "22000")
    assert detail["taxes"] == [{"rate": "18", "amount": str(mine.total_tax.quantize(1))}]
    assert detail["billing_address"]["city"] == "Dakar" and detail["shipping_address"]["country"] == "SN"
    assert [event["to_state"] for event in detail["events"]] == ["pending_payment", "paid"]
    assert "note" not in detail["events"][0]
    assert detail["payment"]["status"] == "succeeded" and detail["can_cancel"] is True

    assert client.get(f"{MINE}{theirs.number}/").status_code == 404
    assert client.post(f"{MINE}{theirs.number}/cancel/").status_code == 404
    assert client.get(f"{MINE}NOPE/").status_code == 404
    assert client_for().get(MINE).status_code == 401
    assert client_for(customer, host="b.test").get(f"{MINE}{mine.number}/").status_code == 404
    assert Order.objects.get(pk=theirs.pk).state == Order.State.PENDING_PAYMENT


def test_customer_cancels_until_the_shop_prepares_it(store, customer, seller, variant, place):
    pending = place(customer)
    response = client_for(customer).post(f"{MINE}{pending.number}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    paid = place(customer, paid=True)
    assert _transition(client_for(seller), paid, "process").status_code == 200
    response = client_for(customer).post(f"{MINE}{paid.number}/cancel/")
    assert response.status_code == 409 and response.json()["code"] == "not_cancellable"
    assert Order.objects.get(pk=paid.pk).state == Order.State.PROCESSING


def test_a_customer_cancelling_a_paid_order_is_refunded(store, customer, place):
    paid = place(customer, paid=True)
    response = client_for(customer).post(f"{MINE}{paid.number}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert Payment.objects.get(order=paid).status == Payment.Status.REFUNDED


def test_staff_list_filters(store, customer, seller, place):
    paid = place(customer, paid=True)
    cash = place(factories.UserFactory(email="cash@example.com"), payment_method="cash_on_delivery")
    client = client_for(seller)
    assert client.get(STAFF).json()["count"] == 2
    assert [row["number"] for row in client.get(STAFF, {"state": "paid"}).json()["results"]] == [paid.number]
    assert [row["number"] for row in client.get(STAFF, {"payment_method": "cash_on_delivery"}).json()["results"]] == [
        cash.number]
    assert [row["email"] for row in client.get(STAFF, {"q": "CASH@"}).json()["results"]] == ["cash@example.com"]
    assert client.get(STAFF, {"q": paid.number[-6:]}).json()["count"] >= 1
    today = timezone.localdate()
    assert client.get(STAFF, {"created_after": today.isoformat()}).json()["count"] == 2
    assert client.get(STAFF, {"created_before": (today - timedelta(days=2)).isoformat()}).json()["count"] == 0
    for bad in ({"created_after": "hier"}, {"state": "lost"}):
        response = client.get(STAFF, bad)
        assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_only_this_stores_staff_see_its_orders(store, customer, manager, store_admin, other_manager, place):
    order = place(customer)
    for user in (manager, store_admin):
        assert client_for(user).get(f"{STAFF}{order.number}/").status_code == 200
    assert client_for().get(STAFF).status_code == 401
    assert client_for(customer).get(STAFF).status_code == 403
    assert client_for(customer).get(f"{STAFF}{order.number}/").status_code == 403
    assert client_for(other_manager).get(STAFF).status_code == 403
    assert _transition(client_for(other_manager), order, "cancel").status_code == 403
    assert client_for(other_manager, host="b.test").get(f"{STAFF}{order.number}/").status_code == 404
    assert _transition(client_for(other_manager, host="b.test"), order, "cancel").status_code == 404
    assert client_for(other_manager, host="b.test").get(STAFF).json()["count"] == 0
    assert Order.objects.get(pk=order.pk).state == Order.State.PENDING_PAYMENT


def test_staff_prepare_ship_and_deliver(store, customer, seller, place):
    order = place(customer, paid=True)
    client = client_for(seller)
    wrong = _transition(client, order, "deliver")
    assert wrong.status_code == 409 and wrong.json()["code"] == "transition_not_allowed"
    assert _transition(client, order, "process", note="en préparation").json()["state"] == "processing"
    shipped = _transition(client, order, "ship", carrier="DHL", tracking_number="JD0001",
                          tracking_url="https://dhl.example/JD0001").json()
    assert (shipped["state"], shipped["carrier"], shipped["tracking_number"]) == ("shipped", "DHL", "JD0001")
    delivered = _transition(client, order, "deliver").json()
    assert delivered["state"] == "delivered"
    assert [event["to_state"] for event in delivered["events"] if event["kind"] == "transition"] == [
        "pending_payment", "paid", "processing", "shipped", "delivered"]
    assert any(event["note"] == "en préparation" and event["user"] == seller.email for event in delivered["events"])
    assert delivered["payments"][0]["status"] == "succeeded"


def test_staff_mark_cash_paid_and_cancel(store, customer, manager, place, variant):
    cash = place(customer, payment_method="cash_on_delivery")
    client = client_for(manager)
    paid = _transition(client, cash, "mark_paid", note="reçu 12000")
    assert paid.status_code == 200 and paid.json()["state"] == "paid"
    assert OrderEvent.objects.filter(order=cash, kind="note", note="reçu 12000").exists()
    assert _transition(client, cash, "mark_paid").status_code == 409

    sandbox_order = place(customer)
    assert _transition(client, sandbox_order, "mark_paid").json()["code"] == "not_offline"
    cancelled = _transition(client, sandbox_order, "cancel", note="rupture")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert _transition(client, sandbox_order, "cancel").status_code == 409


@pytest.mark.parametrize("payload", [{"action": "explode"}, {}, {"action": "ship", "tracking_url": "pas une url"},
                                     {"action": "ship", "carrier": "x" * 200}])
def test_bad_transitions_are_400(store, customer, seller, place, payload):
    order = place(customer, paid=True)
    response = client_for(seller).post(f"{STAFF}{order.number}/transition/", payload, format="json")
    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).state == Order.State.PAID
