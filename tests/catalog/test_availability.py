"""What the storefront and the API say about availability comes from the stock rows: units on hand
minus units reserved, in the store's active warehouses, with the low-stock threshold and pre-orders."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ashopy.catalog import services as catalog
from ashopy.inventory import reservations
from ashopy.inventory import services as inventory
from ashopy.inventory.reservations import Line
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _web(settings, tmp_path):
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]
    settings.MEDIA_ROOT = tmp_path


def api(host="testserver") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.cookies["django_language"] = "en"
    return client


def page_state(client, product, host="testserver") -> str:
    """The availability badge of the product page's heading: in_stock, low_stock, …"""
    response = client.get(product.get_absolute_url(), HTTP_HOST=host)
    assert response.status_code == 200
    page = response.content.decode()
    return re.search(r'class="product-availability"><span class="[^"]*availability-(\w+)"', page).group(1)


def api_state(product, host="testserver") -> tuple[str, int]:
    """(availability, units available) of the product's only variant, from the API's product page."""
    body = api(host).get(f"/api/v1/products/{product.slug}/").json()
    [variant] = body["variants"]
    assert body["availability"] == variant["availability"]
    return variant["availability"], variant["available"]


def listed(query: str, host="testserver") -> set[str]:
    response = api(host).get(f"/api/v1/products/?{query}")
    assert response.status_code == 200, response.content
    return {card["slug"] for card in response.json()["results"]}


@pytest.fixture
def warehouses(store):
    return factories.warehouse(store, "main"), factories.warehouse(store, "shop", priority=2, kind="shop")


def _in_stock(variant, warehouses):
    factories.receive(variant, 10, warehouse_=warehouses[0])


def _low_stock(variant, warehouses):
    factories.receive(variant, 3, warehouse_=warehouses[0], threshold=3)  # available ≤ threshold


def _out_of_stock(variant, warehouses):
    """Received, then all sold."""
    factories.receive(variant, 2, warehouse_=warehouses[0])
    reservations.deduct(store=variant.store, lines=[Line(variant.pk, 2)], reference="POS-1")


def _preorder(variant, warehouses):
    catalog.save_variant(store=variant.store, product=variant.product, variant=variant, preorder=True)


def _preorder_with_stock(variant, warehouses):
    _preorder(variant, warehouses)
    factories.receive(variant, 4, warehouse_=warehouses[1])


def _all_reserved(variant, warehouses):
    factories.receive(variant, 2, warehouse_=warehouses[0])
    reservations.reserve(store=variant.store, lines=[Line(variant.pk, 2)], owner="cart:a")


def _reserved_down_to_low(variant, warehouses):
    factories.receive(variant, 5, warehouse_=warehouses[0], threshold=2)
    reservations.reserve(store=variant.store, lines=[Line(variant.pk, 3)], owner="cart:a")


def _expired_hold_given_back(variant, warehouses):
    factories.receive(variant, 2, warehouse_=warehouses[0])
    reservations.reserve(store=variant.store, lines=[Line(variant.pk, 2)], owner="cart:a", ttl=timedelta(seconds=-1))
    reservations.expire_reservations()


def _only_in_an_inactive_warehouse(variant, warehouses):
    closed = factories.warehouse(variant.store, f"closed-{variant.pk}", priority=3)
    factories.receive(variant, 7, warehouse_=closed)
    inventory.save_warehouse(store=variant.store, warehouse=closed, is_active=False)


def _split_over_active_and_inactive(variant, warehouses):
    factories.receive(variant, 1, warehouse_=warehouses[0])
    _only_in_an_inactive_warehouse(variant, warehouses)


def _split_over_two_warehouses(variant, warehouses):
    factories.receive(variant, 1, warehouse_=warehouses[0], threshold=1)
    factories.receive(variant, 1, warehouse_=warehouses[1], threshold=1)  # thresholds add up: 2 ≤ 2


SCENARIOS = [
    (_in_stock, "in_stock", 10),
    (_low_stock, "low_stock", 3),
    (_out_of_stock, "out_of_stock", 0),
    (_preorder, "preorder", 0),
    (_preorder_with_stock, "in_stock", 4),
    (_all_reserved, "out_of_stock", 0),
    (_reserved_down_to_low, "low_stock", 2),
    (_expired_hold_given_back, "in_stock", 2),
    (_only_in_an_inactive_warehouse, "out_of_stock", 0),
    (_split_over_active_and_inactive, "in_stock", 1),
    (_split_over_two_warehouses, "low_stock", 2),
]


