"""generate_catalog: many retail products quickly, for benchmarks.

Rows are written with bulk inserts, batch by batch (one transaction each). What
`catalog.services.refresh_product` would compute (price_from, on_sale,
search_text) is computed here in Python with the same functions; PostgreSQL's
trigger fills search_vector. RetailProduct is multi-table inheritance, which
`bulk_create` cannot insert, so its rows go in with one executemany.

Opening stock goes in the same way: a Stock row in the store's first warehouse and
its receipt in the ledger (balance after = on hand), so that `check_stock` agrees.
"""

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils.text import slugify
from stdnum import ean

from ashopy.catalog import services as catalog
from ashopy.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    RetailProduct,
    Variant,
)
from ashopy.core.money import round_money
from ashopy.inventory import services as inventory
from ashopy.inventory.models import Reason, Stock, StockMovement, VariantCost, Warehouse
from ashopy.stores.models import Store

from .images import SIZE, ensure_image
from .loader import XOF_PER_EUR

NOUNS = ["Ordinateur portable", "Smartphone", "Tablette", "Écran", "Imprimante", "Casque sans fil",
         "Enceinte Bluetooth", "Clavier", "Souris", "Disque SSD", "Routeur Wi-Fi", "Onduleur", "Batterie externe",
         "Montre connectée", "Webcam", "Vidéoprojecteur"]
SERIES = ["Pro", "Air", "Lite", "Max", "Plus", "Neo", "Ultra", "Go", "Edge", "Prime", "Nova", "Flex"]
QUALITIES = ["fiable et économique", "léger et endurant", "conçu pour un usage intensif", "au design soigné",
             "idéal pour les études", "pensé pour les professionnels", "simple à installer", "silencieux"]
COLOURS = ["Noir", "Argent", "Bleu nuit", "Blanc", "Gris", "Rouge"]
CONDITIONS = [("new", 90), ("refurbished", 8), ("used", 2)]
DEFAULT_CATEGORIES = {"Catalogue": ["Ordinateurs", "Téléphones", "Accessoires", "Audio"]}
DEFAULT_BRANDS = ["Lenovo", "HP", "Dell", "Samsung", "Tecno", "Logitech"]
SHARED_IMAGES = ["Catalogue Ordinateur", "Catalogue Téléphone", "Catalogue Accessoire", "Catalogue Audio"]


@dataclass
class Pools:
    """What generated products are spread over, read once."""

    store: Store
    tag: str
    categories: list[Category]
    brands: list[Brand]
    types: list[tuple[ProductType, list[Attribute]]]
    images: list[str]
    content_type_id: int
    warehouse: Warehouse


def generate(*, store: Store, count: int, batch: int = 5000, progress: Callable[[int], object] = lambda n: None,
             seed: int | None = None) -> int:
    """Create `count` published products in `store`; returns how many were made."""
    pools = _pools(store)
    rng = random.Random(seed if seed is not None else pools.tag)
    stock_rng = random.Random(f"{seed if seed is not None else pools.tag}:stock")  # names stay as they were
    made = 0
    while made < count:
        size = min(batch, count - made)
        with transaction.atomic():
            variants = _insert_batch(pools, rng, start=made, size=size)
            _insert_stock(pools, stock_rng, variants)
        made += size
        progress(size)
    return made


def _pools(store: Store) -> Pools:
    leaves = list(Category.objects.filter(store=store, numchild=0, is_active=True).order_by("path"))
    if not leaves:
        for root, children in DEFAULT_CATEGORIES.items():
            parent = catalog.create_category(store=store, name=root)
            leaves += [catalog.create_category(store=store, parent=parent, name=name) for name in children]
    brands = list(Brand.objects.filter(store=store)) or [catalog.save_brand(store=store, name=name)
                                                          for name in DEFAULT_BRANDS]
    types = [(kind, [a for a in kind.attributes.all() if a.kind != Attribute.Kind.CHOICE or a.choices.all()])
             for kind in ProductType.objects.filter(store=store).prefetch_related("attributes__choices")]
    images = [ensure_image(f"generated/{slugify(label)}.jpg", label, shade=1) for label in SHARED_IMAGES]
    warehouse = (Warehouse.objects.filter(store=store, is_active=True).order_by("priority", "id").first()
                 or inventory.save_warehouse(store=store, code="main", name="Entrepôt", priority=1))
    return Pools(store, secrets.token_hex(3), leaves, brands, types, images,
                 ContentType.objects.get_for_model(RetailProduct, for_concrete_model=False).pk, warehouse)


def _insert_batch(pools: Pools, rng: random.Random, *, start: int, size: int) -> list[Variant]:
    products, variants, specifications = [], [], []
    for number in range(start, start + size):
        product, its_variants = _product(pools, rng, number)
        products.append(product)
        variants.append(its_variants)
        specifications.append(_specifications(pools, rng, product))
    Product.objects.non_polymorphic().bulk_create(products)
    _insert_retail_rows(products, rng)
    rows, pictures, values = [], [], []
    for product, its_variants, its_values in zip(products, variants, specifications, strict=True):
        for variant in its_variants:
            variant.product_id = product.pk
            rows.append(variant)
        pictures.append(ProductImage(product_id=product.pk, image=pools.images[product.pk % len(pools.images)],
                                     width=SIZE, height=SIZE, alt=product.name, position=0))
        for value in its_values:
            value.product_id = product.pk
            values.append(value)
    Variant.objects.bulk_create(rows)
    ProductImage.objects.bulk_create(pictures)
    AttributeValue.objects.bulk_create(values)
    return rows


