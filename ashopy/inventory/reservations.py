"""Reservations and sales: the hot paths of the stock, called for every cart, checkout and till.

`hold` (after `begin`; `reserve` does both) and `consume` lock the stock rows they change in id
order, then change them all — two statements on PostgreSQL whatever the number of lines
(fastpath.py) — so no unit is taken twice and two multi-line orders never deadlock; `deduct` (a
direct sale) does the same on PostgreSQL. `release`, and `deduct` elsewhere, run one conditional
``UPDATE … WHERE on_hand - reserved >= n … RETURNING`` per row, in id order: the database re-checks
the condition after any wait; that `deduct` reads without locks and retries after a race, the last
attempt with ``select_for_update()``. Every sale writes its StockMovement with the balance after.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from ashopy.catalog.models import Variant
from ashopy.core.rows import fetch, for_update
from ashopy.stores.models import Store

from . import alerts, fastpath
from .changes import StockChange, returning, run
from .errors import InsufficientStock, InvalidQuantity, ReservationClosed, WrongStore
from .models import Reason, Reservation, ReservationLine, Stock, StockMovement, Warehouse
from .services import MAX_QUANTITY, check_quantity, check_warehouse

RESERVE_ATTEMPTS = 5


@dataclass(frozen=True)
class Line:
    """A quantity of one variant, as callers ask for it."""

    variant_id: int
    quantity: int


def _merged(lines: Iterable[Line]) -> dict[int, int]:
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.variant_id] += check_quantity(line.quantity)
    if not wanted:
        raise InvalidQuantity(maximum=MAX_QUANTITY)
    for quantity in wanted.values():
        check_quantity(quantity)
    return dict(wanted)


def _variants_of(store: Store, variant_ids) -> dict[int, Variant]:
    variants = {v.pk: v for v in Variant.objects.filter(store=store, pk__in=variant_ids).only("id", "sku", "name")}
    if len(variants) != len(set(variant_ids)):
        raise WrongStore()
    return variants


# --- hot paths: conditional updates ---------------------------------------------------------

_STOCK, _WAREHOUSE = Stock._meta.db_table, Warehouse._meta.db_table
_STOCK_ROW = ("id", "variant_id", "on_hand", "reserved", "priority", "warehouse_id")


def _allocate(stocks: Sequence[dict], wanted: dict[int, int], store: Store) -> list[tuple[int, int]]:
    """Split each wanted quantity over the variant's stock rows by warehouse priority.

    `stocks` are ordered by priority; raises InsufficientStock when the rows cannot cover it
    (or WrongStore when a variant is not the store's: it has no stock rows there either).
    """
    by_variant: dict[int, list[dict]] = defaultdict(list)
    for stock in stocks:
        by_variant[stock["variant_id"]].append(stock)
    allocations = []
    for variant_id, quantity in wanted.items():
        rows = by_variant.get(variant_id, [])
        available = sum(max(row["on_hand"] - row["reserved"], 0) for row in rows)
        if available < quantity:
            variant = _variants_of(store, wanted)[variant_id]  # only on refusal: the hot path skips it
            raise InsufficientStock(variant=variant, available=available, requested=quantity)
        for row in rows:
            take = min(quantity, row["on_hand"] - row["reserved"])
            if take > 0:
                allocations.append((row["id"], take))
                quantity -= take
            if quantity == 0:
                break
    return sorted(allocations)


def _stock_rows(store: Store, variant_ids, warehouse: Warehouse | None = None, *, lock: bool = False) -> list[dict]:
    """The variants' stock rows in active warehouses, by allocation priority.

    Read without locks (the conditional updates decide), or, with `lock`, locked in id order:
    the last attempt after repeated races cannot race again. Written in SQL: every checkout
    runs it (core/rows.py).
    """
    variant_ids = list(variant_ids)
    params = [store.pk, *variant_ids]
    sql = (f"SELECT stock.id, stock.variant_id, stock.on_hand, stock.reserved, warehouse.priority, "  # noqa: S608
           f"stock.warehouse_id FROM {_STOCK} stock JOIN {_WAREHOUSE} warehouse ON warehouse.id = stock.warehouse_id "
           f"WHERE stock.store_id = %s AND stock.variant_id IN ({', '.join(['%s'] * len(variant_ids))}) "
           "AND warehouse.is_active")
    if warehouse is not None:
        sql += " AND stock.warehouse_id = %s"
        params.append(warehouse.pk)
    if lock:
        sql += f" ORDER BY stock.id{for_update('stock')}"
    found = [dict(zip(_STOCK_ROW, row, strict=True)) for row in fetch(sql, params)]
    return sorted(found, key=lambda row: (row["variant_id"], row["priority"], row["warehouse_id"]))


class _Raced(Exception):
    """A row changed between reading and updating it: read again and retry."""


def _take(allocations: list[tuple[int, int]], *, column_sql: str) -> list[StockChange]:
    """Apply conditional updates in stock id order; raise _Raced if one no longer fits."""
    changed = []
    for stock_id, quantity in allocations:
        rows = run(f"UPDATE {_STOCK} SET {column_sql} WHERE id = %s AND on_hand - reserved >= %s "  # noqa: S608
                   f"RETURNING {returning()}", [quantity, stock_id, quantity], quantity=quantity)
        if not rows:
            raise _Raced
        changed.extend(rows)
    return changed


def begin(*, store: Store, owner: str, ttl: timedelta | None = None) -> Reservation:
    """An active reservation that holds nothing yet (the store's reservation time by default).

    `hold` fills it, in the same transaction. A caller that writes rows of its own next to a
    reservation (an order) begins it, writes them, and calls `hold` last: the contended stock rows
    are then locked only from that statement to the COMMIT that follows.
    """
    return Reservation.objects.create(store=store, owner=owner[:80],
                                      expires_at=timezone.now() + (ttl or store.reservation_ttl))


def hold(*, reservation: Reservation, lines: Iterable[Line]) -> None:
    """Take the units of `lines` for `reservation`: all of them or none.

    Each line is allocated across the store's active warehouses by priority, split when one has
    too little; InsufficientStock names the first variant that falls short, and the caller's
    transaction must then roll back (its reservation with it). The variants' stock rows are
    locked in id order first — except when a single row is to change: it is read without a lock
    and changed by one conditional UPDATE, re-checked by the database after any wait (a race
    takes the locked way). Two statements on PostgreSQL whatever the number of lines.
    """
    wanted = _merged(lines)
    store = reservation.store
    if fastpath.enabled() and len(wanted) == 1:
        allocations = _allocate(_stock_rows(store, wanted), wanted, store)
        changed = fastpath.take(reservation=reservation, allocations=allocations) if len(allocations) == 1 else None
        if changed is not None:
            alerts.after_change(store.pk, changed)
            return
    allocations = _allocate(_stock_rows(store, wanted, lock=True), wanted, store)
    if fastpath.enabled():
        changed = fastpath.take(reservation=reservation, allocations=allocations)
    else:  # SQLite has one writer, and `begin` already wrote: nothing can change the rows meanwhile
        ReservationLine.objects.bulk_create(
            ReservationLine(reservation=reservation, stock_id=stock_id, quantity=quantity)
            for stock_id, quantity in allocations)
        changed = _take(allocations, column_sql="reserved = reserved + %s")
    alerts.after_change(store.pk, changed)


@transaction.atomic
def add_to(*, reservation: Reservation, lines: Iterable[Line]) -> None:
    """Hold more units for an active reservation that may already hold some (pre-ordered units allocated
    to an order waiting for its payment): all of them or none, InsufficientStock otherwise.

    A stock row keeps one line per reservation (its quantity grows), as `consume` and `release`
    change each row once per line. Not a hot path: rows locked in id order, then changed.
    """
    wanted = _merged(lines)
    if not Reservation.objects.filter(pk=reservation.pk, state=Reservation.State.ACTIVE).exists():
        raise ReservationClosed(state=reservation.state)
    store = reservation.store
    allocations = _allocate(_stock_rows(store, wanted, lock=True), wanted, store)
    changed = _take(allocations, column_sql="reserved = reserved + %s")
    existing = dict(ReservationLine.objects.filter(reservation=reservation, stock_id__in=[a[0] for a in allocations])
                    .values_list("stock_id", "pk"))
    for stock_id, quantity in allocations:
        if stock_id in existing:
            ReservationLine.objects.filter(pk=existing[stock_id]).update(quantity=F("quantity") + quantity)
        else:
            ReservationLine.objects.create(reservation=reservation, stock_id=stock_id, quantity=quantity)
    alerts.after_change(store.pk, changed)


def reserve(*, store: Store, lines: Iterable[Line], owner: str, ttl: timedelta | None = None) -> Reservation:
    """Hold stock for `owner` until it is consumed, released or lapses: `begin` and `hold` at once."""
    lines = list(lines)
    _merged(lines)  # a bad quantity is refused before anything is written
    with transaction.atomic():
        reservation = begin(store=store, owner=owner, ttl=ttl)
        hold(reservation=reservation, lines=lines)
    return reservation


def _close(reservation: Reservation, state: str) -> list[dict]:
    """Move an active reservation to `state`; its lines, or ReservationClosed if it was not active."""
    closed = (Reservation.objects.filter(pk=reservation.pk, state=Reservation.State.ACTIVE)
              .update(state=state, closed_at=timezone.now()))
    if not closed:
        current = Reservation.objects.filter(pk=reservation.pk).values_list("state", flat=True).first()
        raise ReservationClosed(state=current or "?")
    reservation.state = state
    return list(ReservationLine.objects.filter(reservation=reservation).order_by("stock_id")
                .values("stock_id", "quantity", "stock__variant_id", "stock__warehouse_id"))


def _unreserve(lines: list[dict]) -> list[StockChange]:
    changed = []
    for line in lines:
        changed.extend(run(f"UPDATE {_STOCK} SET reserved = reserved - %s WHERE id = %s "  # noqa: S608
                           f"RETURNING {returning()}", [line["quantity"], line["stock_id"]], quantity=line["quantity"]))
    return changed


@transaction.atomic
def release(*, reservation: Reservation, state: str = Reservation.State.RELEASED) -> Reservation:
    """Give the held units back (a cancelled checkout, an expired hold)."""
    lines = _close(reservation, state)
    alerts.after_change(reservation.store_id, _unreserve(lines))
    return reservation


@transaction.atomic
def extend(*, reservation: Reservation, ttl: timedelta | None = None) -> Reservation:
    """Push an active reservation's expiry to now + `ttl` (the store's reservation time by default)."""
    expires_at = timezone.now() + (ttl or reservation.store.reservation_ttl)
    if not Reservation.objects.filter(pk=reservation.pk, state=Reservation.State.ACTIVE).update(expires_at=expires_at):
        raise ReservationClosed(state=reservation.state)
    reservation.expires_at = expires_at
    return reservation


def consume(*, reservation: Reservation, reference: str = "", user=None) -> dict[int, int]:
    """The held units are sold: on_hand and reserved both go down, one sale movement per stock row.

    Returns the units sold per variant. ReservationClosed when the reservation is not active.
    """
    if fastpath.enabled():
        with transaction.atomic(savepoint=False):  # its two statements commit together
            changed = fastpath.consume(reservation=reservation, reference=reference, user=user)
        if changed is not None:
            reservation.state = Reservation.State.CONSUMED
            alerts.after_change(reservation.store_id, changed)
            return _sold(changed)
    return _consume_lines(reservation, reference=reference, user=user)


def _sold(changed: list[StockChange]) -> dict[int, int]:
    sold: dict[int, int] = defaultdict(int)
    for change in changed:
        sold[change.variant_id] += change.quantity
    return dict(sold)


@transaction.atomic
def _consume_lines(reservation: Reservation, *, reference: str, user) -> dict[int, int]:
    lines = _close(reservation, Reservation.State.CONSUMED)
    changed, movements = [], []
    for line in lines:
        [change] = run(f"UPDATE {_STOCK} SET on_hand = on_hand - %s, reserved = reserved - %s "  # noqa: S608
                       f"WHERE id = %s RETURNING {returning()}",
                       [line["quantity"], line["quantity"], line["stock_id"]], quantity=line["quantity"])
        changed.append(change)
        movements.append(StockMovement(
            store_id=reservation.store_id, variant_id=change.variant_id, warehouse_id=change.warehouse_id,
            quantity=-change.quantity, reason=Reason.SALE, reference=reference or reservation.owner,
            user=user, balance_after=change.on_hand))
    StockMovement.objects.bulk_create(movements)
    alerts.after_change(reservation.store_id, changed)
    return _sold(changed)


def expire_reservations(*, now=None, limit: int = 500, variant_ids: Iterable[int] | None = None) -> int:
    """Release active reservations past their expiry (those holding `variant_ids`, when given); safe with
    several runners at once.

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``: two runners never take the
    same reservation, and a payment consuming one meanwhile either wins or finds it expired.
    The batch gives its units back in one pass over its stock rows in id order, the order every
    other path takes them in: released one after another, two sweeps (or a sweep and a sale)
    would lock the same rows in opposite orders and deadlock.
    """
    now = now or timezone.now()
    lapsed = Reservation.objects.filter(state=Reservation.State.ACTIVE, expires_at__lte=now)
    if variant_ids is not None:
        lapsed = lapsed.filter(pk__in=ReservationLine.objects.filter(stock__variant_id__in=list(variant_ids))
                               .values("reservation_id"))
    with transaction.atomic():
        due = list(lapsed.select_for_update(skip_locked=True, of=("self",))
                   .order_by("expires_at", "id").values_list("pk", flat=True)[:limit])
        if not due:
            return 0
        Reservation.objects.filter(pk__in=due).update(state=Reservation.State.EXPIRED, closed_at=timezone.now())
        lines = list(ReservationLine.objects.filter(reservation__in=due).values("stock_id", "stock__store_id")
                     .annotate(quantity=Sum("quantity")).order_by("stock_id"))
        changed = _unreserve(lines)
        for store_id in {line["stock__store_id"] for line in lines}:
            alerts.after_change(store_id, [row for row, line in zip(changed, lines, strict=True)
                                           if line["stock__store_id"] == store_id])
    return len(due)


def deduct(*, store: Store, lines: Iterable[Line], warehouse: Warehouse | None = None, reference: str = "",
           user=None) -> list[StockMovement]:
    """A direct sale (the counter): take units that are not reserved, from `warehouse` or by priority.

    On PostgreSQL two statements whatever the number of lines (fastpath.py): one row is read
    without a lock and changed by one conditional statement (a race takes the locked way); several
    are locked in id order, then changed together.
    """
    wanted = _merged(lines)
    if warehouse is not None:
        check_warehouse(store, warehouse)
    if fastpath.enabled():
        return _deduct_set_based(store, wanted, warehouse, reference, user)
    for attempt in range(RESERVE_ATTEMPTS):
        try:
            with transaction.atomic():
                rows = _stock_rows(store, wanted, warehouse, lock=attempt == RESERVE_ATTEMPTS - 1)
                changed = _take(_allocate(rows, wanted, store), column_sql="on_hand = on_hand - %s")
                movements = StockMovement.objects.bulk_create(
                    StockMovement(store=store, variant_id=change.variant_id, warehouse_id=change.warehouse_id,
                                  quantity=-change.quantity, reason=Reason.SALE, reference=reference, user=user,
                                  balance_after=change.on_hand)
                    for change in changed)
                alerts.after_change(store.pk, changed)
                return movements
        except _Raced:
            continue
    raise AssertionError("the locked attempt cannot race")


def _deduct_set_based(store: Store, wanted: dict[int, int], warehouse: Warehouse | None, reference: str,
                      user) -> list[StockMovement]:
    if len(wanted) == 1:
        allocations = _allocate(_stock_rows(store, wanted, warehouse), wanted, store)
        done = (fastpath.deduct(store_id=store.pk, allocations=allocations, reference=reference, user=user)
                if len(allocations) == 1 else None)
        if done is not None:
            alerts.after_change(store.pk, done[0])
            return done[1]
    allocations = _allocate(_stock_rows(store, wanted, warehouse, lock=True), wanted, store)
    changed, movements = fastpath.deduct(store_id=store.pk, allocations=allocations, reference=reference, user=user)
    alerts.after_change(store.pk, changed)
    return movements
