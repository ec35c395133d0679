"""Mobile money and store credit at the till through the API (contract of /api/v1/pos/mobile-payments/ and
/api/v1/pos/store-credits/): the shapes the till page reads, the QR code as SVG, the sale that names a
succeeded request or a credit note, and the refusals — bad input 400, another store's objects 404, a
closed session or a used request 409, a provider the store does not offer 409."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
import yaml
from django.utils import timezone
from rest_framework.test import APIClient

from ashopy.payments.models import PaymentEvent
from ashopy.pos import services
from ashopy.pos.tender_models import MobilePaymentRequest
from ashopy.sales import services as sales
from ashopy.sales.credit_models import StoreCredit
from tests import factories
from tests.api.test_pos_api import POS, SALES, _signing_key_and_hosts, client_for, is_error  # noqa: F401
from tests.fakes.orange_money_api import fake_orange_money
from tests.fakes.wave_api import fake_wave
from tests.sales.test_invoices import complete_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def till(store, manager):
    shop = factories.warehouse(store, "shop", kind="shop", priority=2)
    return services.save_till(user=manager, store=store, code="c1", name="Caisse 1", warehouse=shop)


@pytest.fixture
def session(till, seller):
    return services.open_session(user=seller, till=till, opening_float={"1000": 10, "500": 4})


@pytest.fixture
def variant(store, till):
    variant = factories.product(store, "Clé USB 32 Go", price="5900").variants.get()
    factories.receive(variant, 50, warehouse_=till.warehouse)
    return variant


@pytest.fixture
def wave(settings):
    with fake_wave(require_https=False) as server:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": server.config()}}
        yield server


def webhook(provider, body, headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
             if name.lower() != "content-type"}
    return APIClient().post(f"/api/v1/payments/webhooks/{provider}/", data=body, content_type="application/json",
                            **extra)


def ask(api, session, provider="wave", amount="5900"):
    return api.post(f"{POS}sessions/{session.pk}/mobile-payments/", {"provider": provider, "amount": amount},
                    format="json")


def sale(api, till, variant, payments, quantity=1):
    return api.post(SALES, {"till": till.pk, "lines": [{"variant": variant.pk, "quantity": quantity}],
                            "payments": payments}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_wave_at_the_till_request_qr_webhook_sale(wave, session, till, seller, variant):
    api = client_for(seller)

    created = ask(api, session)

    assert created.status_code == 201, created.content
    body = created.json()
    request_id = body["id"]
    assert set(body) == {"id", "provider", "amount", "currency", "state", "payment_url", "qr_url", "expires_at"}
    assert (body["provider"], body["amount"], body["currency"], body["state"]) == ("wave", "5900", "XOF", "pending")
    assert body["payment_url"].startswith("https://") and body["qr_url"] == f"{POS}mobile-payments/{request_id}/qr.svg"
    assert wave.requests[-1].json()["success_url"] == "http://testserver/"
    qr = api.get(body["qr_url"])
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") and b"<path" in qr.content
    early = sale(api, till, variant, [{"method": "wave", "amount": "5900", "mobile_payment": request_id}])
    assert is_error(early, 409, "mobile_payment_not_paid")["fields"] == {"payments": [early.json()["detail"]]}

    request = MobilePaymentRequest.objects.get()
    event = wave.signed_event("checkout.session.completed", wave.complete(request.provider_reference))
    assert webhook("wave", *event).json() == {"received": True, "duplicate": False}
    assert webhook("wave", *event).json() == {"received": True, "duplicate": True}
    assert PaymentEvent.objects.count() == 1
    assert api.get(f"{POS}mobile-payments/{request_id}/").json()["state"] == "succeeded"

    sold = sale(api, till, variant, [{"method": "wave", "amount": "5900", "mobile_payment": request_id}])
    assert sold.status_code == 201, sold.content
    assert [(p["method"], p["amount"]) for p in sold.json()["payments"]] == [("wave", "5900.00")]
    again = sale(api, till, variant, [{"method": "wave", "amount": "5900", "mobile_payment": request_id}])
    is_error(again, 409, "mobile_payment_used")
    assert is_error(api.post(f"{POS}mobile-payments/{request_id}/cancel/"), 409, "mobile_payment_succeeded")


def test_orange_money_cancel_and_expiry(settings, session, seller):
    settings.POS_MOBILE_PAYMENT_TIMEOUT = 60
    api = client_for(seller)
    with fake_orange_money() as orange:
        settings.PAYMENT_PROVIDERS = {"*": {"orange_money": orange.config()}}
        first = ask(api, session, "orange_money").json()
        cancelled = api.post(f"{POS}mobile-payments/{first['id']}/cancel/")
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
        second = ask(api, session, "orange_money").json()
        assert api.get(f"{POS}mobile-payments/{second['id']}/").json()["state"] == "pending"
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert api.get(f"{POS}mobile-payments/{second['id']}/").json()["state"] == "expired"


def test_bad_input_and_other_stores(wave, session, seller, other_store, other_manager):
    api = client_for(seller)
    for bad in ({"provider": "wave", "amount": "-1"}, {"provider": "wave", "amount": "abc"},
                {"provider": "paypal", "amount": "100"}, {"provider": "card", "amount": "100"}, {}):
        is_error(api.post(f"{POS}sessions/{session.pk}/mobile-payments/", bad, format="json"), 400)
    is_error(ask(api, session, amount="12.5"), 400, "invalid_amount")
    assert not MobilePaymentRequest.objects.exists()
    request_id = ask(api, session).json()["id"]

    paris = client_for(other_manager, host="b.test")
    is_error(ask(paris, session), 404)
    for path in (f"{POS}mobile-payments/{request_id}/", f"{POS}mobile-payments/{request_id}/qr.svg"):
        is_error(paris.get(path), 404)
    is_error(paris.post(f"{POS}mobile-payments/{request_id}/cancel/"), 404)
    is_error(api.get(f"{POS}mobile-payments/{2**63}/"), 404)
    is_error(APIClient().get(f"{POS}mobile-payments/{request_id}/"), 401)
    assert MobilePaymentRequest.objects.get().state == "pending"


def test_a_provider_the_store_does_not_offer_and_a_closed_session_are_conflicts(session, seller, settings):
    api = client_for(seller)
    is_error(ask(api, session), 409, "mobile_provider_not_configured")
    with fake_wave(require_https=False) as server:
        settings.PAYMENT_PROVIDERS = {"*": {"wave": server.config()}}
        services.close_session(user=seller, session=session, counted={"cash": "12000"})
        is_error(ask(api, session), 409, "session_closed")
        assert not server.sessions


def test_a_sale_with_an_unknown_request_or_none_is_a_400(wave, session, till, seller, variant):
    api = client_for(seller)
    is_error(sale(api, till, variant, [{"method": "wave", "amount": "5900"}]), 400, "mobile_payment_required")
    is_error(sale(api, till, variant, [{"method": "wave", "amount": "5900", "mobile_payment": 999999}]), 400)


@pytest.fixture
def credit_note(store, manager, customer):
    complete_profile(store)
    product = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, product, factories.shipping_method(store, price="2000"), user=customer,
                                   quantity=1, paid=True)
    return sales.credit(invoice=sales.invoice_order(order=order), user=manager, reason="Retour",
                        amount=Decimal(12000), as_store_credit=True)


def test_store_credit_lookup_and_spending(credit_note, session, till, seller, customer, variant, other_manager):
    api = client_for(seller)
    found = api.get(f"{POS}store-credits/", {"number": credit_note.number})
    assert found.status_code == 200
    assert found.json() == {"number": credit_note.number, "currency": "XOF", "remaining": "12000",
                            "customer": customer.pk}
    is_error(api.get(f"{POS}store-credits/", {"number": "AV-1999-000001"}), 404)
    is_error(api.get(f"{POS}store-credits/"), 400)
    is_error(client_for(other_manager, host="b.test").get(f"{POS}store-credits/", {"number": credit_note.number}), 404)

    sold = sale(api, till, variant, [{"method": "store_credit", "amount": "5900", "credit_note": credit_note.number}])
    assert sold.status_code == 201, sold.content
    assert api.get(f"{POS}store-credits/", {"number": credit_note.number}).json()["remaining"] == "6100"
    too_much = sale(api, till, variant, [{"method": "store_credit", "amount": "11800",
                                          "credit_note": credit_note.number}], quantity=2)
    is_error(too_much, 409, "store_credit_too_small")
    is_error(sale(api, till, variant, [{"method": "store_credit", "amount": "5900", "credit_note": "AV-1999-000001"}]),
             404, "store_credit_not_found")
    assert StoreCredit.objects.get().remaining == Decimal(6100)


def test_the_schema_documents_the_tender_endpoints(store):
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    paths = schema["paths"]
    create = paths["/api/v1/pos/sessions/{session_id}/mobile-payments/"]["post"]
    assert {"201", "400", "404", "409", "502"} <= set(create["responses"])
    assert "image/svg+xml" in paths["/api/v1/pos/mobile-payments/{request_id}/qr.svg"]["get"]["responses"]["200"][
        "content"]
    assert "409" in paths["/api/v1/pos/mobile-payments/{request_id}/cancel/"]["post"]["responses"]
    lookup = paths["/api/v1/pos/store-credits/"]["get"]
    assert [p["name"] for p in lookup["parameters"]] == ["number"] and "404" in lookup["responses"]
    tender = schema["components"]["schemas"]["TenderInputRequest"]["properties"]
    assert {"mobile_payment", "credit_note"} <= set(tender)
    assert "store_credit" in schema["components"]["schemas"]["MethodEnum"]["enum"]


def test_staff_issue_a_credit_note_as_store_credit_through_the_api(store, manager, customer, seller):
    complete_profile(store)
    product = factories.product(store, price="50000", stock=10).variants.get()
    order = factories.placed_order(store, product, factories.shipping_method(store, price="2000"), user=customer,
                                   quantity=1, paid=True)
    invoice = sales.invoice_order(order=order)
    path = f"/api/v1/staff/invoices/{invoice.pk}/credit-notes/"
    both = client_for(manager).post(path, {"reason": "Retour", "amount": "8000", "refund": True,
                                           "as_store_credit": True}, format="json")
    is_error(both, 400, "refund_or_store_credit")

    made = client_for(manager).post(path, {"reason": "Retour", "amount": "8000", "as_store_credit": True},
                                    format="json")

    assert made.status_code == 201, made.content
    number = made.json()["credit_note"]["number"]
    assert client_for(seller).get(f"{POS}store-credits/", {"number": number}).json()["remaining"] == "8000"
