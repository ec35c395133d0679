"""The catalogue pages in the shop's language (French): translated, amounts in the store's currency,
no inline code (the CSP), tables in a scrolling wrapper for phones."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from ashopy.core.money import format_money
from tests import factories
from tests.core.test_csp_header import inline_code

pytestmark = [pytest.mark.django_db]

# English words of these pages that must not be left on a French page.
ENGLISH = ["Products", "Add a product", "Save the variants", "Save the product", "Variants",
           "Categories", "Brands", "Product types", "Sale price", "Tax class", "Weight (kg)", "New option",
           "Add the image", "No stock", "Specifications", "Change prices", "With the ticked products",
           "Add a category", "Add a brand", "Add a product type", "Attributes", "Unit", "Choices"]


@pytest.fixture
def french_client(client, manager):
    client.force_login(manager)
    return client


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_catalogue_page_is_french_with_amounts_in_the_stores_currency(french_client, store):
    kind = factories.laptop_type(store)
    product = factories.product(store, "ThinkPad X1", product_type=kind, variants=[
        {"sku": "X1", "price": Decimal(1250000), "options": {"RAM": "16 Go"}}], stock=3)
    brand = factories.brand(store)
    pages = [reverse("staff_catalog:product_list"), reverse("staff_catalog:product_create"),
             reverse("staff_catalog:product_detail", args=[product.pk]),
             reverse("staff_catalog:category_list"), reverse("staff_catalog:category_create"),
             reverse("staff_catalog:category_edit", args=[product.category_id]),
             reverse("staff_catalog:brand_list"), reverse("staff_catalog:brand_edit", args=[brand.pk]),
             reverse("staff_catalog:product_type_list"), reverse("staff_catalog:product_type_edit", args=[kind.pk])]
    for url in pages:
        response = french_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and '<html lang="fr">' in html, url
        assert inline_code(html) == [], url
        text = visible_text(html)
        left = [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
        assert left == [], (url, left)
    listing = french_client.get(pages[0]).content.decode()
    assert format_money(Decimal(1250000), "XOF", "fr") in listing
    assert "Catalogue" in listing and "Produits" in listing and "Ajouter un produit" in listing
    detail = french_client.get(pages[2]).content.decode()
    assert "Enregistrer les variantes" in detail and "Main\xa0: 3" in detail  # the warehouse's stock


def test_tables_scroll_sideways_on_a_phone_and_amounts_do_not_wrap(french_client, store):
    product = factories.product(store, "ThinkPad X1", variants=[{"sku": "X1", "price": Decimal(1250000)}])
    for url in (reverse("staff_catalog:product_list"), reverse("staff_catalog:product_detail", args=[product.pk])):
        html = french_client.get(url).content.decode()
        assert html.count("<table") == html.count('<div class="table-responsive'), url
    listing = french_client.get(reverse("staff_catalog:product_list")).content.decode()
    amount = format_money(Decimal(1250000), "XOF", "fr")
    assert re.search(rf'<td class="text-end text-nowrap">{re.escape(amount)}</td>', listing)


def test_the_price_preview_is_french_with_store_formatted_amounts(french_client, store):
    product = factories.product(store, "ThinkPad X1", variants=[{"sku": "X1", "price": Decimal(1000)}])
    response = french_client.post(reverse("staff_catalog:bulk_action"), {
        "products": [product.pk], "action": "price", "mode": "percent", "value": "10"})
    html = response.content.decode()
    assert "Nouveaux prix" in html and "Appliquer ces prix" in html
    assert f"{format_money(Decimal(1000), 'XOF', 'fr')} → <strong>{format_money(Decimal(1100), 'XOF', 'fr')}" in html
