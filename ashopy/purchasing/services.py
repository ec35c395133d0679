"""Purchasing use cases: suppliers, their items, purchase orders and their receipts.

Every state change of a purchase order goes through one of its django-fsm transitions, with the
row locked, and writes a PurchaseOrderEvent (who, from, to, note). Receipts put units in stock
through `services.receive`, the only code that changes stock.

Rules chosen here:
- Costs (supplier items, order lines) are in the store's currency: they feed the stock valuation.
  A supplier's currency says what it invoices in, for the person converting its prices.
- Cancelling is allowed from draft, sent and partially received. A partially received order that
  is cancelled keeps its received units in stock (their receipts stay in the ledger); only the
  outstanding quantities stop being expected.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from sequences import get_next_value

from ashopy.catalog.models import Variant
from ashopy.core import events
from ashopy.inventory import services
from ashopy.inventory.errors import InactiveWarehouse, WrongStore
from ashopy.inventory.models import Warehouse
from ashopy.stores.models import Store
from ashopy.stores.rules import STOCK_ROLES, require_role

from .errors import (
    CancelNotAllowed,
    DuplicateVariant,
    EmptyPurchaseOrder,
    InactiveSupplier,
    InvalidCost,
    MissingCost,
    NotDraft,
    NothingToReceive,
    NotReceivable,
    OverReceipt,
    SendNotAllowed,
    SupplierInUse,
    UnknownLine,
)
from .models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, Supplier, SupplierItem

SUPPLIER_FIELDS = frozenset({"name", "contact_name", "email", "phone", "lead_time_days", "currency", "is_active"})
MAX_COST = Decimal("9999999999.9999")
COST_STEP = Decimal("0.0001")
_UNCHANGED: Any = object()


class OrderLine(NamedTuple):
    """What a purchase order line is made from; `unit_cost=None` takes the supplier's price."""

    variant: Variant
    quantity: int
    unit_cost: Decimal | None = None


# --- suppliers ------------------------------------------------------------------------------

@transaction.atomic
def save_supplier(*, store: Store, supplier: Supplier | None = None, user=None, **fields: Any) -> Supplier:
    """Create or update one of the store's suppliers; its currency defaults to the store's."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    if unknown := set(fields) - SUPPLIER_FIELDS:
        raise TypeError(f"unknown supplier fields: {sorted(unknown)}")
    if supplier is not None and supplier.store_id != store.pk:
        raise WrongStore()
    supplier = supplier or Supplier(store=store)
    for name, value in fields.items():
        setattr(supplier, name, value)
    supplier.currency = (supplier.currency or store.currency).upper()
    supplier.full_clean()
    supplier.save()
    return supplier


@transaction.atomic
def delete_supplier(*, supplier: Supplier, user=None) -> None:
    """Delete a supplier that never had a purchase order (its items go with it)."""
    require_role(user=user, store=supplier.store, roles=STOCK_ROLES)
    if supplier.purchase_orders.exists():
        raise SupplierInUse()
    supplier.delete()


@transaction.atomic
def save_supplier_item(*, store: Store, supplier: Supplier, variant: Variant, unit_cost: Decimal,
                       supplier_sku: str = "", is_preferred: bool | None = None, user=None) -> SupplierItem:
    """Record that `supplier` sells `variant` at `unit_cost` (one item per pair: saved again, it updates).

    A variant has one preferred supplier: a preferred item takes over from the previous one.
    `is_preferred=None` keeps an existing item's choice, and makes a new item preferred when the
    variant has no preferred supplier yet.
    """
    require_role(user=user, store=store, roles=STOCK_ROLES)
    if supplier.store_id != store.pk or variant.store_id != store.pk:
        raise WrongStore()
    unit_cost = _checked_cost(unit_cost)
    Variant.objects.select_for_update().filter(pk=variant.pk).get()  # one writer per variant's items
    items = SupplierItem.objects.filter(variant=variant)
    item = items.filter(supplier=supplier).first() or SupplierItem(supplier=supplier, variant=variant)
    if is_preferred is None:
        is_preferred = item.is_preferred if item.pk else not items.filter(is_preferred=True).exists()
    if is_preferred:
        items.exclude(pk=item.pk).filter(is_preferred=True).update(is_preferred=False)
    item.unit_cost, item.supplier_sku, item.is_preferred = unit_cost, supplier_sku.strip(), is_preferred
    item.full_clean(validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def delete_supplier_item(*, item: SupplierItem, user=None) -> None:
    require_role(user=user, store=item.supplier.store, roles=STOCK_ROLES)
    item.delete()


# --- purchase orders ------------------------------------------------------------------------

def _checked_cost(unit_cost) -> Decimal:
    """An amount of at least 0 with at most 4 decimal places (what the columns hold), else InvalidCost."""
    if isinstance(unit_cost, bool) or not isinstance(unit_cost, Decimal | int):
        raise InvalidCost()
    cost = Decimal(unit_cost)
    if not cost.is_finite() or cost < 0 or cost > MAX_COST or cost != cost.quantize(COST_STEP):
        raise InvalidCost()
    return cost.quantize(COST_STEP)


def _check_parties(store: Store, supplier: Supplier, warehouse: Warehouse) -> None:
    if supplier.store_id != store.pk or warehouse.store_id != store.pk:
        raise WrongStore()
    if not supplier.is_active:
        raise InactiveSupplier(supplier=supplier.name)
    if not warehouse.is_active:
        raise InactiveWarehouse(warehouse=warehouse.name)


def _built_lines(store: Store, supplier: Supplier, lines: Iterable) -> list[PurchaseOrderLine]:
    """Unsaved order lines, checked: the store's variants, each once, whole quantities, known costs."""
    lines = [OrderLine(*line) for line in lines]
    if any(line.variant.store_id != store.pk for line in lines):
        raise WrongStore()
    prices = dict(SupplierItem.objects.filter(supplier=supplier, variant__in=[line.variant for line in lines])
                  .values_list("variant_id", "unit_cost"))
    built, seen = [], set()
    for line in lines:
        if line.variant.pk in seen:
            raise DuplicateVariant(variant=line.variant)
        seen.add(line.variant.pk)
        services.check_quantity(line.quantity)
        cost = line.unit_cost if line.unit_cost is not None else prices.get(line.variant.pk)
        if cost is None:
            raise MissingCost(variant=line.variant)
        built.append(PurchaseOrderLine(variant=line.variant, quantity=line.quantity, unit_cost=_checked_cost(cost)))
    return built


