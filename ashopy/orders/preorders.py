"""Pre-orders: units ordered beyond the stock, counted against the variant's limit, served when stock comes in.

At placement the units of a line beyond the free stock are its pre-order units
(`OrderLine.preorder_quantity`, with the expected date copied): they hold no stock. `claim` counts
them on the variant (`Variant.preorder_waiting`) by one conditional UPDATE per variant, in id
order, that refuses to pass the variant's `preorder_limit`: concurrent checkouts queue on the
variant's row and the limit holds. An order that stops being live (cancelled, expired, refund
needed) gives its waiting units back (`forget`).

When stock comes in (a purchase order's receipt, see consumers.py), `allocate` gives the free
units to the waiting lines of live orders, oldest order first: a hold in the order's reservation
while it waits for its payment, a sale (ledger movement referenced by the order number) once it
is paid or confirmed — as its other lines. Each line is allocated in its own short transaction
that locks the order, then the variant row, then the stock rows (the order every other path
takes them in), and writes an order event. Run again, it finds nothing left to do.
"""

from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ashopy.catalog.availability import with_stock
from ashopy.catalog.models import Variant
from ashopy.inventory import reservations
from ashopy.inventory.errors import InsufficientStock, ReservationClosed
from ashopy.inventory.models import Reservation
from ashopy.stores.models import Store

from .errors import PreorderLimitReached
from .models import Order, OrderEvent, OrderLine
from .timeline import Fact, columns


def claim(*, units: Mapping[int, int], enforce_limit: bool = True) -> None:
    """Count `units` (per variant) as waiting on pre-order; PreorderLimitReached when a variant's limit
    (or its pre-order flag) refuses them. The caller's transaction rolls back on refusal.

    `enforce_limit=False` for an order that comes back to life (paid after it expired): the units
    were sold, the count follows them.
    """
    for variant_id, quantity in sorted(units.items()):
        if quantity <= 0:
            continue
        variants = Variant.objects.filter(pk=variant_id)
        if enforce_limit:
            variants = variants.filter(Q(preorder_limit__isnull=True)
                                       | Q(preorder_limit__gte=F("preorder_waiting") + quantity), preorder=True)
        if not variants.update(preorder_waiting=F("preorder_waiting") + quantity):
            raise PreorderLimitReached(variant_id=variant_id)


def forget(*, order: Order) -> None:
    """`order` stops being live: its units still waiting no longer count against the limits."""
    if not order.has_preorder:
        return
    waiting = {}
    for variant_id, quantity, allocated in (order.lines.filter(variant__isnull=False, preorder_quantity__gt=0)
                                            .values_list("variant_id", "preorder_quantity", "preorder_allocated")):
        if quantity > allocated:
            waiting[variant_id] = waiting.get(variant_id, 0) + quantity - allocated
    for variant_id, quantity in sorted(waiting.items()):
        Variant.objects.filter(pk=variant_id).update(preorder_waiting=F("preorder_waiting") - quantity)


def revive(*, order: Order) -> None:
    """`order` is live again (paid after it expired): its waiting units count again, whatever the limit."""
    if order.has_preorder:
        claim(units=waiting_units(order), enforce_limit=False)


def waiting_units(order: Order) -> dict[int, int]:
    """The order's pre-ordered units still waiting for stock, per variant."""
    units: dict[int, int] = {}
    for line in order.lines.all():
        if line.variant_id and line.preorder_waiting:
            units[line.variant_id] = units.get(line.variant_id, 0) + line.preorder_waiting
    return units


def waiting_lines(*, store: Store, variant_ids: Iterable[int] | None = None):
    """Lines of the store's live orders with pre-ordered units still waiting, oldest order first."""
    lines = (OrderLine.objects.filter(order__store=store, order__state__in=Order.PREORDER_LIVE,
                                      preorder_quantity__gt=F("preorder_allocated"), variant__isnull=False)
             .order_by("order__created_at", "order_id", "id"))
    if variant_ids is not None:
        lines = lines.filter(variant_id__in=list(variant_ids))
    return lines


def allocate(*, store: Store, variant_ids: Iterable[int], user=None) -> int:
    """Give the free stock of `variant_ids` to their waiting pre-orders, oldest order first; the units allocated.

    A line is served in part when the stock falls short; what is left waits for the next receipt.
    """
    allocated = 0
    for variant_id in sorted(set(variant_ids)):
        for line_id in waiting_lines(store=store, variant_ids=[variant_id]).values_list("pk", flat=True):
            taken = _allocate_line(line_id, user=user)
            if taken is None:  # no free unit left for this variant
                break
            allocated += taken
    return allocated


def _free_units(variant_id: int) -> int:
    return with_stock(Variant.objects.filter(pk=variant_id)).values_list("available", flat=True).first() or 0


def _allocate_line(line_id: int, *, user) -> int | None:
    """Serve one waiting line from the free stock: the units taken, or None when there was none to take."""
    with transaction.atomic():
        order_id = OrderLine.objects.values_list("order_id", flat=True).get(pk=line_id)
        order = (Order.objects.select_for_update(of=("self",)).select_related("store", "reservation")
                 .get(pk=order_id))
        line = OrderLine.objects.select_for_update().get(pk=line_id)
        if order.state not in Order.PREORDER_LIVE or line.preorder_waiting <= 0:
            return 0
        take = min(line.preorder_waiting, _free_units(line.variant_id))
        if take <= 0:
            return None
        pending = order.state == Order.State.PENDING_PAYMENT and not order.stock_consumed
        if pending and order.expires_at is not None and order.expires_at <= timezone.now():
            return 0  # about to expire: the sweep closes it
        Variant.objects.filter(pk=line.variant_id).update(preorder_waiting=F("preorder_waiting") - take)
        units = [reservations.Line(line.variant_id, take)]
        try:
            with transaction.atomic():
                if not pending:
                    reservations.deduct(store=order.store, lines=units, reference=order.number, user=user)
                elif order.reservation is not None and order.reservation.state == Reservation.State.ACTIVE:
                    reservations.add_to(reservation=order.reservation, lines=units)
                else:
                    _reserve_for(order, units)
        except (InsufficientStock, ReservationClosed):  # taken meanwhile, or the hold lapsed: the next receipt
            transaction.set_rollback(True)
            return None
        OrderLine.objects.filter(pk=line.pk).update(preorder_allocated=F("preorder_allocated") + take)
        OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.NOTE, user=user,
                                  **columns(Fact("preorder_allocated", {"quantity": take, "sku": line.sku})))
        return take


def _reserve_for(order: Order, units: list) -> None:
    """A pending order that held nothing (all on pre-order): a reservation until the order's own expiry."""
    from .services import owner_of  # services call this module

    ttl = max(order.expires_at - timezone.now(), timedelta(seconds=1)) if order.expires_at else None
    reservation = reservations.reserve(store=order.store, lines=units, owner=owner_of(order.number), ttl=ttl)
    Order.objects.filter(pk=order.pk).update(reservation=reservation)
