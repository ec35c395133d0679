"""Checkouts racing for a code's last use, and a payment notification replayed: real threads on PostgreSQL.

Saleor and django-oscar both counted vouchers beyond their limit under concurrent checkouts, or
twice on a replayed payment. Here the code's row is locked in the order's transaction before its
uses are counted (promotions.codes.hold), and confirming a use is idempotent.
"""

import pytest

from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions.models import Redemption
from tests import factories
from tests.threads import run_together

from .codes_helpers import promo_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _checkout(store, user, method, key=""):
    try:
        order, _payment = checkout.place_order(
            cart=Cart.objects.get(store=store, user=user), user=user, policy=PricingPolicy(store, user),
            details=factories.checkout_details(method, email=user.email), idempotency_key=key)
    except CartChanged:
        return None
    return order.pk


def test_twenty_customers_race_for_a_single_use_code(store):
    code = promo_code(store, "UNIQUE", max_uses=1)
    method = factories.shipping_method(store)
    variant = factories.product(store, name="Sac", price="10000", stock=100).variants.get()
    customers = [factories.UserFactory(email=f"client{n}@example.com") for n in range(20)]
    for customer in customers:
        cart = cart_services.get_cart(store=store, user=customer, create=True)
        cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
        cart_services.apply_code(cart=cart, code="unique", user=customer, policy=PricingPolicy(store, customer))

    placed = run_together(20, lambda n: _checkout(store, customers[n], method))

    orders = [pk for pk in placed if pk is not None]
    assert len(orders) == 1, placed
    assert Redemption.objects.filter(code=code).count() == 1
    assert Redemption.objects.get(code=code).order_id == orders[0]
    assert Order.objects.filter(discounts__code=code).count() == 1


def test_one_customer_in_ten_parallel_checkouts_uses_a_once_per_customer_code_once(store, customer):
    code = promo_code(store, "UNEFOIS", max_uses_per_customer=1)
    method = factories.shipping_method(store)
    variant = factories.product(store, name="Sac", price="10000", stock=100).variants.get()
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    cart_services.apply_code(cart=cart, code="unefois", user=customer, policy=PricingPolicy(store, customer))

    placed = run_together(10, lambda n: _checkout(store, customer, method, key=f"attempt-{n}"))

    assert Redemption.objects.filter(code=code, state__in=["held", "confirmed"]).count() == 1
    assert Order.objects.filter(discounts__code=code).count() == 1, placed


def test_a_payment_notification_replayed_in_parallel_confirms_the_use_once(store, customer):
    code = promo_code(store, "BIENVENUE10", max_uses=5)
    method = factories.shipping_method(store)
    variant = factories.product(store, name="Sac", price="10000", stock=10).variants.get()
    order = None
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    cart_services.apply_code(cart=cart, code="BIENVENUE10", user=customer, policy=PricingPolicy(store, customer))
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(method, email=customer.email))
    payment = checkout.start_payment(order=order, payment=payment, urls=factories.RETURN_URLS)
    body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")

    def notify(_n):
        return payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                            headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})

    run_together(6, notify)
    notify(0)  # and once more, late

    order.refresh_from_db()
    assert order.state == Order.State.PAID
    uses = list(Redemption.objects.filter(code=code).values_list("order_id", "state"))
    assert uses == [(order.pk, Redemption.State.CONFIRMED)]
