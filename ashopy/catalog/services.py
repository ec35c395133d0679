"""Catalogue use cases. Views, the API, the admin and commands change the catalogue only here."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ashopy.stores.models import Store

from . import tree
from .models import (
    Attribute,
    AttributeChoice,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    RealEstateLot,
    RetailProduct,
    TaxClass,
    Variant,
    fold,
)

PRODUCT_KINDS = {"retail": RetailProduct, "real_estate_lot": RealEstateLot}


def kind_of(product: Product) -> str:
    for kind, model in PRODUCT_KINDS.items():
        if product.polymorphic_ctype_id and product.get_real_instance_class() is model:
            return kind
    return "retail"


def unique_slug(model, store: Store, text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:120] or "item"
    slug, n = base, 2
    existing = model.objects.filter(store=store)
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    taken = set(existing.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def search_text_for(product: Product) -> str:
    parts = [product.name, product.brand.name if product.brand_id else "", product.category.name]
    return fold(" ".join(p for p in parts if p))


def refresh_product(product: Product) -> Product:
    """Recompute what listings read from the product row: price_from, on_sale, search_text."""
    variants = list(Variant.objects.filter(product=product, active=True).values_list("price", "sale_price"))
    prices = [sale if sale is not None else price for price, sale in variants]
    product.price_from = min(prices) if prices else Decimal(0)
    product.on_sale = any(sale is not None and sale < price for price, sale in variants)
    product.search_text = search_text_for(product)
    Product.objects.filter(pk=product.pk).update(
        price_from=product.price_from, on_sale=product.on_sale, search_text=product.search_text)
    return product


def _check_store(store: Store, **related):
    for field, obj in related.items():
        if obj is not None and obj.store_id != store.pk:
            raise ValidationError({field: _("Choose one of this store's own.")})


@transaction.atomic
def create_product(*, store: Store, kind: str = "retail", variants: list[dict] | None = None,
                   specifications: dict | None = None, **fields) -> Product:
    """Create a product of `kind` with its variants (at least one) and specifications."""
    model = PRODUCT_KINDS.get(kind)
    if model is None:
        raise ValidationError({"kind": _("Unknown product kind.")})
    _check_store(store, category=fields.get("category"), brand=fields.get("brand"),
                 product_type=fields.get("product_type"))
    if not fields.get("slug"):
        fields["slug"] = unique_slug(Product, store, fields.get("name", ""))
    product = model(store=store, **fields)
    product.full_clean(exclude=["search_vector"])
    product.save()
    for position, variant in enumerate(variants or [{}]):
        variant.setdefault("position", position)
        save_variant(store=store, product=product, refresh=False, **variant)
    if specifications:
        set_specifications(product=product, values=specifications)
    return refresh_product(product)


@transaction.atomic
def update_product(*, product: Product, specifications: dict | None = None, **fields) -> Product:
    _check_store(product.store, category=fields.get("category"), brand=fields.get("brand"),
                 product_type=fields.get("product_type"))
    for name, value in fields.items():
        setattr(product, name, value)
    product.full_clean(exclude=["search_vector"])
    product.save()
    if specifications:
        set_specifications(product=product, values=specifications)
    return refresh_product(product)


@transaction.atomic
def delete_product(*, product: Product) -> None:
    product.delete()


@transaction.atomic
def save_variant(*, store: Store, product: Product, variant: Variant | None = None, refresh: bool = True,
                 **fields) -> Variant:
    """Create or update a variant of `product`; SKU defaults to the product's slug and position."""
    if product.store_id != store.pk:
        raise ValidationError({"product": _("Choose one of this store's own.")})
    _check_store(store, tax_class=fields.get("tax_class"))
    variant = variant or Variant(store=store, product=product)
    for name, value in fields.items():
        setattr(variant, name, value)
    if not variant.sku:
        variant.sku = f"{product.slug[:50]}-{variant.position or 0}".upper()
    if variant.price is None:
        variant.price = Decimal(0)
    variant.full_clean(validate_unique=False, validate_constraints=False)
    if Variant.objects.filter(store=store, sku=variant.sku).exclude(pk=variant.pk).exists():
        raise ValidationError({"sku": _("This SKU is already used in this store.")})
    variant.save()
    if refresh:
        refresh_product(product)
    return variant


