"""Merchant-typed text reaches the storefront escaped, also where the HTML is built in Python (cards, facets,
price blocks): a product, brand, category, attribute or choice named like markup shows as text."""

import pytest
from django.test import Client

from ashopy.catalog import services as catalog
from ashopy.catalog.models import Attribute, AttributeChoice, ProductType
from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
QUOTES = "\"'><img src=x onerror=alert(1)>"
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")


@pytest.fixture
def hostile(store):
    kind = ProductType.objects.create(store=store, name=f"Type {SCRIPT}", slug="hostile")
    Attribute.objects.create(product_type=kind, name=f"Note {QUOTES}", slug="note", kind="text", position=1)
    colour = Attribute.objects.create(product_type=kind, name=f"Couleur {SCRIPT}", slug="couleur", kind="choice",
                                      position=2)
    AttributeChoice.objects.create(attribute=colour, value=f"Noir {QUOTES}", slug="noir", position=1)
    AttributeChoice.objects.create(attribute=colour, value="Blanc", slug="blanc", position=2)
    category = factories.category(store, f"Rayon {SCRIPT}", slug="rayon")
    brand = factories.brand(store, f"Marque {QUOTES}")
    product = factories.product(store, f"Produit {SCRIPT} {QUOTES}", category_=category, brand_=brand,
                                product_type=kind, stock=5, price="10000")
    catalog.set_specifications(product=product, values={"note": f"texte {SCRIPT}", "couleur": "noir"})
    other = factories.product(store, "Autre", category_=category, product_type=kind, price="5000")
    catalog.set_specifications(product=other, values={"couleur": "blanc"})  # a facet shows when it can narrow
    return product


def pages(client, product):
    client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 1})
    yield "/"
    yield "/c/rayon/"
    yield "/c/rayon/?attr_couleur=noir"
    yield "/search/?q=Produit"
    yield product.get_absolute_url()
    yield "/cart/"


def test_every_storefront_page_escapes_merchant_text(settings, hostile):
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    for url in pages(client, hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for raw in RAW:
            assert raw not in page, f"{raw!r} unescaped on {url}"
        if url != "/":
            assert "Produit &lt;script&gt;" in page, url
    product_page = client.get(hostile.get_absolute_url()).content.decode()
    for shown in ("Produit &lt;script&gt;", "Marque &quot;&#x27;&gt;&lt;img", "texte &lt;script&gt;",
                  "Noir &quot;&#x27;&gt;&lt;img"):
        assert shown in product_page.replace("&#39;", "&#x27;").replace("&#34;", "&quot;"), shown
    facets = client.get("/c/rayon/").content.decode().replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    assert "Couleur &lt;script&gt;" in facets and "Noir &quot;&#x27;&gt;&lt;img" in facets
