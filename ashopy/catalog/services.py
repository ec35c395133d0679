"""Catalogue use cases. Views, the API, the admin and commands change the catalogue only here."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import EllipsisType

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from treebeard.exceptions import PathOverflow

from ashopy.core.money import percent_of, round_money
from ashopy.stores.models import Store
from ashopy.stores.rules import CATALOGUE_ROLES, require_role

from . import facet_cache, tree
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
                   specifications: dict | None = None, user=None, **fields) -> Product:
    """Create a product of `kind` with its variants (at least one) and specifications."""
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
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
def update_product(*, product: Product, specifications: dict | None = None, user=None, **fields) -> Product:
    require_role(user=user, store=product.store, roles=CATALOGUE_ROLES)
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
def delete_product(*, product: Product, user=None) -> None:
    require_role(user=user, store=product.store, roles=CATALOGUE_ROLES)
    product.delete()


@transaction.atomic
def save_variant(*, store: Store, product: Product, variant: Variant | None = None, refresh: bool = True,
                 user=None, **fields) -> Variant:
    """Create or update a variant of `product`; SKU defaults to the product's slug and position."""
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
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
def delete_variant(*, variant: Variant, user=None) -> None:
    require_role(user=user, store=variant.store, roles=CATALOGUE_ROLES)
    product = variant.product
    if product.variants.count() <= 1:
        raise ValidationError({"variant": _("A product keeps at least one variant.")})
    try:
        with transaction.atomic():
            variant.delete()
    except ProtectedError as error:  # the stock ledger, orders … keep pointing at it
        raise ValidationError({"variant": _("%(sku)s has a stock or sales history: make it inactive instead of "
                                            "deleting it.") % {"sku": variant.sku}}) from error
    refresh_product(product)


@transaction.atomic
def add_image(*, product: Product, image, alt: str = "", position: int | None = None, user=None) -> ProductImage:
    require_role(user=user, store=product.store, roles=CATALOGUE_ROLES)
    if position is None:
        position = product.images.count()
    picture = ProductImage(product=product, image=image, alt=alt or product.name, position=position)
    picture.full_clean()
    picture.save()
    return picture


@transaction.atomic
def update_image(*, image: ProductImage, alt: str, position: int, user=None) -> ProductImage:
    """Change an image's alternative text or its place among the product's images (smaller first)."""
    require_role(user=user, store=image.product.store, roles=CATALOGUE_ROLES)
    image.alt, image.position = alt, position
    image.full_clean(exclude=["image"])
    image.save(update_fields=["alt", "position"])
    return image


@transaction.atomic
def delete_image(*, image: ProductImage, user=None) -> None:
    """Remove a product image; its file goes once the deletion is committed."""
    require_role(user=user, store=image.product.store, roles=CATALOGUE_ROLES)
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
def set_specifications(*, product: Product, values: dict, user=None) -> None:
    """Set `product`'s specification values, {attribute slug: value}; None removes one."""
    require_role(user=user, store=product.store, roles=CATALOGUE_ROLES)
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


TREE_FIELDS = ["path", "depth", "numchild"]
MAX_CATEGORY_DEPTH = Category._meta.get_field("path").max_length // Category.steplen  # the hidden root included


def _lock_tree(store_id: int) -> Category:
    """The store's hidden root, row-locked until the transaction ends: one tree write at a time per store.

    Made on the store's first category; its path comes from the store id, so stores never race
    for a root and one store's writes never shift another's rows.
    """
    root = Category.objects.select_for_update().filter(root_of_id=store_id).first()
    if root is None:
        store = Store.objects.get(pk=store_id)
        Category.objects.get_or_create(root_of=store, defaults={
            "path": Category.root_path(store_id), "depth": 1, "name": store.name, "slug": f"store-{store_id}"})
        root = Category.objects.select_for_update().get(root_of_id=store_id)
    return root


def _reload(category: Category, *, field: str) -> None:
    """Re-read a node's place under the lock: the write that held it before may have moved or deleted it."""
    try:
        category.refresh_from_db(fields=TREE_FIELDS)
    except Category.DoesNotExist:
        raise ValidationError({field: _("This category no longer exists.")}) from None


def _placed(write, *, root: Category):
    """Run a treebeard insert or move; when a group of siblings has used up its path steps (after very
    many moves), renumber the store's tree and try once more."""
    try:
        with transaction.atomic():
            return write()
    except PathOverflow:
        Category.objects.fix_tree(fix_paths=True, parent=root)
    try:
        return write()
    except PathOverflow as error:
        raise ValidationError({"parent": _("This category has too many sub-categories.")}) from error