@transaction.atomic
def delete_variant(*, variant: Variant) -> None:
    product = variant.product
    if product.variants.count() <= 1:
        raise ValidationError({"variant": _("A product keeps at least one variant.")})
    variant.delete()
    refresh_product(product)


@transaction.atomic
def add_image(*, product: Product, image, alt: str = "", position: int | None = None) -> ProductImage:
    if position is None:
        position = product.images.count()
    picture = ProductImage(product=product, image=image, alt=alt or product.name, position=position)
    picture.full_clean()
    picture.save()
    return picture


@transaction.atomic
def delete_image(*, image: ProductImage) -> None:
    """Remove a product image; its file goes once the deletion is committed."""
    picture = image.image
    image.delete()
    if picture:
        transaction.on_commit(lambda: picture.storage.delete(picture.name))


def _typed(attribute: Attribute, raw):
    """Convert `raw` to the column of the attribute's kind: {field: value}."""
    Kind = Attribute.Kind
    try:
        if attribute.kind == Kind.TEXT:
            return {"value_text": str(raw)[:255]}
        if attribute.kind == Kind.INTEGER:
            if isinstance(raw, bool) or int(raw) != Decimal(str(raw)):
                raise ValueError
            return {"value_integer": int(raw)}
        if attribute.kind == Kind.DECIMAL:
            value = Decimal(str(raw))
            if not value.is_finite():
                raise ValueError
            return {"value_decimal": value}
        if attribute.kind == Kind.BOOLEAN:
            if raw not in (True, False, "true", "false"):
                raise ValueError
            return {"value_boolean": raw in (True, "true")}
        choice = attribute.choices.filter(slug=str(raw)).first() or attribute.choices.filter(value=str(raw)).first()
        if choice is None:
            raise ValueError
        return {"value_choice": choice}
    except (ValueError, TypeError, InvalidOperation) as error:
        raise ValidationError({attribute.slug: _("“%(value)s” is not a valid %(kind)s.") % {
            "value": str(raw)[:40], "kind": attribute.get_kind_display().lower()}}) from error


@transaction.atomic
def set_specifications(*, product: Product, values: dict) -> None:
    """Set `product`'s specification values, {attribute slug: value}; None removes one."""
    if product.product_type_id is None:
        raise ValidationError({"specifications": _("Give the product a product type first.")})
    attributes = {a.slug: a for a in product.product_type.attributes.all()}
    unknown = set(values) - set(attributes)
    if unknown:
        raise ValidationError({"specifications": _("Unknown attribute(s): %(names)s") % {
            "names": ", ".join(sorted(unknown))}})
    for slug, raw in values.items():
        attribute = attributes[slug]
        if raw is None or raw == "":
            AttributeValue.objects.filter(product=product, attribute=attribute).delete()
            continue
        empty = {"value_text": "", "value_integer": None, "value_decimal": None, "value_boolean": None,
                 "value_choice": None}
        AttributeValue.objects.update_or_create(product=product, attribute=attribute,
                                                defaults={**empty, **_typed(attribute, raw)})


@transaction.atomic
def create_category(*, store: Store, parent: Category | None = None, **fields) -> Category:
    if parent is not None and parent.store_id != store.pk:
        raise ValidationError({"parent": _("Choose one of this store's own.")})
    if not fields.get("slug"):
        fields["slug"] = unique_slug(Category, store, fields.get("name", ""))
    category = Category(store=store, **fields)
    category.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Category.objects.add_root(instance=category)
    return Category.objects.add_child(parent, instance=category)


