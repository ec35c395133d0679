"""Fixtures of the catalogue import/export tests: a small catalogue with stock in store A, and one in store B."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ashopy.catalog.models import Product, Variant
from ashopy.inventory.models import Stock, StockMovement
from tests import factories


@pytest.fixture
def catalogue(store):
    """Two products (one with two variants) in store A, stocked in two warehouses."""
    laptops = factories.category(store, "Informatique")
    portables = factories.category(store, "Portables", parent=laptops, slug="portables")
    lenovo = factories.brand(store, "Lenovo")
    thinkpad = factories.product(store, "ThinkPad X1", category_=portables, brand_=lenovo, variants=[
        {"sku": "X1-16", "name": "16 Go", "options": {"RAM": "16 Go", "Couleur": "Noir"}, "price": Decimal("900000"),
         "sale_price": Decimal("850000"), "barcode": "4006381333931", "weight_kg": Decimal("1.250")},
        {"sku": "X1-32", "name": "32 Go", "options": {"RAM": "32 Go"}, "price": Decimal("1100000.50")},
    ])
    factories.product(store, "Souris", category_=laptops, status="draft",
                      variants=[{"sku": "MOUSE", "price": Decimal("12.5")}])
    main = factories.warehouse(store, "main")
    shop = factories.warehouse(store, "shop", priority=2)
    for variant in thinkpad.variants.all():
        factories.receive(variant, 10, warehouse_=main)
    factories.receive(Variant.objects.get(sku="MOUSE"), 3, warehouse_=shop)
    return thinkpad


@pytest.fixture
def foreign(other_store):
    """Store B's own catalogue: a SKU, a warehouse and a category that store A's files must never reach."""
    category = factories.category(other_store, "Paris", slug="paris-only")
    product = factories.product(other_store, "Chaise", category_=category, variants=[{"sku": "PAR-1", "price": "50"}])
    factories.receive(product.variants.get(), 4, warehouse_=factories.warehouse(other_store, "paris"))
    return product


@pytest.fixture
def staff_client(client, manager):
    client.force_login(manager)
    return client


def speak(client, language):
    client.cookies["django_language"] = language
    return client


def snapshot():
    """Everything an import may change, to prove that one did not."""
    return (sorted(Variant.objects.values_list("sku", "name", "price", "sale_price", "barcode", "weight_kg",
                                               "options", "tax_class_id", "product_id")),
            sorted(Product.objects.values_list("slug", "name", "status", "category_id", "brand_id")),
            sorted(Stock.objects.values_list("variant_id", "warehouse_id", "on_hand")),
            StockMovement.objects.count())


def export(client, kind, file_format):
    response = client.get(reverse("staff_catalog_io:export", args=[kind, file_format]))
    assert response.status_code == 200, response.content[:300]
    return response.content


def csv_rows(content: bytes, delimiter: str):
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def xlsx_rows(content: bytes):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def upload(client, kind, content: bytes, name="file.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("staff_catalog_io:preview"),
                       {"dataset": kind, "file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    token = response.context["token"]
    assert token, "the confirmation is offered"
    return client.post(reverse("staff_catalog_io:confirm"), {"token": token})


def statuses(response):
    return [(line.number, line.status, line.key) for line in response.context["report"].lines]


def errors_of(response):
    return {line.number: dict(line.errors) for line in response.context["report"].lines if line.errors}