def check_category_parent(*, store_id: int, category: Category | None, parent: Category | None) -> None:
    """Refuse a parent of another store, a category under itself or its own sub-category, or a tree too deep.

    `category` is None for a new category; a None `parent` means the top level.
    """
    if parent is None:
        return
    if parent.store_id != store_id:
        raise ValidationError({"parent": _("Choose one of this store's own.")})
    height = 1
    if category is not None and category.pk is not None:
        if parent.path.startswith(category.path):
            raise ValidationError({"parent": _("A category cannot move under itself or one of its sub-categories.")})
        deepest = Category.objects.filter(path__startswith=category.path).aggregate(deepest=Max("depth"))["deepest"]
        height = deepest - category.depth + 1
    if parent.depth + height > MAX_CATEGORY_DEPTH:
        raise ValidationError({"parent": _("Categories cannot be nested more than %(levels)s deep.") % {
            "levels": MAX_CATEGORY_DEPTH - 1}})


@transaction.atomic
def create_category(*, store: Store, parent: Category | None = None, user=None, **fields) -> Category:
    """Add a category under `parent` (None: top level), among its siblings in (position, name) order."""
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    root = _lock_tree(store.pk)
    if parent is not None:
        _reload(parent, field="parent")
    check_category_parent(store_id=store.pk, category=None, parent=parent)
    if not fields.get("slug"):
        fields["slug"] = unique_slug(Category, store, fields.get("name", ""))
    category = Category(store=store, **fields)
    category.full_clean(exclude=TREE_FIELDS)
    category = _placed(lambda: Category.objects.add_child(parent or root, instance=category), root=root)
    tree.bump(store.pk)  # now, and again on commit (core.cache)
    return category


@transaction.atomic
def update_category(*, category: Category, parent: Category | EllipsisType | None = ..., user=None,
                    **fields) -> Category:
    """Rename, reposition, move (a new `parent`; None: top level) or edit a category.

    A new parent, position or name puts the category, with its branch, back in its siblings'
    (position, name) order: treebeard inserts in that order only if siblings already are in it.
    """
    require_role(user=user, store=category.store, roles=CATALOGUE_ROLES)
    root = _lock_tree(category.store_id)
    _reload(category, field="category")
    moving = parent is not ...
    if moving and parent is not None:
        _reload(parent, field="parent")
        check_category_parent(store_id=category.store_id, category=category, parent=parent)
    for name, value in fields.items():
        setattr(category, name, value)
    category.full_clean(exclude=TREE_FIELDS)
    category.save()
    if moving or fields.keys() & set(Category.node_order_by):
        target = (parent or root) if moving else Category.objects.get_parent(category, update=True)
        _placed(lambda: Category.objects.move(category, target, "sorted-child"), root=root)
        category.refresh_from_db(fields=TREE_FIELDS)
    tree.bump(category.store_id)
    if "name" in fields:  # products' search text carries their category's name
        for product in Product.objects.filter(category=category).only("id", "name", "brand", "category"):
            refresh_product(product)
    return category


def move_category(*, category: Category, parent: Category | None, user=None) -> Category:
    """Put a category and its branch under `parent` (None: top level), in (position, name) order there."""
    return update_category(category=category, parent=parent, user=user)


@transaction.atomic
def delete_category(*, category: Category, user=None) -> None:
    """Delete a category with its sub-categories; refused while any of them holds products."""
    require_role(user=user, store=category.store, roles=CATALOGUE_ROLES)
    _lock_tree(category.store_id)
    _reload(category, field="category")
    if Product.objects.filter(category__path__startswith=category.path).exists():
        raise ValidationError({"category": _("Move or delete this category's products first.")})
    category.delete()
    tree.bump(category.store_id)


@transaction.atomic
def save_brand(*, store: Store, brand: Brand | None = None, user=None, **fields) -> Brand:
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
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
def delete_brand(*, brand: Brand, user=None) -> None:
    """Delete a brand; its products stay, brandless, and their search text forgets the name."""
    require_role(user=user, store=brand.store, roles=CATALOGUE_ROLES)
    products = list(brand.products.all())
    brand.delete()
    for product in products:
        product.brand = None
        refresh_product(product)


@transaction.atomic
def save_tax_class(*, store: Store, code: str, name: str, is_default: bool = False, user=None) -> TaxClass:
    """Create or update the store's tax class `code`; a new default takes over from the old one."""
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    if is_default:
        TaxClass.objects.filter(store=store, is_default=True).exclude(code=code).update(is_default=False)
    tax_class = TaxClass.objects.filter(store=store, code=code).first() or TaxClass(store=store, code=code)
    tax_class.name, tax_class.is_default = name, is_default
    tax_class.full_clean()
    tax_class.save()
    return tax_class


