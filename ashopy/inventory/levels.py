"""The catalogue's view of stock (see catalog/availability.py): subqueries over Stock rows.

Units available have one definition, the ORM expression of `variant_available`, used by every read.
"""

from django.db.models import Exists, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Stock


def _per_variant(expression, variant_ref: str = "pk"):
    rows = (Stock.objects.filter(variant=OuterRef(variant_ref), warehouse__is_active=True)
            .order_by().values("variant").annotate(total=Sum(expression)).values("total")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _per_product(expression):
    rows = (Stock.objects.filter(variant__product=OuterRef("pk"), variant__active=True, warehouse__is_active=True)
            .order_by().values("variant__product").annotate(total=Sum(expression)).values("total")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class StockLevels:
    def variant_available(self, variant_ref: str = "pk"):
        return _per_variant(F("on_hand") - F("reserved"), variant_ref)

    def variant_low_threshold(self):
        return _per_variant(F("low_stock_threshold"))

    def product_in_stock(self):
        return Exists(Stock.objects.filter(variant__product=OuterRef("pk"), variant__active=True,
                                           warehouse__is_active=True, on_hand__gt=F("reserved")))

    def product_available(self):
        return _per_product(F("on_hand") - F("reserved"))

    def product_low_threshold(self):
        return _per_product(F("low_stock_threshold"))
