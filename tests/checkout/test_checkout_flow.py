"""The checkout through its services: cart → order with stock reserved → payment → paid (or not)."""

import pytest

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.inventory.models import Reservation, Stock
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from ashopy.payments.models import Payment
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from tests import factories

URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


def _stock(variant) -> Stock:
    return Stock.objects.get(variant=variant)


@pytest.fixture
def setup(store, customer):
    product = factories.product(store, stock=5, price="10000")
    variant = product.variants.get()
    method = factories.shipping_method(store, price="2000")
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    return variant, method, cart


def _place(store, customer, cart, method, **kwargs):
    return checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                details=factories.checkout_details(method, **kwargs))


def _notify(store, payment, outcome):
    body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
    return payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                        headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def test_paid_order_consumes_the_reservation_and_empties_the_cart(store, customer, setup):
    variant, method, cart = setup
    order, payment = _place(store, customer, cart, method)
    assert order.state == Order.State.PENDING_PAYMENT and order.number.startswith("CMD-")
    assert (_stock(variant).on_hand, _stock(variant).reserved) == (5, 2)
    payment = checkout.start_payment(order=order, payment=payment, urls=URLS)
    assert payment.redirect_url.endswith(f"/payments/sandbox/{payment.reference}/")
    _notify(store, payment, "succeeded")
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.stock_consumed
    assert (_stock(variant).on_hand, _stock(variant).reserved) == (3, 0)
    assert not cart.lines.exists()
    assert order.total == 2 * 10000 + 2000
    assert order.recomputed_totals()["total"] == order.total


def test_cancelled_payment_releases_the_units_and_keeps_the_cart(store, customer, setup):
    variant, method, cart = setup
    order, payment = _place(store, customer, cart, method)
    checkout.start_payment(order=order, payment=payment, urls=URLS)
    checkout.cancel_payment(order=order)
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert order.reservation.state == Reservation.State.RELEASED
    assert (_stock(variant).on_hand, _stock(variant).reserved) == (5, 0)
    assert cart.lines.get().quantity == 2


def test_cash_on_delivery_waits_for_staff(store, customer, manager, setup):
    variant, method, cart = setup
    order, payment = _place(store, customer, cart, method, payment_method="cash_on_delivery")
    checkout.start_payment(order=order, payment=payment, urls=URLS)
    order.refresh_from_db()
    assert order.state == Order.State.AWAITING_PAYMENT and order.stock_consumed
    assert _stock(variant).on_hand == 3 and not cart.lines.exists()
    payments.mark_paid_by_hand(order=order, user=manager)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