@transaction.atomic
def update_category(*, category: Category, parent: Category | type[Ellipsis] | None = ..., **fields) -> Category:
    for name, value in fields.items():
        setattr(category, name, value)
    category.full_clean(exclude=["path", "depth", "numchild"])
    category.save()
    if parent is not ...:
        current = Category.objects.get_parent(category)
        if parent != current:
            if parent is not None and (parent.store_id != category.store_id or parent.path.startswith(category.path)):
                raise ValidationError({"parent": _("A category cannot move under itself or another store's.")})
            if parent is None:
                Category.objects.move(category, Category.objects.get_last_root_node(), "sorted-sibling")
            else:
                Category.objects.move(category, parent, "sorted-child")
            category.refresh_from_db()
            tree.bump(category.store_id)
    for product in Product.objects.filter(category=category).only("id", "name", "brand", "category"):
        refresh_product(product)
    return category


@transaction.atomic
def delete_category(*, category: Category) -> None:
    if Product.objects.filter(category__path__startswith=category.path, category__store=category.store).exists():
        raise ValidationError({"category": _("Move or delete this category's products first.")})
    category.delete()
    tree.bump(category.store_id)


@transaction.atomic
def save_brand(*, store: Store, brand: Brand | None = None, **fields) -> Brand:
    brand = brand or Brand(store=store)
    for name, value in fields.items():
        setattr(brand, name, value)
    if not brand.slug:
        brand.slug = unique_slug(Brand, store, brand.name, exclude_pk=brand.pk)
    brand.full_clean(validate_unique=False, validate_constraints=False)
    if Brand.objects.filter(store=store, slug=brand.slug).exclude(pk=brand.pk).exists():
        raise ValidationError({"slug": _("This slug is already used in this store.")})
    brand.save()
    if brand.pk and fields.get("name"):
        for product in brand.products.all():
            refresh_product(product)
    return brand


@transaction.atomic
def delete_brand(*, brand: Brand) -> None:
    """Delete a brand; its products stay, brandless, and their search text forgets the name."""
    products = list(brand.products.all())
    brand.delete()
    for product in products:
        product.brand = None
        refresh_product(product)


@transaction.atomic
def save_tax_class(*, store: Store, code: str, name: str, is_default: bool = False) -> TaxClass:
    """Create or update the store's tax class `code`; a new default takes over from the old one."""
    if is_default:
        TaxClass.objects.filter(store=store, is_default=True).exclude(code=code).update(is_default=False)
    tax_class = TaxClass.objects.filter(store=store, code=code).first() or TaxClass(store=store, code=code)
    tax_class.name, tax_class.is_default = name, is_default
    tax_class.full_clean()
    tax_class.save()
    return tax_class


@transaction.atomic
def save_product_type(*, store: Store, name: str, slug: str = "", attributes: list[dict] = ()) -> ProductType:
    """Create or update a product type with its attributes, each {slug, name, kind, unit, choices: [values]}.

    Attributes and choices are matched by slug; those not listed are kept.
    """
    slug = slug or slugify(name)
    product_type = ProductType.objects.filter(store=store, slug=slug).first() or ProductType(store=store, slug=slug)
    product_type.name = name
    product_type.full_clean()
    product_type.save()
    for position, spec in enumerate(attributes, start=1):
        attribute = (Attribute.objects.filter(product_type=product_type, slug=spec["slug"]).first()
                     or Attribute(product_type=product_type, slug=spec["slug"]))
        attribute.name, attribute.kind = spec["name"], spec["kind"]
        attribute.unit, attribute.position = spec.get("unit", ""), position
        attribute.full_clean()
        attribute.save()
        for rank, value in enumerate(spec.get("choices", ()), start=1):
            AttributeChoice.objects.update_or_create(attribute=attribute, slug=slugify(value),
                                                     defaults={"value": value, "position": rank})
    return product_type
