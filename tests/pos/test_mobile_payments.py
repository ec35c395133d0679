"""Wave and Orange Money at the till, against the fake providers on 127.0.0.1 with their real signature
checks: a request for an amount, its payment link, the provider's webhook through
/api/v1/payments/webhooks/<provider>/ (replays counted once), the timeout, the cancel, and the sale that
takes a succeeded request of its own session and amount once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from ashopy.core.errors import NotFound
from ashopy.payments.models import Payment, PaymentEvent
from ashopy.payments.providers.base import ProviderError
from ashopy.pos import mobile, selling, services
from ashopy.pos.errors import (
    MobilePaymentMismatch,
    MobilePaymentNotPaid,
    MobilePaymentRequired,
    MobilePaymentSucceeded,
    MobilePaymentUsed,
    MobileRefundByCash,
    ProviderNotOffered,
)
from ashopy.pos.models import Ticket, TicketPayment
from ashopy.pos.selling import RefundLine, SaleLine, Tender
from ashopy.pos.tender_models import MobilePaymentRequest
from tests.fakes.orange_money_api import fake_orange_money
from tests.fakes.server import unused_url
from tests.fakes.wave_api import fake_wave

pytestmark = pytest.mark.django_db
URLS = {"success": "https://testserver/", "cancel": "https://testserver/",
        "notify": "https://testserver/api/v1/payments/webhooks/x/"}


@pytest.fixture
def wave(settings):
    with fake_wave() as server:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": server.config()}}
        yield server


@pytest.fixture
def orange(settings):
    with fake_orange_money() as server:
        settings.PAYMENT_PROVIDERS = {"*": {"orange_money": server.config()}}
        yield server


def post(client, provider, body, headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
             if name.lower() != "content-type"}
    return client.post(f"/api/v1/payments/webhooks/{provider}/", data=body, content_type="application/json", **extra)


def ask(session, seller, amount="5900", provider="wave"):
    return mobile.create(user=seller, session=session, provider=provider, amount=amount, urls=URLS)


def paid_by_wave(client, wave, request, event_id=None):
    body, headers = wave.signed_event("checkout.session.completed", wave.complete(request.provider_reference),
                                      event_id=event_id)
    return post(client, "wave", body, headers)


def sell(session, seller, variant, *tenders):
    return selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 1)], payments=list(tenders))


def test_wave_request_paid_by_webhook_then_the_sale_completes(client, wave, session, seller, variant):
    request = ask(session, seller)

    assert request.state == "pending" and request.currency == "XOF" and request.amount == Decimal(5900)
    assert request.payment_url == wave.sessions[request.provider_reference]["wave_launch_url"]
    assert wave.requests[-1].json()["amount"] == "5900"
    assert request.expires_at - timezone.now() == pytest.approx(timedelta(seconds=600), abs=timedelta(seconds=5))
    assert paid_by_wave(client, wave, request).json() == {"received": True, "duplicate": False}
    request.refresh_from_db()
    assert request.state == "succeeded"

    ticket = sell(session, seller, variant, Tender("wave", Decimal(5900), request.pk))

    request.refresh_from_db()
    assert request.ticket == ticket
    assert list(TicketPayment.objects.filter(ticket=ticket).values_list("method", "amount")) == [("wave", 5900)]
    assert Payment.objects.get(pk=request.payment_id).order_id is None


def test_a_replayed_webhook_is_counted_once(client, wave, session, seller):
    request = ask(session, seller)
    session_object = wave.complete(request.provider_reference)
    body, headers = wave.signed_event("checkout.session.completed", session_object, event_id="EV_1")

    assert post(client, "wave", body, headers).json()["duplicate"] is False
    assert post(client, "wave", body, headers).json()["duplicate"] is True
    failed_later = wave.signed_event("checkout.session.payment_failed", session_object, event_id="EV_2")
    assert post(client, "wave", *failed_later).status_code == 200

    request.refresh_from_db()
    assert request.state == "succeeded"
    assert PaymentEvent.objects.filter(payment_id=request.payment_id).count() == 2


def test_a_forged_webhook_changes_nothing(client, wave, session, seller):
    request = ask(session, seller)
    body, headers = wave.signed_event("checkout.session.completed", wave.complete(request.provider_reference),
                                      secret="wave_sn_WHS_not_the_secret")

    assert post(client, "wave", body, headers).status_code == 400
    request.refresh_from_db()
    assert request.state == "pending"


def test_a_failed_payment_fails_the_request(client, wave, session, seller, variant):
    request = ask(session, seller)
    body, headers = wave.signed_event("checkout.session.payment_failed", wave.fail(request.provider_reference))

    assert post(client, "wave", body, headers).status_code == 200
    request.refresh_from_db()
    assert request.state == "failed"
    with pytest.raises(MobilePaymentNotPaid):
        sell(session, seller, variant, Tender("wave", Decimal(5900), request.pk))


def test_orange_money_request_paid_by_its_notification(client, orange, session, seller, variant):
    request = ask(session, seller, provider="orange_money")
    assert request.payment_url.startswith("https://webpayment-qualif.orange-money.com/")
    forged, headers = orange.notification(request.provider_reference, notif_token="not-the-token")
    assert post(client, "orange_money", forged, headers).status_code == 400
    body, headers = orange.notification(request.provider_reference)

    assert post(client, "orange_money", body, headers).status_code == 200
    assert post(client, "orange_money", body, headers).json()["duplicate"] is True

    request.refresh_from_db()
    assert request.state == "succeeded"
    ticket = sell(session, seller, variant, Tender("orange_money", Decimal(5900), request.pk))
    assert ticket.mobile_payment == request


def test_a_pending_request_past_its_timeout_is_expired_and_pays_nothing(wave, session, seller, variant, settings):
    settings.POS_MOBILE_PAYMENT_TIMEOUT = 120
    request = ask(session, seller)
    assert mobile.state(request) == "pending"

    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        assert mobile.state(request) == "expired"
        with pytest.raises(MobilePaymentNotPaid):
            sell(session, seller, variant, Tender("wave", Decimal(5900), request.pk))


def test_a_payment_confirmed_after_the_timeout_still_counts(client, wave, session, seller, settings):
    settings.POS_MOBILE_PAYMENT_TIMEOUT = 60
    request = ask(session, seller)
    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        assert paid_by_wave(client, wave, request).status_code == 200
    request.refresh_from_db()
    assert mobile.state(request) == "succeeded"


def test_cancel_then_a_late_payment_leaves_the_request_cancelled(client, wave, session, seller):
    request = ask(session, seller)

    cancelled = mobile.cancel(user=seller, store=session.till.store, request_id=request.pk)

    assert cancelled.state == "cancelled"
    assert Payment.objects.get(pk=request.payment_id).status == "cancelled"
    assert paid_by_wave(client, wave, request).status_code == 200
    request.refresh_from_db()
    assert request.state == "cancelled"
    assert Payment.objects.get(pk=request.payment_id).status == "succeeded"  # the provider's word is kept


def test_a_paid_request_cannot_be_cancelled(client, wave, session, seller):
    request = ask(session, seller)
    paid_by_wave(client, wave, request)

    with pytest.raises(MobilePaymentSucceeded):
        mobile.cancel(user=seller, store=session.till.store, request_id=request.pk)


def test_another_stores_request_cannot_be_cancelled(wave, session, seller, other_store, other_manager):
    request = ask(session, seller)
    with pytest.raises(NotFound):
        mobile.cancel(user=other_manager, store=other_store, request_id=request.pk)
    request.refresh_from_db()
    assert request.state == "pending"


def test_a_sale_refuses_a_pending_foreign_used_or_different_request(client, wave, session, seller, variant, till,
                                                                     manager):
    pending = ask(session, seller)
    with pytest.raises(MobilePaymentNotPaid):
        sell(session, seller, variant, Tender("wave", Decimal(5900), pending.pk))
    with pytest.raises(MobilePaymentRequired):
        sell(session, seller, variant, Tender("wave", Decimal(5900)))
    paid = ask(session, seller)
    paid_by_wave(client, wave, paid)
    with pytest.raises(MobilePaymentMismatch):  # another amount
        sell(session, seller, variant, Tender("wave", Decimal(3000), paid.pk), Tender("cash", Decimal(2900)))
    with pytest.raises(MobilePaymentMismatch):  # another method
        sell(session, seller, variant, Tender("orange_money", Decimal(5900), paid.pk))
    other_till = services.save_till(user=manager, store=till.store, code="c2", name="Caisse 2",
                                    warehouse=till.warehouse)
    other_session = services.open_session(user=seller, till=other_till, opening_float={})
    with pytest.raises(MobilePaymentMismatch):  # another session
        sell(other_session, seller, variant, Tender("wave", Decimal(5900), paid.pk))
    with pytest.raises(NotFound):
        sell(session, seller, variant, Tender("wave", Decimal(5900), 10**9))
    assert not Ticket.objects.exists()

    first = sell(session, seller, variant, Tender("wave", Decimal(5900), paid.pk))
    with pytest.raises(MobilePaymentUsed):
        sell(session, seller, variant, Tender("wave", Decimal(5900), paid.pk))
    assert list(Ticket.objects.all()) == [first]


def test_split_tender_mobile_money_and_cash(client, wave, session, seller, variant):
    request = ask(session, seller, amount="3000")
    paid_by_wave(client, wave, request)

    ticket = sell(session, seller, variant, Tender("wave", Decimal(3000), request.pk), Tender("cash", Decimal(5000)))

    payments = dict(TicketPayment.objects.filter(ticket=ticket).values_list("method", "change_given"))
    assert payments == {"cash": Decimal(2100), "wave": Decimal(0)}


def test_a_mobile_money_sale_is_refunded_in_cash(client, wave, session, seller, variant):
    request = ask(session, seller)
    paid_by_wave(client, wave, request)
    ticket = sell(session, seller, variant, Tender("wave", Decimal(5900), request.pk))
    line = ticket.lines.get()

    with pytest.raises(MobileRefundByCash):
        selling.record_refund(user=seller, session=session, ticket=ticket, lines=[RefundLine(line.pk, 1)],
                              method="wave")
    refund = selling.record_refund(user=seller, session=session, ticket=ticket, lines=[RefundLine(line.pk, 1)],
                                   method="cash")
    assert refund.total == Decimal(-5900)


def test_a_provider_the_store_does_not_offer_is_refused(session, seller):
    with pytest.raises(ProviderNotOffered):
        ask(session, seller)
    assert not MobilePaymentRequest.objects.exists()


def test_a_provider_that_cannot_be_reached_fails_the_request(settings, session, seller):
    with fake_wave() as server:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": server.config(api_base=unused_url(), timeout=0.3)}}
        with pytest.raises(ProviderError):
            ask(session, seller)
    assert MobilePaymentRequest.objects.get().state == "failed"


@pytest.mark.parametrize("amount", ["0", "-5", "12.5", "1e30", "abc"])
def test_bad_amounts_are_refused(wave, session, seller, amount):
    with pytest.raises(Exception) as refused:
        ask(session, seller, amount=amount)
    assert getattr(refused.value, "code", "") == "invalid_amount"
    assert not MobilePaymentRequest.objects.exists()


def test_a_closed_session_asks_for_nothing(wave, session, seller):
    services.close_session(user=seller, session=session, counted={"cash": "12000"}, note="")
    with pytest.raises(Exception) as refused:
        ask(session, seller)
    assert refused.value.code == "session_closed"
    assert not wave.sessions


def test_a_customer_cannot_ask(wave, session, customer):
    with pytest.raises(Exception) as refused:
        ask(session, customer)
    assert refused.value.code == "permission_denied"


def test_a_demo_rebuild_deletes_the_till_requests_too(client, wave, session, seller, variant):
    request = ask(session, seller)
    paid_by_wave(client, wave, request)
    sell(session, seller, variant, Tender("wave", Decimal(5900), request.pk))

    services.delete_store_pos(store=session.till.store)

    assert not MobilePaymentRequest.objects.exists() and not Ticket.objects.exists()
    Payment.objects.filter(pk=request.payment_id).delete()  # demo.commerce's part: the payment and its events
    assert not Payment.objects.filter(pk=request.payment_id).exists()
