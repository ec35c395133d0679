"""Signed webhooks are good for 300 seconds around their timestamp, in either direction: one signed an
hour ahead (a signature made early, kept for later) is refused like one an hour old. Orange Money signs
nothing and sends no timestamp: its notifications are trusted through the secret notif_token only
(tests/payments/test_payment_webhooks.py)."""

import time

import pytest

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.orders.models import Order
from ashopy.payments.models import PaymentEvent
from ashopy.payments.providers import base, sandbox
from ashopy.payments.providers.stripe_checkout import StripeCheckout
from ashopy.payments.providers.wave import Wave
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.fakes import fake_stripe, fake_wave

pytestmark = pytest.mark.django_db

URLS = {"success": "https://testserver/ok", "cancel": "https://testserver/ko",
        "notify": "https://testserver/api/v1/payments/webhooks/x/"}
HOUR, TOLERANCE = 3600, 300


def _order(store, customer, provider):
    variant = factories.product(store, stock=3, price="10000").variants.get()
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(factories.shipping_method(store),
                                                                             payment_method=provider))
    return order, checkout.start_payment(order=order, payment=payment, urls=URLS)


def _post(client, provider, body, headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
             if name.lower() != "content-type"}
    return client.post(f"/api/v1/payments/webhooks/{provider}/", data=body, content_type="application/json", **extra)


def _refused_then_accepted(client, order, provider, signed):
    """`signed(offset)` is a (body, headers) pair signed `offset` seconds from now."""
    for offset in (HOUR, TOLERANCE + 60, -HOUR, -(TOLERANCE + 60)):
        response = _post(client, provider, *signed(offset))
        assert response.status_code == 400, (offset, response.content)
        assert response.json()["code"] == "invalid_notification"
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_PAYMENT and not PaymentEvent.objects.exists()
    assert _post(client, provider, *signed(TOLERANCE - 60)).status_code == 200  # a clock a little ahead
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_stripe_refuses_a_timestamp_from_the_future(client, settings, store, customer):
    with fake_stripe() as stripe:
        settings.PAYMENT_PROVIDERS = {"*": {"stripe": stripe.config()}}
        order, payment = _order(store, customer, "stripe")
        session = stripe.complete(payment.provider_reference)
        _refused_then_accepted(client, order, "stripe", lambda offset: stripe.signed_event(
            "checkout.session.completed", session, timestamp=int(time.time()) + offset))


def test_stripe_provider_refuses_a_future_timestamp_itself(settings):
    with fake_stripe() as stripe:
        provider = StripeCheckout(stripe.config())
        body, headers = stripe.signed_event("checkout.session.expired", {"id": "cs_1"},
                                            timestamp=int(time.time()) + HOUR)
        with pytest.raises(base.InvalidNotification):
            provider.parse_notification(body, headers)
        body, headers = stripe.signed_event("checkout.session.expired", {"id": "cs_1"})
        assert provider.parse_notification(body, headers).outcome == base.Outcome.EXPIRED


def test_wave_refuses_a_timestamp_from_the_future(client, settings, store, customer):
    with fake_wave(require_https=False) as wave:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": wave.config()}}
        order, payment = _order(store, customer, "wave")
        session = wave.complete(payment.provider_reference)
        _refused_then_accepted(client, order, "wave", lambda offset: wave.signed_event(
            "checkout.session.completed", session, timestamp=int(time.time()) + offset))


@pytest.mark.parametrize("timestamp", ["²", "١٧٠٠٠٠٠٠٠٠", "-5", "1e9", ""])
def test_wave_refuses_a_timestamp_that_is_not_plain_digits(settings, timestamp):
    with fake_wave(require_https=False) as wave:
        body, headers = wave.signed_event("checkout.session.completed", {"id": "cos_1"})
        headers["Wave-Signature"] = headers["Wave-Signature"].replace(
            headers["Wave-Signature"].split(",")[0], f"t={timestamp}")
        with pytest.raises(base.InvalidNotification):
            Wave(wave.config()).parse_notification(body, headers)


def test_the_sandbox_refuses_a_timestamp_from_the_future(client, store, customer):
    order, payment = _order(store, customer, "sandbox")

    def signed(offset):
        body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
        return body, {sandbox.SIGNATURE_HEADER: sandbox.sign(body, int(time.time()) + offset)}

    _refused_then_accepted(client, order, "sandbox", signed)