def _next_number(store: Store) -> str:
    """PO-<year>-<5 digits>, gap-free per store and year (the sequence row is locked until commit)."""
    year = timezone.localdate(timezone=ZoneInfo(store.timezone)).year
    return f"PO-{year}-{get_next_value(f'purchase-order-{store.pk}-{year}'):05d}"


def _event(order: PurchaseOrder, from_state: str, *, user=None, note: str = "") -> None:
    PurchaseOrderEvent.objects.create(purchase_order=order, from_state=from_state, to_state=order.state,
                                      user=user, note=(note or "").strip()[:255])


def _locked(purchase_order: PurchaseOrder) -> PurchaseOrder:
    return (PurchaseOrder.objects.select_for_update(of=("self",)).select_related("store", "supplier", "warehouse")
            .get(pk=purchase_order.pk))


def _apply(order: PurchaseOrder, transition, *, user=None, note: str = "", **kwargs) -> PurchaseOrder:
    """Run one transition of a locked order, save its state and write its event."""
    from_state = order.state
    transition(**kwargs)
    order.save(update_fields=["state"])
    _event(order, from_state, user=user, note=note)
    return order


@transaction.atomic
def create_purchase_order(*, store: Store, supplier: Supplier, warehouse: Warehouse, lines: Iterable = (),
                          expected_at: date | None = None, note: str = "", user=None) -> PurchaseOrder:
    """A draft order to `supplier`, delivered to `warehouse`; lines are (variant, quantity, unit_cost)."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    _check_parties(store, supplier, warehouse)
    built = _built_lines(store, supplier, lines)
    order = PurchaseOrder.objects.create(store=store, supplier=supplier, warehouse=warehouse,
                                         number=_next_number(store), expected_at=expected_at,
                                         note=(note or "").strip(), created_by=user)
    for line in built:
        line.purchase_order = order
    PurchaseOrderLine.objects.bulk_create(built)
    _event(order, "", user=user, note=_("Created."))
    return order


@transaction.atomic
def update_purchase_order(*, purchase_order: PurchaseOrder, lines: Iterable | None = None,
                          warehouse: Warehouse | None = None, expected_at: date | None = _UNCHANGED,
                          note: str | None = None, user=None) -> PurchaseOrder:
    """Change a draft: its lines (replaced as a whole when given), warehouse, expected date, note."""
    order = _locked(purchase_order)
    require_role(user=user, store=order.store, roles=STOCK_ROLES)
    if order.state != PurchaseOrder.State.DRAFT:
        raise NotDraft(state=order.get_state_display())
    if warehouse is not None:
        _check_parties(order.store, order.supplier, warehouse)
        order.warehouse = warehouse
    if expected_at is not _UNCHANGED:
        order.expected_at = expected_at
    if note is not None:
        order.note = note.strip()
    order.save(update_fields=["warehouse", "expected_at", "note"])
    if lines is not None:
        built = _built_lines(order.store, order.supplier, lines)
        order.lines.all().delete()
        for line in built:
            line.purchase_order = order
        PurchaseOrderLine.objects.bulk_create(built)
    return order


@transaction.atomic
def send(*, purchase_order: PurchaseOrder, user=None, note: str = "") -> PurchaseOrder:
    """Draft → sent: the order is final and its quantities count as expected."""
    order = _locked(purchase_order)
    require_role(user=user, store=order.store, roles=STOCK_ROLES)
    if order.state != PurchaseOrder.State.DRAFT:
        raise SendNotAllowed(state=order.get_state_display())
    if not can_proceed(order.send):
        raise EmptyPurchaseOrder()
    return _apply(order, order.send, user=user, note=note)


def _checked_quantities(quantities, lines: Mapping[int, PurchaseOrderLine]) -> dict[int, int]:
    if not isinstance(quantities, Mapping) or not quantities:
        raise NothingToReceive()
    checked = {}
    for line_id, quantity in quantities.items():
        line = lines.get(line_id) if isinstance(line_id, int) and not isinstance(line_id, bool) else None
        if line is None:
            raise UnknownLine(line=line_id)
        services.check_quantity(quantity)
        if quantity > line.outstanding:
            raise OverReceipt(variant=line.variant, outstanding=line.outstanding, requested=quantity, line=line_id)
        checked[line_id] = quantity
    return checked


@transaction.atomic
def receive(*, purchase_order: PurchaseOrder, quantities: Mapping[int, int], user=None,
            note: str = "") -> PurchaseOrder:
    """Goods arrived: `quantities` is {line id: units}, each at most what is still outstanding.

    Each line's units enter the order's warehouse as a receipt movement at the line's unit cost
    (the weighted average cost follows), referenced by the order number. Variants are taken in
    id order so that two receipts never lock the same rows in opposite orders.
    """
    order = _locked(purchase_order)
    require_role(user=user, store=order.store, roles=STOCK_ROLES)
    if not can_proceed(order.record_receipt):
        raise NotReceivable(state=order.get_state_display())
    lines = {line.pk: line for line in order.lines.select_for_update(of=("self",)).select_related("variant")}
    wanted = _checked_quantities(quantities, lines)
    received = sorted((lines[line_id] for line_id in wanted), key=lambda line: line.variant_id)
    for line in received:
        services.receive(store=order.store, variant=line.variant, warehouse=order.warehouse,
                         quantity=wanted[line.pk], unit_cost=line.unit_cost, reference=order.number,
                         user=user, note=note)
        line.received_quantity += wanted[line.pk]
    PurchaseOrderLine.objects.bulk_update(received, ["received_quantity"])
    summary = ", ".join(f"{line.variant.sku} × {wanted[line.pk]}" for line in received)
    complete = all(line.outstanding == 0 for line in lines.values())
    events.publish("purchase_order_received", purchase_order_id=order.pk, store_id=order.store_id,
                   lines={str(line.pk): wanted[line.pk] for line in received}, complete=complete)
    return _apply(order, order.record_receipt, complete=complete, user=user,
                  note=note or _("Received: %(lines)s") % {"lines": summary})


@transaction.atomic
def cancel(*, purchase_order: PurchaseOrder, user=None, note: str = "") -> PurchaseOrder:
    """Nothing more is expected from this order; units already received stay in stock."""
    order = _locked(purchase_order)
    require_role(user=user, store=order.store, roles=STOCK_ROLES)
    if not can_proceed(order.cancel):
        raise CancelNotAllowed(state=order.get_state_display())
    return _apply(order, order.cancel, user=user, note=note)


@transaction.atomic
def draft_purchase_orders(*, store: Store, suggestions: Sequence, user=None) -> list[PurchaseOrder]:
    """One draft per (supplier, warehouse) from reorder suggestions; those without a supplier are skipped."""
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for suggestion in suggestions:
        if suggestion.supplier is not None:
            groups[(suggestion.supplier.pk, suggestion.warehouse.pk)].append(suggestion)
    orders = []
    for (_supplier, _warehouse), group in sorted(groups.items()):
        orders.append(create_purchase_order(
            store=store, supplier=group[0].supplier, warehouse=group[0].warehouse, user=user,
            lines=[OrderLine(s.variant, s.quantity, s.unit_cost) for s in group],
            note=_("Drafted from the reorder suggestions.")))
    return orders


@transaction.atomic
def delete_store_purchasing(*, store: Store) -> None:
    """Delete the store's purchase orders and suppliers: only for rebuilding demo data."""
    PurchaseOrder.objects.filter(store=store).delete()
    Supplier.objects.filter(store=store).delete()
