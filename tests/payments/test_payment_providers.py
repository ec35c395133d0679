"""The Stripe, Wave and Orange Money clients against fake servers on 127.0.0.1 (no database)."""

import json
import time
from decimal import Decimal

import httpx
import pytest
import stripe
import time_machine

from ashopy.payments.providers import REGISTRY
from ashopy.payments.providers.base import InvalidNotification, Outcome, PaymentRequest, ProviderError
from ashopy.payments.providers.orange_money import OrangeMoney
from ashopy.payments.providers.stripe_checkout import StripeCheckout
from ashopy.payments.providers.wave import Wave
from tests.fakes import fake_orange_money, fake_stripe, fake_wave, nested, stripe_signature, unused_url, wave_signature


def payment_request(**changes) -> PaymentRequest:
    values = {
        "payment_id": 12, "reference": "PAY-12-3f9a", "amount": Decimal(12500), "currency": "XOF",
        "order_number": "2024-000123", "description": "Order 2024-000123", "customer_email": "client@example.com",
        "success_url": "https://shop.test/checkout/paid/", "cancel_url": "https://shop.test/checkout/cancelled/",
        "notify_url": "https://shop.test/payments/notify/", "language": "fr",
    }
    return PaymentRequest(**{**values, **changes})


def assert_caused_by(error: ProviderError, cause):
    """The ProviderError carries what went wrong: an HTTP status or a transport error (None: refused before calling)."""
    if cause is None:
        assert error.__cause__ is None
    elif isinstance(cause, int):
        assert isinstance(error.__cause__, httpx.HTTPStatusError)
        assert error.__cause__.response.status_code == cause
    else:
        assert isinstance(error.__cause__, cause)


@pytest.fixture
def stripe_server():
    with fake_stripe() as server:
        yield server


@pytest.fixture
def wave_server():
    with fake_wave() as server:
        yield server


@pytest.fixture
def om_server():
    with fake_orange_money() as server:
        yield server


def test_provider_codes_are_the_registry_keys():
    for provider in (StripeCheckout, Wave, OrangeMoney):
        assert REGISTRY[provider.code].endswith(f".{provider.__name__}")


# --- Stripe ------------------------------------------------------------------------------


def test_stripe_start_creates_a_checkout_session_in_whole_francs(stripe_server):
    started = StripeCheckout(stripe_server.config()).start(payment_request())

    [call] = stripe_server.requests
    assert (call.method, call.path) == ("POST", "/v1/checkout/sessions")
    assert call.header("Authorization") == f"Bearer {stripe_server.api_key}"
    params = nested(call.form())
    assert params["mode"] == "payment"
    assert params["line_items"] == [{"quantity": "1", "price_data": {
        "currency": "xof", "unit_amount": "12500", "product_data": {"name": "Order 2024-000123"}}}]
    assert params["metadata"] == {"payment_id": "12", "reference": "PAY-12-3f9a", "order_number": "2024-000123"}
    assert params["client_reference_id"] == "PAY-12-3f9a"
    assert params["customer_email"] == "client@example.com"
    assert params["locale"] == "fr"
    assert params["success_url"] == "https://shop.test/checkout/paid/"
    assert params["cancel_url"] == "https://shop.test/checkout/cancelled/"
    assert "expires_at" not in params
    session = stripe_server.sessions[started.provider_reference]
    assert started.provider_reference.startswith("cs_test_")
    assert started.redirect_url == session["url"]
    assert session["amount_total"] == 12500


def test_stripe_start_sends_euros_in_cents(stripe_server):
    provider = StripeCheckout(stripe_server.config(expires_after=3600))
    before = int(time.time())

    provider.start(payment_request(amount=Decimal("12.50"), currency="EUR", language="en-us"))

    params = nested(stripe_server.requests[-1].form())
    assert params["line_items"][0]["price_data"]["currency"] == "eur"
    assert params["line_items"][0]["price_data"]["unit_amount"] == "1250"
    assert params["locale"] == "en"
    assert before + 3600 <= int(params["expires_at"]) <= int(time.time()) + 3600