@transaction.atomic
def save_product_type(*, store: Store, name: str, slug: str = "", attributes: list[dict] = (),
                      product_type: ProductType | None = None, user=None) -> ProductType:
    """Create or update a product type with its attributes, each {slug, name, kind, unit, choices: [values]}.

    Without `product_type`, the type is matched by slug. Attributes and choices are matched by slug;
    those not listed are kept.
    """
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    if product_type is not None and product_type.store_id != store.pk:
        raise ValidationError({"product_type": _("Choose one of this store's own.")})
    slug = slug or getattr(product_type, "slug", "") or slugify(name)
    taken = ProductType.objects.filter(store=store, slug=slug)
    if product_type is None:
        product_type = taken.first() or ProductType(store=store, slug=slug)
    elif taken.exclude(pk=product_type.pk).exists():
        raise ValidationError({"slug": _("This slug is already used in this store.")})
    product_type.name, product_type.slug = name, slug
    product_type.full_clean()
    product_type.save()
    for position, spec in enumerate(attributes, start=1):
        attribute = (Attribute.objects.filter(product_type=product_type, slug=spec["slug"]).first()
                     or Attribute(product_type=product_type, slug=spec["slug"]))
        if attribute.pk and attribute.kind != spec["kind"] and attribute.values.exists():
            raise ValidationError({"attributes": _("Products already have a value of “%(name)s”: its type cannot "
                                                   "change.") % {"name": attribute.name}})
        attribute.name, attribute.kind = spec["name"], spec["kind"]
        attribute.unit, attribute.position = spec.get("unit", ""), position
        attribute.full_clean()
        attribute.save()
        for rank, value in enumerate(spec.get("choices", ()), start=1):
            AttributeChoice.objects.update_or_create(attribute=attribute, slug=slugify(value),
                                                     defaults={"value": value, "position": rank})
    return product_type


# --- lines of an imported file ------------------------------------------------------------

class _Prefixed:
    """Re-key a ValidationError's fields with `prefix`: product and variant both have a `name`."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            raise ValidationError({f"{self.prefix}{field}": errors for field, errors in error.error_dict.items()})
        return False


def _brand_named(store: Store, name: str, user) -> Brand | None:
    """The store's brand of that name (any case), made on first use; None for no brand."""
    name = (name or "").strip()
    if not name:
        return None
    return (Brand.objects.filter(store=store, name__iexact=name).first()
            or save_brand(store=store, name=name, user=user))


def _product_changes(product: Product, fields: dict) -> dict:
    return {name: value for name, value in fields.items() if getattr(product, name) != value}


@transaction.atomic
def import_variant(*, store: Store, sku: str, product_slug: str, product: dict, variant: dict,
                   user=None) -> tuple[Variant, bool]:
    """Create or update the variant `sku` from a line of an imported file: (variant, created).

    `product` holds the product's fields the line gives (name, category, brand as a name — made
    if the store has none of that name —, published as a boolean), `variant` the variant's
    (name, options, price, sale_price, barcode, weight_kg, tax_class); fields not given are
    left as they are. The product is found by its slug in the store and made if missing. The
    product's errors are keyed `product_<field>`, the variant's by the variant's own field names.
    """
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    fields = dict(product)
    if "published" in fields:
        fields["status"] = Product.Status.PUBLISHED if fields.pop("published") else Product.Status.DRAFT
    if "brand" in fields:
        with _Prefixed("product_"):
            fields["brand"] = _brand_named(store, fields["brand"], user)
    existing = Variant.objects.filter(store=store, sku=sku).select_related("product").first()
    if existing is not None and existing.product.slug != product_slug:
        raise ValidationError({"product_slug": _("This SKU belongs to the product “%(slug)s”.") % {
            "slug": existing.product.slug}})
    owner = existing.product if existing is not None else Product.objects.filter(store=store, slug=product_slug).first()
    if owner is None:
        if "price" not in variant:
            raise ValidationError({"price": _("A new SKU needs a price.")})
        with _Prefixed("product_"):
            draft = RetailProduct(store=store, slug=product_slug, **fields)
            draft.full_clean(exclude=["search_vector", "polymorphic_ctype"])
        made = create_product(store=store, slug=product_slug, variants=[{**variant, "sku": sku}], user=user, **fields)
        return made.variants.get(sku=sku), True
    changes = _product_changes(owner, fields)
    if changes:
        with _Prefixed("product_"):
            update_product(product=owner, user=user, **changes)
    if existing is None:
        if "price" not in variant:
            raise ValidationError({"price": _("A new SKU needs a price.")})
        position = (owner.variants.aggregate(last=Max("position"))["last"] or 0) + 1
        return save_variant(store=store, product=owner, user=user, sku=sku, position=position, **variant), True
    return save_variant(store=store, product=owner, variant=existing, user=user, **variant), False


