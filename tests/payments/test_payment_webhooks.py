"""Each real provider end to end: our client against its fake server, then its signed webhook through
/api/v1/payments/webhooks/<provider>/ moves the order; replays are no-ops, forgeries are 400."""

import pytest

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order
from ashopy.payments.models import Payment, PaymentEvent
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.fakes.orange_money_api import fake_orange_money
from tests.fakes.stripe_api import fake_stripe
from tests.fakes.wave_api import fake_wave

URLS = {"success": "https://testserver/ok", "cancel": "https://testserver/ko",
        "notify": "https://testserver/api/v1/payments/webhooks/x/"}


def _order(store, customer, provider):
    variant = factories.product(store, stock=3, price="10000").variants.get()
    method = factories.shipping_method(store, price="2000")
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(method, payment_method=provider))
    return order, checkout.start_payment(order=order, payment=payment, urls=URLS), variant


def _post(client, provider, body, headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
             if name.lower() != "content-type"}
    return client.post(f"/api/v1/payments/webhooks/{provider}/", data=body, content_type="application/json", **extra)


def test_stripe_checkout_paid_replayed_forged_and_refunded(client, settings, store, customer):
    with fake_stripe() as stripe:
        settings.PAYMENT_PROVIDERS = {"*": {"stripe": stripe.config()}}
        order, payment, variant = _order(store, customer, "stripe")
        assert payment.redirect_url.startswith("https://") and payment.provider_reference.startswith("cs_")
        session = stripe.complete(payment.provider_reference)
        forged_body, forged_headers = stripe.signed_event("checkout.session.completed", session, secret="whsec_wrong")
        assert _post(client, "stripe", forged_body, forged_headers).status_code == 400
        assert Order.objects.get().state == Order.State.PENDING_PAYMENT
        body, headers = stripe.signed_event("checkout.session.completed", session)
        first = _post(client, "stripe", body, headers)
        assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
        again = _post(client, "stripe", body, headers)
        assert again.json() == {"received": True, "duplicate": True}
        order.refresh_from_db()
        assert order.state == Order.State.PAID
        assert PaymentEvent.objects.count() == 1
        assert Stock.objects.get(variant=variant).on_hand == 1
        checkout.cancel_order(order=order, note="test")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REFUNDED
        assert [refund["amount"] for refund in stripe.refunds.values()] == [22000]  # XOF has no minor unit
        assert Stock.objects.get(variant=variant).on_hand == 3


def test_stripe_session_expired_releases_the_hold(client, settings, store, customer):
    with fake_stripe() as stripe:
        settings.PAYMENT_PROVIDERS = {"*": {"stripe": stripe.config()}}
        order, payment, variant = _order(store, customer, "stripe")
        body, headers = stripe.signed_event("checkout.session.expired", stripe.expire(payment.provider_reference))
        assert _post(client, "stripe", body, headers).status_code == 200
        order.refresh_from_db()
        assert order.state == Order.State.EXPIRED
        assert Stock.objects.get(variant=variant).reserved == 0


def test_wave_paid_and_stale_signature(client, settings, store, customer):
    with fake_wave(require_https=False) as wave:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": wave.config()}}
        order, payment, _variant = _order(store, customer, "wave")
        session = wave.complete(payment.provider_reference)
        stale_body, stale_headers = wave.signed_event("checkout.session.completed", session, timestamp=1_600_000_000)
        assert _post(client, "wave", stale_body, stale_headers).status_code == 400
        body, headers = wave.signed_event("checkout.session.completed", session)
        assert _post(client, "wave", body, headers).status_code == 200
        order.refresh_from_db()
        assert order.state == Order.State.PAID


def test_orange_money_notification_needs_its_secret_token(client, settings, store, customer):
    with fake_orange_money() as orange:
        settings.PAYMENT_PROVIDERS = {"*": {"orange_money": orange.config()}}
        order, payment, _variant = _order(store, customer, "orange_money")
        forged, headers = orange.notification(payment.provider_reference, notif_token="not-the-token")
        assert _post(client, "orange_money", forged, headers).status_code == 400
        body, headers = orange.notification(payment.provider_reference)
        assert _post(client, "orange_money", body, headers).status_code == 200
        order.refresh_from_db()
        assert order.state == Order.State.PAID


@pytest.mark.parametrize("provider", ["stripe", "nope"])
def test_a_provider_the_store_does_not_offer_is_refused(client, store, provider):
    response = client.post(f"/api/v1/payments/webhooks/{provider}/", data=b"{}", content_type="application/json")
    assert response.status_code in (400, 404) and response.json()["code"]


def test_an_offline_method_accepts_no_notification(client, store):
    for code in ("cash_on_delivery", "bank_transfer"):
        response = client.post(f"/api/v1/payments/webhooks/{code}/", data=b'{"status": "paid"}',
                               content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "invalid_notification"
    assert not PaymentEvent.objects.exists()
