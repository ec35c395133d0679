"""The services an import writes through: stock levels (`import_level`) and variant lines (`import_variant`)."""

from decimal import Decimal

import pytest

from ashopy.catalog.models import Product, Variant
from ashopy.catalog.services import import_variant
from ashopy.core.errors import PermissionDenied
from ashopy.inventory import reservations, services
from ashopy.inventory.errors import BelowReserved, InvalidQuantity, WrongStore
from ashopy.inventory.models import Reason, Stock, StockMovement
from tests import factories

pytestmark = [pytest.mark.django_db]


def level(variant, warehouse):
    return Stock.objects.get(variant=variant, warehouse=warehouse).on_hand


def test_import_level_records_the_difference_as_an_import_movement(store, manager, catalogue):
    variant, main = catalogue.variants.get(sku="X1-16"), factories.warehouse(store, "main")
    movement = services.import_level(store=store, variant=variant, warehouse=main, on_hand=4, user=manager)
    assert (movement.reason, movement.quantity, movement.balance_after) == (Reason.IMPORT, -6, 4)
    assert movement.user == manager
    assert movement.get_reason_display() == "Import" and level(variant, main) == 4
    up = services.import_level(store=store, variant=variant, warehouse=main, on_hand=9, user=manager)
    assert (up.quantity, up.balance_after) == (5, 9)
    count = StockMovement.objects.count()
    assert services.import_level(store=store, variant=variant, warehouse=main, on_hand=9, user=manager) is None
    assert StockMovement.objects.count() == count, "no movement when the level is unchanged"
    total = sum(StockMovement.objects.filter(variant=variant, warehouse=main).values_list("quantity", flat=True))
    assert total == level(variant, main), "the ledger still adds up to on_hand"


def test_import_level_makes_the_stock_row_when_missing(store, manager, catalogue):
    variant, shop = catalogue.variants.get(sku="X1-32"), factories.warehouse(store, "shop")
    movement = services.import_level(store=store, variant=variant, warehouse=shop, on_hand=2, user=manager)
    assert movement.quantity == 2 and level(variant, shop) == 2


def test_import_level_refuses_what_the_rules_refuse(store, seller, manager, catalogue, foreign):
    variant, main = catalogue.variants.get(sku="X1-16"), factories.warehouse(store, "main")
    with pytest.raises(PermissionDenied):
        services.import_level(store=store, variant=variant, warehouse=main, on_hand=1, user=seller)
    for bad in (-1, 1_000_001, 2.5, True):
        with pytest.raises(InvalidQuantity):
            services.import_level(store=store, variant=variant, warehouse=main, on_hand=bad, user=manager)
    with pytest.raises(WrongStore):
        services.import_level(store=store, variant=foreign.variants.get(), warehouse=main, on_hand=1, user=manager)
    reservations.reserve(store=store, lines=[reservations.Line(variant_id=variant.pk, quantity=3)],
                         owner="cart:test")
    with pytest.raises(BelowReserved):
        services.import_level(store=store, variant=variant, warehouse=main, on_hand=2, user=manager)
    assert level(variant, main) == 10


def test_import_variant_creates_updates_and_checks_the_role(store, manager, seller, catalogue):
    category = catalogue.category
    variant, created = import_variant(store=store, sku="Z-1", product_slug="zed", user=manager,
                                      product={"name": "Zed", "category": category, "brand": "Acme",
                                               "published": True},
                                      variant={"price": Decimal(10), "options": {"Taille": "M"}})
    assert created and variant.product.slug == "zed" and variant.product.brand.name == "Acme"
    assert Product.objects.get(slug="zed").status == Product.Status.PUBLISHED
    second, created = import_variant(store=store, sku="Z-2", product_slug="zed", user=manager, product={},
                                     variant={"price": Decimal(12)})
    assert created and second.product_id == variant.product_id and second.position == 1
    same, created = import_variant(store=store, sku="Z-1", product_slug="zed", user=manager,
                                   product={"published": False}, variant={"price": Decimal(11)})
    assert not created and same.price == Decimal(11) and Product.objects.get(slug="zed").status == "draft"
    with pytest.raises(PermissionDenied):
        import_variant(store=store, sku="Z-1", product_slug="zed", user=seller, product={},
                       variant={"price": Decimal(1)})
    assert Variant.objects.get(sku="Z-1").price == Decimal(11)
