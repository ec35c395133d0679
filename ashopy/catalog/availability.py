"""How the catalogue learns what is in stock, without importing the inventory app above it.

The inventory app registers a `StockSource` at start-up (``InventoryConfig.ready``). The
catalogue asks it for two query expressions: per variant, the units available
(Σ on_hand − reserved over the store's active warehouses) and the low-stock threshold;
per product, whether any active variant has stock. They are subqueries, so listings
learn availability inside the queries they already make.
"""

from typing import Protocol

from django.db.models import BooleanField, Exists, Expression, IntegerField, QuerySet, Value

from .models import Availability


class StockSource(Protocol):
    def variant_available(self, variant_ref: str = "pk") -> Expression:
        """Units available of the variant `OuterRef(variant_ref)`."""

    def variant_available_sql(self, variant_column: str) -> str:
        """The same as an SQL expression over `variant_column`, for hand-written reads."""

    def variant_low_threshold(self) -> Expression:
        """The variant's low-stock threshold (sum over warehouses)."""

    def product_in_stock(self) -> Exists:
        """Whether the product `OuterRef("pk")` has an active variant with available units."""

    def product_available(self) -> Expression:
        """Units available of the product `OuterRef("pk")`, over its active variants."""

    def product_low_threshold(self) -> Expression:
        """The low-stock thresholds of the product `OuterRef("pk")`'s active variants, summed."""


_source: StockSource | None = None


def register(source: StockSource) -> None:
    global _source
    _source = source


def with_stock(variants: QuerySet) -> QuerySet:
    """`variants` annotated with `available` and `low_threshold`."""
    if _source is None:
        return variants.annotate(available=Value(0, IntegerField()), low_threshold=Value(0, IntegerField()))
    return variants.annotate(available=_source.variant_available(), low_threshold=_source.variant_low_threshold())


def units_available(variant_ref: str) -> Expression:
    """Units available of the variant `OuterRef(variant_ref)`, to annotate rows that point to one."""
    if _source is None:
        return Value(0, IntegerField())
    return _source.variant_available(variant_ref)


def units_available_sql(variant_column: str) -> str:
    """`units_available` as an SQL expression over `variant_column` (a column of the caller's query)."""
    if _source is None:
        return "0"
    return _source.variant_available_sql(variant_column)

def product_stock() -> tuple[Expression, Expression]:
    """Per product: (units available, low-stock threshold), over its active variants, to annotate products."""
    if _source is None:
        return Value(0, IntegerField()), Value(0, IntegerField())
    return _source.product_available(), _source.product_low_threshold()


def in_stock():
    """A filter expression: the product has something to sell now."""
    if _source is None:
        return Value(False, BooleanField())
    return _source.product_in_stock()


def state_of(variant) -> Availability:
    """En stock / stock faible / rupture / précommande, for a variant annotated by `with_stock`."""
    available = getattr(variant, "available", 0) or 0
    if available > 0:
        return Availability.LOW_STOCK if available <= (variant.low_threshold or 0) else Availability.IN_STOCK
    return Availability.PREORDER if preorder_open(variant) else Availability.OUT_OF_STOCK


def preorder_open(variant) -> bool:
    """The variant may be ordered beyond its stock: on pre-order, and its limit not reached."""
    return variant.preorder and (variant.preorder_limit is None or variant.preorder_waiting < variant.preorder_limit)


def availability_of(variants) -> Availability:
    """A product's availability: the best of its variants'."""
    states = {state_of(variant) for variant in variants}
    for state in (Availability.IN_STOCK, Availability.LOW_STOCK, Availability.PREORDER):
        if state in states:
            return state
    return Availability.OUT_OF_STOCK
