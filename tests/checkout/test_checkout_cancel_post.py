"""Coming back from the payment provider without paying: the GET of the return address (which a link
preview or a prefetch can make) only shows a page; its CSRF-protected POST cancels the order and
puts the held units back, leaving the cart as it was."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ashopy.cart import services as cart_services
from ashopy.cart.models import CartLine
from ashopy.checkout import services as checkout
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.payments.models import Payment
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.browser import page  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(store):
    variant = factories.product(store, name="Lampe", stock=3, price="10000").variants.get()
    return variant, factories.shipping_method(store, price="2000")


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _csrf(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def _placed(client, shop) -> Order:
    """A guest's order waiting for the sandbox payment, two units held."""
    variant, method = shop
    client.cookies["django_language"] = "en"
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2, "csrfmiddlewaretoken": _csrf(
        client.get(variant.product.get_absolute_url()))})
    token = _csrf(client.get(reverse("checkout:address")))
    assert client.post(reverse("checkout:address"), {
        "csrfmiddlewaretoken": token, "email": "guest@example.com", "ship-first_name": "Awa",
        "ship-last_name": "Diop", "ship-line1": "12 rue Carnot", "ship-city": "Dakar", "ship-country": "SN",
        "billing_same": "on"}).status_code == 302
    assert client.post(reverse("checkout:shipping"), {"csrfmiddlewaretoken": token,
                                                      "choice": str(method.pk)}).status_code == 302
    assert client.post(reverse("checkout:payment"), {"csrfmiddlewaretoken": token,
                                                     "choice": "sandbox"}).status_code == 302
    review = client.get(reverse("checkout:review")).content.decode()
    order_token = re.search(r'name="token" value="([0-9a-f]+)"', review)[1]
    assert client.post(reverse("checkout:place"), {"csrfmiddlewaretoken": token,
                                                   "token": order_token}).status_code == 302
    order = Order.objects.get()
    assert order.state == Order.State.PENDING_PAYMENT and Stock.objects.get(variant=variant).reserved == 2
    return order


def _state(order, variant) -> tuple:
    order.refresh_from_db()
    return (order.state, order.payments.get().status, Stock.objects.get(variant=variant).reserved,
            list(CartLine.objects.values_list("quantity", flat=True)))


def test_the_get_of_the_return_address_changes_nothing(shop):
    variant, _method = shop
    client = Client(enforce_csrf_checks=True)
    order = _placed(client, shop)
    before = _state(order, variant)
    url = reverse("checkout:cancelled", kwargs={"token": order.token})
    for _visit in range(2):  # a link preview, then the customer's browser
        shown = client.get(url)
        assert shown.status_code == 200
        assert _state(order, variant) == before == (Order.State.PENDING_PAYMENT, Payment.Status.PENDING, 2, [2])
    html = shown.content.decode()
    assert re.search(rf'<form method="post" action="{url}"[^>]* data-return-cancel', html)
    assert 'name="csrfmiddlewaretoken"' in html and "/static/checkout/return.js" in html
    assert "<script>" not in html  # no inline script under the Content-Security-Policy
    assert client.head(url).status_code == 405 and _state(order, variant) == before


