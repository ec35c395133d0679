"""Query budgets of the storefront: a listing costs the same queries for 24 cards as for 96,
and a product page stays within its budget."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from ashopy.catalog import services as catalog
from ashopy.catalog.models import Attribute, AttributeValue, ProductImage
from tests import factories

LISTING_BUDGET = 10
PRODUCT_BUDGET = 12


@pytest.fixture(autouse=True)
def _web(settings):
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def catalogue(store):
    """96 published laptops, each with 2 variants, 2 images and a RAM value, under one category.

    The first variant is in stock in the main warehouse; every other product's second variant is
    low on stock in the shop, the rest are out of stock."""
    kind = factories.laptop_type(store)
    shelf = factories.category(store, "Ordinateurs")
    brands = [factories.brand(store, name) for name in ("Lenovo", "Dell", "HP")]
    products = [
        catalog.create_product(store=store, name=f"Laptop {n}", category=shelf, brand=brands[n % 3],
                               product_type=kind, status="published", featured=n % 2 == 0,
                               variants=[{"price": Decimal(100000 + n), "sale_price": Decimal(90000 + n)},
                                         {"price": Decimal(150000 + n)}])
        for n in range(96)
    ]
    shop = factories.warehouse(store, "shop", kind="shop", priority=2)
    for n, product in enumerate(products):
        first, second = product.variants.order_by("position")
        factories.receive(first, 5)
        if n % 2 == 0:
            factories.receive(second, 2, warehouse_=shop, threshold=3)
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image=f"products/laptop-{product.pk}-{side}.png", width=800, height=800,
                     alt=f"{product.name} {side}", position=position)
        for product in products for position, side in enumerate(("front", "back")))
    ram = Attribute.objects.get(product_type=kind, slug="ram")
    AttributeValue.objects.bulk_create(AttributeValue(product=product, attribute=ram, value_integer=8 * (1 + n % 2))
                                       for n, product in enumerate(products))
    return products


def _queries(client, url, django_assert_max_num_queries, budget, *, cards):
    """Queries of a page whose HTML and facets are not cached yet (the cost of a first visit).

    Another page fills the per-process memos (store, category tree, tax rates) first.
    """
    cache.clear()
    assert client.get("/p/laptop-95/").status_code == 200
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="card h-100 product-card"') == cards
    return len(captured)


@pytest.mark.django_db
def test_category_page_queries_do_not_grow_with_the_page_size(client, catalogue, django_assert_max_num_queries):
    base = "/c/ordinateurs/?brand=lenovo&brand=dell&brand=hp&in_stock=1&attr_ram=8&attr_ram=16&ordering=price"
    small = _queries(client, f"{base}&page_size=24", django_assert_max_num_queries, LISTING_BUDGET, cards=24)
    large = _queries(client, f"{base}&page_size=96", django_assert_max_num_queries, LISTING_BUDGET, cards=96)
    assert small == large


@pytest.mark.django_db
def test_other_pages_of_a_category_reuse_its_facets(client, catalogue, django_assert_max_num_queries):
    first = _queries(client, "/c/ordinateurs/", django_assert_max_num_queries, LISTING_BUDGET, cards=24)
    with django_assert_max_num_queries(first - 2):  # brand and attribute facets come from the cache
        response = client.get("/c/ordinateurs/?page=3&ordering=name&page_size=24")
    assert response.content.decode().count('class="card h-100 product-card"') == 24


@pytest.mark.django_db
def test_search_page_queries_do_not_grow_with_the_page_size(client, catalogue, django_assert_max_num_queries):
    small = _queries(client, "/search/?q=laptop&page_size=24", django_assert_max_num_queries, LISTING_BUDGET,
                     cards=24)
    large = _queries(client, "/search/?q=laptop&page_size=96", django_assert_max_num_queries, LISTING_BUDGET,
                     cards=96)
    assert small == large


@pytest.mark.postgres
@pytest.mark.django_db
def test_relevance_search_queries_on_postgresql(client, catalogue, django_assert_max_num_queries):
    """Full-text + trigram ranking costs no more queries than the plain listing."""
    small = _queries(client, "/search/?q=lenovo+laptop&ordering=relevance&page_size=24",
                     django_assert_max_num_queries, LISTING_BUDGET, cards=24)
    large = _queries(client, "/search/?q=lenovo+laptop&ordering=relevance&page_size=96",
                     django_assert_max_num_queries, LISTING_BUDGET, cards=32)
    assert small == large


@pytest.mark.django_db
def test_home_page_queries(client, catalogue, django_assert_max_num_queries):
    _queries(client, "/", django_assert_max_num_queries, LISTING_BUDGET, cards=24)


@pytest.mark.django_db
def test_product_page_queries(client, store, catalogue, django_assert_max_num_queries):
    product = catalogue[0]
    catalog.set_specifications(product=product, values={"cpu": "Core i7", "couleur": "noir", "tactile": True})
    url = product.get_absolute_url()
    _queries(client, url, django_assert_max_num_queries, PRODUCT_BUDGET, cards=4)


@pytest.mark.django_db
def test_product_page_queries_for_a_signed_in_partner_student(client, store, catalogue, customer,
                                                              django_assert_max_num_queries):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.partner = factories.PartnerFactory(store=store)
    customer.save()
    client.force_login(customer)
    _queries(client, catalogue[0].get_absolute_url(), django_assert_max_num_queries, PRODUCT_BUDGET, cards=4)


