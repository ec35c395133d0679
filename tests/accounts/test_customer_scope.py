"""A store's staff deal only with its customers, and what lowers prices or hands over an account is the store
administrator's — proven through the admin and through `/api/v1/staff/customers/`, which share the rules."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ashopy.accounts.models import User
from ashopy.accounts.services import assign_role
from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.pricing.resolver import PricingPolicy
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

CUSTOMERS = "/api/v1/staff/customers/"
NEW_PASSWORD = "n3w-Passw0rd-for-takeover"


@pytest.fixture(autouse=True)
def _roles(db):
    """The role groups exist before the staff fixtures join them (their admin permissions come from them)."""
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture
def paris_customer(other_store):
    """Registered on the Paris store only, never ordered in Dakar."""
    return factories.UserFactory(email="paris.client@example.com", first_name="Léa", registered_store=other_store)


@pytest.fixture
def partner(store):
    return factories.PartnerFactory(store=store, name="UCAD", discount_percent=5)


def browser(user, settings) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def form_data(response) -> dict:
    """The change form's values as the browser posts them back (inline management forms included)."""
    data = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    for form in all_forms:
        for field in form:
            if field.field.disabled:
                continue
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = "" if value is None else value
    return data


def terms(user) -> tuple:
    user.refresh_from_db()
    return user.segment, user.partner_id, user.email_verified, user.email


def order_in(store, user):
    """`user` orders once in `store`, through the cart and the checkout."""
    variant = factories.product(store, f"Clé USB {store.slug}", stock=10, price="10000").variants.get()
    cart = cart_services.get_cart(store=store, user=user, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=1)
    details = factories.checkout_details(factories.shipping_method(store), email=user.email)
    order, _payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user), details=details,
                                           language="en")
    return order


# The admin ---------------------------------------------------------------------------------------------------


def test_dakar_vendeur_cannot_see_or_touch_a_paris_only_customer_in_the_admin(settings, seller, customer,
                                                                             paris_customer):
    client = browser(seller, settings)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert customer.email in listing and paris_customer.email not in listing
    assert client.get(change_url(paris_customer)).status_code in (302, 404)
    page = client.post(password_url(paris_customer), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                      "usable_password": "true"})
    assert page.status_code == 404
    response = client.post(change_url(paris_customer), {"email": paris_customer.email, "first_name": "Pirate",
                                                        "segment": "institution", "email_verified": "on"})
    assert response.status_code in (302, 404)
    paris_customer.refresh_from_db()
    assert paris_customer.first_name == "Léa" and paris_customer.segment == ""
    assert not paris_customer.email_verified and paris_customer.check_password(factories.PASSWORD)


def test_a_customer_who_ordered_in_dakar_is_dakar_staffs_customer(settings, seller, paris_customer, store):
    client = browser(seller, settings)
    assert paris_customer.email not in client.get("/admin/accounts/user/").content.decode()
    order_in(store, paris_customer)
    assert paris_customer.email in client.get("/admin/accounts/user/").content.decode()
    assert client.get(change_url(paris_customer)).status_code == 200


