"""Catalogue services keep invariants: store ownership, unique SKUs, typed specifications, listing fields."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from PIL import Image

from ashopy.catalog import services
from ashopy.catalog.models import AttributeValue, Product, Variant
from ashopy.catalog.tree import category_tree
from tests import factories


def _jpeg(size=(40, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_listing_fields_follow_the_variants(store):
    product = factories.product(store, variants=[{"price": Decimal(900)}, {"price": Decimal(500), "sale_price": None}])
    assert product.price_from == Decimal(500) and product.on_sale is False
    cheap = product.variants.get(price=500)
    services.save_variant(store=store, product=product, variant=cheap, sale_price=Decimal(400))
    product.refresh_from_db()
    assert product.price_from == Decimal(400) and product.on_sale is True
    services.save_variant(store=store, product=product, variant=cheap, active=False)
    product.refresh_from_db()
    assert product.price_from == Decimal(900) and product.on_sale is False


@pytest.mark.django_db
def test_sku_is_unique_per_store_only(store, other_store):
    factories.product(store, variants=[{"sku": "LAP-1", "price": Decimal(1)}])
    factories.product(other_store, variants=[{"sku": "LAP-1", "price": Decimal(1)}])
    with pytest.raises(ValidationError) as error:
        factories.product(store, "Autre", variants=[{"sku": "LAP-1", "price": Decimal(1)}])
    assert "sku" in error.value.message_dict
    assert Variant.objects.filter(sku="LAP-1").count() == 2


@pytest.mark.django_db
def test_another_stores_category_or_brand_is_refused(store, other_store):
    foreign = factories.category(other_store, "Étranger")
    with pytest.raises(ValidationError) as error:
        services.create_product(store=store, name="X", category=foreign, variants=[{"price": Decimal(1)}])
    assert "category" in error.value.message_dict
    assert not Product.objects.filter(store=store).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("price", Decimal(-1)), ("barcode", "1234567890123"),
                                              ("sale_price", Decimal(2000))])
def test_bad_variant_values_are_refused(store, field, value):
    product = factories.product(store, price="1000")
    variant = product.variants.get()
    with pytest.raises(ValidationError) as error:
        services.save_variant(store=store, product=product, variant=variant, **{field: value})
    assert field in error.value.message_dict
    variant.refresh_from_db()
    assert variant.price == Decimal(1000) and variant.barcode == "" and variant.sale_price is None


@pytest.mark.django_db
def test_database_refuses_a_sale_price_above_the_price(store):
    variant = factories.product(store, price="1000").variants.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(sale_price=Decimal(5000))


@pytest.mark.django_db
def test_valid_ean13_is_accepted(store):
    product = factories.product(store)
    variant = services.save_variant(store=store, product=product, variant=product.variants.get(),
                                    barcode="4006381333931")
    assert variant.barcode == "4006381333931"


@pytest.mark.django_db
def test_specifications_are_typed(store):
    kind = factories.laptop_type(store)
    product = factories.product(store, product_type=kind)
    services.set_specifications(product=product, values={"cpu": "Intel i7", "ram": 16, "ecran": "14.5",
                                                         "tactile": True, "couleur": "argent"})
    with translation.override("en"):
        shown = {v.attribute.slug: v.display for v in AttributeValue.objects.filter(product=product)}
    assert shown == {"cpu": "Intel i7", "ram": "16 Go", "ecran": "14.5 pouces", "tactile": "Yes", "couleur": "Argent"}
    for bad in ({"ram": "seize"}, {"ram": 1.5}, {"couleur": "rose"}, {"tactile": "peut-être"}, {"inconnu": 1}):
        with pytest.raises(ValidationError):
            services.set_specifications(product=product, values=bad)
    services.set_specifications(product=product, values={"cpu": None})
    assert not AttributeValue.objects.filter(product=product, attribute__slug="cpu").exists()


@pytest.mark.django_db
def test_images_must_be_real_and_small(store, settings):
    product = factories.product(store)
    picture = services.add_image(product=product, image=_jpeg())
    assert (picture.width, picture.height) == (40, 40) and picture.alt == product.name
    with pytest.raises(ValidationError):
        services.add_image(product=product, image=SimpleUploadedFile("x.jpg", b"not an image"))
    settings.ASHOPY_MAX_IMAGE_BYTES = 100
    with pytest.raises(ValidationError):
        services.add_image(product=product, image=_jpeg((400, 400)))
    assert product.images.count() == 1


@pytest.mark.django_db
def test_category_tree_is_cached_and_refreshed_on_change(store, django_assert_num_queries):
    root = factories.category(store, "Informatique")
    child = factories.category(store, "Portables", parent=root)
    grandchild = factories.category(store, "Ultraportables", parent=child)
    tree = category_tree(store)
    with django_assert_num_queries(0):
        tree = category_tree(store)
    node = tree.get(grandchild.slug)
    assert [n.slug for n in node.ancestors()] == [root.slug, child.slug]
    assert set(tree.get(root.slug).descendant_ids()) == {root.id, child.id, grandchild.id}
    services.update_category(category=grandchild, parent=root)
    assert category_tree(store).get(grandchild.slug).parent.slug == root.slug
    with pytest.raises(ValidationError):
        services.update_category(category=root, parent=grandchild)
    factories.product(store, category_=child)
    with pytest.raises(ValidationError):
        services.delete_category(category=child)


@pytest.mark.django_db
def test_category_manager_keeps_tree_order_and_store_scope(store, other_store):
    root = factories.category(store, "B-racine")
    factories.category(store, "A-enfant", parent=root)
    factories.category(other_store, "Ailleurs")
    from ashopy.catalog.models import Category

    assert [c.name for c in Category.objects.for_store(store)] == ["B-racine", "A-enfant"]
