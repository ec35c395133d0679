"""The staff's customer list and customer page (`/staff/customers/`) and `/api/v1/staff/customers/`: one search
and one set of filters for both, scoped to the store; staff notes, append-only and per store; the lifetime value."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ashopy.accounts import services
from ashopy.accounts.models import Address, CustomerNote
from ashopy.checkout import services as checkout
from ashopy.core.money import format_money
from ashopy.orders.models import Order
from ashopy.stores.selectors import clear_store_cache
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

CUSTOMERS = "/api/v1/staff/customers/"


def browser(user, host="testserver", language="en") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", price="500000", stock=20)


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


@pytest.fixture
def partner(store):
    return factories.PartnerFactory(store=store, name="UCAD", discount_percent=5)


@pytest.fixture
def people(store, other_store, partner, laptop, method, seller):
    """Store A's customers, each found by one search or filter, and two who are not store A's."""
    awa = factories.UserFactory(email="awa@example.sn", first_name="Awa", last_name="Sow", phone="+221771234567",
                                declared_segment="etudiant", email_verified=True, registered_store=store)
    moussa = factories.UserFactory(email="moussa@example.sn", first_name="Moussa", last_name="Ndiaye",
                                   segment="professionnel", partner=partner, registered_store=store)
    Address.objects.create(user=moussa, first_name="Moussa", last_name="Ndiaye", company="Sonatel SA",
                           line1="1 avenue Bourguiba", city="Dakar", country="SN")
    lea = factories.UserFactory(email="lea@example.fr", first_name="Léa", last_name="Martin",
                                registered_store=other_store)  # a customer of A because she ordered there
    factories.placed_order(store, laptop.variants.get(), method, user=lea, paid=True, company="Orange Labs")
    fatou = factories.UserFactory(email="fatou@example.sn", first_name="Fatou", last_name="Ba", registered_store=store)
    paris = factories.UserFactory(email="paris@example.fr", first_name="Paul", last_name="Sow",
                                  registered_store=other_store)
    return {"awa": awa, "moussa": moussa, "lea": lea, "fatou": fatou, "paris": paris, "seller": seller}


def web_ids(client, params) -> set:
    response = client.get(reverse("staff_customers:customer_list"), params)
    assert response.status_code == 200
    return {customer.pk for customer in response.context["page"].object_list}


def api_ids(api, params) -> set:
    response = api.get(CUSTOMERS, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def ids(people, *names) -> set:
    return {people[name].pk for name in names}


SEARCHES = [
    ({}, ("awa", "moussa", "lea", "fatou")),
    ({"q": "sow"}, ("awa",)),  # Paul Sow is Paris's customer only
    ({"q": "awa sow"}, ("awa",)),
    ({"q": "77 123 45 67"}, ("awa",)),
    ({"q": "+221 771"}, ("awa",)),
    ({"q": "SONATEL"}, ("moussa",)),  # a saved address's company
    ({"q": "orange"}, ("lea",)),  # the company on an order placed in this store
    ({"q": "example.sn"}, ("awa", "moussa", "fatou")),
    ({"segment": "pending"}, ("awa",)),
    ({"segment": "professionnel"}, ("moussa",)),
    ({"segment": "etudiant"}, ()),  # declared, not verified: it does not price her
    ({"segment": "none"}, ("awa", "lea", "fatou")),
    ({"partner": "none"}, ("awa", "lea", "fatou")),
    ({"email_verified": "yes"}, ("awa",)),
    ({"email_verified": "no", "has_ordered": "no"}, ("moussa", "fatou")),
    ({"has_ordered": "yes"}, ("lea",)),
    ({"q": "zzz-nobody"}, ()),
]


@pytest.mark.parametrize(("params", "expected"), SEARCHES)
def test_web_and_api_find_the_same_customers(people, partner, seller, params, expected):
    assert web_ids(browser(seller), params) == api_ids(client_for(seller), params) == ids(people, *expected)


def test_the_partner_filter_and_a_store_that_takes_a_confirmed_email_as_proof(people, partner, seller, store):
    web, api = browser(seller), client_for(seller)
    assert web_ids(web, {"partner": partner.pk}) == api_ids(api, {"partner": partner.pk}) == ids(people, "moussa")
    store.segment_by_email = True
    store.save()
    clear_store_cache()
    # Awa confirmed her e-mail address: her declared segment prices her here, so she is no longer pending.
    assert web_ids(web, {"segment": "etudiant"}) == api_ids(api, {"segment": "etudiant"}) == ids(people, "awa")
    assert web_ids(web, {"segment": "pending"}) == api_ids(api, {"segment": "pending"}) == set()


def test_a_bad_filter_is_a_400_in_the_api_and_a_notice_on_the_page(people, seller, other_store):
    paris_partner = factories.PartnerFactory(store=other_store, name="Sorbonne")
    response = client_for(seller).get(CUSTOMERS, {"segment": "astronaut", "partner": paris_partner.pk})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"segment", "partner"}
    page = browser(seller).get(reverse("staff_customers:customer_list"), {"segment": "astronaut"})
    assert page.status_code == 200
    assert "Some filters were ignored" in page.content.decode()
    assert {c.pk for c in page.context["page"].object_list} == ids(people, "awa", "moussa", "lea", "fatou")


def test_another_stores_customer_is_a_404_on_the_web_and_in_the_api(people, seller, other_manager):
    paris = people["paris"]
    assert browser(seller).get(reverse("staff_customers:customer_detail", args=[paris.pk])).status_code == 404
    assert client_for(seller).get(f"{CUSTOMERS}{paris.pk}/").status_code == 404
    assert client_for(seller).get(f"{CUSTOMERS}{paris.pk}/notes/").status_code == 404
    assert client_for(seller).post(f"{CUSTOMERS}{paris.pk}/notes/", {"text": "x"}, format="json").status_code == 404
    colleague = people["seller"]
    assert browser(seller).get(reverse("staff_customers:customer_detail", args=[colleague.pk])).status_code == 404
    assert client_for(seller).get(f"{CUSTOMERS}{2**70}/").status_code == 404
    # Dakar's customers are not in Paris's list, and a Dakar-only one is a 404 there.
    assert people["awa"].pk not in api_ids(client_for(other_manager, host="b.test"), {})
    assert browser(other_manager, host="b.test").get(
        reverse("staff_customers:customer_detail", args=[people["awa"].pk])).status_code == 404


def test_the_pages_are_for_the_stores_staff_only(people, customer, other_manager):
    url = reverse("staff_customers:customer_list")
    assert Client().get(url).status_code == 302  # to the login page
    assert browser(customer).get(url).status_code == 403
    assert browser(other_manager).get(url).status_code == 403  # Paris's staff on the Dakar store
    assert client_for(customer).get(CUSTOMERS).status_code == 403


def test_notes_are_added_by_salespeople_and_admins_and_read_by_every_staff_role(people, seller, manager,
                                                                                store_admin):
    awa = people["awa"]
    notes = f"{CUSTOMERS}{awa.pk}/notes/"
    created = client_for(seller).post(notes, {"text": "  Prefers a call after 18:00.  "}, format="json")
    assert created.status_code == 201
    assert created.json()["text"] == "Prefers a call after 18:00." and created.json()["author"] == seller.pk
    page_url = reverse("staff_customers:customer_detail", args=[awa.pk])
    web = browser(store_admin).post(reverse("staff_customers:add_note", args=[awa.pk]),
                                    {"text": "Student card seen."})
    assert web.status_code == 302 and web["Location"] == page_url
    refused = client_for(manager).post(notes, {"text": "Stock manager's note"}, format="json")
    assert refused.status_code == 403
    refused_web = browser(manager).post(reverse("staff_customers:add_note", args=[awa.pk]), {"text": "Nope"})
    assert refused_web.status_code == 403
    assert not CustomerNote.objects.filter(text__in=["Stock manager's note", "Nope"]).exists()
    listed = client_for(manager).get(notes).json()["results"]
    assert [(note["text"], note["author"]) for note in listed] == [
        ("Student card seen.", store_admin.pk), ("Prefers a call after 18:00.", seller.pk)]
    page = browser(manager).get(page_url).content.decode()
    assert "Student card seen." in page and "Prefers a call after 18:00." in page
    assert f'action="{reverse("staff_customers:add_note", args=[awa.pk])}"' not in page  # no form to fill


def test_an_empty_note_is_refused_and_nothing_is_written(people, seller):
    awa = people["awa"]
    response = client_for(seller).post(f"{CUSTOMERS}{awa.pk}/notes/", {"text": "   "}, format="json")
    assert response.status_code == 400 and "text" in response.json()["fields"]
    page = browser(seller).post(reverse("staff_customers:add_note", args=[awa.pk]), {"text": ""})
    assert page.status_code == 400
    too_long = client_for(seller).post(f"{CUSTOMERS}{awa.pk}/notes/", {"text": "x" * 4001}, format="json")
    assert too_long.status_code == 400
    assert not CustomerNote.objects.exists()


def test_notes_are_the_stores_own(people, store, other_store, seller, laptop, method):
    """A customer of both stores: what Dakar's staff wrote never reaches Paris's, on the web or in the API."""
    lea = people["lea"]  # registered in Paris, ordered in Dakar
    services.add_customer_note(actor=seller, store=store, customer=lea, text="Dakar only: owes us a call")
    paris_seller = factories.staff(other_store, "vendeur", email="vendeur@paris.example.com")
    services.add_customer_note(actor=paris_seller, store=other_store, customer=lea, text="Paris only")
    paris_notes = client_for(paris_seller, host="b.test").get(f"{CUSTOMERS}{lea.pk}/notes/").json()["results"]
    assert [note["text"] for note in paris_notes] == ["Paris only"]
    paris_page = browser(paris_seller, host="b.test").get(reverse("staff_customers:customer_detail", args=[lea.pk]))
    assert "Paris only" in paris_page.content.decode() and "Dakar only" not in paris_page.content.decode()
    dakar_notes = client_for(seller).get(f"{CUSTOMERS}{lea.pk}/notes/").json()["results"]
    assert [note["text"] for note in dakar_notes] == ["Dakar only: owes us a call"]
    with pytest.raises(services.PermissionDenied):  # Paris's salesperson cannot write in Dakar's notes
        services.add_customer_note(actor=paris_seller, store=store, customer=lea, text="Intruder")


def test_notes_cannot_be_changed_or_deleted_through_the_api(people, seller, store):
    note = services.add_customer_note(actor=seller, store=store, customer=people["awa"], text="First contact")
    url = f"{CUSTOMERS}{people['awa'].pk}/notes/"
    assert client_for(seller).put(url, {"text": "Changed"}, format="json").status_code == 405
    assert client_for(seller).delete(url).status_code == 405
    note.refresh_from_db()
    assert note.text == "First contact"


def test_the_lifetime_value_is_the_kept_paid_orders_total(people, store, laptop, method, seller, manager):
    awa = people["awa"]
    variant = laptop.variants.get()
    first = factories.placed_order(store, variant, method, user=awa, paid=True, quantity=2)
    second = factories.placed_order(store, variant, method, user=awa, paid=True)
    factories.placed_order(store, variant, method, user=awa)  # not paid
    cancelled = factories.placed_order(store, variant, method, user=awa, paid=True)
    checkout.cancel_order(order=cancelled, user=manager)
    assert Order.objects.get(pk=cancelled.pk).state == Order.State.CANCELLED
    expected = first.total + second.total
    assert expected == Decimal(3 * 500000 + 2 * 2000)  # three laptops (tax included), two shippings

    detail = client_for(seller).get(f"{CUSTOMERS}{awa.pk}/").json()
    assert (Decimal(detail["lifetime_value"]), detail["order_count"], detail["currency"]) == (expected, 4, "XOF")
    row = next(r for r in client_for(seller).get(CUSTOMERS).json()["results"] if r["id"] == awa.pk)
    assert Decimal(row["lifetime_value"]) == expected
    page = browser(seller, language="fr").get(reverse("staff_customers:customer_detail", args=[awa.pk]))
    assert page.context["lifetime_value"] == expected
    html = page.content.decode()
    assert format_money(expected, "XOF", "fr") in html
    for order in (first, second, cancelled):
        assert reverse("staff_orders:order_detail", args=[order.number]) in html


def test_a_list_page_costs_the_same_queries_whatever_its_rows(people, store, seller, partner):
    web, api = browser(seller), client_for(seller)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page_queries:
            assert web.get(reverse("staff_customers:customer_list")).status_code == 200
        with CaptureQueriesContext(connection) as api_queries:
            assert api.get(CUSTOMERS).status_code == 200
        return len(page_queries), len(api_queries)

    counts()  # the store's host and the menu are cached by the first request
    few = counts()
    for number in range(12):
        factories.UserFactory(email=f"more{number}@example.sn", declared_segment="etudiant", partner=partner,
                              registered_store=store)
    assert counts() == few
