"""A segment the customer chooses at sign-up is only declared: it lowers no price until the shop sets it."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from ashopy.accounts.models import User
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.api import client_for

pytestmark = pytest.mark.django_db

PASSWORD = factories.PASSWORD


@pytest.fixture(autouse=True)
def _institution_discount(store):
    factories.segment_discount(store, "institution", 20)


@pytest.fixture
def roles(db):
    """The role groups, before the staff fixtures join them (their admin permissions come from them)."""
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", price="500000", stock=5)


def gross(body) -> Decimal:
    return Decimal(body["variants"][0]["price"]["gross"])


def register_on_the_web(client, email="ministere@example.sn"):
    response = client.post(reverse("accounts:register"), {
        "email": email, "first_name": "Ousmane", "last_name": "Faye", "phone": "77 123 45 67",
        "segment": "institution", "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_a_segment_chosen_on_the_web_form_is_declared_and_gives_no_discount(client, store, laptop):
    user = register_on_the_web(client)
    assert (user.declared_segment, user.segment, user.registered_store) == ("institution", "", store)
    assert PricingPolicy(store, user).price(laptop.variants.get()).price == Decimal(500000)
    page = client.get(laptop.get_absolute_url()).content.decode()  # the registered visitor is logged in
    assert "<del" not in page and not re.search(r"(?i)institution", page)
    assert gross(client_for(user).get(f"/api/v1/products/{laptop.slug}/").json()) == 500000
    line = client_for(user).post("/api/v1/cart/lines/", {"variant": laptop.variants.get().pk, "quantity": 1},
                                 format="json").json()["lines"][0]
    assert Decimal(line["unit_price"]) == 500000 and line["discounts"] == []


def test_a_segment_sent_to_the_api_sign_up_gives_no_discount(store, laptop, mailoutbox):
    response = client_for().post("/api/v1/auth/register/", {
        "email": "ministere@example.sn", "password": PASSWORD, "first_name": "Ousmane",
        "segment": "institution"}, format="json")
    assert response.status_code == 201
    user = User.objects.get(email="ministere@example.sn")
    assert user.segment == "" and user.registered_store == store
    assert gross(client_for(user).get(f"/api/v1/products/{laptop.slug}/").json()) == 500000


def test_the_store_admin_verifying_it_through_the_api_lowers_the_price(client, store, store_admin, laptop):
    user = register_on_the_web(client)
    staff_view = client_for(store_admin).get(f"/api/v1/staff/customers/{user.pk}/").json()
    assert (staff_view["declared_segment"], staff_view["segment"]) == ("institution", "")
    response = client_for(store_admin).patch(f"/api/v1/staff/customers/{user.pk}/", {"segment": "institution"},
                                             format="json")
    assert response.status_code == 200
    assert gross(client_for(user).get(f"/api/v1/products/{laptop.slug}/").json()) == 400000
    assert PricingPolicy(store, User.objects.get(pk=user.pk)).price(laptop.variants.get()).price == 400000


def test_staff_see_the_declared_segment_and_the_admin_verifies_it(client, settings, roles, store, store_admin,
                                                                  laptop):
    user = register_on_the_web(client)
    client.logout()
    client.force_login(store_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = client.get("/admin/accounts/user/?declared_segment__exact=institution").content.decode()
    assert user.email in listing and "Public institution" in listing
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = client.get(url)
    assert "declared_segment" in page.context["adminform"].readonly_fields
    assert "Public institution" in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in ("email", "first_name", "last_name", "phone")}
    data.update({"segment": "institution", "is_active": "on", "memberships-TOTAL_FORMS": "0",
                 "memberships-INITIAL_FORMS": "0"})
    assert client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert user.segment == "institution"
    assert PricingPolicy(store, user).price(laptop.variants.get()).price == 400000


def test_a_vendeur_cannot_verify_a_declared_segment(client, seller, store, laptop):
    user = register_on_the_web(client)
    response = client_for(seller).patch(f"/api/v1/staff/customers/{user.pk}/", {"segment": "institution"},
                                        format="json")
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.segment == ""
    assert PricingPolicy(store, user).price(laptop.variants.get()).price == 500000
