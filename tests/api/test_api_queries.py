"""The product listing API costs a fixed, small number of queries whatever the page size."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.catalog import services
from tests import factories

LISTING_BUDGET = 10
PRODUCT_COUNT = 100


@pytest.fixture
def catalogue(settings, tmp_path, store):
    """100 published products, each with two variants (one on sale, both in stock) and two images."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "olive").save(buffer, "PNG")
    picture = buffer.getvalue()
    category = factories.category(store, "Tout")
    brands = [factories.brand(store, "Alpha"), factories.brand(store, "Beta")]
    for n in range(PRODUCT_COUNT):
        product = factories.product(store, f"Produit {n}", category_=category, brand_=brands[n % 2], badges=["nouveau"],
                                    variants=[{"price": Decimal(1000 + n)},
                                              {"price": Decimal(2000 + n), "sale_price": Decimal(900 + n)}],
                                    stock=3)
        for side in ("face", "dos"):
            services.add_image(product=product, image=SimpleUploadedFile(f"{side}.png", picture), alt=side)


def _count_queries(client, page_size) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get("/api/v1/products/", {"page_size": page_size, "ordering": "price"})
    assert response.status_code == 200
    return len(context.captured_queries), response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "student"])
def test_listing_queries_do_not_grow_with_the_page(store, catalogue, customer, who, django_assert_num_queries):
    client = APIClient()
    if who == "student":
        factories.segment_discount(store, "etudiant", 10)
        customer.segment = "etudiant"
        customer.save()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(customer).access_token}")
    client.get("/api/v1/products/")  # warm the per-process memos: store host, category tree, tax rates
    small_count, small = _count_queries(client, 24)
    assert small_count <= LISTING_BUDGET
    with django_assert_num_queries(small_count):
        large = client.get("/api/v1/products/", {"page_size": 96, "ordering": "price"}).json()
    assert len(small["results"]) == 24 and len(large["results"]) == 96 and large["count"] == PRODUCT_COUNT
    first = large["results"][0]
    assert first["cover_image"]["alt"] == "face" and first["brand"]["slug"] == "alpha"
    assert first["availability"] == "in_stock" and first["badges"][0]["code"] == "nouveau"
    expected = Decimal(900) * (Decimal("0.9") if who == "student" else 1)
    assert Decimal(first["price"]["gross"]) == expected


@pytest.mark.django_db
def test_fast_card_representation_matches_the_declared_fields(store, rf, settings, tmp_path):
    """The card serializer's shortcut returns exactly what DRF would from the declared (documented) fields."""
    from rest_framework import serializers

    from ashopy.api.catalog.serializers import ProductCardSerializer
    from ashopy.catalog.models import Product
    from ashopy.catalog.selectors import product_cards
    from ashopy.pricing.resolver import PricingPolicy

    factories.segment_discount(store, "etudiant", 10)
    student = factories.UserFactory(email="etu@example.com", segment="etudiant")
    settings.MEDIA_ROOT = tmp_path
    plain = factories.product(store, "Sans marque", price="1000")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, "JPEG")
    services.add_image(product=plain, image=SimpleUploadedFile("p.jpg", buffer.getvalue()), alt="Vue")
    factories.product(store, "Soldé", brand_=factories.brand(store, "Dell"), price="2000", sale_price="1500",
                      badges=["promo"])
    request = rf.get("/api/v1/products/", HTTP_HOST="testserver")
    context = {"request": request, "policy": PricingPolicy(store, student)}
    cards = list(product_cards(Product.objects.published(store).non_polymorphic(), sort="name"))
    serializer = ProductCardSerializer(context=context)
    assert len(cards) == 2 and any(card.ordered_images for card in cards)
    for card in cards:
        assert serializer.to_representation(card) == serializers.Serializer.to_representation(serializer, card)
