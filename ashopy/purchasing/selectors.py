"""Purchasing reads shared by the staff pages, the API and the `suggest_reorders` command."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from ashopy.catalog.models import Variant
from ashopy.inventory.models import Stock, Warehouse
from ashopy.stores.models import Store

from .models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, Supplier, SupplierItem

AMOUNT = DecimalField(max_digits=20, decimal_places=4)


def suppliers(*, store: Store):
    """The store's suppliers with how many variants they sell and how many orders are open."""
    return (Supplier.objects.for_store(store)
            .annotate(item_count=Count("items", distinct=True),
                      open_order_count=Count("purchase_orders", distinct=True,
                                             filter=Q(purchase_orders__state__in=PurchaseOrder.OPEN_STATES)))
            .order_by("name", "id"))


def supplier_items(*, supplier: Supplier):
    return supplier.items.select_related("variant__product").order_by("variant__product__name", "variant__sku")


def purchase_orders(*, store: Store, state: str = "", supplier: Supplier | None = None):
    """The store's orders, newest first, with their line count and total at ordered quantities."""
    total = ExpressionWrapper(F("lines__quantity") * F("lines__unit_cost"), output_field=AMOUNT)
    orders = (PurchaseOrder.objects.for_store(store).select_related("supplier", "warehouse")
              .annotate(line_count=Count("lines"), total=Coalesce(Sum(total), Decimal(0), output_field=AMOUNT)))
    if state:
        orders = orders.filter(state=state)
    if supplier is not None:
        orders = orders.filter(supplier=supplier)
    return orders.order_by("-created_at", "-id")


def purchase_order(*, store: Store, pk) -> PurchaseOrder | None:
    """One of the store's orders with its lines (variant, product) and its events (user), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (PurchaseOrder.objects.for_store(store).select_related("supplier", "warehouse", "created_by")
            .prefetch_related(Prefetch("lines", PurchaseOrderLine.objects.select_related("variant__product").annotate(
                                  amount=ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=AMOUNT))),
                              Prefetch("events", PurchaseOrderEvent.objects.select_related("user")))
            .filter(pk=pk).first())


def order_total(order: PurchaseOrder) -> Decimal:
    """The order's amount at ordered quantities (its lines already loaded)."""
    return sum((line.quantity * line.unit_cost for line in order.lines.all()), Decimal(0))


@dataclass(frozen=True)
class Suggestion:
    """Order `quantity` of `variant` for `warehouse`, from `supplier` (None: no preferred supplier)."""

    stock_id: int
    variant: Variant
    warehouse: Warehouse
    supplier: Supplier | None
    unit_cost: Decimal | None
    available: int
    incoming: int
    reorder_point: int
    reorder_quantity: int
    quantity: int


@dataclass
class ReorderPlan:
    to_order: list[Suggestion] = field(default_factory=list)
    no_supplier: list[Suggestion] = field(default_factory=list)

    @property
    def all(self) -> list[Suggestion]:
        return self.to_order + self.no_supplier


def quantity_to_order(*, available: int, incoming: int, reorder_point: int, reorder_quantity: int) -> int:
    """The reorder quantity, or enough to bring available + incoming back above the reorder point,
    whichever is larger (0 when available + incoming is already above the point)."""
    projected = available + incoming
    if projected > reorder_point:
        return 0
    return max(reorder_quantity, reorder_point + 1 - projected)


def _incoming():
    """Units still expected at a stock row: outstanding on the open (draft, sent, partial) orders."""
    lines = (PurchaseOrderLine.objects
             .filter(variant=OuterRef("variant_id"), purchase_order__warehouse=OuterRef("warehouse_id"),
                     purchase_order__state__in=PurchaseOrder.OPEN_STATES)
             .order_by().values("variant")
             .annotate(total=Sum(F("quantity") - F("received_quantity"))).values("total")[:1])
    return Coalesce(Subquery(lines, output_field=IntegerField()), 0)


def reorder_suggestions(*, store: Store, stock_ids=None) -> ReorderPlan:
    """Min/max rule: each stock row with a reorder point whose available + incoming units are at or
    below it, in active warehouses for active variants, with the variant's preferred active supplier."""
    rows = (Stock.objects.filter(store=store, reorder_point__gt=0, warehouse__is_active=True, variant__active=True)
            .annotate(incoming=_incoming())
            .filter(on_hand__lte=F("reorder_point") + F("reserved") - F("incoming"))
            .select_related("variant__product", "warehouse")
            .order_by("warehouse__priority", "warehouse_id", "variant__product__name", "variant__sku", "id"))
    if stock_ids is not None:
        rows = rows.filter(pk__in=stock_ids)
    rows = list(rows)
    preferred = {item.variant_id: item for item in SupplierItem.objects
                 .filter(variant__in=[row.variant_id for row in rows], is_preferred=True,
                         supplier__is_active=True, supplier__store=store)
                 .select_related("supplier")}
    plan = ReorderPlan()
    for row in rows:
        item = preferred.get(row.variant_id)
        suggestion = Suggestion(
            stock_id=row.pk, variant=row.variant, warehouse=row.warehouse, supplier=item and item.supplier,
            unit_cost=item and item.unit_cost, available=row.available, incoming=row.incoming,
            reorder_point=row.reorder_point, reorder_quantity=row.reorder_quantity,
            quantity=quantity_to_order(available=row.available, incoming=row.incoming,
                                       reorder_point=row.reorder_point, reorder_quantity=row.reorder_quantity))
        (plan.to_order if item else plan.no_supplier).append(suggestion)
    return plan
