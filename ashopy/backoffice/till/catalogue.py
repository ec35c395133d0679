"""The catalogue a till caches for selling offline: every variant the store sells, with its label, SKU,
barcode, the price an anonymous customer pays (the `PurchasePolicy` of the web shop, promotions
included) tax included, its VAT rate, and the units free in the till's own warehouse.

A customer's own price (segment, partner) is the server's to compute at the sale; the till shows
this one until then, and the sale's answer is the truth. Three queries (plus the memoised tax rates
and promotions), whatever the number of variants.
"""

from django.db.models import F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ashopy.catalog.models import Product, Variant
from ashopy.core.money import quantum
from ashopy.inventory.models import Stock
from ashopy.pos.models import Till
from ashopy.pricing.purchase import PurchasePolicy, label


def exponent(currency: str) -> int:
    """The currency's number of decimals (XOF 0, EUR 2)."""
    return -quantum(currency).as_tuple().exponent


def till_catalogue(till: Till) -> dict:
    store = till.store
    free_here = Subquery(Stock.objects.filter(variant=OuterRef("pk"), warehouse=till.warehouse_id)
                         .annotate(free=F("on_hand") - F("reserved")).values("free")[:1], output_field=IntegerField())
    variants = (Variant.objects.filter(store=store, active=True, product__status=Product.Status.PUBLISHED)
                .select_related("product").annotate(stock=Coalesce(free_here, Value(0)))
                .order_by("product__name", "position", "pk"))
    policy = PurchasePolicy(store, None)
    rows = []
    for variant in variants:
        unit = policy.price(variant)
        rows.append({"id": variant.pk, "label": label(variant), "sku": variant.sku, "barcode": variant.barcode,
                     "price": str(unit.price), "gross": str(unit.gross), "base_gross": str(unit.base_gross),
                     "vat_rate": str(unit.tax_rate), "stock": variant.stock})
    return {"till": {"id": till.pk, "code": till.code, "name": till.name}, "currency": store.currency,
            "exponent": exponent(store.currency), "prices_include_tax": store.prices_include_tax,
            "generated_at": timezone.now().isoformat(), "variants": rows}
