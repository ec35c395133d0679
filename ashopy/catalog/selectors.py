"""Catalogue reads shared by the storefront and the API, each in a fixed number of queries."""

from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from .availability import in_stock, product_stock, with_stock
from .filters import ORDERINGS, ProductFilters
from .models import (
    Attribute,
    AttributeChoice,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    TaxClass,
    Variant,
    fold,
)
from .tree import CategoryTree, Node

LISTING_DEFERRED = ("description", "search_vector", "search_text", "meta_keywords")
RELATED_PRODUCTS = 4


def active_variants(fields=None) -> Prefetch:
    """A product's active variants with the units available (see availability.py)."""
    queryset = Variant.objects.filter(active=True).order_by("position", "id")
    if fields:
        queryset = queryset.only("id", "product_id", "preorder", "preorder_limit", "preorder_waiting", *fields)
    return Prefetch("variants", queryset=with_stock(queryset), to_attr="active_variants")


def ordered_images() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")


def filtered_products(*, store, filters: ProductFilters, tree: CategoryTree, node: Node | None = None,
                      include_drafts: bool = False) -> QuerySet:
    """Published products of `store` matching `filters` (and within `node`'s sub-tree).
    With `include_drafts` (catalogue staff), drafts are listed too."""
    base = searched_products(store=store, filters=filters, tree=tree, node=node, include_drafts=include_drafts)
    return narrowed(base, filters)


def searched_products(*, store, filters: ProductFilters, tree: CategoryTree, node: Node | None = None,
                      include_drafts: bool = False) -> QuerySet:
    """The products of a category (or `filters.category`) and a search: what facet counts are computed on."""
    products = _visible(store, include_drafts).non_polymorphic()
    if node is None and filters.category:
        node = tree.get(filters.category)
        if node is None:
            return products.none()
    if node is not None:
        products = products.filter(category_id__in=node.descendant_ids())
    if filters.q:
        products = _search(products, filters.q)
    return products


def narrowed(products: QuerySet, filters: ProductFilters) -> QuerySet:
    """`products` with the visitor's brand, price, stock and attribute filters applied."""
    if filters.brands:
        products = products.filter(brand__slug__in=filters.brands)
    if filters.price_min is not None:
        products = products.filter(price_from__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price_from__lte=filters.price_max)
    if filters.in_stock:
        products = products.filter(in_stock())
    for slug, values in filters.attributes.items():
        products = products.filter(Exists(_attribute_matches(slug, values)))
    return products


def product_cards(products: QuerySet, *, sort: str) -> QuerySet:
    """What a product card shows, sorted: brand, category, images and active variants in 4 queries."""
    if sort == "relevance" and "rank" in products.query.annotations:
        ordering = ("-rank", "-id")
    else:
        ordering = ORDERINGS.get(sort, ORDERINGS["newest"])
    return (products.order_by(*ordering).defer(*LISTING_DEFERRED)
            .select_related("brand", "category")
            .prefetch_related(ordered_images(), active_variants(
                ("price", "sale_price", "tax_class_id", "name", "position"))))


def _search(products: QuerySet, q: str) -> QuerySet:
    """Full-text matches ranked by relevance; when there are none (a typo), trigram word similarity.

    Asking both at once (an OR of the two indexes) costs several times more on a large
    catalogue, and a query whose words match needs no typo tolerance.
    """
    folded = fold(q)
    if connection.vendor != "postgresql":
        for word in folded.split():
            products = products.filter(search_text__icontains=word)
        return products
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

    query = SearchQuery(q, config="french_unaccent", search_type="websearch")
    matches = products.filter(search_vector=query)
    if matches.exists():
        return matches.annotate(rank=SearchRank(F("search_vector"), query))
    return (products.filter(search_text__trigram_word_similar=folded)
            .annotate(rank=TrigramWordSimilarity(folded, "search_text")))


def _attribute_matches(slug: str, values: list[str]) -> QuerySet:
    """Values of attribute `slug` on the outer product equal to one of `values` (as typed by its kind)."""
    match = Q(value_choice__slug__in=values) | Q(value_text__in=values)
    integers = [int(v) for v in values if v.removeprefix("-").isdecimal() and len(v) < 18]
    if integers:
        match |= Q(value_integer__in=integers) | Q(value_decimal__in=integers)
    booleans = [v == "true" for v in values if v in ("true", "false")]
    if booleans:
        match |= Q(value_boolean__in=booleans)
    return AttributeValue.objects.filter(match, product=OuterRef("pk"), attribute__slug=slug)


