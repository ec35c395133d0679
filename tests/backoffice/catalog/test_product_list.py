"""The back-office product list: who gets in, search and filters, the bulk actions and the price change
previewed then confirmed, bad input, and the query budget."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ashopy.catalog import services
from ashopy.catalog.models import Product, Variant
from tests import factories
from tests.backoffice.catalog.conftest import png

pytestmark = [pytest.mark.django_db]

LIST = reverse("staff_catalog:product_list")
BULK = reverse("staff_catalog:bulk_action")


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", variants=[
        {"sku": "X1-16", "price": Decimal(500000), "barcode": "4006381333931"},
        {"sku": "X1-32", "price": Decimal(650000), "sale_price": Decimal(600000)}], stock=5)


@pytest.fixture
def mouse(store):
    return factories.product(store, "Souris MX", variants=[{"sku": "MX-3", "price": Decimal(15000)}],
                             status="draft")


def confirm(client, data: dict, url=BULK):
    """Ask for the preview, then confirm the prices it showed (as its form does)."""
    preview = client.post(url, data)
    assert preview.status_code == 200, preview.status_code
    return client.post(url, {**data, "confirm": "1", "fingerprint": preview.context["fingerprint"]})


def names(response) -> list[str]:
    return [product.name for product in response.context["page"].object_list]


def prices(product) -> list[tuple]:
    return list(product.variants.order_by("sku").values_list("sku", "price", "sale_price"))


def test_catalogue_roles_open_the_list_a_seller_gets_403_and_another_store_sees_nothing(
        client, manager, store_admin, seller, laptop, other_client):
    for user in (manager, store_admin):
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == 200 and names(response) == ["ThinkPad X1"]
    client.force_login(seller)
    response = client.get(LIST)
    assert response.status_code == 403
    assert client.post(BULK, {"products": [laptop.pk], "action": "unpublish"}).status_code == 403
    assert Product.objects.get(pk=laptop.pk).status == "published"
    response = other_client.get(LIST)
    assert response.status_code == 200 and names(response) == []
    other_client.post(BULK, {"products": [laptop.pk], "action": "unpublish"})
    assert Product.objects.get(pk=laptop.pk).status == "published"


def test_anonymous_visitors_go_to_the_login_page(client, store):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_menu_shows_the_catalogue_to_managers_only(client, manager, seller):
    client.force_login(manager)
    html = client.get(reverse("staff_home:home")).content.decode()
    for name in ("product_list", "category_list", "brand_list", "product_type_list"):
        assert reverse(f"staff_catalog:{name}") in html
    client.force_login(seller)
    assert LIST not in client.get(reverse("staff_orders:order_list")).content.decode()


def test_a_row_shows_price_range_stock_and_status(staff_client, store, laptop, mouse):
    response = staff_client.get(LIST)
    rows = {product.name: product for product in response.context["page"].object_list}
    assert (rows["ThinkPad X1"].price_low, rows["ThinkPad X1"].price_high) == (Decimal(500000), Decimal(600000))
    assert rows["ThinkPad X1"].stock_total == 10 and rows["Souris MX"].stock_total == 0
    html = response.content.decode()
    assert "500\u202f000\xa0F\u202fCFA" in html or "500,000" in html or "500 000" in html.replace("\u202f", " ")
    assert reverse("staff_catalog:product_detail", args=[laptop.pk]) in html


def test_search_by_name_sku_and_barcode_and_filters(staff_client, store, laptop, mouse):
    assert names(staff_client.get(LIST, {"q": "souris"})) == ["Souris MX"]
    assert names(staff_client.get(LIST, {"q": "X1-32"})) == ["ThinkPad X1"]
    assert names(staff_client.get(LIST, {"q": "4006381333931"})) == ["ThinkPad X1"]
    assert names(staff_client.get(LIST, {"status": "draft"})) == ["Souris MX"]
    assert names(staff_client.get(LIST, {"category": laptop.category_id})) == ["ThinkPad X1"]
    brand = factories.brand(store, "Logitech")
    services.update_product(product=mouse, brand=brand)
    assert names(staff_client.get(LIST, {"brand": brand.pk})) == ["Souris MX"]
    assert names(staff_client.get(LIST, {"stock": "out"})) == ["Souris MX"]
    assert names(staff_client.get(LIST, {"stock": "in_stock"})) == ["ThinkPad X1"]
    assert names(staff_client.get(LIST, {"stock": "low"})) == []
    factories.receive(laptop.variants.get(sku="X1-16"), 1, threshold=20)  # 11 available, threshold 20
    assert names(staff_client.get(LIST, {"stock": "low"})) == ["ThinkPad X1"]


def test_a_parent_category_filter_includes_its_sub_categories(staff_client, store):
    parent = factories.category(store, "Informatique")
    child = factories.category(store, "Portables", parent=parent)
    factories.product(store, "ThinkPad", category_=child)
    assert names(staff_client.get(LIST, {"category": parent.pk})) == ["ThinkPad"]


def test_bad_filters_are_ignored_with_a_notice(staff_client, laptop, other_store):
    foreign = factories.category(other_store, "Paris")
    for params in ({"category": foreign.pk}, {"category": "abc"}, {"brand": 10 ** 30}, {"stock": "lots"}):
        response = staff_client.get(LIST, params)
        assert response.status_code == 200 and names(response) == ["ThinkPad X1"], params
        assert "Some filters were ignored" in response.content.decode()


def test_bulk_publish_unpublish_and_change_category(staff_client, store, laptop, mouse):
    response = staff_client.post(BULK, {"products": [laptop.pk, mouse.pk], "action": "publish"})
    assert response.status_code == 302
    assert set(Product.objects.values_list("status", flat=True)) == {"published"}
    staff_client.post(BULK, {"products": [mouse.pk], "action": "unpublish"})
    assert Product.objects.get(pk=mouse.pk).status == "draft" and Product.objects.get(pk=laptop.pk).status == (
        "published")
    target = factories.category(store, "Accessoires")
    staff_client.post(BULK, {"products": [laptop.pk, mouse.pk], "action": "category", "category": target.pk})
    assert set(Product.objects.values_list("category_id", flat=True)) == {target.pk}
    assert "accessoires" in Product.objects.get(pk=mouse.pk).search_text


def test_bulk_refuses_another_stores_ids_and_malformed_input(staff_client, store, laptop, other_store):
    foreign = factories.product(other_store, "Souris Paris")
    foreign_category = factories.category(other_store, "Paris")
    before = list(Product.objects.order_by("pk").values_list("status", "category_id"))
    bad = [{"products": [foreign.pk], "action": "unpublish"},
           {"products": [laptop.pk, foreign.pk], "action": "unpublish"},
           {"products": ["abc"], "action": "unpublish"},
           {"products": [10 ** 30], "action": "unpublish"},
           {"products": [laptop.pk], "action": "explode"},
           {"products": [laptop.pk], "action": "category", "category": foreign_category.pk},
           {"products": [laptop.pk], "action": "category"},
           {"action": "publish"},
           {"products": [laptop.pk], "action": "price", "mode": "percent", "value": "-100"},
           {"products": [laptop.pk], "action": "price", "mode": "amount", "value": "1e20"},
           {"products": [laptop.pk], "action": "price", "mode": "amount", "value": "NaN"},
           {"products": [laptop.pk], "action": "price", "mode": "amount", "value": "0"},
           {"products": [laptop.pk], "action": "price", "mode": "bogus", "value": "5"}]
    for data in bad:
        response = staff_client.post(BULK, {**data, "confirm": "1"})
        assert response.status_code == 302, data
        assert list(Product.objects.order_by("pk").values_list("status", "category_id")) == before, data
    assert prices(laptop) == [("X1-16", Decimal(500000), None), ("X1-32", Decimal(650000), Decimal(600000))]


def test_price_change_by_percent_is_previewed_then_applied_rounded_to_the_franc(staff_client, store, laptop):
    data = {"products": [laptop.pk], "action": "price", "mode": "percent", "value": "-7.5"}
    preview = staff_client.post(BULK, data)
    assert preview.status_code == 200
    changes = [(c.variant.sku, c.old_price, c.new_price, c.old_sale_price, c.new_sale_price)
               for c in preview.context["changes"]]
    # 500 000 × 0.925 = 462 500; 650 000 × 0.925 = 601 250; 600 000 × 0.925 = 555 000 (XOF: no decimals)
    assert changes == [("X1-16", Decimal(500000), Decimal(462500), None, None),
                       ("X1-32", Decimal(650000), Decimal(601250), Decimal(600000), Decimal(555000))]
    assert prices(laptop)[0][1] == Decimal(500000), "a preview changes nothing"
    html = preview.content.decode()
    assert 'name="confirm"' in html and 'value="-7.5"' in html
    fingerprint = preview.context["fingerprint"]
    assert f'name="fingerprint" value="{fingerprint}"' in html
    response = staff_client.post(BULK, {**data, "confirm": "1", "fingerprint": fingerprint})
    assert response.status_code == 302
    assert prices(laptop) == [("X1-16", Decimal(462500), None), ("X1-32", Decimal(601250), Decimal(555000))]
    laptop.refresh_from_db()
    assert laptop.price_from == Decimal(462500)


def test_xof_percentages_round_half_up_to_whole_francs(staff_client, store):
    product = factories.product(store, "Câble", variants=[{"sku": "C-1", "price": Decimal(1999)}])
    confirm(staff_client, {"products": [product.pk], "action": "price", "mode": "percent", "value": "2.5"})
    assert prices(product) == [("C-1", Decimal(2049), None)]  # 1999 × 1.025 = 2048.975 → 2049


def test_eur_prices_round_to_the_cent(other_store, other_client):
    product = factories.product(other_store, "Souris", variants=[{"sku": "S-1", "price": Decimal("19.99")}])
    data = {"products": [product.pk], "action": "price", "mode": "percent", "value": "12.5"}
    preview = other_client.post(reverse("staff_catalog:bulk_action"), data)
    assert [c.new_price for c in preview.context["changes"]] == [Decimal("22.49")]  # 22.48875 → 22.49
    other_client.post(reverse("staff_catalog:bulk_action"), {**data, "confirm": "1",
                                                            "fingerprint": preview.context["fingerprint"]})
    assert prices(product) == [("S-1", Decimal("22.49"), None)]


def test_price_change_by_amount_and_a_price_at_or_below_zero_is_refused(staff_client, store, laptop, mouse):
    data = {"products": [laptop.pk, mouse.pk], "action": "price", "mode": "amount", "value": "-15000"}
    response = staff_client.post(BULK, data, follow=True)
    assert "MX-3" in response.content.decode() and "nothing was changed" in response.content.decode()
    current = services.prices_fingerprint(Variant.objects.filter(product__in=[laptop, mouse]))
    response = staff_client.post(BULK, {**data, "confirm": "1", "fingerprint": current}, follow=True)
    assert "MX-3" in response.content.decode() and "zero, negative or too large" in response.content.decode()
    assert prices(mouse) == [("MX-3", Decimal(15000), None)]
    assert prices(laptop)[0] == ("X1-16", Decimal(500000), None)
    confirm(staff_client, {**data, "products": [laptop.pk], "value": "2500"})
    assert prices(laptop) == [("X1-16", Decimal(502500), None), ("X1-32", Decimal(652500), Decimal(602500))]


def test_a_confirmation_applies_only_the_prices_previewed(staff_client, store, laptop):
    data = {"products": [laptop.pk], "action": "price", "mode": "percent", "value": "10"}
    preview = staff_client.post(BULK, data)
    services.save_variant(store=store, product=laptop, variant=laptop.variants.get(sku="X1-16"),
                          price=Decimal(510000))  # someone else changes a price meanwhile
    response = staff_client.post(BULK, {**data, "confirm": "1", "fingerprint": preview.context["fingerprint"]},
                                 follow=True)
    assert "changed since the preview" in response.content.decode()
    assert prices(laptop)[0] == ("X1-16", Decimal(510000), None)
    assert staff_client.post(BULK, {**data, "confirm": "1"}).status_code == 302  # no preview: nothing
    assert prices(laptop)[1] == ("X1-32", Decimal(650000), Decimal(600000))


def test_services_refuse_other_stores_products_and_sellers(store, other_store, laptop, seller, manager):
    from ashopy.core.errors import PermissionDenied

    foreign = factories.product(other_store, "Souris Paris")
    with pytest.raises(PermissionDenied):
        services.set_status(store=store, products=[laptop], status="draft", user=seller)
    with pytest.raises(PermissionDenied):
        services.change_prices(store=store, products=[laptop], mode="percent", value=Decimal(5), user=seller)
    with pytest.raises(services.ValidationError):
        services.set_status(store=store, products=[foreign], status="draft", user=manager)
    with pytest.raises(services.ValidationError):
        services.set_category(store=store, products=[laptop], category=foreign.category, user=manager)
    with pytest.raises(services.ValidationError):
        services.change_prices(store=store, products=[laptop, foreign], mode="amount", value=Decimal(1),
                               user=manager)
    assert services.set_status(store=store, products=[laptop], status="draft", user=manager) == 1
    assert Variant.objects.get(sku="X1-16").price == Decimal(500000)


def _list_queries(client) -> int:
    """Queries of the list once per-process memos (store, category tree) are warm."""
    client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_and_30_products(staff_client, store, django_assert_max_num_queries):
    category, brand = factories.category(store, "Tout"), factories.brand(store, "Marque")
    for index in range(3):
        product = factories.product(store, f"Produit {index}", category_=category, brand_=brand,
                                    variants=[{"sku": f"P{index}-A"}, {"sku": f"P{index}-B"}], stock=2)
        services.add_image(product=product, image=png())
    few = _list_queries(staff_client)
    for index in range(3, 30):
        product = factories.product(store, f"Produit {index}", category_=category, brand_=brand,
                                    variants=[{"sku": f"P{index}-A"}, {"sku": f"P{index}-B"}], stock=2)
    many = _list_queries(staff_client)
    assert few == many
    with django_assert_max_num_queries(12):
        staff_client.get(LIST)


def test_odd_characters_in_filters_and_ids_are_not_a_500(staff_client, laptop):
    for params in ({"q": "X1\x00"}, {"category": "²"}, {"brand": "٣"}, {"page": "²"}, {"stock": "\x00"}):
        assert staff_client.get(LIST, params).status_code == 200, params
    assert staff_client.get(reverse("staff_catalog:category_create"), {"parent": "٣"}).status_code == 200
    assert staff_client.post(BULK, {"products": ["²"], "action": "unpublish"}).status_code == 302
    assert staff_client.post(BULK, {"products": ["\x00"], "action": "unpublish"}).status_code == 400
    assert Product.objects.get(pk=laptop.pk).status == "published"
