"""Catalogue writes: only this store's admins and stock managers, through the services, bad input changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from ashopy.catalog.models import Brand, Category, Product, ProductImage, RealEstateLot, Variant
from tests import factories

PRODUCTS = "/api/v1/products/"


def client_for(user=None, host="testserver") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def image_file(name="photo.png", size=(12, 9), fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def _media_and_hosts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ALLOWED_HOSTS = ["testserver", "b.test"]


@pytest.fixture
def laptops(store):
    return factories.category(store, "Portables")


@pytest.fixture
def payload(laptops):
    return {"name": "ThinkPad E14", "category": laptops.pk, "status": "published",
            "variants": [{"sku": "E14-8", "list_price": "450000", "options": {"RAM": "8 Go"}},
                         {"sku": "E14-16", "list_price": "520000", "sale_price": "499000"}]}


def snapshot():
    return (Product.objects.count(), Variant.objects.count(), Category.objects.count(), Brand.objects.count(),
            ProductImage.objects.count())


@pytest.mark.django_db
def test_anonymous_writers_get_401(store, payload):
    client = client_for()
    for url, body in ((PRODUCTS, payload), ("/api/v1/categories/", {"name": "X"}), ("/api/v1/brands/", {"name": "X"})):
        response = client.post(url, body, format="json")
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
    assert snapshot()[0] == 0


@pytest.mark.django_db
def test_customers_salespeople_and_other_stores_staff_get_403(store, customer, seller, other_manager, payload):
    product = factories.product(store, "Existant")
    for user in (customer, seller, other_manager):
        client = client_for(user)
        assert client.post(PRODUCTS, payload, format="json").status_code == 403
        assert client.patch(f"{PRODUCTS}{product.slug}/", {"name": "Pirate"}, format="json").status_code == 403
        assert client.delete(f"{PRODUCTS}{product.slug}/").status_code == 403
        assert client.post("/api/v1/brands/", {"name": "Pirate"}, format="json").status_code == 403
    product.refresh_from_db()
    assert product.name == "Existant" and Product.objects.count() == 1 and Brand.objects.count() == 0


@pytest.mark.django_db
def test_other_stores_staff_cannot_reach_this_stores_objects_from_their_host(store, other_manager):
    product = factories.product(store, "Dakar seulement")
    category = Category.objects.get(slug="categorie-dakar-seulement")
    client = client_for(other_manager, host="b.test")
    assert client.patch(f"{PRODUCTS}{product.slug}/", {"name": "Pirate"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/categories/{category.pk}/").status_code == 404
    assert client.post(f"{PRODUCTS}{product.slug}/variants/", {"list_price": "1"}, format="json").status_code == 404
    product.refresh_from_db()
    assert product.name == "Dakar seulement" and Category.objects.filter(pk=category.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "store_admin", "superuser"])
def test_catalogue_staff_create_update_and_delete_a_product(request, store, payload, role):
    user = (factories.UserFactory(email="root@example.com", is_superuser=True, is_staff=True)
            if role == "superuser" else request.getfixturevalue(role))
    client = client_for(user)
    brand = client.post("/api/v1/brands/", {"name": "Lenovo"}, format="json")
    assert brand.status_code == 201 and brand.json()["slug"] == "lenovo"
    created = client.post(PRODUCTS, {**payload, "brand": brand.json()["id"], "condition": "new"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["slug"] == "thinkpad-e14" and body["kind"] == "retail" and body["brand"]["slug"] == "lenovo"
    assert [v["sku"] for v in body["variants"]] == ["E14-8", "E14-16"]
    assert body["variants"][1]["sale_price"] == "499000.00" and Decimal(body["price"]["gross"]) == 450000
    product = Product.objects.get(slug="thinkpad-e14")
    assert product.price_from == Decimal(450000) and product.on_sale is True
    updated = client.patch(f"{PRODUCTS}thinkpad-e14/", {"name": "ThinkPad E14 Gen 5", "badges": ["nouveau"]},
                           format="json")
    assert updated.status_code == 200 and updated.json()["name"] == "ThinkPad E14 Gen 5"
    assert updated.json()["badges"][0]["code"] == "nouveau"
    assert client.delete(f"{PRODUCTS}thinkpad-e14/").status_code == 204
    assert not Product.objects.exists() and not Variant.objects.exists()


@pytest.mark.django_db
def test_real_estate_lot_with_specifications(store, manager, laptops):
    kind = factories.laptop_type(store)
    response = client_for(manager).post(PRODUCTS, {
        "kind": "real_estate_lot", "name": "Villa F5", "category": laptops.pk, "product_type": kind.pk,
        "surface_m2": "210.00", "rooms": 5, "floor": 0, "programme": "Saly Résidences",
        "specifications": {"tactile": False, "couleur": "argent"},
        "variants": [{"list_price": "150000000"}]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "real_estate_lot" and body["rooms"] == 5 and body["status"] == "draft"
    assert {s["attribute"]: s["value"] for s in body["specifications"]} == {"tactile": False, "couleur": "argent"}
    assert RealEstateLot.objects.get().programme == "Saly Résidences"
    missing = client_for(manager).post(PRODUCTS, {"kind": "real_estate_lot", "name": "Sans surface",
                                                  "category": laptops.pk, "variants": [{"list_price": "1"}]},
                                       format="json")
    assert missing.status_code == 400 and {"surface_m2", "rooms", "programme"} <= set(missing.json()["fields"])
    wrong_kind = client_for(manager).patch(f"{PRODUCTS}villa-f5/", {"condition": "used"}, format="json")
    assert wrong_kind.status_code == 400 and set(wrong_kind.json()["fields"]) == {"condition"}
    assert Product.objects.count() == 1


@pytest.mark.django_db
def test_bad_payloads_answer_400_and_change_nothing(store, other_store, manager, payload):
    existing = factories.product(store, "Déjà là", variants=[{"sku": "TAKEN", "price": Decimal(10)}])
    foreign = factories.category(other_store, "Étrangère")
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = snapshot()
    cases = {
        "variants": {**payload, "variants": [{"list_price": "-1"}]},
        "sale_price": {**payload, "variants": [{"list_price": "100", "sale_price": "150"}]},
        "sku": {**payload, "variants": [{"sku": "TAKEN", "list_price": "100"}]},
        "category": {**payload, "category": foreign.pk},
        "kind": {**payload, "kind": "spaceship"},
        "badges": {**payload, "badges": ["cheap"]},
        "specifications": {**payload, "specifications": {"cpu": "i7\x00"}},
    }
    for field, body in cases.items():
        response = client.post(PRODUCTS, body, format="json")
        assert response.status_code == 400, (field, response.content)
        assert response.json()["code"] == "invalid" and field in response.json()["fields"], (field, response.json())
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    nul_option = {**payload, "variants": [{"list_price": "1", "options": {"Taille\x00": "M"}}]}
    assert "variants" in client.post(PRODUCTS, nul_option, format="json").json()["fields"]
    twice = {**payload, "variants": [{"sku": "SAME", "list_price": "1"}, {"sku": "SAME", "list_price": "2"}]}
    assert client.post(PRODUCTS, twice, format="json").status_code == 400
    malformed = client.post(PRODUCTS, '{"name": "Broken",', content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"
    assert client.post(f"{PRODUCTS}{existing.slug}/variants/", {"sku": "TAKEN", "list_price": "5"},
                       format="json").json()["fields"] == {"sku": ["This SKU is already used in this store."]}
    assert client.patch(f"{PRODUCTS}{existing.slug}/", {"category": foreign.pk}, format="json").status_code == 400
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.category.store_id == store.pk


@pytest.mark.django_db
def test_variants_nested_under_their_product(store, manager, customer):
    product = factories.product(store, "Casque", variants=[{"sku": "CASQUE-N", "price": Decimal(20000)}])
    client = client_for(manager)
    url = f"{PRODUCTS}{product.slug}/variants/"
    created = client.post(url, {"sku": "CASQUE-B", "list_price": "25000", "options": {"Couleur": "Bleu"}},
                          format="json")
    assert created.status_code == 201 and created.json()["options"] == {"Couleur": "Bleu"}
    blue = created.json()["id"]
    above = client.patch(f"{url}{blue}/", {"sale_price": "30000"}, format="json")
    assert above.status_code == 400 and "sale_price" in above.json()["fields"]
    assert client.patch(f"{url}{blue}/", {"active": False}, format="json").status_code == 200
    assert [v["sku"] for v in client.get(url).json()] == ["CASQUE-N", "CASQUE-B"]
    assert [v["sku"] for v in client_for(customer).get(url).json()] == ["CASQUE-N"]
    assert client.delete(f"{url}{blue}/").status_code == 204
    last = Variant.objects.get(sku="CASQUE-N")
    refused = client.delete(f"{url}{last.pk}/")
    assert refused.status_code == 400 and "variant" in refused.json()["fields"]
    other = factories.product(store, "Autre")
    assert client.patch(f"{PRODUCTS}{other.slug}/variants/{last.pk}/", {"name": "x"}, format="json").status_code \
        == 404


@pytest.mark.django_db
def test_categories_and_brands_by_staff(store, other_store, store_admin):
    client = client_for(store_admin)
    root = client.post("/api/v1/categories/", {"name": "Maison"}, format="json")
    assert root.status_code == 201 and root.json()["parent"] is None
    child = client.post("/api/v1/categories/", {"name": "Cuisine", "parent": root.json()["id"]}, format="json")
    assert child.status_code == 201 and child.json()["parent"] == root.json()["id"] and child.json()["depth"] == 2
    foreign = factories.category(other_store, "Ailleurs")
    refused = client.post("/api/v1/categories/", {"name": "Intrus", "parent": foreign.pk}, format="json")
    assert refused.status_code == 400 and "parent" in refused.json()["fields"]
    moved = client.patch(f"/api/v1/categories/{child.json()['id']}/", {"parent": None}, format="json")
    assert moved.status_code == 200 and moved.json()["parent"] is None
    tree = client_for().get("/api/v1/categories/").json()
    assert sorted(node["slug"] for node in tree) == ["cuisine", "maison"]
    garden = client.post("/api/v1/categories/", {"name": "Jardin", "parent": root.json()["id"]}, format="json")
    moved = client.patch(f"/api/v1/categories/{child.json()['id']}/", {"parent": garden.json()["id"]}, format="json")
    assert moved.json()["parent"] == garden.json()["id"] and moved.json()["depth"] == 3
    loop = client.patch(f"/api/v1/categories/{root.json()['id']}/", {"parent": garden.json()["id"]}, format="json")
    assert loop.status_code == 400 and "parent" in loop.json()["fields"]
    assert client.get(f"/api/v1/categories/{root.json()['id']}/").json()["parent"] is None
    assert client.patch("/api/v1/brands/nope/", {"name": "x"}, format="json").status_code == 404
    brand = client.post("/api/v1/brands/", {"name": "Samsung", "description": "Écrans"}, format="json").json()
    assert client.patch(f"/api/v1/brands/{brand['slug']}/", {"name": "Samsung Électronique"},
                        format="json").json()["name"] == "Samsung Électronique"
    assert client.delete(f"/api/v1/brands/{brand['slug']}/").status_code == 204
    product = factories.product(store, "Four", category_=Category.objects.get(slug="cuisine"))
    busy = client.delete(f"/api/v1/categories/{child.json()['id']}/")
    assert busy.status_code == 400 and Category.objects.filter(slug="cuisine").exists()
    assert product.category.slug == "cuisine"


@pytest.mark.django_db
def test_image_upload_accepts_images_and_refuses_others(settings, store, manager):
    product = factories.product(store, "Lampe")
    url = f"{PRODUCTS}{product.slug}/images/"
    client = client_for(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    ok = client.post(url, {"image": image_file(), "alt": "Lampe allumée"}, format="multipart")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["width"] == 12 and ok.json()["url"].startswith("http://testserver/media/products/")
    not_image = SimpleUploadedFile("evil.png", b"<?php echo 'hi'; ?>", content_type="image/png")
    response = client.post(url, {"image": not_image}, format="multipart")
    assert response.status_code == 400 and "image" in response.json()["fields"]
    settings.ASHOPY_MAX_IMAGE_BYTES = 200
    big = client.post(url, {"image": image_file(size=(400, 400), fmt="BMP", name="big.bmp")}, format="multipart")
    assert big.status_code == 400 and "too large" in big.json()["fields"]["image"][0]
    assert ProductImage.objects.count() == 1
    assert client_for().post(url, {"image": image_file()}, format="multipart").status_code == 401
    listed = client_for().get(url).json()
    assert [image["alt"] for image in listed] == ["Lampe allumée"]
    assert client.delete(f"{url}{listed[0]['id']}/").status_code == 204
    assert not ProductImage.objects.exists()


@pytest.mark.django_db
def test_deleting_a_row_still_in_use_is_a_409_not_a_500(store):
    from django.db.models import ProtectedError

    from ashopy.api.errors import exception_handler

    kind = factories.laptop_type(store)
    factories.product(store, "Typé", product_type=kind)
    with pytest.raises(ProtectedError) as error:
        kind.delete()
    response = exception_handler(error.value, {})
    assert response.status_code == 409 and response.data["code"] == "in_use" and response.data["fields"] == {}


@pytest.mark.django_db
def test_multipart_category_with_image_keeps_unsent_booleans(store, manager):
    client = client_for(manager)
    created = client.post("/api/v1/categories/", {"name": "Salon", "image": image_file("salon.png"), "parent": ""},
                          format="multipart")
    assert created.status_code == 201, created.json()
    assert created.json()["is_active"] is True and created.json()["image"].startswith("http://testserver/media/")
    cleared = client.patch(f"/api/v1/categories/{created.json()['id']}/", {"image": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["image"] is None
    logo = client.post("/api/v1/brands/", {"name": "Ikea", "logo": image_file("ikea.png")}, format="multipart")
    assert logo.status_code == 201 and logo.json()["logo"].endswith(".png")
    refused = client.post("/api/v1/brands/", {"name": "Faux", "logo": SimpleUploadedFile("f.png", b"nope")},
                          format="multipart")
    assert refused.status_code == 400 and "logo" in refused.json()["fields"]
    assert not Brand.objects.filter(name="Faux").exists()
