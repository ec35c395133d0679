"""The catalogue's view of stock (see catalog/availability.py): subqueries over Stock rows.

Units available have one definition, the ORM expression of `variant_available`; the SQL form that
hand-written reads embed (`variant_available_sql`) is that expression compiled by Django once per
database vendor, so the two cannot drift apart.
"""

from functools import cache

from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from ashopy.catalog.models import Variant

from .models import Stock


def _per_variant(expression, variant_ref: str = "pk"):
    rows = (Stock.objects.filter(variant=OuterRef(variant_ref), warehouse__is_active=True)
            .order_by().values("variant").annotate(total=Sum(expression)).values("total")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


_OUTER = f'"{Variant._meta.db_table}"."{Variant._meta.pk.column}"'


@cache
def _compiled_available(vendor: str) -> str:
    """`variant_available` as Django compiles it for `vendor`, the variant's id left as `_OUTER`."""
    query = Variant.objects.annotate(available=StockLevels().variant_available()).query
    sql, params = query.get_compiler(connection=connection).compile(query.annotations["available"])
    if sql.count(_OUTER) != 1 or not all(isinstance(param, int) for param in params):
        raise ValueError(f"unexpected compiled availability: {sql} {params}")
    return sql % tuple(str(int(param)) for param in params)  # the COALESCE default, an integer

def _per_product(expression):
    rows = (Stock.objects.filter(variant__product=OuterRef("pk"), variant__active=True, warehouse__is_active=True)
            .order_by().values("variant__product").annotate(total=Sum(expression)).values("total")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class StockLevels:
    def variant_available(self, variant_ref: str = "pk"):
        return _per_variant(F("on_hand") - F("reserved"), variant_ref)

    def variant_available_sql(self, variant_column: str) -> str:
        """`variant_available` as an SQL expression over `variant_column`, for hand-written reads (core/rows.py)."""
        return _compiled_available(connection.vendor).replace(_OUTER, variant_column)

    def variant_low_threshold(self):
        return _per_variant(F("low_stock_threshold"))

    def product_in_stock(self):
        return Exists(Stock.objects.filter(variant__product=OuterRef("pk"), variant__active=True,
                                           warehouse__is_active=True, on_hand__gt=F("reserved")))

    def product_available(self):
        return _per_product(F("on_hand") - F("reserved"))

    def product_low_threshold(self):
        return _per_product(F("low_stock_threshold"))