def brand_facets(products: QuerySet) -> list[Brand]:
    """Brands among `products`, each with `count`, in one query; in alphabetical order whatever the case
    and accents (“Écoute” between “dell” and “HP”)."""
    brands = Brand.objects.filter(products__in=products.values("pk")).annotate(count=Count("products", distinct=True))
    return sorted(brands, key=lambda brand: (fold(brand.name), brand.name))


def facets(base: QuerySet, filters: ProductFilters) -> tuple[list[Brand], list[dict]]:
    """Brand and attribute facets of `base` (a category or a search) whose counts follow the filters applied.

    Each facet counts with every filter but its own: ticking “Dell” shows how many products each other
    brand would add, and the RAM counts of Dell's products. One query for the brands, one for the
    attributes, and one more per attribute the visitor filters on.
    """
    brands = brand_facets(narrowed(base, replace(filters, brands=[])))
    attributes = attribute_facets(narrowed(base, filters))
    for slug in filters.attributes:
        others = {name: values for name, values in filters.attributes.items() if name != slug}
        own = [facet for facet in attribute_facets(narrowed(base, replace(filters, attributes=others)), keep=slug)
               if facet["slug"] == slug]
        attributes = [facet for facet in attributes if facet["slug"] != slug] + own
    positions = {facet["slug"]: facet["position"] for facet in attributes}
    return brands, sorted(attributes, key=lambda facet: (positions[facet["slug"]], facet["slug"]))


def attribute_facets(products: QuerySet, *, keep: str = "") -> list[dict]:
    """Filterable attribute values among `products` with their counts, in one query:
    ``[{"slug", "name", "unit", "position", "options": [{"value", "label", "count"}]}]``.

    An attribute with one value among them is left out (it narrows nothing), unless it is `keep`."""
    rows = (AttributeValue.objects.filter(product__in=products.values("pk"), attribute__filterable=True)
            .values("attribute__slug", "attribute__name", "attribute__unit", "attribute__kind",
                    "attribute__position", "value_choice__slug", "value_choice__value", "value_choice__position",
                    "value_text", "value_integer", "value_boolean")
            .annotate(count=Count("product_id", distinct=True))
            .order_by("attribute__position", "attribute__slug", "value_choice__position", "value_text",
                      "value_integer"))
    facets: dict[str, dict] = {}
    for row in rows:
        option = _facet_option(row)
        if option is None:
            continue
        facet = facets.setdefault(row["attribute__slug"], {
            "slug": row["attribute__slug"], "name": row["attribute__name"],
            "unit": row["attribute__unit"], "position": row["attribute__position"], "options": []})
        facet["options"].append(option)
    return [facet for facet in facets.values()
            if len(facet["options"]) > 1 or len(facets) == 1 or facet["slug"] == keep]


def _facet_option(row) -> dict | None:
    kind = row["attribute__kind"]
    if kind == Attribute.Kind.CHOICE and row["value_choice__slug"]:
        return {"value": row["value_choice__slug"], "label": row["value_choice__value"], "count": row["count"]}
    if kind == Attribute.Kind.INTEGER and row["value_integer"] is not None:
        value = str(row["value_integer"])
        return {"value": value, "label": value, "count": row["count"]}
    if kind == Attribute.Kind.BOOLEAN and row["value_boolean"] is not None:
        value = "true" if row["value_boolean"] else "false"
        return {"value": value, "label": value, "count": row["count"]}
    if kind == Attribute.Kind.TEXT and row["value_text"]:
        return {"value": row["value_text"], "label": row["value_text"], "count": row["count"]}
    return None


def _visible(store, include_drafts: bool) -> QuerySet:
    return Product.objects.for_store(store) if include_drafts else Product.objects.published(store)


def product_detail(*, store, slug: str, include_drafts: bool = False) -> Product | None:
    """A published product of `store` (or a draft, for staff) as its own kind, with everything its page shows."""
    product = (_visible(store, include_drafts).filter(slug=slug)
               .select_related("brand", "category", "product_type")
               .prefetch_related(ordered_images(), active_variants(),
                                 Prefetch("attribute_values",
                                          queryset=AttributeValue.objects.select_related("attribute", "value_choice"),
                                          to_attr="specifications"))
               .first())
    return product


def related_products(product: Product, *, limit: int = RELATED_PRODUCTS) -> list[Product]:
    """Other published products of the same category, most popular first."""
    products = (Product.objects.published(product.store_id).non_polymorphic()
                .filter(category_id=product.category_id).exclude(pk=product.pk))
    return list(product_cards(products, sort="popularity")[:limit])


