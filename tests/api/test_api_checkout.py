"""Checkout API: shipping and payment choices, placing the order once per Idempotency-Key, paying through the
sandbox webhook (verified, applied once), giving up, and the refusals that change nothing."""

import uuid

import pytest

from ashopy.cart.models import CartLine
from ashopy.inventory import services as inventory
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.payments.models import Payment, PaymentEvent
from ashopy.payments.providers import sandbox
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

CHECKOUT, LINES, WEBHOOK = "/api/v1/checkout/", "/api/v1/cart/lines/", "/api/v1/payments/webhooks/sandbox/"


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=5, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000", countries=["SN"])


def _body(method, **overrides):
    return {"billing_address": factories.address(), "shipping_method": method.pk, "payment_method": "sandbox",
            **overrides}


def _checkout(client, method, key="key-1", **overrides):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(CHECKOUT, _body(method, **overrides), format="json", **headers)


def _notify(client, reference, outcome="succeeded", *, body=None, signature=None):
    body = body or sandbox.notification_body(reference=reference, outcome=outcome)
    return client.post(WEBHOOK, data=body, content_type="application/json",
                       HTTP_X_SANDBOX_SIGNATURE=signature or sandbox.sign(body)), body


def _stock(variant) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant)
    return row.on_hand, row.reserved


@pytest.fixture
def customer_cart(customer, variant):
    client = client_for(customer)
    assert client.post(LINES, {"variant": variant.pk, "quantity": 2}, format="json").status_code == 200
    return client


def test_customer_pays_with_the_sandbox(store, customer, variant, method, customer_cart):
    response = _checkout(customer_cart, method)
    assert response.status_code == 201, response.json()
    order, payment = response.json()["order"], response.json()["payment"]
    assert order["number"].startswith("CMD-") and order["state"] == "pending_payment"
    assert (order["total"], order["shipping_gross"], order["email"]) == ("22000", "2000", customer.email)
    assert order["expires_at"] and order["token"]
    assert payment["provider"] == "sandbox" and payment["status"] == "pending"
    assert f"/payments/sandbox/{payment['reference']}/" in payment["redirect_url"]
    stored = Payment.objects.get()
    assert stored.data["success_url"] == f"http://testserver/checkout/done/{order['token']}/"
    assert stored.data["cancel_url"] == f"http://testserver/checkout/cancelled/{order['token']}/"
    assert _stock(variant) == (5, 2)

    answer, body = _notify(client_for(), payment["reference"])
    assert answer.status_code == 200 and answer.json() == {"received": True, "duplicate": False}
    assert Order.objects.get().state == Order.State.PAID
    assert _stock(variant) == (3, 0)
    assert not CartLine.objects.exists()

    replay, _body_again = _notify(client_for(), payment["reference"], body=body)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert PaymentEvent.objects.count() == 1 and _stock(variant) == (3, 0)

    detail = customer_cart.get(f"/api/v1/orders/{order['number']}/").json()
    assert detail["state"] == "paid" and [event["to_state"] for event in detail["events"]] == [
        "pending_payment", "paid"]


def test_the_same_idempotency_key_gives_the_same_order(store, customer, method, customer_cart):
    first = _checkout(customer_cart, method, key="same")
    second = _checkout(customer_cart, method, key="same")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["order"]["number"] == second.json()["order"]["number"]
    assert first.json()["payment"]["reference"] == second.json()["payment"]["reference"]
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert Order.objects.get().idempotency_key == f"api:{customer.pk}:same"


def test_a_long_key_is_hashed_rather_than_cut(store, customer, method, customer_cart):
    first = _checkout(customer_cart, method, key="k" * 100 + "1")
    assert first.status_code == 201
    assert len(Order.objects.get().idempotency_key) <= 80
    assert _checkout(customer_cart, method, key="k" * 100 + "1").status_code == 200
    assert Order.objects.count() == 1


def test_without_idempotency_key_nothing_is_placed(store, method, customer_cart):
    response = _checkout(customer_cart, method, key="")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_required"
    assert not Order.objects.exists()


def test_a_forged_notification_changes_nothing(store, variant, method, customer_cart):
    reference = _checkout(customer_cart, method).json()["payment"]["reference"]
    body = sandbox.notification_body(reference=reference, outcome="succeeded")
    forged = "t=" + sandbox.sign(body).split(",")[0][2:] + ",v1=" + "0" * 64
    response, _body_sent = _notify(client_for(), reference, body=body, signature=forged)
    assert response.status_code == 400 and response.json()["code"] == "invalid_notification"
    stale, _body_sent = _notify(client_for(), reference, body=body, signature=sandbox.sign(body, 1_000_000))
    assert stale.status_code == 400
    assert Order.objects.get().state == Order.State.PENDING_PAYMENT
    assert not PaymentEvent.objects.exists() and _stock(variant) == (5, 2)


