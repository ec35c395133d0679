"""The public catalogue API: categories, brands, listing filters, product pages with resolved prices, isolation."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.catalog import services
from ashopy.catalog.services import create_product, set_specifications
from tests import factories

PRODUCTS = "/api/v1/products/"


def client_for(user=None, host="testserver") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.cookies["django_language"] = "en"
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def png(name="p.png", size=(8, 6)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


@pytest.fixture(autouse=True)
def _media_and_hosts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]


@pytest.fixture
def shelf(store, other_store):
    """Two brands and a category tree in store A, a look-alike in store B."""
    computers = factories.category(store, "Ordinateurs")
    laptops = factories.category(store, "Portables", parent=computers)
    phones = factories.category(store, "Téléphones")
    lenovo, dell = factories.brand(store, "Lenovo"), factories.brand(store, "Dell")
    made = {
        "cheap": factories.product(store, "Chromebook", category_=laptops, brand_=lenovo, price="150000", stock=4),
        "mid": factories.product(store, "Latitude", category_=laptops, brand_=dell, price="400000",
                                 sale_price="350000", stock=4),
        "tower": factories.product(store, "Tour Optiplex", category_=computers, brand_=dell, price="600000", stock=4),
        "phone": factories.product(store, "Téléphone Tecno", category_=phones, price="90000"),  # out of stock
    }
    factories.product(other_store, "Chromebook étranger", price="99")
    return made


@pytest.mark.django_db
def test_category_tree_is_nested_active_and_of_this_store(store, other_store, shelf):
    hidden = factories.category(store, "Caché", is_active=False)
    factories.category(store, "Sous caché", parent=hidden)
    factories.category(other_store, "Paris seulement")
    tree = client_for().get("/api/v1/categories/").json()
    by_slug = {node["slug"]: node for node in tree}
    assert set(by_slug) == {"ordinateurs", "telephones"}
    assert [child["slug"] for child in by_slug["ordinateurs"]["children"]] == ["portables"]
    assert by_slug["ordinateurs"]["children"][0]["children"] == []
    assert client_for().get(f"/api/v1/categories/{hidden.pk}/").status_code == 404


@pytest.mark.django_db
def test_brands_are_the_stores_own(store, other_store, shelf):
    factories.brand(other_store, "Apple")
    body = client_for().get("/api/v1/brands/").json()
    assert body["count"] == 2
    assert [b["slug"] for b in body["results"]] == ["dell", "lenovo"]
    assert client_for().get("/api/v1/brands/apple/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db
def test_listing_search_forgives_a_typo(store, shelf):
    """Trigram similarity: PostgreSQL only (SQLite matches words as typed)."""
    assert slugs(client_for().get(PRODUCTS, {"q": "optiplx"})) == ["tour-optiplex"]


@pytest.mark.django_db
def test_listing_filters_sort_and_search(store, shelf):
    client = client_for()
    assert slugs(client.get(PRODUCTS, {"ordering": "price"})) == ["telephone-tecno", "chromebook", "latitude",
                                                                  "tour-optiplex"]
    assert slugs(client.get(PRODUCTS, {"ordering": "-price"}))[0] == "tour-optiplex"
    assert slugs(client.get(PRODUCTS, {"ordering": "name"}))[0] == "chromebook"
    # A category covers its sub-categories.
    assert set(slugs(client.get(PRODUCTS, {"category": "ordinateurs"}))) == {"chromebook", "latitude",
                                                                             "tour-optiplex"}
    assert set(slugs(client.get(PRODUCTS, {"category": "portables", "brand": "dell"}))) == {"latitude"}
    assert set(slugs(client.get(PRODUCTS, [("brand", "dell"), ("brand", "lenovo")]))) == {
        "chromebook", "latitude", "tour-optiplex"}
    assert set(slugs(client.get(PRODUCTS, {"price_min": "100000", "price_max": "360000"}))) == {"chromebook",
                                                                                             "latitude"}
    assert "telephone-tecno" not in slugs(client.get(PRODUCTS, {"in_stock": "true"}))
    assert slugs(client.get(PRODUCTS, {"q": "telephone"})) == ["telephone-tecno"]
    assert slugs(client.get(PRODUCTS, {"category": "nowhere"})) == []
    # NUL characters, which PostgreSQL refuses in text, are dropped rather than answered with a 500.
    assert slugs(client.get(PRODUCTS, {"q": "tele\x00phone", "attr_\x00ram": "\x00", "brand": "\x00"})) == [
        "telephone-tecno"]


@pytest.mark.django_db
def test_specification_filter(store):
    kind = factories.laptop_type(store)
    black = factories.product(store, "Noir 16", product_type=kind)
    silver = factories.product(store, "Argent 8", product_type=kind)
    set_specifications(product=black, values={"couleur": "noir", "ram": 16})
    set_specifications(product=silver, values={"couleur": "argent", "ram": 8})
    assert slugs(client_for().get(PRODUCTS, {"attr_couleur": "noir"})) == ["noir-16"]
    assert slugs(client_for().get(PRODUCTS, {"attr_ram": "8"})) == ["argent-8"]


@pytest.mark.django_db
def test_pagination_counts_and_links(store, shelf):
    client = client_for()
    first = client.get(PRODUCTS, {"ordering": "price", "page_size": 3}).json()
    assert first["count"] == 4 and len(first["results"]) == 3
    assert first["previous"] is None and "page=2" in first["next"] and "page_size=3" in first["next"]
    second = client.get(first["next"]).json()
    assert [p["slug"] for p in second["results"]] == ["tour-optiplex"]
    assert second["next"] is None and second["previous"]
    beyond = client.get(PRODUCTS, {"page_size": 3, "page": 3})
    assert beyond.status_code == 404 and beyond.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "field"), [
    ({"price_min": "abc"}, "price_min"),
    ({"price_max": "-5"}, "price_max"),
    ({"page": "-1"}, "page"),
    ({"page_size": "1000"}, "page_size"),
    ({"ordering": "cheapest"}, "ordering"),
    ({"ordering": "relevance"}, "ordering"),  # relevance needs a search
    ({"in_stock": "maybe"}, "in_stock"),
    ({"price_min": "10", "price_max": "5"}, "price_max"),
])
def test_garbage_filters_answer_400_per_field(store, shelf, params, field):
    response = client_for().get(PRODUCTS, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_filters"
    assert body["detail"]
    assert set(body["fields"]) == {field}
    assert isinstance(body["fields"][field], str | list) and body["fields"][field]


@pytest.mark.django_db
def test_card_shows_cover_availability_badges_and_price(store, shelf):
    services.add_image(product=shelf["mid"], image=png(), alt="Latitude de face")
    services.update_product(product=shelf["mid"], badges=["promo"])
    cards = {card["slug"]: card for card in client_for().get(PRODUCTS).json()["results"]}
    mid = cards["latitude"]
    assert mid["kind"] == "retail" and mid["status"] == "published"
    assert mid["brand"]["slug"] == "dell" and mid["category"]["slug"] == "portables"
    assert mid["badges"] == [{"code": "promo", "label": "Sale"}]
    assert mid["cover_image"]["url"].startswith("http://testserver/media/products/")
    assert mid["cover_image"]["alt"] == "Latitude de face" and mid["cover_image"]["width"] == 8
    assert mid["price"]["currency"] == "XOF"
    assert Decimal(mid["price"]["gross"]) == 350000 and Decimal(mid["price"]["base_gross"]) == 400000
    assert mid["price"]["discounted"] is True
    assert mid["availability"] == "in_stock"
    assert cards["telephone-tecno"]["availability"] == "out_of_stock"
    assert cards["telephone-tecno"]["cover_image"] is None
    assert cards["chromebook"]["price"]["discounted"] is False


@pytest.fixture
def lot(store):
    category = factories.category(store, "Immobilier")
    made = create_product(store=store, kind="real_estate_lot", name="Appartement F3 Almadies", category=category,
                          status="published", surface_m2=Decimal("85.50"), rooms=3, floor=2,
                          programme="Les Almadies", meta_title="F3 aux Almadies",
                          variants=[{"sku": "ALM-F3-12", "price": Decimal(45_000_000), "barcode": "4006381333931",
                                     "options": {"Vue": "Mer"}}])
    factories.receive(made.variants.get(), 1)  # a lot is one unit
    return made


@pytest.mark.django_db
def test_lot_page_has_kind_fields_and_the_students_price(store, customer, lot):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.save()
    body = client_for(customer).get(f"{PRODUCTS}{lot.slug}/").json()
    assert body["kind"] == "real_estate_lot"
    assert body["surface_m2"] == "85.50" and body["rooms"] == 3 and body["floor"] == 2
    assert body["programme"] == "Les Almadies"
    assert "condition" not in body
    assert body["meta_title"] == "F3 aux Almadies" and body["meta_description"] == ""
    [variant] = body["variants"]
    assert variant["sku"] == "ALM-F3-12" and variant["barcode"] == "4006381333931"
    assert variant["options"] == {"Vue": "Mer"} and variant["availability"] == "in_stock"
    assert variant["available"] == 1 and variant["preorder"] is False
    price = variant["price"]
    assert Decimal(price["gross"]) == 40_500_000 and Decimal(price["base_gross"]) == 45_000_000
    assert price["discounted"] is True
    assert price["adjustments"] == [{"code": "segment", "label": "Student discount", "amount": "4500000",
                                     "percent": "10.00", "promotion_id": None}]
    assert Decimal(body["price"]["gross"]) == 40_500_000
    # The same page for a visitor: the catalogue price, no discount.
    anonymous = client_for().get(f"{PRODUCTS}{lot.slug}/").json()
    assert Decimal(anonymous["variants"][0]["price"]["gross"]) == 45_000_000
    assert anonymous["variants"][0]["price"]["adjustments"] == []


@pytest.mark.django_db
def test_retail_page_has_condition_specifications_and_images(store):
    kind = factories.laptop_type(store)
    laptop = factories.product(store, "ThinkPad", product_type=kind, condition="refurbished",
                               meta_description="Un portable reconditionné")
    set_specifications(product=laptop, values={"cpu": "i7", "ram": 16, "ecran": "14.0", "tactile": True,
                                               "couleur": "noir"})
    services.add_image(product=laptop, image=png("b.png"), position=2)
    services.add_image(product=laptop, image=png("a.png"), position=1)
    body = client_for().get(f"{PRODUCTS}thinkpad/").json()
    assert body["kind"] == "retail" and body["condition"] == "refurbished"
    assert "surface_m2" not in body and "rooms" not in body
    assert body["product_type"]["slug"] == "ordinateur-portable"
    assert body["meta_description"] == "Un portable reconditionné"
    specs = {s["attribute"]: s for s in body["specifications"]}
    assert specs["ram"] == {"attribute": "ram", "name": "RAM", "kind": "integer", "unit": "Go", "value": 16,
                            "display": "16 Go"}
    assert specs["ecran"]["value"] == "14" and specs["tactile"]["value"] is True
    assert specs["couleur"]["value"] == "noir" and specs["cpu"]["display"] == "i7"
    assert [image["position"] for image in body["images"]] == [1, 2]
    assert body["cover_image"]["id"] == body["images"][0]["id"]


@pytest.mark.django_db
def test_another_stores_product_is_404(store, other_store):
    foreign = factories.product(other_store, "Produit parisien")
    response = client_for().get(f"{PRODUCTS}{foreign.slug}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": response.json()["detail"], "fields": {}}
    assert client_for(host="b.test").get(f"{PRODUCTS}{foreign.slug}/").status_code == 200
    assert client_for().get(f"{PRODUCTS}{foreign.slug}/variants/").status_code == 404
    assert slugs(client_for().get(PRODUCTS)) == []


@pytest.mark.django_db
def test_drafts_are_hidden_from_visitors_and_customers(store, customer, manager):
    draft = factories.product(store, "Brouillon", status="draft")
    factories.product(store, "Publié")
    for user in (None, customer):
        assert client_for(user).get(f"{PRODUCTS}{draft.slug}/").status_code == 404
        assert slugs(client_for(user).get(PRODUCTS)) == ["publie"]
        assert client_for(user).get(f"{PRODUCTS}{draft.slug}/variants/").status_code == 404
    staff_view = client_for(manager).get(f"{PRODUCTS}{draft.slug}/")
    assert staff_view.status_code == 200 and staff_view.json()["status"] == "draft"
    assert set(slugs(client_for(manager).get(PRODUCTS))) == {"brouillon", "publie"}
