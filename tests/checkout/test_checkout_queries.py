"""Query budget of the checkout: placing an order and applying its payment cost a fixed handful of queries.

A 3-line order placed with the sandbox and paid by its signed notification should stay within 27
statements, and a 1-line order costs as many (the statements are set-based). Counted inside the test's
transaction: each outermost `atomic()` shows as SAVEPOINT/RELEASE where production sends
BEGIN/COMMIT (the same number of statements); the e-mail task (after commit, on a Celery worker)
does not run here. The per-process memos (tax rates, segment discounts, shipping methods) are
warmed first, as on a running server where the cart and shipping steps were shown. PostgreSQL only:
holding and consuming stock are set-based statements there.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ashopy.cart import selectors as cart_selectors
from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

pytestmark = pytest.mark.postgres

BUDGET = 27  # 25 before the payment event's savepoint (SAVEPOINT/RELEASE: a replay must not break the transaction)
URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


@pytest.fixture
def variants(store):
    return [factories.product(store, name=f"Produit {n}", stock=50, price=f"{(n + 1) * 1000}").variants.get()
            for n in range(3)]


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def _cart(store, customer, variants):
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    for variant in variants:
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    policy = PricingPolicy(store, customer)
    cart_selectors.priced(cart, policy)  # the cart page and the shipping step were shown: memos are warm
    checkout.shipping_options(cart=cart, policy=policy, country="SN")
    return cart


def _place(store, customer, cart, method):
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(method))
    return order, checkout.start_payment(order=order, payment=payment, urls=URLS)


def _pay(store, payment):
    body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
    return payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                        headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def _counts(store, customer, method, variants) -> tuple[int, int]:
    """Statements of place_order + start_payment, and of handle_notification(succeeded)."""
    cart = _cart(store, customer, variants)
    with CaptureQueriesContext(connection) as placing:
        order, payment = _place(store, customer, cart, method)
    with CaptureQueriesContext(connection) as paying:
        _pay(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.stock_consumed and order.lines.count() == len(variants)
    return len(placing), len(paying)


def test_three_line_order_is_placed_and_paid_within_the_budget(store, customer, method, variants,
                                                               django_assert_max_num_queries):
    cart = _cart(store, customer, variants)
    with django_assert_max_num_queries(BUDGET):
        order, payment = _place(store, customer, cart, method)
        _pay(store, payment)
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_one_line_costs_as_much_as_three(store, customer, method, variants):
    one_place, one_pay = _counts(store, customer, method, variants[:1])
    three_place, three_pay = _counts(store, customer, method, variants)
    assert (one_place, one_pay) == (three_place, three_pay), "set-based: the count does not grow with the lines"