def featured_products(store, *, limit: int = 8) -> list[Product]:
    products = Product.objects.published(store).non_polymorphic().filter(featured=True)
    return list(product_cards(products, sort="popularity")[:limit])


def new_products(store, *, limit: int = 8) -> list[Product]:
    return list(product_cards(Product.objects.published(store).non_polymorphic(), sort="newest")[:limit])


def promoted_products(store, *, limit: int = 8) -> list[Product]:
    products = Product.objects.published(store).non_polymorphic().filter(on_sale=True)
    return list(product_cards(products, sort="popularity")[:limit])


# --- the back office ------------------------------------------------------------------------

STOCK_STATES = ("in_stock", "low", "out")


@dataclass(frozen=True)
class StaffProductFilters:
    """What the back office's product list filters on (all optional)."""

    q: str = ""
    category: Category | None = None
    brand: Brand | None = None
    status: str = ""
    stock: str = ""  # one of STOCK_STATES


def staff_products(*, store, filters: StaffProductFilters) -> QuerySet:
    """The store's products, drafts included, for the back office's list, newest first, in a fixed number of
    queries: each with `stock_total` (units available), `stock_threshold`, its category and brand, its images
    (`ordered_images`) and all its variants (`staff_variants`)."""
    available, threshold = product_stock()
    products = (Product.objects.for_store(store).non_polymorphic()
                .annotate(stock_total=available, stock_threshold=threshold))
    if filters.q:
        q = filters.q.strip()
        codes = Variant.objects.filter(Q(sku__icontains=q) | Q(barcode=q), product=OuterRef("pk"))
        products = products.filter(Q(name__icontains=q) | Q(search_text__icontains=fold(q)) | Exists(codes))
    if filters.category is not None:
        products = products.filter(category__path__startswith=filters.category.path)
    if filters.brand is not None:
        products = products.filter(brand=filters.brand)
    if filters.status:
        products = products.filter(status=filters.status)
    if filters.stock == "out":
        products = products.filter(stock_total__lte=0)
    elif filters.stock == "low":
        products = products.filter(stock_total__gt=0, stock_total__lte=F("stock_threshold"))
    elif filters.stock == "in_stock":
        products = products.filter(stock_total__gt=F("stock_threshold"))  # thresholds are never negative
    variants = Variant.objects.order_by("position", "id").only(
        "id", "product_id", "sku", "price", "sale_price", "active", "position")
    return (products.order_by("-created_at", "-id").defer(*LISTING_DEFERRED)
            .select_related("brand", "category")
            .prefetch_related(ordered_images(), Prefetch("variants", queryset=variants, to_attr="staff_variants")))


def staff_product(*, store, pk) -> Product | None:
    """One of the store's products (drafts included) as its own kind, with what its back-office page edits."""
    values = AttributeValue.objects.select_related("value_choice")
    return (Product.objects.for_store(store).filter(pk=pk)
            .select_related("brand", "category", "product_type")
            .prefetch_related(ordered_images(),
                              Prefetch("variants", queryset=Variant.objects.order_by("position", "id"),
                                       to_attr="staff_variants"),
                              Prefetch("attribute_values", queryset=values, to_attr="specifications"))
            .first())


def type_attributes(product_type: ProductType | None) -> list[Attribute]:
    """A product type's attributes in order, each with its `ordered_choices`, in two queries."""
    if product_type is None:
        return []
    choices = Prefetch("choices", queryset=AttributeChoice.objects.order_by("position", "id"),
                       to_attr="ordered_choices")
    return list(product_type.attributes.order_by("position", "id").prefetch_related(choices))


def store_categories(store) -> QuerySet:
    """The store's categories in tree order (parents before their children, siblings by position and name)."""
    return Category.objects.for_store(store)


def store_brands(store) -> QuerySet:
    return Brand.objects.for_store(store).order_by("name")


def store_product_types(store) -> QuerySet:
    return ProductType.objects.for_store(store).annotate(attribute_count=Count("attributes")).order_by("name")


def store_tax_classes(store) -> QuerySet:
    return TaxClass.objects.for_store(store).order_by("name")


def variants_of(*, store, products) -> QuerySet:
    """The variants of `products` (the store's), grouped by product, for a bulk price preview."""
    return (Variant.objects.filter(store=store, product__in=products).select_related("product")
            .order_by("product__name", "product_id", "position", "id"))
