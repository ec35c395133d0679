"""Units held for a cart's own pending order stay available to that cart (issue #10, item 12).

Looking at the cart while paying used to compare each line with stock that already excluded the
customer's own hold and remove it ("retiré du panier (rupture de stock)"); after cancelling the
payment, the cart was empty. A second attempt with a new Idempotency-Key while the first order
waited for payment was a 409 that dropped the line. Now the cart keeps its lines, and a new
attempt cancels the earlier pending order and places the new one, on the web and in the API alike.
"""

import re

import pytest
from django.urls import reverse

from ashopy.cart import services as cart_services
from ashopy.cart.errors import OutOfStock
from ashopy.cart.models import CartLine
from ashopy.checkout import services as checkout
from ashopy.inventory.models import Reservation, Stock
from ashopy.orders.models import Order
from ashopy.payments.models import Payment
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.api import client_for

CART, LINES, CHECKOUT = "/api/v1/cart/", "/api/v1/cart/lines/", "/api/v1/checkout/"


@pytest.fixture
def variant(store):
    """Two units in stock: a cart of two holds all of them while its order waits for payment."""
    return factories.product(store, name="Lampe", stock=2, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def _stock(variant) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant)
    return row.on_hand, row.reserved


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- web --------------------------------------------------------------------------------------


def _review_token(client, method) -> str:
    """Walk the checkout steps as the signed-in customer; the one-time token of the review form."""
    assert client.post(reverse("checkout:address"), {
        "ship-first_name": "Awa", "ship-last_name": "Diop", "ship-line1": "12 rue Carnot", "ship-city": "Dakar",
        "ship-country": "SN", "billing_same": "on"}).status_code == 302
    assert client.post(reverse("checkout:shipping"), {"choice": str(method.pk)}).status_code == 302
    assert client.post(reverse("checkout:payment"), {"choice": "sandbox"}).status_code == 302
    review = client.get(reverse("checkout:review"))
    return re.search(r'name="token" value="([0-9a-f]+)"', review.content.decode()).group(1)


@pytest.fixture
def web_customer(client, customer, variant):
    client.force_login(customer)
    client.cookies["django_language"] = "en"
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    return client


def _place_on_the_web(client, method) -> Order:
    response = client.post(reverse("checkout:place"), {"token": _review_token(client, method)})
    order = Order.objects.order_by("-id").first()
    assert response.url == reverse("checkout:pay", kwargs={"token": order.token})
    return order


def test_web_cart_viewed_while_paying_is_intact_after_cancelling(store, web_customer, variant, method):
    order = _place_on_the_web(web_customer, method)
    assert _stock(variant) == (2, 2)

    page = web_customer.get(reverse("cart:detail"))  # the customer looks at the cart while paying
    assert page.status_code == 200 and _messages(page) == []
    assert CartLine.objects.get().quantity == 2
    assert 'max="2"' in page.content.decode()

    payment = order.payments.get()
    back = web_customer.post(reverse("payments:sandbox", args=[payment.reference]), {"outcome": "cancelled"})
    page = web_customer.get(back.url, follow=True)
    assert _messages(page) == ["Payment cancelled. Your items are still in the cart."]
    assert CartLine.objects.get().quantity == 2
    assert _stock(variant) == (2, 0)


def test_web_second_attempt_replaces_the_pending_order(store, web_customer, variant, method):
    first = _place_on_the_web(web_customer, method)
    web_customer.get(reverse("cart:detail"))
    second = _place_on_the_web(web_customer, method)  # back to the review page: a new one-time token

    assert second.pk != first.pk and second.state == Order.State.PENDING_PAYMENT
    first.refresh_from_db()
    assert first.state == Order.State.CANCELLED and first.reservation.state == Reservation.State.RELEASED
    assert first.payments.get().status == Payment.Status.CANCELLED
    assert _stock(variant) == (2, 2) and second.reservation.lines.get().quantity == 2
    assert CartLine.objects.get().quantity == 2


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api_customer(customer, variant):
    client = client_for(customer)
    assert client.post(LINES, {"variant": variant.pk, "quantity": 2}, format="json").status_code == 200
    return client