def test_guest_checks_out_then_gives_up(store, variant, method):
    token = client_for().post(LINES, {"variant": variant.pk, "quantity": 1}, format="json").json()["token"]
    guest = client_for(token=token)
    missing = _checkout(guest, method)
    assert missing.status_code == 400 and "email" in missing.json()["fields"]
    response = _checkout(guest, method, email="invite@example.com")
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert order.user is None and order.email == "invite@example.com"
    assert order.idempotency_key == f"api:{token}:key-1"

    again = guest.post(f"{CHECKOUT}{order.token}/pay/")
    assert again.status_code == 200
    assert again.json()["payment"]["redirect_url"] == response.json()["payment"]["redirect_url"]

    cancelled = client_for().post(f"{CHECKOUT}{order.token}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["order"]["state"] == "cancelled"
    assert cancelled.json()["payment"]["status"] == "cancelled"
    assert _stock(variant) == (5, 0) and CartLine.objects.get().quantity == 1
    assert guest.post(f"{CHECKOUT}{order.token}/pay/").status_code == 409
    assert guest.post(f"{CHECKOUT}{order.token}/cancel/").status_code == 409


def test_guest_checkout_can_be_turned_off(store, variant, method):
    store.allow_guest_checkout = False
    store.save()
    token = client_for().post(LINES, {"variant": variant.pk, "quantity": 1}, format="json").json()["token"]
    response = _checkout(client_for(token=token), method, email="invite@example.com")
    assert response.status_code == 403 and response.json()["code"] == "login_required"
    assert not Order.objects.exists()


def test_cash_on_delivery_waits_for_the_money(store, variant, method, customer_cart):
    response = _checkout(customer_cart, method, payment_method="cash_on_delivery")
    assert response.status_code == 201
    assert response.json()["order"]["state"] == "awaiting_payment"
    assert response.json()["payment"]["redirect_url"] == "" and response.json()["payment"]["instructions"]
    assert _stock(variant) == (3, 0)


def test_a_changed_cart_is_409_with_its_messages(store, variant, method, customer_cart):
    inventory.adjust(store=store, variant=variant, warehouse=factories.warehouse(store), quantity_change=-4,
                     note="casse")
    response = _checkout(customer_cart, method)
    assert response.status_code == 409 and response.json()["code"] == "cart_changed"
    assert response.json()["fields"]["cart"] == ["Quantity of “ThinkPad X1” adjusted to 1 (limited stock)."]
    assert not Order.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"billing_address": {**factories.address(), "country": "XX"}}, "billing_address"),
    ({"billing_address": "Dakar"}, "billing_address"),
    ({"billing_address": None}, "billing_address"),
    ({"shipping_method": "abc"}, "shipping_method"),
    ({"shipping_method": 10**12}, "shipping_method"),
    ({"payment_method": "bitcoin"}, "payment_method"),
    ({"note": "x" * 5000}, "note"),
])
def test_bad_checkout_input_is_400(store, method, customer_cart, overrides, field):
    response = _checkout(customer_cart, method, **overrides)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not Order.objects.exists()


def test_a_method_that_does_not_serve_the_address_is_refused(store, method, customer_cart):
    response = _checkout(customer_cart, method, shipping_address=factories.address(country="FR"))
    assert response.status_code == 400 and response.json()["code"] == "shipping_unavailable"
    assert not Order.objects.exists()


def test_an_empty_cart_cannot_be_ordered(store, method, customer):
    response = _checkout(client_for(customer), method)
    assert response.status_code == 400 and response.json()["code"] == "empty_cart"


def test_shipping_and_payment_choices(store, method, customer_cart):
    pickup = factories.shipping_method(store, "Retrait boutique", kind="pickup", price="0")
    france = factories.shipping_method(store, "Colissimo", countries=["FR"])
    response = customer_cart.get(f"{CHECKOUT}shipping-methods/", {"country": "SN"})
    assert response.status_code == 200
    assert [(row["id"], row["price"], row["currency"]) for row in response.json()] == [
        (method.pk, "2000", "XOF"), (pickup.pk, "0", "XOF")]
    assert france.pk in [row["id"] for row in customer_cart.get(f"{CHECKOUT}shipping-methods/",
                                                                {"country": "FR"}).json()]
    assert customer_cart.get(f"{CHECKOUT}shipping-methods/", {"country": "XX"}).status_code == 400
    codes = [row["code"] for row in client_for().get(f"{CHECKOUT}payment-methods/").json()]
    assert codes == ["sandbox", "cash_on_delivery", "bank_transfer"]


def test_someone_elses_order_cannot_be_paid_or_cancelled(store, method, customer_cart):
    token = _checkout(customer_cart, method).json()["order"]["token"]
    stranger = client_for(factories.UserFactory(email="autre@example.com"))
    for action in ("pay", "cancel"):
        assert stranger.post(f"{CHECKOUT}{token}/{action}/").status_code == 404
        assert client_for().post(f"{CHECKOUT}{token}/{action}/").status_code == 404
        assert customer_cart.post(f"{CHECKOUT}{uuid.uuid4()}/{action}/").status_code == 404
    assert Order.objects.get().state == Order.State.PENDING_PAYMENT
