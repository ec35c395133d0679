"""The catalogue services the back office added: bulk price changes (figures, rounding, all or nothing),
image updates, the refusal to delete a variant with history, and editing a given product type."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ashopy.catalog import services
from ashopy.catalog.models import ProductType, Variant
from ashopy.core.errors import PermissionDenied
from tests import factories
from tests.backoffice.catalog.conftest import png

pytestmark = [pytest.mark.django_db]


def variant(price, sale=None, sku="V"):
    return Variant(sku=sku, price=Decimal(price), sale_price=None if sale is None else Decimal(sale))


@pytest.mark.parametrize(("currency", "mode", "value", "price", "sale", "expected"), [
    ("XOF", "percent", "10", "15000", None, ("16500", None)),
    ("XOF", "percent", "-33", "1001", "999", ("671", "669")),  # 670.67 → 671, 669.33 → 669
    ("XOF", "amount", "-500", "15000", "12000", ("14500", "11500")),
    ("XOF", "amount", "0.4", "15000", None, ("15000", None)),  # below the franc: rounds back
    ("EUR", "percent", "12.5", "19.99", None, ("22.49", None)),
    ("EUR", "percent", "-10", "0.05", None, ("0.05", None)),  # 0.045 → 0.05 half-up
    ("EUR", "amount", "1.5", "19.99", "17.50", ("21.49", "19.00")),
])
def test_price_changes_round_to_the_currencys_minor_unit(currency, mode, value, price, sale, expected):
    store = factories.StoreFactory.build(currency=currency)
    [change] = services.price_changes(store=store, variants=[variant(price, sale)], mode=mode, value=Decimal(value))
    assert (change.new_price, change.new_sale_price) == (
        Decimal(expected[0]), None if expected[1] is None else Decimal(expected[1]))
    assert (change.old_price, change.old_sale_price) == (Decimal(price), None if sale is None else Decimal(sale))


def test_a_price_at_or_below_zero_refuses_the_whole_change():
    store = factories.StoreFactory.build(currency="XOF")
    rows = [variant("5000", sku="OK"), variant("400", sku="TOO-CHEAP"), variant("600", "500", sku="SALE")]
    with pytest.raises(ValidationError) as error:
        services.price_changes(store=store, variants=rows, mode="amount", value=Decimal(-500))
    assert "TOO-CHEAP" in str(error.value) and "SALE" in str(error.value) and "OK" not in str(error.value)
    with pytest.raises(ValidationError):
        services.price_changes(store=store, variants=[variant("1")], mode="percent", value=Decimal(-60))  # 0.4 → 0
    with pytest.raises(ValidationError):
        services.price_changes(store=store, variants=rows, mode="double", value=Decimal(1))


def test_change_prices_applies_to_every_variant_and_refreshes_the_listing_price(store, manager):
    product = factories.product(store, "X", variants=[{"sku": "A", "price": Decimal(1000)},
                                                      {"sku": "B", "price": Decimal(3000),
                                                       "sale_price": Decimal(2000)}])
    changes = services.change_prices(store=store, products=[product], mode="percent", value=Decimal(50),
                                     user=manager)
    assert [(c.variant.sku, c.new_price, c.new_sale_price) for c in changes] == [
        ("A", Decimal(1500), None), ("B", Decimal(4500), Decimal(3000))]
    product.refresh_from_db()
    assert product.price_from == Decimal(1500) and product.on_sale


def test_update_image_changes_alt_and_position_for_catalogue_roles_only(store, manager, seller):
    product = factories.product(store, "X")
    image = services.add_image(product=product, image=png())
    with pytest.raises(PermissionDenied):
        services.update_image(image=image, alt="Volé", position=3, user=seller)
    services.update_image(image=image, alt="Face", position=3, user=manager)
    image.refresh_from_db()
    assert (image.alt, image.position) == ("Face", 3)
    with pytest.raises(ValidationError):
        services.update_image(image=image, alt="x" * 201, position=1, user=manager)


def test_a_variant_with_stock_history_is_not_deleted(store, manager):
    product = factories.product(store, "X", variants=[{"sku": "A"}, {"sku": "B"}])
    stocked = product.variants.get(sku="A")
    factories.receive(stocked, 2)
    with pytest.raises(ValidationError) as error:
        services.delete_variant(variant=stocked, user=manager)
    assert "make it inactive" in str(error.value)
    services.delete_variant(variant=product.variants.get(sku="B"), user=manager)
    assert list(product.variants.values_list("sku", flat=True)) == ["A"]


def test_save_product_type_edits_the_given_type_and_refuses_another_stores(store, other_store, manager):
    kind = factories.laptop_type(store)
    renamed = services.save_product_type(store=store, name="Portable", slug="portable", product_type=kind,
                                         user=manager)
    assert renamed.pk == kind.pk and ProductType.objects.get(pk=kind.pk).slug == "portable"
    foreign = factories.laptop_type(other_store)
    with pytest.raises(ValidationError):
        services.save_product_type(store=store, name="X", product_type=foreign, user=manager)
    other = services.save_product_type(store=store, name="Téléphone", user=manager)
    with pytest.raises(ValidationError):
        services.save_product_type(store=store, name="Téléphone", slug="portable", product_type=other, user=manager)
    assert ProductType.objects.get(pk=foreign.pk).name == "Ordinateur portable"
