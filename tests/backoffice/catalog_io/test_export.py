"""Exports: one line per variant or per stock row of the request's store, in the page's language and format."""

from decimal import Decimal

import pytest

from tests import factories

from .conftest import csv_rows, export, snapshot, speak, statuses, upload, xlsx_rows

pytestmark = [pytest.mark.django_db]

PRODUCT_HEADER = ["sku", "product_slug", "product_name", "category", "brand", "published", "variant_name", "options",
                  "price", "sale_price", "barcode", "weight_kg", "tax_class"]


def test_french_csv_uses_semicolons_and_a_decimal_comma(staff_client, catalogue, foreign):
    rows = csv_rows(export(speak(staff_client, "fr"), "products", "csv"), ";")
    assert rows[0] == PRODUCT_HEADER
    by_sku = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_sku) == {"X1-16", "X1-32", "MOUSE"}, "store B's PAR-1 is not exported"
    x1 = by_sku["X1-16"]
    assert x1 == {"sku": "X1-16", "product_slug": "thinkpad-x1", "product_name": "ThinkPad X1", "category": "portables",
                  "brand": "Lenovo", "published": "oui", "variant_name": "16 Go", "options": "RAM=16 Go|Couleur=Noir",
                  "price": "900000", "sale_price": "850000", "barcode": "4006381333931", "weight_kg": "1,25",
                  "tax_class": ""}
    assert by_sku["X1-32"]["price"] == "1100000,50"
    assert by_sku["MOUSE"]["price"] == "12,50" and by_sku["MOUSE"]["published"] == "non"


def test_english_csv_uses_commas_and_a_decimal_point(staff_client, catalogue):
    content = export(speak(staff_client, "en"), "products", "csv")
    assert b"\r\n" in content, "CSV lines end in CRLF"
    rows = csv_rows(content, ",")
    by_sku = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_sku["X1-32"]["price"] == "1100000.50"
    assert by_sku["X1-16"]["weight_kg"] == "1.25" and by_sku["X1-16"]["published"] == "yes"
    assert csv_rows(export(staff_client, "stock", "csv"), ",")[0] == ["sku", "warehouse", "on_hand"]


def test_xlsx_holds_real_numbers(staff_client, catalogue):
    rows = xlsx_rows(export(speak(staff_client, "fr"), "products", "xlsx"))
    by_sku = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_sku["X1-32"]["price"] == pytest.approx(1100000.5)
    assert isinstance(by_sku["X1-16"]["price"], int | float) and isinstance(by_sku["X1-16"]["weight_kg"], float)
    assert by_sku["X1-16"]["barcode"] == "4006381333931", "a barcode stays text (leading zeros)"
    stock = xlsx_rows(export(staff_client, "stock", "xlsx"))
    assert stock[0] == ["sku", "warehouse", "on_hand"]
    assert ["MOUSE", "shop", 3] in stock and all(isinstance(row[2], int) for row in stock[1:])


def test_an_eur_store_writes_two_decimals(client, other_store, other_manager, both_store_hosts):
    category = factories.category(other_store, "Chaises")
    factories.product(other_store, "Chaise", category_=category, variants=[{"sku": "C-1", "price": Decimal(12)}])
    client.defaults["HTTP_HOST"] = "b.test"
    client.force_login(other_manager)
    rows = csv_rows(export(speak(client, "fr"), "products", "csv"), ";")
    assert rows[1][PRODUCT_HEADER.index("price")] == "12,00"


def test_text_a_spreadsheet_would_run_is_quoted_and_comes_back_intact(staff_client, store, manager):
    factories.product(store, "=HYPERLINK(\"http://evil\")", variants=[{"sku": "@EVIL", "price": Decimal(1)}])
    for file_format in ("csv", "xlsx"):
        content = export(speak(staff_client, "fr"), "products", file_format)
        rows = csv_rows(content, ";") if file_format == "csv" else xlsx_rows(content)
        assert rows[1][0] == "'@EVIL" and rows[1][2].startswith("'=HYPERLINK")
        before = snapshot()
        response = upload(staff_client, "products", content, name=f"x.{file_format}")
        assert statuses(response) == [(2, "unchanged", "@EVIL")]
        assert snapshot() == before