def test_stripe_start_refuses_an_amount_finer_than_the_currency_without_calling(stripe_server):
    with pytest.raises(ProviderError):
        StripeCheckout(stripe_server.config()).start(payment_request(amount=Decimal("12500.5")))
    assert stripe_server.requests == []


@pytest.mark.parametrize(("trouble", "cause"), [
    ("wrong key", stripe.AuthenticationError), ("outage", stripe.APIError), ("down", stripe.APIConnectionError),
    ("timeout", stripe.APIConnectionError),
])
def test_stripe_start_turns_every_failure_into_a_provider_error(stripe_server, trouble, cause):
    config = stripe_server.config(timeout=0.3)
    if trouble == "wrong key":
        config["api_key"] = "sk_test_other"
    elif trouble == "outage":
        stripe_server.fail_next(500, {"error": {"type": "api_error", "message": "Something went wrong"}})
    elif trouble == "down":
        config["api_base"] = unused_url()
    else:
        stripe_server.delay = 3

    with pytest.raises(ProviderError) as refused:
        StripeCheckout(config).start(payment_request())
    assert isinstance(refused.value.__cause__, cause)


def test_stripe_fake_answers_a_bad_request_with_a_400(stripe_server):
    with pytest.raises(ProviderError):
        StripeCheckout(stripe_server.config()).start(payment_request(customer_email="not-an-email"))
    assert stripe_server.sessions == {}


def test_stripe_paid_session_is_a_success_with_its_payment_intent(stripe_server):
    provider = StripeCheckout(stripe_server.config())
    started = provider.start(payment_request())
    session = stripe_server.complete(started.provider_reference)
    body, headers = stripe_server.signed_event("checkout.session.completed", session, event_id="evt_1")

    notification = provider.parse_notification(body, headers)

    assert notification.event_id == "evt_1"
    assert notification.outcome == Outcome.SUCCEEDED
    assert notification.provider_reference == started.provider_reference
    assert notification.reference == "PAY-12-3f9a"
    assert (notification.amount, notification.currency) == (Decimal(12500), "XOF")
    assert notification.data == {"payment_intent": session["payment_intent"]}


def test_stripe_amounts_come_back_in_euros(stripe_server):
    provider = StripeCheckout(stripe_server.config())
    started = provider.start(payment_request(amount=Decimal("12.50"), currency="EUR"))
    body, headers = stripe_server.signed_event("checkout.session.completed", stripe_server.complete(
        started.provider_reference))

    notification = provider.parse_notification(body, {key.lower(): value for key, value in headers.items()})

    assert (notification.amount, notification.currency) == (Decimal("12.50"), "EUR")


@pytest.mark.parametrize(("event_type", "async_payment", "outcome"), [
    ("checkout.session.completed", True, Outcome.PENDING),  # a bank debit still on its way
    ("checkout.session.async_payment_succeeded", False, Outcome.SUCCEEDED),
    ("checkout.session.async_payment_failed", True, Outcome.FAILED),
    ("checkout.session.expired", False, Outcome.EXPIRED),
])
def test_stripe_session_events_map_to_outcomes(stripe_server, event_type, async_payment, outcome):
    provider = StripeCheckout(stripe_server.config())
    started = provider.start(payment_request())
    if event_type == "checkout.session.expired":
        session = stripe_server.expire(started.provider_reference)
    else:
        session = stripe_server.complete(started.provider_reference, async_payment=async_payment)

    notification = provider.parse_notification(*stripe_server.signed_event(event_type, session))

    assert notification.outcome == outcome
    assert notification.reference == "PAY-12-3f9a"


def test_stripe_other_events_change_nothing(stripe_server):
    body, headers = stripe_server.signed_event("charge.refunded", {"id": "ch_1", "object": "charge"})

    notification = StripeCheckout(stripe_server.config()).parse_notification(body, headers)

    assert (notification.outcome, notification.provider_reference) == (Outcome.PENDING, "")


def _tampered(body: bytes, headers: dict) -> tuple[bytes, dict]:
    return body.replace(b'"paid"', b'"unpaid"').replace(b"12500", b"125"), headers


@pytest.mark.parametrize("attack", ["forged body", "wrong secret", "stale", "no header", "garbled header",
                                    "signed garbage"])