def _insert_stock(pools: Pools, rng: random.Random, variants: list[Variant]) -> None:
    """Opening stock of new variants (a few get none): the Stock row, its receipt and its average cost."""
    stocks, receipts, costs = [], [], []
    for variant in variants:
        quantity = 0 if rng.random() < 0.06 else rng.randint(1, 40)
        if not quantity:
            continue
        cost = round_money(variant.price * rng.randint(60, 75) / 100, pools.store.currency)
        stocks.append(Stock(store=pools.store, variant_id=variant.pk, warehouse=pools.warehouse, on_hand=quantity))
        receipts.append(StockMovement(store=pools.store, variant_id=variant.pk, warehouse=pools.warehouse,
                                      quantity=quantity, reason=Reason.RECEIPT, reference="generate_catalog",
                                      balance_after=quantity, unit_cost=cost))
        costs.append(VariantCost(variant_id=variant.pk, average_cost=cost))
    Stock.objects.bulk_create(stocks)
    StockMovement.objects.bulk_create(receipts)
    VariantCost.objects.bulk_create(costs)


def _product(pools: Pools, rng: random.Random, number: int) -> tuple[Product, list[Variant]]:
    brand, category = rng.choice(pools.brands), pools.categories[number % len(pools.categories)]
    noun, series = rng.choice(NOUNS), rng.choice(SERIES)
    name = f"{noun} {brand.name} {series} {rng.randint(100, 9999)}"
    product_type = pools.types[number % len(pools.types)][0] if pools.types else None
    product = Product(
        store=pools.store, polymorphic_ctype_id=pools.content_type_id, name=name,
        slug=f"{slugify(name)}-{pools.tag}-{number}", category=category, brand=brand, product_type=product_type,
        short_description=f"{noun} {rng.choice(QUALITIES)}",
        description=(f"{name} : {rng.choice(QUALITIES)} et {rng.choice(QUALITIES)}. Livré avec sa notice en "
                     f"français, garantie {rng.choice([6, 12, 24])} mois."),
        status=Product.Status.PUBLISHED, featured=rng.random() < 0.02, popularity=rng.randint(0, 1000),
    )
    variants = _variants(pools, rng, number)
    prices = [variant.effective_price for variant in variants]
    product.price_from = min(prices)
    product.on_sale = any(variant.sale_price is not None for variant in variants)
    product.badges = ["promo"] if product.on_sale else []
    product.search_text = catalog.search_text_for(product)
    return product, variants


def _variants(pools: Pools, rng: random.Random, number: int) -> list[Variant]:
    currency = pools.store.currency
    euros = Decimal(rng.randint(10, 2000))
    on_sale = rng.random() < 0.2
    variants = []
    for position in range(rng.choice([1, 1, 2])):
        price = (euros + 50 * position) * (XOF_PER_EUR if currency == "XOF" else 1)
        price = round_money(price, currency)
        body = f"2{rng.randrange(10 ** 11):011d}"
        colour = COLOURS[(number + position) % len(COLOURS)]
        variants.append(Variant(
            store=pools.store, sku=f"GEN-{pools.tag}-{number}-{position + 1}".upper(), position=position,
            barcode=body + ean.calc_check_digit(body), name=colour, options={"Couleur": colour}, price=price,
            sale_price=round_money(price * Decimal("0.85"), currency) if on_sale else None,
        ))
    return variants


def _specifications(pools: Pools, rng: random.Random, product: Product) -> list[AttributeValue]:
    attributes = next((attrs for kind, attrs in pools.types if kind is product.product_type), [])
    values = []
    for attribute in rng.sample(attributes, min(2, len(attributes))):
        value = AttributeValue(attribute=attribute)
        if attribute.kind == Attribute.Kind.TEXT:
            value.value_text = rng.choice(SERIES)
        elif attribute.kind == Attribute.Kind.INTEGER:
            value.value_integer = rng.choice([4, 8, 16, 32, 64, 128])
        elif attribute.kind == Attribute.Kind.DECIMAL:
            value.value_decimal = Decimal(rng.choice(["6.1", "10.9", "13.3", "14.0", "15.6"]))
        elif attribute.kind == Attribute.Kind.BOOLEAN:
            value.value_boolean = rng.random() < 0.5
        else:
            value.value_choice = rng.choice(list(attribute.choices.all()))
        values.append(value)
    return values


def _insert_retail_rows(products: list[Product], rng: random.Random) -> None:
    """The RetailProduct half of each product row (multi-table inheritance)."""
    meta = RetailProduct._meta
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({quote(meta.pk.column)}, "  # noqa: S608 - names from model meta
           f"{quote(meta.get_field('condition').column)}) VALUES (%s, %s)")
    conditions, weights = zip(*CONDITIONS, strict=True)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(product.pk, rng.choices(conditions, weights)[0]) for product in products])
