"""Stock reads shared by the staff pages and the API."""

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ashopy.catalog.models import Product

from .models import Reservation, ReservationLine, Stock, StockMovement


def _low(rows):
    """Rows at or below their low-stock threshold (0 means no alert); `available_units` annotated."""
    return rows.filter(low_stock_threshold__gt=0, available_units__lte=F("low_stock_threshold"))


def stock_list(*, store, warehouse=None, q: str = "", low_only: bool = False):
    """A store's stock rows with their variant, product and warehouse, most urgent first when filtered low."""
    rows = (Stock.objects.filter(store=store)
            .select_related("variant__product", "warehouse")
            .annotate(available_units=F("on_hand") - F("reserved")))
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if q:
        rows = rows.filter(Q(variant__sku__icontains=q) | Q(variant__product__name__icontains=q)
                           | Q(variant__barcode=q))
    if low_only:
        return _low(rows).order_by("available_units", "id")
    return rows.order_by("variant__product__name", "variant__sku", "warehouse__priority", "id")


def product_stock(*, store, product) -> dict[int, list[Stock]]:
    """A product's stock rows by variant id, each with its warehouse (the catalogue back office shows them)."""
    rows = (Stock.objects.filter(store=store, variant__product=product).select_related("warehouse")
            .order_by("warehouse__priority", "warehouse__name", "id"))
    by_variant: dict[int, list[Stock]] = {}
    for row in rows:
        by_variant.setdefault(row.variant_id, []).append(row)
    return by_variant


def low_stock_count(*, store) -> int:
    """How many stock rows the low-stock page lists."""
    return _low(Stock.objects.filter(store=store).annotate(available_units=F("on_hand") - F("reserved"))).count()


def movements(*, store, variant=None, product=None, warehouse=None, since=None, until=None):
    """The ledger, newest first, filtered by variant or product, warehouse and date range (inclusive dates)."""
    rows = StockMovement.objects.filter(store=store).select_related("variant__product", "warehouse", "user")
    if variant is not None:
        rows = rows.filter(variant=variant)
    if product is not None:
        rows = rows.filter(variant__product=product)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if since is not None:
        rows = rows.filter(created_at__date__gte=since)
    if until is not None:
        rows = rows.filter(created_at__date__lte=until)
    return rows.order_by("-created_at", "-id")


def stock_value(*, store) -> dict:
    """Stock value at weighted average cost, per warehouse and in total: {"warehouses": [...], "total"}."""
    money = DecimalField(max_digits=20, decimal_places=4)
    rows = (Stock.objects.filter(store=store, on_hand__gt=0)
            .annotate(cost=Coalesce(F("variant__cost__average_cost"), Value(Decimal(0)), output_field=money))
            .values("warehouse_id", "warehouse__name", "warehouse__code")
            .annotate(units=Sum("on_hand"),
                      value=Sum(ExpressionWrapper(F("on_hand") * F("cost"), output_field=money)))
            .order_by("warehouse__name"))
    warehouses = [{"id": r["warehouse_id"], "name": r["warehouse__name"], "code": r["warehouse__code"],
                   "units": r["units"], "value": r["value"] or Decimal(0)} for r in rows]
    return {"warehouses": warehouses,
            "units": sum(w["units"] for w in warehouses),
            "total": sum((w["value"] for w in warehouses), Decimal(0))}


def stock_discrepancies(store=None) -> list[dict]:
    """Stock rows whose on_hand differs from their ledger sum or whose reserved differs from active holds."""
    ledger = (StockMovement.objects.filter(variant=OuterRef("variant_id"), warehouse=OuterRef("warehouse_id"))
              .order_by().values("variant").annotate(total=Sum("quantity")).values("total")[:1])
    held = (ReservationLine.objects.filter(stock=OuterRef("pk"), reservation__state=Reservation.State.ACTIVE)
            .order_by().values("stock").annotate(total=Sum("quantity")).values("total")[:1])
    rows = Stock.objects.all() if store is None else Stock.objects.filter(store=store)
    rows = rows.annotate(ledger=Coalesce(Subquery(ledger, output_field=IntegerField()), 0),
                         held=Coalesce(Subquery(held, output_field=IntegerField()), 0))
    return list(rows.exclude(on_hand=F("ledger"), reserved=F("held"))
                .values("id", "variant_id", "warehouse_id", "on_hand", "ledger", "reserved", "held").order_by("id"))


def parse_product(store, value: str):
    """A product of `store` by id or slug, or a variant's product by SKU; None when nothing matches."""
    value = (value or "").strip()
    products = Product.objects.filter(store=store).non_polymorphic()
    if value.isdecimal():
        found = products.filter(pk=int(value)).first()
        if found:
            return found
    return (products.filter(slug=value).first()
            or products.filter(variants__sku=value).first())