def test_stripe_refuses_notifications_it_cannot_trust(stripe_server, attack):
    provider = StripeCheckout(stripe_server.config())
    session = stripe_server.complete(provider.start(payment_request()).provider_reference)
    body, headers = stripe_server.signed_event("checkout.session.completed", session)
    if attack == "forged body":
        body, headers = _tampered(body, headers)
    elif attack == "wrong secret":
        body, headers = stripe_server.signed_event("checkout.session.completed", session, "whsec_attacker")
    elif attack == "stale":
        body, headers = stripe_server.signed_event("checkout.session.completed", session,
                                                   timestamp=int(time.time()) - 301)
    elif attack == "no header":
        headers = {}
    elif attack == "garbled header":
        headers = {"Stripe-Signature": "t=soon,v1=abc"}
    else:
        body = b"\xff not json"
        headers = {"Stripe-Signature": stripe_signature(body, stripe_server.webhook_secret, int(time.time()))}

    with pytest.raises(InvalidNotification):
        provider.parse_notification(body, headers)


def test_stripe_refuses_a_replay_after_five_minutes(stripe_server):
    provider = StripeCheckout(stripe_server.config())
    session = stripe_server.complete(provider.start(payment_request()).provider_reference)
    body, headers = stripe_server.signed_event("checkout.session.completed", session)

    with time_machine.travel(time.time() + 301, tick=False), pytest.raises(InvalidNotification):
        provider.parse_notification(body, headers)


def test_stripe_refund_gives_back_part_of_the_payment_intent(stripe_server):
    provider = StripeCheckout(stripe_server.config())
    started = provider.start(payment_request(amount=Decimal("40.00"), currency="EUR"))
    intent = stripe_server.complete(started.provider_reference)["payment_intent"]

    refunded = provider.refund(provider_reference=started.provider_reference, amount=Decimal("15.50"),
                               currency="EUR", reference="PAY-12-3f9a", data={"payment_intent": intent})

    call = stripe_server.requests[-1]
    assert (call.method, call.path) == ("POST", "/v1/refunds")
    params = nested(call.form())
    assert (params["payment_intent"], params["amount"]) == (intent, "1550")
    assert refunded.provider_reference in stripe_server.refunds
    assert stripe_server.payment_intents[intent]["refunded"] == 1550


def test_stripe_refund_failures_are_provider_errors(stripe_server):
    provider = StripeCheckout(stripe_server.config())
    started = provider.start(payment_request())
    intent = stripe_server.complete(started.provider_reference)["payment_intent"]
    refund = {"provider_reference": started.provider_reference, "currency": "XOF", "reference": "PAY-12-3f9a"}

    with pytest.raises(ProviderError):  # more than was paid
        provider.refund(amount=Decimal(12501), data={"payment_intent": intent}, **refund)
    with pytest.raises(ProviderError):  # never paid: no payment intent to refund
        provider.refund(amount=Decimal(100), data={}, **refund)
    with pytest.raises(ProviderError):
        StripeCheckout(stripe_server.config(api_base=unused_url())).refund(
            amount=Decimal(100), data={"payment_intent": intent}, **refund)
    assert stripe_server.payment_intents[intent]["refunded"] == 0


# --- Wave --------------------------------------------------------------------------------


def test_wave_start_creates_a_checkout_session(wave_server):
    started = Wave(wave_server.config()).start(payment_request())

    [call] = wave_server.requests
    assert (call.method, call.path) == ("POST", "/v1/checkout/sessions")
    assert call.header("Authorization") == f"Bearer {wave_server.api_key}"
    assert call.header("Idempotency-Key") == "PAY-12-3f9a"
    assert call.json() == {"amount": "12500", "currency": "XOF", "success_url": "https://shop.test/checkout/paid/",
                           "error_url": "https://shop.test/checkout/cancelled/", "client_reference": "PAY-12-3f9a"}
    session = wave_server.sessions[started.provider_reference]
    assert started.provider_reference.startswith("cos-")
    assert started.redirect_url == session["wave_launch_url"]
    assert started.data == {"amount": "12500", "currency": "XOF"}


def test_wave_start_twice_for_one_attempt_gets_one_session(wave_server):
    provider = Wave(wave_server.config())

    first, second = provider.start(payment_request()), provider.start(payment_request())

    assert first.provider_reference == second.provider_reference
    assert len(wave_server.sessions) == 1


