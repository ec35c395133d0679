"""Storefront pages: home, category listing, search and product page.

Listings take a fixed number of queries whatever the page size (see
tests/catalog/test_storefront_queries.py), and anonymous visits never touch the session.
"""

from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import facet_cache
from .availability import state_of
from .filters import ATTRIBUTE_PREFIX, ORDERINGS, PAGE_SIZES, ProductFilters
from .models import Availability, RealEstateLot
from .selectors import (
    facets,
    featured_products,
    narrowed,
    new_products,
    product_cards,
    product_detail,
    promoted_products,
    related_products,
    searched_products,
)
from .tree import CategoryTree, Node, category_tree

SORT_LABELS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
    "popularity": _("Most popular"),
    "name": _("Name (A–Z)"),
}
FACET_OPTIONS = 12
LISTING_PARAMETERS = {"q", "category", "brand", "price_min", "price_max", "in_stock", "ordering", "page", "page_size"}
PARAMETER_LABELS = {
    "price_min": _("Minimum price"),
    "price_max": _("Maximum price"),
    "in_stock": _("In stock"),
    "ordering": _("Sort"),
    "page": _("Page"),
    "page_size": _("Products per page"),
}


@require_safe
def home(request):
    """Featured, new and discounted products, and the top categories."""
    store = request.store
    return render(request, "catalog/home.html", {
        "root_categories": category_tree(store).roots,
        "featured": featured_products(store),
        "new": new_products(store),
        "promoted": promoted_products(store),
    })


@require_safe
def category(request, slug):
    """A category and its sub-categories' products, filtered, sorted and paginated.

    Unknown filter values are dropped with a notice (never an error page). A page
    number past the end shows the last page: a link shared before products were
    removed still lands on products.
    """
    tree = category_tree(request.store)
    node = tree.get(slug)
    if node is None:
        raise Http404("No such category.")

    filters, errors = ProductFilters.parse(request.GET, strict=False)
    filters.q = ""  # the search has its own page: a category lists its whole sub-tree
    return render(request, "catalog/category.html", {
        "category": node, "ancestors": node.ancestors(),
        **_listing(request, filters=filters, errors=errors, tree=tree, node=node)})


@require_safe
def search(request):
    """Full-text search with the category page's filters and a relevance sort; no query shows a prompt."""
    filters, errors = ProductFilters.parse(request.GET, strict=False)
    if not filters.q:
        return render(request, "catalog/search.html", {"filters": filters, "notices": _notices(errors)})

    return render(request, "catalog/search.html", _listing(request, filters=filters, errors=errors,
                                                          tree=category_tree(request.store)))


@require_safe
def product(request, slug):
    """A published product of this store with its variants, specifications and related products."""
    item = product_detail(store=request.store, slug=slug)
    if item is None:
        raise Http404("No such product.")
    node = category_tree(request.store).by_id.get(item.category_id)
    variants = item.active_variants
    context = {
        "product": item,
        "variants": variants,
        "selected_variant": _first_available(variants),
        "specifications": [value for value in item.specifications if value.display],
        "category": node,
        "ancestors": node.ancestors() if node else [],
        "lot": item if isinstance(item, RealEstateLot) else None,
        "related": related_products(item),
    }
    return render(request, "catalog/product.html", context)


def _listing(request, *, filters: ProductFilters, errors: dict, tree: CategoryTree, node: Node | None = None):
    """The context shared by the category and search pages: one page of cards, facets and notices."""
    store = request.store
    base = searched_products(store=store, filters=filters, tree=tree, node=node)
    products = narrowed(base, filters)
    paginator = Paginator(product_cards(products, sort=filters.sort), filters.page_size)
    page = paginator.get_page(filters.page)
    scope = (node.id if node else filters.category, filters.q, sorted(filters.brands), filters.price_min,
             filters.price_max, filters.in_stock, sorted(filters.attributes.items()))  # not the sort or the page
    brands, attributes = facet_cache.cached(store.pk, scope, lambda: _facets(base, filters))
    brands = [{**brand, "selected": brand["slug"] in filters.brands} for brand in brands]
    attributes = [_with_choices(facet, filters.attributes.get(facet["slug"], ())) for facet in attributes]
    sorts = ["relevance", *ORDERINGS] if filters.q else list(ORDERINGS)
    query = _listing_parameters(request.GET)  # pagination links keep the filters, not the ignored values
    for name in errors:
        query.pop(name, None)
    return {
        "query": query,
        "filters": filters,
        "notices": _notices(errors),
        "page": page,
        "products": list(page.object_list),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "brands": brands,
        "attribute_facets": attributes,
        "sorts": [(value, SORT_LABELS[value]) for value in sorts],
        "page_sizes": sorted({*PAGE_SIZES, filters.page_size}),
    }


def _listing_parameters(params) -> QueryDict:
    """The parameters a listing reads, in a stable order (the fragment cache's key, the pagination links)."""
    query = QueryDict(mutable=True)
    for name in sorted(params):
        if name in LISTING_PARAMETERS or name.startswith(ATTRIBUTE_PREFIX):
            query.setlist(name, params.getlist(name))
    return query


def _facets(base, filters: ProductFilters) -> tuple[list[dict], list[dict]]:
    """Brand and attribute facets of a category or a search, as plain data that can be cached."""
    brands, attributes = facets(base, filters)
    return [{"slug": brand.slug, "name": brand.name, "count": brand.count} for brand in brands], attributes


def _with_choices(facet: dict, chosen) -> dict:
    """A copy of `facet` whose options say whether the visitor ticked them, cut to the most
    frequent `FACET_OPTIONS` (ticked ones always stay): a list of 150 processors helps no one."""
    frequent = sorted(facet["options"], key=lambda option: -option["count"])[:FACET_OPTIONS]
    keep = {option["value"] for option in frequent} | set(chosen)
    return {**facet, "options": [{**option, "selected": option["value"] in chosen}
                                 for option in facet["options"] if option["value"] in keep]}


def _notices(errors: dict) -> list[str]:
    """One line per ignored parameter, named as the visitor sees it."""
    return [f"{PARAMETER_LABELS.get(name, name)}: {message}" for name, message in errors.items()]


def _first_available(variants):
    """The variant the selector starts on: the first that can be bought, else the first."""
    for variant in variants:
        if state_of(variant) != Availability.OUT_OF_STOCK:
            return variant
    return variants[0] if variants else None
