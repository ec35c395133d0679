"""Every e-mail a store sends comes from that store: its name at its own address (the deployment's when it has none)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ashopy.inventory import reservations
from ashopy.inventory.models import Stock
from tests import factories
from tests.orders.test_order_emails import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(store):
    store.name, store.email = "Boutique Téranga", "bonjour@teranga.example"
    store.save(update_fields=["name", "email"])
    return store


def _web() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_order_and_low_stock_e_mails_come_from_the_store(shop, mailoutbox, django_capture_on_commit_callbacks):
    variant = factories.product(shop, "ThinkPad X1", stock=10, price="10000").variants.get()
    factories.staff(shop, "gestionnaire", email="stock@example.com")
    Stock.objects.filter(variant=variant).update(low_stock_threshold=8)
    with django_capture_on_commit_callbacks(execute=True):
        place(shop, variant, factories.shipping_method(shop), payment_method="cash_on_delivery")
    with django_capture_on_commit_callbacks(execute=True):
        reservations.deduct(store=shop, lines=[reservations.Line(variant.pk, 3)], reference="POS")
    kinds = {tuple(message.to): message.from_email for message in mailoutbox}
    assert kinds[("stock@example.com",)] == "Boutique Téranga <bonjour@teranga.example>"
    assert set(kinds.values()) == {"Boutique Téranga <bonjour@teranga.example>"} and len(kinds) >= 2


def test_account_e_mails_come_from_the_store(shop, mailoutbox, customer):
    _web().post(reverse("accounts:register"), {
        "email": "awa@example.com", "first_name": "Awa", "last_name": "Ndiaye", "phone": "77 123 45 67",
        "segment": "", "password": factories.PASSWORD, "password_confirm": factories.PASSWORD})
    APIClient().post("/api/v1/auth/register/", {"email": "fatou@example.com", "password": factories.PASSWORD},
                     format="json")
    _web().post(reverse("accounts:password_reset"), {"email": customer.email})
    assert [message.to for message in mailoutbox] == [["awa@example.com"], ["fatou@example.com"], [customer.email]]
    assert {message.from_email for message in mailoutbox} == {"Boutique Téranga <bonjour@teranga.example>"}


def test_a_store_without_an_address_signs_with_its_name_at_the_deployments(store, settings):
    settings.DEFAULT_FROM_EMAIL = "ashopy <no-reply@shop.example>"
    store.name, store.email = "Boutique, Dakar", ""
    assert store.email_sender == '"Boutique, Dakar" <no-reply@shop.example>'