def test_wave_sends_the_currency_decimals_and_wave_refuses_what_it_does_not_take(wave_server):
    with pytest.raises(ProviderError):  # Wave takes XOF only
        Wave(wave_server.config()).start(payment_request(amount=Decimal("12.50"), currency="EUR"))
    assert wave_server.requests[-1].json()["amount"] == "12.50"
    with pytest.raises(ProviderError):  # finer than the currency: refused before calling
        Wave(wave_server.config()).start(payment_request(amount=Decimal("12500.5")))
    assert len(wave_server.requests) == 1


@pytest.mark.parametrize(("trouble", "cause"), [
    ("wrong key", 401), ("http page", 400), ("outage", 503), ("down", httpx.ConnectError),
    ("timeout", httpx.ReadTimeout),
])
def test_wave_start_turns_every_failure_into_a_provider_error(wave_server, trouble, cause):
    config, request = wave_server.config(timeout=0.3), payment_request()
    if trouble == "wrong key":
        config["api_key"] = "wave_sn_prod_other"
    elif trouble == "http page":
        request = payment_request(success_url="http://shop.test/checkout/paid/")
    elif trouble == "outage":
        wave_server.fail_next(503)
    elif trouble == "down":
        config["api_base"] = unused_url()
    else:
        wave_server.delay = 3

    with pytest.raises(ProviderError) as refused:
        Wave(config).start(request)
    assert_caused_by(refused.value, cause)


def test_wave_completed_session_is_a_success(wave_server):
    provider = Wave(wave_server.config())
    started = provider.start(payment_request())
    session = wave_server.complete(started.provider_reference)
    body, headers = wave_server.signed_event("checkout.session.completed", session, event_id="EV_1")

    notification = provider.parse_notification(body, headers)

    assert notification.event_id == "EV_1"
    assert notification.outcome == Outcome.SUCCEEDED
    assert notification.provider_reference == started.provider_reference
    assert notification.reference == "PAY-12-3f9a"
    assert (notification.amount, notification.currency) == (Decimal(12500), "XOF")
    assert notification.data == {"transaction_id": session["transaction_id"]}


@pytest.mark.parametrize(("event_type", "outcome"), [
    ("checkout.session.payment_failed", Outcome.FAILED),
    ("checkout.session.completed", Outcome.PENDING),  # completed but not (yet) succeeded
    ("merchant.payment_received", Outcome.PENDING),
])
def test_wave_other_events(wave_server, event_type, outcome):
    provider = Wave(wave_server.config())
    session = wave_server.fail(provider.start(payment_request()).provider_reference)

    notification = provider.parse_notification(*wave_server.signed_event(event_type, session))

    assert notification.outcome == outcome


def test_wave_accepts_any_of_several_signatures_while_the_secret_rotates(wave_server):
    provider = Wave(wave_server.config())
    session = wave_server.complete(provider.start(payment_request()).provider_reference)
    body, headers = wave_server.signed_event("checkout.session.completed", session)
    timestamp = headers["Wave-Signature"].split(",")[0].removeprefix("t=")
    other = wave_signature(body, "old-secret", int(timestamp)).split(",")[1]

    notification = provider.parse_notification(body, {"wave-signature": f"t={timestamp},{other},"
                                                                        + headers["Wave-Signature"].split(",")[1]})

    assert notification.outcome == Outcome.SUCCEEDED


@pytest.mark.parametrize("attack", ["forged body", "wrong secret", "stale", "future", "no header",
                                    "no signature", "two timestamps", "signed garbage", "signed list"])