def test_the_post_cancels_and_returns_to_an_intact_cart(shop):
    variant, _method = shop
    client = Client(enforce_csrf_checks=True)
    order = _placed(client, shop)
    url = reverse("checkout:cancelled", kwargs={"token": order.token})
    assert client.post(url).status_code == 403  # no CSRF token: a form on another site cannot cancel
    assert _state(order, variant) == (Order.State.PENDING_PAYMENT, Payment.Status.PENDING, 2, [2])
    response = client.post(url, {"csrfmiddlewaretoken": _csrf(client.get(url))}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cart:detail")
    assert "Payment cancelled. Your items are still in the cart." in _messages(response)
    assert _state(order, variant) == (Order.State.CANCELLED, Payment.Status.CANCELLED, 0, [2])
    again = client.get(url, follow=True)  # the back button: already cancelled, straight to the cart
    assert again.redirect_chain[-1][0] == reverse("cart:detail")
    assert _state(order, variant) == (Order.State.CANCELLED, Payment.Status.CANCELLED, 0, [2])


def test_a_failed_payment_says_so(shop):
    variant, _method = shop
    client = Client(enforce_csrf_checks=True)
    order = _placed(client, shop)
    url = reverse("checkout:cancelled", kwargs={"token": order.token}) + "?failed=1"
    shown = client.get(url)
    assert "The payment failed." in shown.content.decode() and 'name="failed" value="1"' in shown.content.decode()
    response = client.post(reverse("checkout:cancelled", kwargs={"token": order.token}),
                           {"csrfmiddlewaretoken": _csrf(shown), "failed": "1"}, follow=True)
    assert "The payment failed. Your items are still in the cart." in _messages(response)
    assert _state(order, variant)[0] == Order.State.CANCELLED


def test_a_payment_the_provider_reports_cancelled_lands_in_the_cart(shop):
    """The sandbox, like a provider that notifies, cancels through its webhook first: the return GET then
    only tells the customer, on the way to the cart."""
    variant, _method = shop
    client = Client(enforce_csrf_checks=True)
    order = _placed(client, shop)
    payment = order.payments.get()
    sandbox_page = client.get(reverse("payments:sandbox", args=[payment.reference]))
    back = client.post(reverse("payments:sandbox", args=[payment.reference]),
                       {"outcome": "cancelled", "csrfmiddlewaretoken": _csrf(sandbox_page)})
    assert back.url.endswith(reverse("checkout:cancelled", kwargs={"token": order.token}))
    response = client.get(back.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cart:detail")
    assert "Payment cancelled. Your items are still in the cart." in _messages(response)
    assert _state(order, variant) == (Order.State.CANCELLED, Payment.Status.CANCELLED, 0, [2])


def test_the_pay_page_cancels_with_a_form(shop):
    client = Client(enforce_csrf_checks=True)
    order = _placed(client, shop)
    html = client.get(reverse("checkout:pay", kwargs={"token": order.token})).content.decode()
    url = reverse("checkout:cancelled", kwargs={"token": order.token})
    assert f'<form class="mt-3" method="post" action="{url}">' in html and f'href="{url}"' not in html


def test_a_paid_order_is_left_alone_by_both(shop):
    client = Client(enforce_csrf_checks=True)
    order = _placed(client, shop)
    payment = order.payments.get()
    shown = client.get(reverse("payments:sandbox", args=[payment.reference]))
    client.post(reverse("payments:sandbox", args=[payment.reference]),
                {"outcome": "succeeded", "csrfmiddlewaretoken": _csrf(shown)})
    url = reverse("checkout:cancelled", kwargs={"token": order.token})
    done = reverse("checkout:done", kwargs={"token": order.token})
    assert client.get(url).url == done
    assert client.post(url, {"csrfmiddlewaretoken": _csrf(shown)}).url == done
    order.refresh_from_db()
    assert order.state == Order.State.PAID


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_return_page_sends_its_form_by_itself(page, live_server, store, shop):  # noqa: F811
    """Chromium, under the Content-Security-Policy, lands in the cart: return.js sent the POST."""
    variant, method = shop
    cart = cart_services.get_cart(store=store, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    order, payment = checkout.place_order(cart=cart, user=None, policy=PricingPolicy(store, None),
                                          details=factories.checkout_details(method))
    checkout.start_payment(order=order, payment=payment, urls={
        "success": f"{live_server.url}/ok", "cancel": f"{live_server.url}/ko",
        "notify": f"{live_server.url}/api/v1/payments/webhooks/sandbox/"})
    assert Stock.objects.get(variant=variant).reserved == 2
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(live_server.url + reverse("checkout:cancelled", kwargs={"token": order.token}))
    page.wait_for_url("**/cart/")
    assert "Paiement annulé. Vos articles sont toujours dans le panier." in page.locator("main").inner_text()
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED and Stock.objects.get(variant=variant).reserved == 0
    assert violations == []
