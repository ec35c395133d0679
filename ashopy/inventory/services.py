"""Stock use cases of the staff: receipts, returns, adjustments, counts, transfers, and the stock's
settings. With reservations.py (carts, checkouts, the till), the only code that changes Stock,
StockMovement and Reservation rows.

These lock their rows with ``select_for_update()`` in id order and change on_hand through `_move`,
which writes one StockMovement (append-only) with the balance after it. Each staff operation
takes the acting `user` and refuses anyone who is not a stock manager or an admin of the store
(`user=None`: ashopy itself). `restock` is not a staff operation of its own: it puts back what a
cancelled order or a return gives back, which their own services authorised.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ashopy.catalog.models import Variant
from ashopy.catalog.rules import MAX_QUANTITY
from ashopy.core import events
from ashopy.stores.models import Store
from ashopy.stores.rules import STOCK_ROLES, require_role

from . import alerts
from .changes import COLUMNS, StockChange
from .errors import (
    BelowReserved,
    InactiveWarehouse,
    InsufficientStock,
    InvalidQuantity,
    NoteRequired,
    SameWarehouse,
    WrongStore,
)
from .models import (
    LowStockAlert,
    Reason,
    Reservation,
    Stock,
    StockMovement,
    VariantCost,
    Warehouse,
)


def check_quantity(quantity, *, allow_zero: bool = False) -> int:
    """A positive whole number of units (or zero where a count allows it), else InvalidQuantity."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity(maximum=MAX_QUANTITY)
    if quantity > MAX_QUANTITY or quantity < (0 if allow_zero else 1):
        raise InvalidQuantity(maximum=MAX_QUANTITY)
    return quantity


# --- staff operations: locked rows ----------------------------------------------------------

def check_warehouse(store: Store, warehouse: Warehouse) -> None:
    if warehouse.store_id != store.pk:
        raise WrongStore()
    if not warehouse.is_active:
        raise InactiveWarehouse(warehouse=warehouse.name)


def _check_variant(store: Store, variant: Variant) -> None:
    if variant.store_id != store.pk:
        raise WrongStore()


def _locked_stocks(store: Store, variant: Variant, warehouses: Sequence[Warehouse]) -> dict[int, Stock]:
    """The (variant, warehouse) rows, created if missing, locked in id order: {warehouse_id: stock}."""
    for warehouse in warehouses:
        try:
            with transaction.atomic():
                Stock.objects.get_or_create(store=store, variant=variant, warehouse=warehouse)
        except IntegrityError:
            pass  # created meanwhile by another transaction: lock it below
    rows = Stock.objects.select_for_update().filter(variant=variant, warehouse__in=warehouses).order_by("id")
    return {stock.warehouse_id: stock for stock in rows}


def _move(stock: Stock, delta: int, reason: str, *, reference: str = "", user=None, note: str = "",
          unit_cost: Decimal | None = None) -> StockMovement:
    """Change a locked stock row's on_hand by `delta` and write its ledger line."""
    if stock.on_hand + delta < stock.reserved:
        raise BelowReserved(reserved=stock.reserved, requested=stock.on_hand + delta)
    stock.on_hand += delta
    Stock.objects.filter(pk=stock.pk).update(on_hand=stock.on_hand)
    movement = StockMovement.objects.create(
        store_id=stock.store_id, variant_id=stock.variant_id, warehouse_id=stock.warehouse_id, quantity=delta,
        reason=reason, reference=reference[:80], user=user, note=note[:255], balance_after=stock.on_hand,
        unit_cost=unit_cost)
    alerts.after_change(stock.store_id, [StockChange(*(getattr(stock, column) for column in COLUMNS), abs(delta))])
    if delta > 0:  # told after the commit: waiting pre-orders are served first (orders.preorders)
        events.publish("stock_added", store_id=stock.store_id, variant_id=stock.variant_id,
                       warehouse_id=stock.warehouse_id, quantity=delta)
    return movement


