"""load_demo builds the same two stores every time; generate_catalog bulk-creates correct products."""

import io
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import QueryDict
from stdnum import ean

from ashopy.accounts.models import Partner, User
from ashopy.catalog.filters import ProductFilters
from ashopy.catalog.models import (
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    RealEstateLot,
    RetailProduct,
    Variant,
)
from ashopy.catalog.selectors import filtered_products
from ashopy.catalog.services import search_text_for
from ashopy.catalog.tree import category_tree
from ashopy.demo.images import initials
from ashopy.demo.structure import DEMO_PASSWORD
from ashopy.inventory.models import Reason, Stock, StockMovement, VariantCost, Warehouse
from ashopy.inventory.selectors import stock_list
from ashopy.orders.models import Order
from ashopy.pos import triggers
from ashopy.pricing.models import SegmentDiscount, TaxRate
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions.models import Promotion
from ashopy.purchasing.models import Supplier, SupplierItem
from ashopy.purchasing.selectors import reorder_suggestions
from ashopy.sales.models import Invoice
from ashopy.stores.models import Membership, Store, StoreDomain
from ashopy.stores.selectors import clear_store_cache, store_for_host
from tests import factories

COUNTED = [Store, StoreDomain, Category, Brand, Product, RetailProduct, RealEstateLot, Variant, ProductImage,
           AttributeValue, TaxRate, SegmentDiscount, Partner, User, Membership, Warehouse, Stock, StockMovement,
           VariantCost, Supplier, SupplierItem, Promotion]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _counts():
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    # A store's invoiced orders stay through a reset (an issued invoice is never deleted) and are not placed
    # again: the rebuilt ledger holds the opening stock, not what those orders sold or had returned.
    counts["StockMovement"] = StockMovement.objects.exclude(reason__in=[Reason.SALE, Reason.RETURN]).count()
    counts["Order"], counts["Invoice"] = Order.objects.count(), Invoice.objects.count()
    return counts


def _load(products=14, **options):
    out = io.StringIO()
    call_command("load_demo", products=products, stdout=out, **options)
    return out.getvalue()


def _check_stock():
    out = io.StringIO()
    call_command("check_stock", stdout=out)  # raises CommandError on any discrepancy
    return out.getvalue()


def _assert_listing_fields_are_fresh(products):
    for product in products:
        variants = list(product.variants.filter(active=True))
        assert product.price_from == min(v.effective_price for v in variants), product
        assert product.on_sale == any(v.sale_price is not None and v.sale_price < v.price for v in variants)
        assert product.search_text == search_text_for(product)


@pytest.mark.django_db
def test_load_demo_reset_gives_the_same_data(settings):
    output = _load()
    first = _counts()
    assert _load(reset=True) and _counts() == first
    dakar, paris = Store.objects.get(slug="dakar"), Store.objects.get(slug="paris")
    assert (dakar.currency, dakar.country.code, dakar.prices_include_tax) == ("XOF", "SN", True)
    assert (paris.currency, paris.country.code, paris.timezone) == ("EUR", "FR", "Europe/Paris")
    assert dakar.tax_id.startswith("NINEA") and paris.tax_id.startswith("SIRET")
    clear_store_cache()
    assert store_for_host("localhost") == dakar and store_for_host("paris.localhost") == paris
    assert dakar.domains.get(is_primary=True).domain == "dakar.localhost"
    assert sorted(TaxRate.objects.filter(store=paris).values_list("rate", flat=True)) == [Decimal("5.5"), 20]
    assert TaxRate.objects.get(store=dakar, tax_class__is_default=True).rate == 18
    assert dict(SegmentDiscount.objects.filter(store=dakar).values_list("segment", "percent")) == {
        "etudiant": 10, "professionnel": 5, "entreprise": 7, "institution": 8}
    assert Category.objects.filter(store=dakar, depth=3).exists()
    for store in (dakar, paris):
        products = Product.objects.filter(store=store)
        assert products.count() == 14
        assert not products.filter(variants__isnull=True).exists()
        assert not products.filter(images__isnull=True).exists()
        assert not products.filter(attribute_values__isnull=True).exists()
        _assert_listing_fields_are_fresh(products)
    assert RealEstateLot.objects.filter(store=dakar).exists() and RetailProduct.objects.filter(store=dakar).exists()
    assert all(ean.is_valid(code) for code in Variant.objects.values_list("barcode", flat=True))
    picture = ProductImage.objects.first()
    assert default_storage.exists(picture.image.name) and (picture.width, picture.height) == (600, 600)
    assert "admin@ashopy.test" in output and DEMO_PASSWORD in output
    assert "agree" in _check_stock()
    for store in (dakar, paris):  # winter sales on the accessories, a fixed price on a smartphone
        promotions = {promotion.kind: promotion for promotion in Promotion.objects.filter(store=store)}
        assert set(promotions) == {"percent", "fixed_price"}
        assert promotions["percent"].categories.get().slug == "accessoires"
        phone = promotions["fixed_price"].products.get()
        assert PricingPolicy(store).price(phone.variants.first()).price == promotions["fixed_price"].value