def _checkout(client, method, key, **overrides):
    body = {"billing_address": factories.address(), "shipping_method": method.pk, "payment_method": "sandbox",
            **overrides}
    return client.post(CHECKOUT, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.usefixtures("both_store_hosts")
def test_api_cart_viewed_while_paying_is_intact_after_cancelling(store, api_customer, variant, method):
    placed = _checkout(api_customer, method, "first")
    assert placed.status_code == 201, placed.json()
    cart = api_customer.get(CART).json()
    assert cart["messages"] == []
    assert [(line["quantity"], line["available"]) for line in cart["lines"]] == [(2, 2)]

    token = placed.json()["order"]["token"]
    cancelled = api_customer.post(f"{CHECKOUT}{token}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["order"]["state"] == "cancelled"
    cart = api_customer.get(CART).json()
    assert [line["quantity"] for line in cart["lines"]] == [2] and cart["messages"] == []
    assert _stock(variant) == (2, 0)


@pytest.mark.usefixtures("both_store_hosts")
def test_api_second_attempt_with_a_new_key_replaces_the_pending_order(store, api_customer, variant, method):
    first = _checkout(api_customer, method, "first")
    second = _checkout(api_customer, method, "second")
    assert (first.status_code, second.status_code) == (201, 201), second.json()
    assert second.json()["order"]["number"] != first.json()["order"]["number"]
    assert Order.objects.get(number=first.json()["order"]["number"]).state == Order.State.CANCELLED
    assert Order.objects.get(number=second.json()["order"]["number"]).state == Order.State.PENDING_PAYMENT
    assert _stock(variant) == (2, 2)
    assert CartLine.objects.get().quantity == 2

    again = _checkout(api_customer, method, "second")  # a retry of the second: answered again, nothing cancelled
    assert again.status_code == 200 and again.json()["order"]["number"] == second.json()["order"]["number"]
    assert Order.objects.filter(state=Order.State.PENDING_PAYMENT).count() == 1


@pytest.mark.usefixtures("both_store_hosts")
def test_a_refused_second_attempt_leaves_the_first_order_to_pay(store, api_customer, variant, method):
    first = _checkout(api_customer, method, "first")
    other = factories.shipping_method(store, name="Europe", price="9000", countries=["FR"])
    refused = _checkout(api_customer, other, "second")  # this method does not ship to Senegal
    assert refused.status_code == 400 and refused.json()["code"] == "shipping_unavailable"
    assert Order.objects.get().number == first.json()["order"]["number"]
    assert Order.objects.get().state == Order.State.PENDING_PAYMENT
    assert _stock(variant) == (2, 2) and CartLine.objects.get().quantity == 2


# --- services ---------------------------------------------------------------------------------


def _pending(store, customer, variant, method):
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    order, _payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                           details=factories.checkout_details(method))
    return cart, order


def test_changing_a_quantity_while_paying_counts_the_own_hold(store, customer, variant, method):
    cart, _order = _pending(store, customer, variant, method)
    line = cart.lines.get()
    notice = cart_services.set_quantity(cart=cart, line_id=line.pk, quantity=1)
    assert notice.level == "success" and cart.lines.get().quantity == 1
    assert cart_services.add(cart=cart, variant_id=variant.pk, quantity=5).level == "warning"
    assert cart.lines.get().quantity == 2  # capped at what the order holds: no free unit is left
    assert cart_services.revalidate(cart=cart) == []


def test_the_hold_is_not_available_to_another_cart(store, customer, variant, method):
    _pending(store, customer, variant, method)
    stranger = cart_services.get_cart(store=store, user=factories.UserFactory(email="other@example.com"),
                                      create=True)
    with pytest.raises(OutOfStock):
        cart_services.add(cart=stranger, variant_id=variant.pk, quantity=1)
    assert checkout.held_for_cart(stranger) == {}


def test_with_enough_free_stock_an_earlier_order_is_left_to_lapse(store, customer, method):
    """The new attempt needs none of its units: the earlier order keeps its hold, to be paid or to expire."""
    plenty = factories.product(store, name="Câble", stock=10, price="1000").variants.get()
    cart, first = _pending(store, customer, plenty, method)
    second, _payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                            details=factories.checkout_details(method), idempotency_key="second")
    first.refresh_from_db()
    assert first.state == second.state == Order.State.PENDING_PAYMENT
    assert _stock(plenty) == (10, 4)
