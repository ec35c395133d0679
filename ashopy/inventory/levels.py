"""The catalogue's view of stock (see catalog/availability.py): subqueries over Stock rows."""

from django.db.models import Exists, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Stock, Warehouse

_STOCK, _WAREHOUSE = Stock._meta.db_table, Warehouse._meta.db_table


def _per_variant(expression, variant_ref: str = "pk"):
    rows = (Stock.objects.filter(variant=OuterRef(variant_ref), warehouse__is_active=True)
            .order_by().values("variant").annotate(total=Sum(expression)).values("total")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class StockLevels:
    def variant_available(self, variant_ref: str = "pk"):
        return _per_variant(F("on_hand") - F("reserved"), variant_ref)

    def variant_available_sql(self, variant_column: str) -> str:
        """`variant_available` as an SQL expression, for hand-written reads (see core/rows.py)."""
        return (f"COALESCE((SELECT SUM(stock.on_hand - stock.reserved) FROM {_STOCK} stock "  # noqa: S608
                f"JOIN {_WAREHOUSE} warehouse ON warehouse.id = stock.warehouse_id "
                f"WHERE stock.variant_id = {variant_column} AND warehouse.is_active), 0)")

    def variant_low_threshold(self):
        return _per_variant(F("low_stock_threshold"))

    def product_in_stock(self):
        return Exists(Stock.objects.filter(variant__product=OuterRef("pk"), variant__active=True,
                                           warehouse__is_active=True, on_hand__gt=F("reserved")))