@pytest.mark.django_db
def test_load_demo_stocks_every_variant_through_the_ledger():
    _load(products=30)
    assert "agree" in _check_stock()
    for store in Store.objects.filter(slug__in=["dakar", "paris"]):
        assert sorted(Warehouse.objects.filter(store=store).values_list("kind", flat=True)) == ["main", "shop"]
        variants = Variant.objects.filter(store=store)
        assert not variants.filter(preorder=False, stocks__isnull=True).exists()  # stocked, or on pre-order
        assert not Stock.objects.filter(variant__preorder=True).exists()
        receipts = StockMovement.objects.filter(store=store, reason="receipt").select_related("variant")
        assert receipts.count() == variants.filter(preorder=False).count()
        for receipt in receipts:
            assert Decimal("0.59") <= receipt.unit_cost / receipt.variant.price <= Decimal("0.76"), receipt
        assert StockMovement.objects.filter(store=store, reason="transfer_in").exists()
        assert stock_list(store=store, low_only=True).exists()  # the low-stock page has rows
        plan = reorder_suggestions(store=store)
        assert plan.to_order and not plan.no_supplier  # every suggestion has its preferred supplier
        assert Supplier.objects.filter(store=store).count() == 2
        assert SupplierItem.objects.filter(supplier__store=store).count() == variants.exclude(
            product__in=RealEstateLot.objects.all()).count()
    lots = Stock.objects.filter(variant__product__in=RealEstateLot.objects.all())
    assert lots.exists() and set(lots.values_list("on_hand", flat=True)) == {1}


@pytest.mark.django_db
def test_load_demo_people_have_their_roles():
    _load(products=3)
    dakar, paris = Store.objects.get(slug="dakar"), Store.objects.get(slug="paris")
    admin = User.objects.get(email="admin@ashopy.test")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    for store in (dakar, paris):
        for role in ("gestionnaire", "vendeur"):
            user = User.objects.get(email=f"{role}.{store.slug}@ashopy.test")
            assert user.is_staff and user.check_password(DEMO_PASSWORD)
            assert list(user.memberships.values_list("store", "role")) == [(store.pk, role)]
            assert list(user.groups.values_list("name", flat=True)) == [role]
    segments = dict(User.objects.filter(role="client").values_list("email", "segment"))
    assert set(segments.values()) == {"", "etudiant", "professionnel", "entreprise", "institution"}
    member = User.objects.get(email="ucad@ashopy.test")
    assert member.partner.name == "Université Cheikh Anta Diop" and member.partner.discount_percent == 5
    assert member.partner.store == dakar and member.email_verified
    assert not Membership.objects.filter(user__role="client").exists()
    assert User.objects.get(email="client@ashopy.test").addresses.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_generate_catalog_creates_findable_correct_products(store):
    factories.laptop_type(store)
    call_command("generate_catalog", products=300, store="dakar", batch=128, verbosity=0, stdout=io.StringIO())
    products = Product.objects.filter(store=store)
    assert products.count() == 300 and RetailProduct.objects.filter(store=store).count() == 300
    assert {type(p) for p in products[:20]} == {RetailProduct}
    assert Category.objects.filter(store=store, numchild=0).count() >= 1 and Brand.objects.filter(store=store)
    assert not products.filter(search_vector__isnull=True).exists()
    assert products.filter(images__isnull=True).count() == 0 and ProductImage.objects.count() == 300
    variants = Variant.objects.filter(store=store)
    assert 300 <= variants.count() <= 600
    assert variants.values("sku").distinct().count() == variants.count()
    assert all(ean.is_valid(code) for code in variants.values_list("barcode", flat=True))
    assert AttributeValue.objects.filter(product__store=store).count() == 600
    _assert_listing_fields_are_fresh(products.select_related("brand", "category"))
    stocks = Stock.objects.filter(store=store)
    assert 0.85 * variants.count() <= stocks.count() < variants.count()  # a few get no opening stock
    assert StockMovement.objects.filter(store=store, reason="receipt").count() == stocks.count()
    assert VariantCost.objects.filter(variant__store=store).count() == stocks.count()
    assert Warehouse.objects.filter(store=store).count() == 1
    assert "agree" in _check_stock()
    sample = products.order_by("id")[150]
    tree = category_tree(store)
    for query in (sample.name, sample.name.split()[-1]):
        params = QueryDict(mutable=True)
        params["q"] = query
        filters, _ = ProductFilters.parse(params, strict=True)
        found = filtered_products(store=store, filters=filters, tree=tree).values_list("pk", flat=True)
        assert sample.pk in set(found), query