def test_wave_refuses_notifications_it_cannot_trust(wave_server, attack):
    provider = Wave(wave_server.config())
    session = wave_server.complete(provider.start(payment_request()).provider_reference)
    event, now = "checkout.session.completed", int(time.time())
    body, headers = wave_server.signed_event(event, session)
    if attack == "forged body":
        body = body.replace(b"12500", b"125")
    elif attack == "wrong secret":
        body, headers = wave_server.signed_event(event, session, "attacker-secret")
    elif attack == "stale":
        body, headers = wave_server.signed_event(event, session, timestamp=now - 301)
    elif attack == "future":
        body, headers = wave_server.signed_event(event, session, timestamp=now + 301)
    elif attack == "no header":
        headers = {}
    elif attack == "no signature":
        headers = {"Wave-Signature": f"t={now}"}
    elif attack == "two timestamps":
        headers = {"Wave-Signature": f"t={now - 3600},{headers['Wave-Signature']}"}
    else:
        body = b"{not json" if attack == "signed garbage" else json.dumps([session]).encode()
        headers = {"Wave-Signature": wave_signature(body, wave_server.webhook_secret, now)}

    with pytest.raises(InvalidNotification):
        provider.parse_notification(body, headers)


def test_wave_refuses_a_replay_after_five_minutes(wave_server):
    provider = Wave(wave_server.config())
    session = wave_server.complete(provider.start(payment_request()).provider_reference)
    body, headers = wave_server.signed_event("checkout.session.completed", session)
    provider.parse_notification(body, headers)

    with time_machine.travel(time.time() + 301, tick=False), pytest.raises(InvalidNotification):
        provider.parse_notification(body, headers)


def test_wave_refund_refunds_the_whole_session(wave_server):
    provider = Wave(wave_server.config())
    started = provider.start(payment_request())
    wave_server.complete(started.provider_reference)

    refunded = provider.refund(provider_reference=started.provider_reference, amount=Decimal(12500), currency="XOF",
                               reference="PAY-12-3f9a", data=started.data)

    call = wave_server.requests[-1]
    assert (call.method, call.path) == ("POST", f"/v1/checkout/sessions/{started.provider_reference}/refund")
    assert call.header("Authorization") == f"Bearer {wave_server.api_key}"
    assert refunded.provider_reference == started.provider_reference
    assert wave_server.refunded == {started.provider_reference}


def test_wave_refund_failures_are_provider_errors(wave_server):
    provider = Wave(wave_server.config())
    started = provider.start(payment_request())
    refund = {"provider_reference": started.provider_reference, "currency": "XOF", "reference": "PAY-12-3f9a",
              "data": started.data}

    with pytest.raises(ProviderError):  # not paid yet: Wave answers 400
        provider.refund(amount=Decimal(12500), **refund)
    wave_server.complete(started.provider_reference)
    calls = len(wave_server.requests)
    with pytest.raises(ProviderError):  # part of it: only the business portal can
        provider.refund(amount=Decimal(5000), **refund)
    assert len(wave_server.requests) == calls
    with pytest.raises(ProviderError):
        Wave(wave_server.config(api_base=unused_url())).refund(amount=Decimal(12500), **refund)
    assert wave_server.refunded == set()


# --- Orange Money ------------------------------------------------------------------------


def test_orange_money_start_gets_a_token_then_a_payment_url(om_server):
    started = OrangeMoney(om_server.config()).start(payment_request())

    token_call, payment_call = om_server.requests
    assert (token_call.method, token_call.path) == ("POST", "/oauth/v3/token")
    assert token_call.header("Authorization") == "Basic b20tY2xpZW50Om9tLXNlY3JldA=="  # om-client:om-secret
    assert token_call.form() == {"grant_type": "client_credentials"}
    assert (payment_call.method, payment_call.path) == ("POST", "/orange-money-webpay/dev/v1/webpayment")
    assert payment_call.header("Authorization") == f"Bearer {next(iter(om_server.tokens))}"
    assert payment_call.json() == {
        "merchant_key": om_server.merchant_key, "currency": "OUV", "order_id": "PAY-12-3f9a", "amount": 12500,
        "return_url": "https://shop.test/checkout/paid/", "cancel_url": "https://shop.test/checkout/cancelled/",
        "notif_url": "https://shop.test/payments/notify/", "lang": "fr", "reference": "2024-000123"}
    kept = om_server.payments[started.provider_reference]
    assert started.redirect_url.endswith(started.provider_reference)
    assert started.verification_token == kept["notif_token"]
    assert "notif_token" not in started.raw