def _update_average_cost(variant: Variant, quantity: int, unit_cost: Decimal, on_hand_before: int) -> None:
    """Weighted average cost: (units before × old cost + units received × their cost) / units after."""
    cost, _created = VariantCost.objects.select_for_update().get_or_create(variant=variant)
    total = on_hand_before + quantity
    cost.average_cost = ((cost.average_cost * max(on_hand_before, 0) + unit_cost * quantity) / total
                         if total > 0 else unit_cost).quantize(Decimal("0.0001"))
    cost.save(update_fields=["average_cost", "updated_at"])


@transaction.atomic
def receive(*, store: Store, variant: Variant, warehouse: Warehouse, quantity: int, unit_cost: Decimal | None = None,
            reference: str = "", user=None, note: str = "") -> StockMovement:
    """Units arrive (a delivery, a purchase order): on_hand goes up; the average cost follows."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    check_quantity(quantity)
    _check_variant(store, variant)
    check_warehouse(store, warehouse)
    stock = _locked_stocks(store, variant, [warehouse])[warehouse.pk]
    if unit_cost is not None:
        if unit_cost < 0:
            raise InvalidQuantity(_("A unit cost cannot be negative."))
        before = sum(Stock.objects.filter(store=store, variant=variant).values_list("on_hand", flat=True))
        _update_average_cost(variant, quantity, unit_cost, before)
    return _move(stock, quantity, Reason.RECEIPT, reference=reference, user=user, note=note, unit_cost=unit_cost)


@transaction.atomic
def restock(*, store: Store, variant: Variant, warehouse: Warehouse, quantity: int, reference: str = "",
            user=None, note: str = "") -> StockMovement:
    """Returned units go back on the shelf."""
    check_quantity(quantity)
    _check_variant(store, variant)
    check_warehouse(store, warehouse)
    stock = _locked_stocks(store, variant, [warehouse])[warehouse.pk]
    return _move(stock, quantity, Reason.RETURN, reference=reference, user=user, note=note)


@transaction.atomic
def adjust(*, store: Store, variant: Variant, warehouse: Warehouse, quantity_change: int, note: str,
           user=None, reference: str = "") -> StockMovement:
    """A correction (damage, loss, found units): signed change, a note saying why."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    if isinstance(quantity_change, bool) or not isinstance(quantity_change, int) or quantity_change == 0:
        raise InvalidQuantity(_("Enter a non-zero whole number of units."))
    check_quantity(abs(quantity_change))
    if not (note or "").strip():
        raise NoteRequired()
    _check_variant(store, variant)
    check_warehouse(store, warehouse)
    stock = _locked_stocks(store, variant, [warehouse])[warehouse.pk]
    if stock.on_hand + quantity_change < 0:
        raise InsufficientStock(variant=variant, available=stock.on_hand, requested=-quantity_change)
    return _move(stock, quantity_change, Reason.ADJUSTMENT, reference=reference, user=user, note=note.strip())


@transaction.atomic
def count(*, store: Store, variant: Variant, warehouse: Warehouse, counted: int, user=None,
          note: str = "") -> StockMovement | None:
    """A physical count: the difference with on_hand becomes a count movement (None when they agree)."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    check_quantity(counted, allow_zero=True)
    _check_variant(store, variant)
    check_warehouse(store, warehouse)
    stock = _locked_stocks(store, variant, [warehouse])[warehouse.pk]
    if counted == stock.on_hand:
        return None
    return _move(stock, counted - stock.on_hand, Reason.COUNT, user=user, note=note)


@transaction.atomic
def import_level(*, store: Store, variant: Variant, warehouse: Warehouse, on_hand: int, user=None,
                 reference: str = "") -> StockMovement | None:
    """Set on_hand to a level read from an imported file: the difference becomes an import movement
    (None when the level is already right)."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    check_quantity(on_hand, allow_zero=True)
    _check_variant(store, variant)
    check_warehouse(store, warehouse)
    stock = _locked_stocks(store, variant, [warehouse])[warehouse.pk]
    if on_hand == stock.on_hand:
        return None
    return _move(stock, on_hand - stock.on_hand, Reason.IMPORT, reference=reference, user=user)


