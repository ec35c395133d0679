# ruff: noqa: F811 (the till's fixtures of tests/pos/conftest.py are imported, then asked for by name)
"""The till page (/staff/till/): the store's selling roles open it, others are refused; another store's
till is a 404; the catalogue JSON gives what the till sells offline (price tax included for an anonymous
customer, VAT rate, stock in the till's warehouse) in a fixed number of queries."""

import json

import pytest
from django.urls import reverse

from ashopy.pos import services
from ashopy.pricing.purchase import PurchasePolicy
from tests import factories
from tests.pos.conftest import _signing_key, shop, till  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
BARCODE = "4006381333931"


@pytest.fixture
def variant(store, shop):
    variant = factories.product(store, "Clé USB 32 Go", price="5900").variants.get()
    variant.barcode = BARCODE
    variant.save(update_fields=["barcode"])
    factories.receive(variant, 7, warehouse_=shop)
    factories.receive(variant, 40)  # the main warehouse: not the till's stock
    return variant


@pytest.mark.parametrize("role", ["vendeur", "gestionnaire", "admin"])
def test_each_selling_role_opens_the_till_and_sees_it_in_the_menu(client, store, till, role):
    client.force_login(factories.staff(store, role, email=f"{role}@example.com"))
    listing = client.get("/staff/till/")
    assert listing.status_code == 200
    assert reverse("staff_till:till_page", args=[till.pk]) in listing.content.decode()
    assert 'href="/staff/till/"' in listing.content.decode()  # the navigation's link
    page = client.get(f"/staff/till/{till.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="till-config"' in html and "backoffice/till/till.js" in html
    config = json.loads(json.dumps(page.context["config"]))
    assert config["till"] == {"id": till.pk, "code": "c1", "name": "Caisse 1"}
    assert config["session"] is None and config["currency"] == "XOF" and config["exponent"] == 0
    assert "10000" in config["notes"] and "5" in config["coins"]
    assert config["max_discount"] == {"vendeur": "10", "gestionnaire": "30", "admin": "100"}[role]


def test_the_open_session_is_given_to_the_page(client, store, till, seller):
    session = services.open_session(user=seller, till=till, opening_float={"1000": 2})
    client.force_login(seller)
    config = client.get(f"/staff/till/{till.pk}/").context["config"]
    assert config["session"]["id"] == session.pk and config["session"]["cashier"] == str(seller)
    assert config["session"]["too_old"] is False


def test_the_till_has_a_cashiers_header_not_the_shops(client, store, till, seller):
    """Who is at the till, the way back to the back office, language and log out; no shop search, cart or footer."""
    seller.first_name, seller.last_name = "Aminata", "Fall"
    seller.save(update_fields=["first_name", "last_name"])
    client.force_login(seller)
    html = client.get(f"/staff/till/{till.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'data-testid="till-header"' in html and "Aminata Fall" in html
    assert 'href="/staff/"' in html and 'id="language-switch"' in html
    assert 'id="site-search"' not in html and 'data-testid="cart-link"' not in html and "<footer" not in html


def test_customers_and_anonymous_visitors_are_refused(client, store, till, customer):
    assert client.get(f"/staff/till/{till.pk}/").status_code == 302
    client.force_login(customer)
    assert client.get("/staff/till/").status_code == 403
    assert client.get(f"/staff/till/{till.pk}/catalogue.json").status_code == 403


def test_another_stores_till_is_a_404(client, store, till, other_store, other_manager, both_store_hosts):
    other_shop = factories.warehouse(other_store, "shop", kind="shop")
    other_till = services.save_till(user=other_manager, store=other_store, code="p1", name="Paris",
                                    warehouse=other_shop)
    client.force_login(factories.staff(store, "vendeur", email="v@example.com"))
    assert client.get(f"/staff/till/{other_till.pk}/").status_code == 404
    assert client.get(f"/staff/till/{other_till.pk}/catalogue.json").status_code == 404
    assert client.get(f"/staff/till/{2**63}/").status_code == 404
    # The other store's staff do not see store A's till either, from their own host.
    client.force_login(other_manager)
    assert client.get(f"/staff/till/{till.pk}/", HTTP_HOST="b.test").status_code == 404


def test_the_catalogue_gives_price_vat_and_the_tills_own_stock(client, store, till, variant, seller):
    hidden = factories.product(store, "Brouillon", price="100", status="draft").variants.get()
    client.force_login(seller)
    response = client.get(f"/staff/till/{till.pk}/catalogue.json")
    assert response.status_code == 200
    data = response.json()
    assert data["currency"] == "XOF" and data["exponent"] == 0 and data["till"]["id"] == till.pk
    rows = {row["id"]: row for row in data["variants"]}
    assert hidden.pk not in rows
    row = rows[variant.pk]
    assert row["label"] == "Clé USB 32 Go" and row["sku"] == variant.sku and row["barcode"] == BARCODE
    assert row["stock"] == 7  # the till's warehouse only
    assert float(row["gross"]) == 5900
    assert row["vat_rate"] == str(PurchasePolicy(store).tax_rate(variant))


def test_the_catalogue_costs_the_same_queries_whatever_its_size(client, store, till, shop, seller,
                                                                 django_assert_num_queries):
    client.force_login(seller)
    factories.receive(factories.product(store, "Lampe", price="1000").variants.get(), 3, warehouse_=shop)
    client.get(f"/staff/till/{till.pk}/catalogue.json")  # warms the per-process memos (rates, promotions)
    with django_assert_num_queries(6):
        small = client.get(f"/staff/till/{till.pk}/catalogue.json")
    for index in range(12):
        factories.receive(factories.product(store, f"Produit {index}", price="1500").variants.get(), 2,
                          warehouse_=shop)
    client.get(f"/staff/till/{till.pk}/catalogue.json")  # the catalogue changed: the memos load again
    with django_assert_num_queries(6):
        large = client.get(f"/staff/till/{till.pk}/catalogue.json")
    assert len(small.json()["variants"]) == 1 and len(large.json()["variants"]) == 13


def test_the_service_worker_is_served_under_the_tills_scope(client, seller):
    response = client.get("/staff/till/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/staff/till/"
    assert b"caches.open" in response.content