# --- bulk changes from the back office's product list ----------------------------------------

PRICE_MODES = ("percent", "amount")
MAX_PRICE = Decimal("999999999999")  # what Variant.price (14 digits, 2 decimals) holds, in whole units


@dataclass(frozen=True)
class PriceChange:
    """One variant's price (and sale price) before and after a bulk change."""

    variant: Variant
    old_price: Decimal
    new_price: Decimal
    old_sale_price: Decimal | None
    new_sale_price: Decimal | None


def _store_products(store: Store, products: Iterable[Product]) -> list[int]:
    products = list(products)
    ids = [product.pk for product in products if product.store_id == store.pk]
    if not ids or len(ids) != len(products):
        raise ValidationError({"products": _("Choose products of this store.")})
    return ids


def _changed_price(amount: Decimal, *, mode: str, value: Decimal, currency: str) -> Decimal:
    change = percent_of(amount, value) if mode == "percent" else value
    return round_money(amount + change, currency)


def price_changes(*, store: Store, variants: Iterable[Variant], mode: str, value: Decimal) -> list[PriceChange]:
    """What a change of every price by `value` % (mode "percent") or by `value` in the store's currency
    (mode "amount", signed) makes of `variants`' prices and sale prices, rounded to the currency's minor unit.

    Refused as a whole when any resulting price is zero or less, or too large: a bulk change applies to
    every selected variant or to none.
    """
    if mode not in PRICE_MODES:
        raise ValidationError({"mode": _("Unknown kind of price change.")})
    changes, refused = [], []
    for variant in variants:
        new_price = _changed_price(variant.price, mode=mode, value=value, currency=store.currency)
        new_sale = (None if variant.sale_price is None else
                    _changed_price(variant.sale_price, mode=mode, value=value, currency=store.currency))
        if new_price <= 0 or new_price > MAX_PRICE or (new_sale is not None and new_sale <= 0):
            refused.append(variant.sku)
        changes.append(PriceChange(variant, variant.price, new_price, variant.sale_price, new_sale))
    if refused:
        raise ValidationError({"value": _(
            "This change would make the price of %(skus)s zero, negative or too large: nothing was changed.")
            % {"skus": ", ".join(refused[:5]) + (" …" if len(refused) > 5 else "")}})
    return changes


def prices_fingerprint(variants: Iterable[Variant]) -> str:
    """A short digest of the variants' current prices: a confirmed change applies to the prices previewed."""
    rows = sorted((variant.pk, str(variant.price), str(variant.sale_price)) for variant in variants)
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]


@transaction.atomic
def change_prices(*, store: Store, products: Iterable[Product], mode: str, value: Decimal,
                  fingerprint: str | None = None, user=None) -> list[PriceChange]:
    """Change the prices of every variant of `products` as `price_changes` says, all or none.

    With the `fingerprint` of the prices a preview showed, refused if they changed since.
    """
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    ids = _store_products(store, products)
    variants = list(Variant.objects.select_for_update().filter(store=store, product_id__in=ids).order_by("id"))
    if fingerprint is not None and fingerprint != prices_fingerprint(variants):
        raise ValidationError({"value": _("Prices or variants changed since the preview: nothing was changed. "
                                          "Ask for the preview again.")})
    changes = price_changes(store=store, variants=variants, mode=mode, value=value)
    for change in changes:
        change.variant.price, change.variant.sale_price = change.new_price, change.new_sale_price
    Variant.objects.bulk_update(variants, ["price", "sale_price"])
    for product in Product.objects.filter(pk__in=ids).select_related("brand", "category"):
        refresh_product(product)
    facet_cache.bump(store.pk)
    return changes


@transaction.atomic
def set_status(*, store: Store, products: Iterable[Product], status: str, user=None) -> int:
    """Publish or unpublish (draft) `products`; how many were changed."""
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    if status not in Product.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    ids = _store_products(store, products)
    changed = Product.objects.filter(store=store, pk__in=ids).exclude(status=status).update(
        status=status, updated_at=timezone.now())
    facet_cache.bump(store.pk)
    return changed


@transaction.atomic
def set_category(*, store: Store, products: Iterable[Product], category: Category, user=None) -> int:
    """Put `products` in `category`; their search text follows the category's name."""
    require_role(user=user, store=store, roles=CATALOGUE_ROLES)
    _check_store(store, category=category)
    ids = _store_products(store, products)
    Product.objects.filter(store=store, pk__in=ids).update(category=category, updated_at=timezone.now())
    for product in Product.objects.filter(pk__in=ids).select_related("brand", "category"):
        refresh_product(product)
    facet_cache.bump(store.pk)
    return len(ids)