@pytest.mark.django_db
def test_a_second_load_demo_keeps_what_the_merchant_created():
    _load(products=2)
    dakar = Store.objects.get(slug="dakar")
    mine = Brand.objects.create(store=dakar, name="Marque du marchand", slug="marque-du-marchand")
    renamed = Product.objects.filter(store=dakar).first()
    Product.objects.filter(pk=renamed.pk).update(name="Nom choisi par le marchand")
    counts = _counts()
    output = _load(products=2)
    assert "kept as it is" in output and "--reset" in output
    assert Brand.objects.filter(pk=mine.pk).exists() and _counts() == counts
    assert Product.objects.get(pk=renamed.pk).name == "Nom choisi par le marchand"
    _load(products=2, reset=True)
    assert not Brand.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db(transaction=True)  # the sample orders' e-mails leave after their commits
def test_load_demo_ends_with_the_logins_and_the_addresses_not_the_e_mails(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    output = _load(products=2)
    tail = output[output.index("Logins"):]
    for expected in ("admin@ashopy.test", "vendeur.paris@ashopy.test", DEMO_PASSWORD, "http://dakar.localhost:8000/",
                     "http://paris.localhost:8000/", "/staff/", "/admin/", "/api/docs/", str(tmp_path / "mail")):
        assert expected in tail, expected
    assert "Subject:" not in output and "Content-Type" not in output
    assert any((tmp_path / "mail").iterdir())  # the sample orders' e-mails went to files


def test_make_demo_console_is_the_summary_not_the_tasks_and_mails(tmp_path):
    """What a newcomer sees: migrate and load_demo on the embedded default (SQLite, no Redis, eager tasks)."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "EMAIL_URL")}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"),
               CACHE_DIR=str(tmp_path / "cache"))
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)
    # Rebuilding a table to add a column (SQLite's way) drops its triggers: the till's stay append-only.
    with sqlite3.connect(tmp_path / "demo.sqlite3") as database:
        found = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {f"{table}_no_{operation}" for table in triggers.TABLES for operation in ("update", "delete")} <= found
    run = subprocess.run([*manage, "load_demo", "--products", "1"], env=env, check=True, capture_output=True,
                         text=True)
    console = run.stdout + run.stderr
    assert "Demo loaded." in console and "http://dakar.localhost:8000/staff/" in console
    for noise in ("Task ", "succeeded in", "No hostname", "Subject:", "Content-Type"):
        assert noise not in console, noise
    assert len(console.splitlines()) < 40, console


@pytest.mark.parametrize(("name", "expected"), [
    ("Écran Élite 27", "EE"), ("Œuvre — Ça va", "OC"), ("ThinkPad X1", "TX"), ("— 42", "4"), ("", "?")])
def test_demo_picture_initials_are_drawable_ascii(name, expected):
    """Pillow's bundled font draws ASCII only: an accented initial would be a missing-glyph box."""
    assert initials(name) == expected and initials(name).isascii()
