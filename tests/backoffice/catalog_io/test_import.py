"""Imports: a dry run that writes nothing, then a confirmation of the kept upload in one transaction."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from ashopy.catalog.models import Brand, Product, Variant
from ashopy.inventory import reservations
from ashopy.inventory.models import Reason, Stock, StockMovement

from .conftest import confirm, errors_of, snapshot, speak, statuses, upload

pytestmark = [pytest.mark.django_db]

PRODUCTS_FR = (
    "sku;product_slug;product_name;category;brand;published;price;options\r\n"
    "X1-16;thinkpad-x1;ThinkPad X1;portables;Lenovo;oui;950000;RAM=16 Go|Couleur=Noir\r\n"
    "NEW-1;latitude;Latitude 5540;Informatique > Portables;Dell;oui;12,5;RAM=8 Go\r\n"
    "X1-32;thinkpad-x1;ThinkPad X1;portables;Lenovo;oui;1100000,50;RAM=32 Go\r\n"
)


def test_the_dry_run_shows_each_line_and_writes_nothing(staff_client, catalogue):
    before = snapshot()
    response = upload(speak(staff_client, "fr"), "products", PRODUCTS_FR.encode())
    assert response.status_code == 200
    assert statuses(response) == [(2, "updated", "X1-16"), (3, "new", "NEW-1"), (4, "unchanged", "X1-32")]
    [updated] = [line for line in response.context["report"].lines if line.status == "updated"]
    assert updated.changes == [("price", "900000", "950000")]
    assert snapshot() == before and not Brand.objects.filter(name="Dell").exists()
    assert response.context["token"] and "Confirmer l’import" in response.content.decode()


def test_confirming_imports_the_kept_upload(staff_client, store, catalogue):
    preview = upload(speak(staff_client, "fr"), "products", PRODUCTS_FR.encode())
    response = confirm(staff_client, preview)
    assert response.status_code == 302
    assert Variant.objects.get(sku="X1-16").price == Decimal(950000)
    new = Variant.objects.select_related("product__category", "product__brand").get(sku="NEW-1")
    assert new.price == Decimal("12.50") and new.options == {"RAM": "8 Go"} and new.store == store
    assert (new.product.slug, new.product.name, new.product.category.slug, new.product.brand.name,
            new.product.status) == ("latitude", "Latitude 5540", "portables", "Dell", Product.Status.PUBLISHED)
    again = staff_client.post(reverse("staff_catalog_io:confirm"), {"token": preview.context["token"]}, follow=True)
    assert "expiré" in again.content.decode() or "expired" in again.content.decode()


def test_one_bad_line_blocks_the_whole_import(staff_client, catalogue):
    content = PRODUCTS_FR + "X1-99;thinkpad-x1;ThinkPad X1;portables;Lenovo;oui;-5;\r\n"
    before = snapshot()
    response = upload(speak(staff_client, "fr"), "products", content.encode())
    assert [status for _n, status, _k in statuses(response)] == ["updated", "new", "unchanged", "invalid"]
    assert "price" in errors_of(response)[5]
    assert not response.context["token"]
    assert reverse("staff_catalog_io:confirm") not in response.content.decode()
    assert snapshot() == before


def test_a_stock_import_sets_levels_with_import_movements(staff_client, manager, catalogue):
    content = "sku,warehouse,on_hand\nX1-16,main,7\nX1-32,main,10\nMOUSE,main,2\n"
    preview = upload(speak(staff_client, "en"), "stock", content.encode())
    assert statuses(preview) == [(2, "updated", "X1-16 @ main"), (3, "unchanged", "X1-32 @ main"),
                                 (4, "new", "MOUSE @ main")]
    assert not StockMovement.objects.filter(reason=Reason.IMPORT).exists()
    confirm(staff_client, preview)
    movements = {m.variant.sku: m for m in StockMovement.objects.filter(reason=Reason.IMPORT).select_related("variant")}
    assert set(movements) == {"X1-16", "MOUSE"}
    assert (movements["X1-16"].quantity, movements["X1-16"].balance_after, movements["X1-16"].user) == (-3, 7, manager)
    assert (movements["MOUSE"].quantity, movements["MOUSE"].balance_after) == (2, 2)
    assert Stock.objects.get(variant__sku="X1-32", warehouse__code="main").on_hand == 10


def test_a_line_refused_at_confirmation_time_rolls_the_whole_import_back(staff_client, store, catalogue):
    """The store changed between the check and the confirmation: nothing of the file is written."""
    preview = upload(speak(staff_client, "en"), "stock", b"sku,warehouse,on_hand\nX1-32,main,20\nX1-16,main,1\n")
    assert [status for _n, status, _k in statuses(preview)] == ["updated", "updated"]
    variant = Variant.objects.get(sku="X1-16")
    reservations.reserve(store=store, lines=[reservations.Line(variant_id=variant.pk, quantity=3)], owner="cart:a")
    before = snapshot()
    response = confirm(staff_client, preview)
    assert response.status_code == 400 and "on_hand" in errors_of(response)[3]
    assert snapshot() == before
    assert Stock.objects.get(variant__sku="X1-32", warehouse__code="main").on_hand == 10


@pytest.mark.parametrize(("language", "value"), [("fr", "1.234"), ("fr", "12.50"), ("en", "1,234"), ("en", "12,50")])
def test_a_number_with_the_other_separator_is_refused_not_guessed(staff_client, catalogue, language, value):
    delimiter = ";" if language == "fr" else ","
    content = f'sku{delimiter}price\nMOUSE{delimiter}"{value}"\n'
    response = upload(speak(staff_client, language), "products", content.encode())
    assert statuses(response) == [(2, "invalid", "MOUSE")]
    assert "price" in errors_of(response)[2]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_either_separator_line_end_and_bom(staff_client, catalogue, line_end, bom, delimiter):
    content = bom + line_end.join([delimiter.join(["sku", "warehouse", "on_hand"]),
                                   delimiter.join(["X1-16", "main", "4"]), ""])
    preview = upload(speak(staff_client, "fr"), "stock", content.encode())
    assert statuses(preview) == [(2, "updated", "X1-16 @ main")]
    confirm(staff_client, preview)
    assert Stock.objects.get(variant__sku="X1-16", warehouse__code="main").on_hand == 4


@pytest.mark.parametrize(("content", "column"), [
    ("sku,warehouse,on_hand\nX1-16,main,-1\n", "on_hand"),
    ("sku,warehouse,on_hand\nX1-16,main,99999999999\n", "on_hand"),
    ("sku,warehouse,on_hand\nX1-16,main,2.5\n", "on_hand"),
    ("sku,warehouse,on_hand\nX1-16,main,\n", "on_hand"),
    ("sku,warehouse,on_hand\nPAR-1,main,1\n", "sku"),
    ("sku,warehouse,on_hand\nX1-16,paris,1\n", "warehouse"),
    ("sku,warehouse,on_hand\nX1-16,main,1\nx1-16,MAIN,2\n", "sku"),
])
def test_bad_stock_lines_are_refused_with_their_column(staff_client, catalogue, foreign, content, column):
    before = snapshot()
    response = upload(speak(staff_client, "en"), "stock", content.encode())
    assert response.status_code == 200
    [errors] = errors_of(response).values()
    assert column in errors and not response.context["token"]
    assert snapshot() == before


@pytest.mark.parametrize(("line", "column"), [
    ("MOUSE,souris,Souris,informatique,,,-5", "price"),
    ("MOUSE,souris,Souris,informatique,,,100000000000000000000", "price"),
    ("MOUSE,souris,Souris,informatique,,,abc", "price"),
    ("MOUSE,other-slug,Souris,informatique,,,5", "product_slug"),
    ("NEW-2,nouveau,Nouveau,paris-only,,,5", "category"),
    ("NEW-2,nouveau,Nouveau,,,,5", "category"),
    ("NEW-2,nouveau,,informatique,,,5", "product_name"),
    ("NEW-2,,Nouveau,informatique,,,5", "product_slug"),
    ("NEW-2,nouveau,Nouveau,informatique,,,", "price"),
    ("NEW-2,nouveau,Nouveau,informatique,,peut-être,5", "published"),
])
def test_bad_product_lines_are_refused_with_their_column(staff_client, catalogue, foreign, line, column):
    content = f"sku,product_slug,product_name,category,brand,published,price\n{line}\n"
    before = snapshot()
    response = upload(speak(staff_client, "en"), "products", content.encode())
    assert column in errors_of(response)[2], errors_of(response)
    assert snapshot() == before


@pytest.mark.parametrize(("column", "value"), [
    ("barcode", "4006381333932"), ("options", '{""RAM"": ""16""}'), ("options", "RAM=1|RAM=2"),
    ("sale_price", "2000000"), ("tax_class", "luxe"), ("weight_kg", "1.2345"),
])
def test_bad_variant_values_are_refused(staff_client, catalogue, column, value):
    content = f'sku,{column}\nX1-16,"{value}"\n'
    response = upload(speak(staff_client, "en"), "products", content.encode())
    assert column in errors_of(response)[2], errors_of(response)


def test_another_stores_sku_is_never_reached(staff_client, store, catalogue, foreign):
    """Store A names a SKU store B uses: it is store A's own new SKU, and store B's variant is untouched."""
    content = "sku,product_slug,product_name,category,price\nPAR-1,chaise-a,Chaise A,informatique,5\n"
    foreign_variant = foreign.variants.get()
    preview = upload(speak(staff_client, "en"), "products", content.encode())
    assert statuses(preview) == [(2, "new", "PAR-1")]
    confirm(staff_client, preview)
    assert Variant.objects.get(store=store, sku="PAR-1").price == Decimal(5)
    foreign_variant.refresh_from_db()
    assert (foreign_variant.price, foreign_variant.product.slug) == (Decimal(50), "chaise")


def test_an_expired_upload_asks_for_the_file_again(staff_client, catalogue):
    preview = upload(speak(staff_client, "en"), "stock", b"sku,warehouse,on_hand\nX1-16,main,1\n")
    cache.clear()
    before = snapshot()
    response = staff_client.post(reverse("staff_catalog_io:confirm"), {"token": preview.context["token"]}, follow=True)
    assert "expired" in response.content.decode()
    assert snapshot() == before
    forged = staff_client.post(reverse("staff_catalog_io:confirm"), {"token": "forged"}, follow=True)
    assert "expired" in forged.content.decode()


def test_xlsx_text_numbers_follow_the_language(staff_client, catalogue):
    """A number typed as text in a sheet is read like a CSV cell; a real number cell is read as a number."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["sku", "price", "weight_kg"])
    book.active.append(["X1-16", 950000.5, "1,5"])
    book.active.append(["X1-32", "1.234", None])
    content = io.BytesIO()
    book.save(content)
    response = upload(speak(staff_client, "fr"), "products", content.getvalue(), name="prices.xlsx")
    assert statuses(response) == [(2, "updated", "X1-16"), (3, "invalid", "X1-32")]
    assert response.context["report"].lines[0].changes == [("price", "900000", "950000,50"),
                                                           ("weight_kg", "1,25", "1,5")]