def test_vendeur_cannot_open_a_customers_password_page(settings, seller, customer):
    client = browser(seller, settings)
    assert client.get(password_url(customer)).status_code == 403
    response = client.post(password_url(customer), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                    "usable_password": "true"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.check_password(factories.PASSWORD)
    assert "../password/" not in client.get(change_url(customer)).content.decode()  # no link to it either


def test_vendeur_changes_a_customers_name_but_not_their_terms(settings, seller, customer, partner):
    client = browser(seller, settings)
    page = client.get(change_url(customer))
    assert page.status_code == 200
    fields = page.context["adminform"].form.fields
    assert {"first_name", "last_name", "phone"} <= set(fields)
    assert not {"segment", "partner", "email_verified", "email", "is_active", "password"} & set(fields)
    before = terms(customer)
    data = {**form_data(page), "first_name": "Mariama", "segment": "institution", "partner": str(partner.pk),
            "email_verified": "on", "email": "thief@example.com"}
    assert client.post(change_url(customer), data).status_code == 302
    assert terms(customer) == before
    assert customer.first_name == "Mariama"


def test_gestionnaire_only_reads_customers(settings, manager, customer):
    client = browser(manager, settings)
    page = client.get(change_url(customer))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    data = {**form_data(page), "first_name": "Mariama", "segment": "institution"}
    assert client.post(change_url(customer), data).status_code == 403
    assert client.get(password_url(customer)).status_code == 403
    customer.refresh_from_db()
    assert (customer.first_name, customer.segment) == ("Awa", "")


def test_dakar_admin_sets_a_customers_segment_partner_and_password(settings, store_admin, customer, partner):
    client = browser(store_admin, settings)
    page = client.get(change_url(customer))
    data = {**form_data(page), "segment": "institution", "partner": str(partner.pk), "email_verified": "on"}
    assert client.post(change_url(customer), data).status_code == 302
    assert terms(customer) == ("institution", partner.pk, True, "client@example.com")
    response = client.post(password_url(customer), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                    "usable_password": "true"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_dakar_admin_cannot_give_a_partner_of_another_store(settings, store_admin, customer, other_store):
    theirs = factories.PartnerFactory(store=other_store, name="Sorbonne", discount_percent=30)
    client = browser(store_admin, settings)
    data = {**form_data(client.get(change_url(customer))), "partner": str(theirs.pk)}
    response = client.post(change_url(customer), data)
    assert response.status_code == 200 and "partner" in response.context["adminform"].form.errors
    assert terms(customer)[1] is None


def test_staff_of_another_store_cannot_change_staff(settings, store, other_store, store_admin, seller):
    paris_admin = factories.staff(other_store, "admin", email="admin@paris.example.com")
    client = browser(paris_admin, settings)
    assert client.get(change_url(seller)).status_code in (302, 404)
    assert client.post(password_url(seller), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                              "usable_password": "true"}).status_code == 404
    # A Dakar salesperson who is also Paris's administrator: the Dakar administrator alone cannot change them.
    both = assign_role(user=factories.staff(store, "vendeur", email="both@example.com"), store=other_store,
                       role="admin")
    client = browser(store_admin, settings)
    page = client.get(change_url(both))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(change_url(both), {**form_data(page), "first_name": "Renamed"}).status_code == 403
    assert client.get(password_url(both)).status_code == 403
    both.refresh_from_db()
    assert both.first_name == "Awa" and both.check_password(factories.PASSWORD)
    # The Dakar administrator does change a Dakar-only colleague.
    response = client.post(password_url(seller), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                  "usable_password": "true"})
    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.check_password(NEW_PASSWORD)


def test_vendeur_adds_a_customer_to_their_own_store_only(settings, seller, store, other_store):
    client = browser(seller, settings)
    page = client.get("/admin/accounts/user/add/")
    field = page.context["adminform"].form.fields["registered_store"]
    assert field.required and list(field.queryset) == [store]
    payload = {"email": "new@example.com", "first_name": "Moussa", "last_name": "Diallo", "usable_password": "true",
               "password1": "un-mot-de-passe-42", "password2": "un-mot-de-passe-42"}
    assert client.post("/admin/accounts/user/add/", {**payload, "registered_store": other_store.pk}).status_code == 200
    assert client.post("/admin/accounts/user/add/", payload).status_code == 200
    assert not User.objects.filter(email="new@example.com").exists()
    assert client.post("/admin/accounts/user/add/", {**payload, "registered_store": store.pk}).status_code == 302
    assert User.objects.get(email="new@example.com").registered_store == store


def test_vendeur_edits_their_own_name_but_not_their_own_segment(settings, seller):
    client = browser(seller, settings)
    page = client.get(change_url(seller))
    assert page.status_code == 200 and "segment" not in page.context["adminform"].form.fields
    assert client.post(change_url(seller), {**form_data(page), "first_name": "Aminata",
                                            "segment": "institution"}).status_code == 302
    seller.refresh_from_db()
    assert (seller.first_name, seller.segment) == ("Aminata", "")


# The API -----------------------------------------------------------------------------------------------------