def test_orange_money_in_a_live_country_uses_the_payment_currency(om_server):
    om_server.country, om_server.currency = "sn", "XOF"
    config = om_server.config(currency_code="", authorization_header="b20tY2xpZW50Om9tLXNlY3JldA==")

    OrangeMoney(config).start(payment_request(language="en"))

    call = om_server.requests[-1]
    assert call.path == "/orange-money-webpay/sn/v1/webpayment"
    assert (call.json()["currency"], call.json()["lang"]) == ("XOF", "en")


def test_orange_money_keeps_its_token_until_it_expires(om_server):
    om_server.token_lifetime = 3600
    provider = OrangeMoney(om_server.config())
    provider.start(payment_request(reference="PAY-1"))
    provider.start(payment_request(reference="PAY-2"))
    assert [call.path for call in om_server.requests].count("/oauth/v3/token") == 1

    with time_machine.travel(time.time() + 3600, tick=False):
        provider.start(payment_request(reference="PAY-3"))

    assert [call.path for call in om_server.requests].count("/oauth/v3/token") == 2


def test_orange_money_renews_a_token_orange_stopped_accepting(om_server):
    provider = OrangeMoney(om_server.config())
    provider.start(payment_request(reference="PAY-1"))
    om_server.revoke_tokens()

    started = provider.start(payment_request(reference="PAY-2"))

    assert started.provider_reference in om_server.payments
    assert [call.path.split("/")[-1] for call in om_server.requests] == [
        "token", "webpayment", "webpayment", "token", "webpayment"]


@pytest.mark.parametrize(("trouble", "cause"), [
    ("wrong credentials", 401), ("wrong merchant key", 400), ("outage", 503), ("down", httpx.ConnectError),
    ("timeout", httpx.ReadTimeout), ("decimals", None), ("duplicate", 400),
])
def test_orange_money_start_turns_every_failure_into_a_provider_error(om_server, trouble, cause):
    config, request = om_server.config(timeout=0.3), payment_request()
    if trouble == "wrong credentials":
        config["client_secret"] = "guess"
    elif trouble == "wrong merchant key":
        config["merchant_key"] = "other"
    elif trouble == "outage":
        om_server.fail_next(503)
    elif trouble == "down":
        config["api_base"] = unused_url()
    elif trouble == "timeout":
        om_server.delay = 3
    elif trouble == "decimals":
        request = payment_request(amount=Decimal("12.50"), currency="EUR")
    else:
        OrangeMoney(config).start(request)

    with pytest.raises(ProviderError) as refused:
        OrangeMoney(config).start(request)
    assert_caused_by(refused.value, cause)


@pytest.mark.parametrize(("status", "outcome"), [
    ("SUCCESS", Outcome.SUCCEEDED), ("FAILED", Outcome.FAILED), ("EXPIRED", Outcome.EXPIRED),
    ("INITIATED", Outcome.PENDING),
])
def test_orange_money_notifications(om_server, status, outcome):
    provider = OrangeMoney(om_server.config())
    started = provider.start(payment_request())
    txnid = "MP240101.1234.A56789" if status == "SUCCESS" else None
    body, headers = om_server.notification(started.provider_reference, status, txnid=txnid)

    notification = provider.parse_notification(body, headers)

    assert notification.outcome == outcome
    assert notification.verification_token == started.verification_token
    assert notification.event_id == f"{txnid or started.verification_token}:{status}"
    assert notification.data == ({"txnid": txnid} if txnid else {})


@pytest.mark.parametrize("body", [
    b"status=SUCCESS", b'["SUCCESS"]', b'{"status": "SUCCESS", "txnid": "MP1"}',
    b'{"status": "SUCCESS", "notif_token": ""}', b'{"status": "SUCCESS", "notif_token": 7}', b'{"notif_token": "abc"}',
])
def test_orange_money_refuses_notifications_it_cannot_read(body):
    with pytest.raises(InvalidNotification):
        OrangeMoney({}).parse_notification(body, {"Content-Type": "application/json"})


def test_orange_money_cannot_refund():
    provider = OrangeMoney({})

    assert provider.refundable is False
    with pytest.raises(ProviderError, match="merchant portal"):
        provider.refund(provider_reference="v1abc", amount=Decimal(12500), currency="XOF", reference="PAY-12-3f9a",
                        data={})