@pytest.mark.parametrize(("arrange", "state", "available"), SCENARIOS, ids=[s[0].__name__[1:] for s in SCENARIOS])
def test_the_page_and_the_api_tell_availability_from_stock(client, store, warehouses, arrange, state, available):
    product = factories.product(store, "Imprimante laser", price="120000")
    arrange(product.variants.get(), warehouses)
    assert page_state(client, product) == state
    assert api_state(product) == (state, available)
    [card] = api().get("/api/v1/products/").json()["results"]
    assert card["availability"] == state
    expected_in_stock = {product.slug} if available else set()
    assert listed("in_stock=true") == expected_in_stock


def test_a_product_is_as_available_as_its_best_variant_and_sold_out_versions_cannot_be_chosen(
        client, store, warehouses):
    product = factories.product(store, "Galaxy A15", variants=[
        {"name": "128 Go", "price": Decimal(120000)}, {"name": "256 Go", "price": Decimal(150000)},
        {"name": "512 Go", "price": Decimal(190000)}])
    sold_out, low, preorder = product.variants.order_by("position")
    factories.receive(low, 1, warehouse_=warehouses[1], threshold=2)
    catalog.save_variant(store=store, product=product, variant=preorder, preorder=True)
    assert page_state(client, product) == "low_stock"
    page = client.get(product.get_absolute_url()).content.decode()
    radios = dict(re.findall(r'<input class="form-check-input[^>]* value="(\d+)"[^>]*?( disabled)?>', page))
    assert radios == {str(sold_out.pk): " disabled", str(low.pk): "", str(preorder.pk): ""}
    assert re.search(rf'value="{low.pk}"[^>]* checked', page)  # the first that can be bought
    by_id = {v["id"]: v for v in api().get(f"/api/v1/products/{product.slug}/").json()["variants"]}
    assert [(by_id[v.pk]["availability"], by_id[v.pk]["available"]) for v in (sold_out, low, preorder)] == [
        ("out_of_stock", 0), ("low_stock", 1), ("preorder", 0)]


def test_the_in_stock_filter_keeps_what_can_be_sold_now(client, store, warehouses):
    shelf = factories.category(store, "Imprimantes")
    made = {}
    for arrange, _state, _available in SCENARIOS:
        name = arrange.__name__[1:]
        made[name] = factories.product(store, name.replace("_", " ").title(), category_=shelf, price="50000")
        arrange(made[name].variants.get(), warehouses)
    hidden = factories.product(store, "Version retirée", category_=shelf, price="50000", stock=5)
    catalog.save_variant(store=store, product=hidden, variant=hidden.variants.get(), active=False)
    sellable = {made[arrange.__name__[1:]].slug for arrange, _state, available in SCENARIOS if available}
    assert len(sellable) == 7
    assert listed("in_stock=true") == sellable
    assert listed("") == {product.slug for product in made.values()} | {hidden.slug}
    page = client.get("/c/imprimantes/?in_stock=1&page_size=48").content.decode()
    assert set(re.findall(r'class="stretched-link[^"]*" href="/p/([^/]+)/"', page)) == sellable


def test_another_stores_stock_never_counts(client, store, other_store, warehouses):
    ours = factories.product(store, "Galaxy S24", price="650000")
    theirs = factories.product(other_store, "Galaxy S24", price="899")
    assert ours.slug == theirs.slug
    factories.receive(theirs.variants.get(), 12, warehouse_=factories.warehouse(other_store, "paris"))
    assert page_state(client, ours) == "out_of_stock"
    assert api_state(ours) == ("out_of_stock", 0)
    assert listed("in_stock=true") == set()
    assert page_state(client, theirs, host="b.test") == "in_stock"
    assert api_state(theirs, host="b.test") == ("in_stock", 12)
    assert listed("in_stock=true", host="b.test") == {theirs.slug}


def test_the_listing_costs_the_same_queries_for_24_and_96_cards(store, warehouses):
    """100 products, each with a variant in stock in both warehouses and one reserved out."""
    shelf = factories.category(store, "Tout")
    for n in range(100):
        product = factories.product(store, f"Article {n}", category_=shelf, variants=[
            {"price": Decimal(1000 + n)}, {"price": Decimal(2000 + n)}])
        first, second = product.variants.order_by("position")
        factories.receive(first, 2, warehouse_=warehouses[0], threshold=n % 3)
        factories.receive(first, 1, warehouse_=warehouses[1])
        factories.receive(second, 1, warehouse_=warehouses[1])
        reservations.reserve(store=store, lines=[Line(second.pk, 1)], owner=f"cart:{n}")
    client = api()
    client.get("/api/v1/products/")  # warm the per-process memos: store host, category tree, tax rates
    counts = {}
    for size in (24, 96):
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/products/", {"page_size": size, "in_stock": "true"}).json()
        assert len(body["results"]) == size and body["count"] == 100
        assert {card["availability"] for card in body["results"]} == {"in_stock"}
        counts[size] = len(captured)
    assert counts[24] == counts[96] <= 10