@transaction.atomic
def transfer(*, store: Store, variant: Variant, source: Warehouse, destination: Warehouse, quantity: int,
             user=None, note: str = "") -> tuple[StockMovement, StockMovement]:
    """Move units between two of the store's warehouses: two movements, one transaction."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    check_quantity(quantity)
    if source.pk == destination.pk:
        raise SameWarehouse()
    _check_variant(store, variant)
    check_warehouse(store, source)
    check_warehouse(store, destination)
    stocks = _locked_stocks(store, variant, [source, destination])
    origin = stocks[source.pk]
    if origin.available < quantity:
        raise InsufficientStock(variant=variant, available=origin.available, requested=quantity)
    reference = f"transfer:{source.code}>{destination.code}"  # read as words by adjustments.reference_label
    out = _move(origin, -quantity, Reason.TRANSFER_OUT, reference=reference, user=user, note=note)
    into = _move(stocks[destination.pk], quantity, Reason.TRANSFER_IN, reference=reference, user=user, note=note)
    return out, into


# --- settings of the stock, not quantities --------------------------------------------------

@transaction.atomic
def save_warehouse(*, store: Store, warehouse: Warehouse | None = None, user=None, **fields) -> Warehouse:
    require_role(user=user, store=store, roles=STOCK_ROLES)
    warehouse = warehouse or Warehouse(store=store)
    if warehouse.store_id != store.pk:
        raise WrongStore()
    for name, value in fields.items():
        setattr(warehouse, name, value)
    warehouse.full_clean()
    warehouse.save()
    return warehouse


@transaction.atomic
def set_levels(*, stock: Stock, low_stock_threshold: int | None = None, reorder_point: int | None = None,
               reorder_quantity: int | None = None, user=None) -> Stock:
    """Thresholds of one stock row; a new threshold re-arms its low-stock alert."""
    require_role(user=user, store=stock.store, roles=STOCK_ROLES)
    for name, value in (("low_stock_threshold", low_stock_threshold), ("reorder_point", reorder_point),
                        ("reorder_quantity", reorder_quantity)):
        if value is not None:
            check_quantity(value, allow_zero=True)
            setattr(stock, name, value)
    if stock.available > stock.low_stock_threshold:
        stock.low_stock_alerted = False  # re-armed: the next crossing alerts
    stock.save(update_fields=["low_stock_threshold", "reorder_point", "reorder_quantity", "low_stock_alerted"])
    return stock


# --- rebuilding demo data -------------------------------------------------------------------

_APPEND_ONLY_TRIGGER = "inventory_movement_append_only"


@transaction.atomic
def delete_store_stock(*, store: Store) -> None:
    """Delete everything the stock app holds for `store`, ledger included: only for rebuilding demo data
    (purchasing's rows first: `purchasing.services.delete_store_purchasing`).

    The ledger is append-only; on PostgreSQL its trigger is switched off inside this transaction
    only (ALTER TABLE is transactional and locks the table meanwhile), so no other session ever
    writes or deletes a movement without it. ALTER TABLE needs the deferred foreign-key checks of
    rows written earlier in the transaction done first: they are run, then deferred again.
    """
    Reservation.objects.filter(store=store).delete()
    LowStockAlert.objects.filter(store=store).delete()
    table = connection.ops.quote_name(StockMovement._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {_APPEND_ONLY_TRIGGER}")
        cursor.execute(f"DELETE FROM {table} WHERE store_id = %s", [store.pk])  # noqa: S608 (model's table)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {_APPEND_ONLY_TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    Stock.objects.filter(store=store).delete()
    VariantCost.objects.filter(variant__store=store).delete()
    Warehouse.objects.filter(store=store).delete()