def test_api_lists_and_reads_only_the_stores_customers(seller, customer, paris_customer, other_manager):
    api = client_for(seller)
    listing = api.get(CUSTOMERS)
    assert listing.status_code == 200
    emails = [row["email"] for row in listing.json()["results"]]
    assert emails == [customer.email]
    assert seller.email not in emails  # staff are not customers
    body = api.get(f"{CUSTOMERS}{customer.pk}/").json()
    assert body["declared_segment"] == "" and body["segment"] == "" and body["partner"] is None
    for response in (api.get(f"{CUSTOMERS}{paris_customer.pk}/"),
                     api.patch(f"{CUSTOMERS}{paris_customer.pk}/", {"first_name": "Pirate"}, format="json"),
                     api.get(f"{CUSTOMERS}{seller.pk}/"), api.get(f"{CUSTOMERS}999999/")):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    paris = client_for(other_manager, host="b.test").get(CUSTOMERS).json()["results"]
    assert [row["email"] for row in paris] == [paris_customer.email]
    paris_customer.refresh_from_db()
    assert paris_customer.first_name == "Léa"


def test_api_is_for_the_stores_staff_only(seller, customer, other_store):
    assert client_for().get(CUSTOMERS).status_code == 401
    assert client_for(customer).get(CUSTOMERS).status_code == 403
    refused = client_for(seller, host="b.test").get(CUSTOMERS)  # Dakar's salesperson on the Paris store
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_api_vendeur_changes_contact_details_but_not_terms(seller, customer, partner):
    api = client_for(seller)
    url = f"{CUSTOMERS}{customer.pk}/"
    before = terms(customer)
    for change in ({"segment": "institution"}, {"partner": partner.pk}, {"email_verified": True},
                   {"email": "thief@example.com"}, {"is_active": False},
                   {"first_name": "Mariama", "segment": "entreprise"}):
        response = api.patch(url, change, format="json")
        assert response.status_code == 403, change
        body = response.json()
        assert body["code"] == "permission_denied"
        assert set(body["fields"]) == set(change) - {"first_name"}, change
    assert terms(customer) == before and customer.first_name == "Awa" and customer.is_active
    response = api.patch(url, {"first_name": "Mariama", "phone": "+221 77 123 45 67"}, format="json")
    assert response.status_code == 200 and response.json()["first_name"] == "Mariama"
    customer.refresh_from_db()
    assert customer.first_name == "Mariama" and customer.phone.as_e164 == "+221771234567"
    assert api.put(url, {"first_name": "X"}, format="json").status_code == 405


def test_api_gestionnaire_vouches_for_terms_but_not_for_access(manager, customer):
    """The manager who runs the shop verifies a customer's segment (issue #12), never their access."""
    api = client_for(manager)
    assert api.get(f"{CUSTOMERS}{customer.pk}/").status_code == 200
    for change in ({"email": "autre@example.com"}, {"is_active": False}):
        response = api.patch(f"{CUSTOMERS}{customer.pk}/", change, format="json")
        assert response.status_code == 403 and set(response.json()["fields"]) == set(change), change
    response = api.patch(f"{CUSTOMERS}{customer.pk}/", {"first_name": "Mariama", "segment": "etudiant"},
                         format="json")
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.first_name, customer.segment, customer.email, customer.is_active) == (
        "Mariama", "etudiant", "client@example.com", True)


def test_api_dakar_admin_changes_their_customers_terms(store_admin, customer, partner, other_store):
    api = client_for(store_admin)
    url = f"{CUSTOMERS}{customer.pk}/"
    response = api.patch(url, {"segment": "institution", "partner": partner.pk, "email_verified": True},
                         format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["segment"], response.json()["partner"]) == ("institution", partner.pk)
    assert terms(customer) == ("institution", partner.pk, True, "client@example.com")
    theirs = factories.PartnerFactory(store=other_store, name="Sorbonne")
    refused = api.patch(url, {"partner": theirs.pk}, format="json")
    assert refused.status_code == 400 and "partner" in refused.json()["fields"]
    bad = api.patch(url, {"segment": "astronaut"}, format="json")
    assert bad.status_code == 400 and "segment" in bad.json()["fields"]
    assert terms(customer) == ("institution", partner.pk, True, "client@example.com")
