"""The order timeline: what the system records is a code with its facts, put into the reader's words.

A French merchant reads French sentences with French amounts; no provider code, payment reference
or English sentence of ours reaches the staff page; the API gives the code, the data and the text.
"""

import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.checkout import services as checkout
from ashopy.core.money import format_money
from ashopy.orders import emails, timeline
from ashopy.orders.models import OrderEvent
from ashopy.payments import services as payments
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=100, price="242100").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def history(manager, order, settings, language: str) -> str:
    client = Client()
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("staff_orders:order_detail", args=[order.number]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return re.sub(r"[ \t\n]+", " ", html[html.index('<ol class="list-unstyled small">'):])


def test_a_paid_order_reads_in_french_without_codes_or_references(store, variant, method, manager, settings):
    order = factories.placed_order(store, variant, method, paid=True)
    emails.send(order.pk, "confirmation")
    payment = order.payments.get()
    shown = history(manager, order, settings, "fr")
    amount = format_money(order.total, order.currency, "fr")
    assert f"<strong>Paiement</strong>\u00a0: Paiement de {amount} reçu (Paiement de test (bac à sable))." in shown
    assert "E-mail «\u00a0confirmation de commande\u00a0» envoyé à client@example.com." in shown
    assert payment.reference not in shown and "PAY-" not in shown and "sandbox PAY" not in shown
    assert "→ client@example.com" not in shown and "confirmation →" not in shown
    english = history(manager, order, settings, "en")
    assert (f"<strong>Payment</strong>: Payment of {format_money(order.total, order.currency, 'en')} received "
            "(Test payment (sandbox)).") in english


def test_a_cancellation_by_the_customer_is_told_in_the_readers_language(store, variant, method, customer,
                                                                         manager, settings):
    order = factories.placed_order(store, variant, method, user=customer)
    client = Client()
    client.force_login(customer)
    response = client.post(reverse("orders:cancel", args=[order.number]))
    assert response.status_code in (302, 303)
    event = order.events.get(to_state="cancelled")
    assert (event.code, event.note) == ("cancelled_by_customer", "")
    assert "Annulée par le client." in history(manager, order, settings, "fr")
    assert "cancelled by the customer" not in history(manager, order, settings, "fr")
    assert "Cancelled by the customer." in history(manager, order, settings, "en")


def test_the_staff_api_gives_the_code_the_facts_and_the_sentence(store, variant, method, manager):
    order = factories.placed_order(store, variant, method, paid=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(manager).access_token}")
    response = client.get(f"/api/v1/staff/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, response.content
    [paid] = [event for event in response.json()["events"] if event["code"] == "payment_received"]
    assert paid["data"] == {"method": "sandbox", "amount": str(order.total), "currency": order.currency}
    assert paid["text"].startswith("Paiement de ") and "PAY-" not in paid["text"]


def test_a_refund_by_hand_keeps_the_error_as_data_not_as_text(store, variant, method, manager):
    order = factories.placed_order(store, variant, method, payment_method="cash_on_delivery")
    payments.mark_paid_by_hand(order=order, user=manager)
    order.refresh_from_db()
    checkout.cancel_order(order=order, user=manager)
    recorded = order.events.filter(kind=OrderEvent.Kind.PAYMENT).values_list("code", flat=True)
    assert "payment_recorded" in recorded and "refund_by_hand" in recorded
    event = order.events.get(code="refund_by_hand")
    assert event.data["error"] and event.text == "The refund could not be sent: to do by hand."


def test_an_unknown_code_is_refused_when_written_and_shown_as_its_facts_when_read():
    with pytest.raises(ValueError, match="unknown timeline code"):
        timeline.Fact("no_such_code")
    assert timeline.render("retired_code", {"sku": "X-1", "quantity": 2}) == "quantity: 2, sku: X-1"


def test_the_sentences_written_before_codes_become_codes(store, variant, method):
    order = factories.placed_order(store, variant, method)
    old = [OrderEvent.objects.create(order=order, kind=kind, note=note) for kind, note in (
        (OrderEvent.Kind.PAYMENT, "sandbox PAY-3f2a9c: 242100.00 XOF"),
        (OrderEvent.Kind.EMAIL, "shipped → a@example.com, b@example.com"),
        (OrderEvent.Kind.TRANSITION, "cancelled by the customer"),
        (OrderEvent.Kind.NOTE, "Client rappelé, livraison jeudi"),
    )]
    migration = importlib.import_module("ashopy.orders.migrations.0005_event_code_data")
    migration.to_codes(apps, None)
    rows = [OrderEvent.objects.values("code", "data", "note").get(pk=event.pk) for event in old]
    assert rows == [
        {"code": "payment_received", "data": {"method": "sandbox", "amount": "242100.00", "currency": "XOF"},
         "note": ""},
        {"code": "email_sent", "data": {"email": "shipped", "recipients": ["a@example.com", "b@example.com"]},
         "note": ""},
        {"code": "cancelled_by_customer", "data": {}, "note": ""},
        {"code": "", "data": {}, "note": "Client rappelé, livraison jeudi"},  # typed by staff: kept as written
    ]
