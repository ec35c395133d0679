"""Order use cases: placing the snapshot, and every state change with its event row.

Each transition locks the order row, calls its django-fsm transition, saves, and writes an
OrderEvent (who, when, from, to, note). Stock follows the state: a paid order consumes its
reservation (sale movements), a cancelled one releases it or puts consumed units back, an
expired one releases it. E-mails leave after the transaction commits (Celery).
"""

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed
from sequences import get_next_value

from ashopy.cart import services as cart_services
from ashopy.catalog.models import Variant
from ashopy.core import events
from ashopy.core.rows import Columns, fetch, for_update
from ashopy.inventory import reservations
from ashopy.inventory import services as stock
from ashopy.inventory.errors import InsufficientStock, ReservationClosed
from ashopy.inventory.models import Reason, Reservation, StockMovement, Warehouse
from ashopy.stores.models import Store

from . import preorders, rules
from .errors import NoteRequired, NotShipped, StockGone, TransitionNotAllowed
from .models import Order, OrderDiscount, OrderEvent, OrderLine
from .timeline import Fact, Note, columns

TRACKING_FIELDS = ("carrier", "tracking_number", "tracking_url")


def next_number(store: Store, *, year: int | None = None) -> str:
    """CMD-2026-000123: unique and increasing per store and year.

    Call it before the order's transaction: on PostgreSQL it is then one statement that commits
    by itself, and the counter's row is not held until the order commits — which queued every
    checkout of the store behind one another (bench/checkout.py saw 85 % of lock waits there).
    The price is a skipped number when a checkout fails after taking one (a race for the last
    unit); order numbers need not be gap-free — invoices will be.
    """
    year = year or timezone.localdate().year
    return f"CMD-{year}-{get_next_value(f'order-{store.pk}-{year}'):06d}"


def owner_of(number: str) -> str:
    """The reservation owner string of an order."""
    return f"order:{number}"


@dataclass(frozen=True)
class AgreedLine:
    """A line at a price agreed beforehand (an accepted quote), excl. tax: a catalogue variant, or a free
    line without one (a service)."""

    variant: Variant | None
    product_name: str
    sku: str
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    variant_name: str = ""
    preorder_quantity: int = 0  # agreed lines hold stock or nothing; never pre-ordered
    expected_on: None = None


@dataclass(frozen=True)
class AgreedTotals:
    """What `create` reads of the cart's totals, for agreed lines: prices excl. tax, no shipping."""

    currency: str
    lines: tuple[AgreedLine, ...]
    includes_tax: bool = False
    shipping: None = None
    discount: Decimal = Decimal(0)
    shipping_net: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    shipping_gross: Decimal = Decimal(0)
    shipping_tax_rate: Decimal = Decimal(0)

    @property
    def goods_net(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal(0))

    @property
    def goods_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal(0))

    @property
    def goods_gross(self) -> Decimal:
        return self.goods_net + self.goods_tax

    net, tax, total = goods_net, goods_tax, goods_gross


def _order_line(order: Order, line, code_label: str = "") -> OrderLine:
    """The stored line of a priced cart line, or of an agreed line (`AgreedLine`)."""
    if isinstance(line, AgreedLine):
        return OrderLine(order=order, variant=line.variant,
                         product_id=line.variant.product_id if line.variant is not None else None,
                         product_name=line.product_name[:255], variant_name=line.variant_name[:120], sku=line.sku,
                         quantity=line.quantity, unit_base=line.unit_price, unit_price=line.unit_price,
                         tax_rate=line.tax_rate, net=line.net, tax=line.tax, gross=line.net + line.tax)
    labels = [str(adjustment.label) for adjustment in line.unit.adjustments]
    if line.code_discount and code_label:
        labels.append(code_label)
    charged = line.charged  # after the promo code's part: the line's whole saving is in its discount
    return OrderLine(order=order, variant=line.variant, product_id=line.variant.product_id,
                     product_name=line.variant.product.name, variant_name=line.variant.name, sku=line.variant.sku,
                     quantity=line.quantity, unit_base=line.unit.base, unit_price=line.unit.price,
                     discount=charged.discount, discount_labels=", ".join(labels)[:255],
                     tax_rate=line.unit.tax_rate, net=charged.net, tax=charged.tax, gross=charged.gross,
                     preorder_quantity=line.preorder_quantity, expected_on=line.expected_on)


def create(*, store: Store, number: str, user, email: str, language: str, totals, billing_address: dict,
           shipping_address: dict | None, payment_method: str, reservation: Reservation | None,
           idempotency_key: str = "", customer_note: str = "", cart_id: int | None = None,
           expires_at: datetime | None = None, pays_on_delivery: bool = False) -> Order:
    """Store the priced snapshot (the caller holds the transaction and reserves the stock). `totals` is the
    cart's (`cart.totals.Totals`), or `AgreedTotals` for lines at agreed prices (an accepted quote).

    Units of a line beyond the free stock (`totals` lines' `preorder_quantity`) are pre-ordered: they
    are counted against the variant's limit here (PreorderLimitReached) and hold no stock. An order
    all on pre-order has no reservation, and waits for its payment until `expires_at`.
    """
    shipping = totals.shipping
    order = Order(
        store=store, number=number, user=user if user is not None and user.is_authenticated else None,
        email=email, language=language, currency=totals.currency, prices_include_tax=totals.includes_tax,
        billing_address=billing_address, shipping_address=shipping_address,
        shipping_method=shipping.name if shipping else "", shipping_method_id=shipping.id if shipping else None,
        shipping_net=totals.shipping_net, shipping_tax=totals.shipping_tax, shipping_gross=totals.shipping_gross,
        shipping_tax_rate=totals.shipping_tax_rate, goods_net=totals.goods_net, goods_tax=totals.goods_tax,
        goods_gross=totals.goods_gross, discount=totals.discount, total_net=totals.net, total_tax=totals.tax,
        total=totals.total, payment_method=payment_method, pays_on_delivery=pays_on_delivery, reservation=reservation,
        expires_at=reservation.expires_at if reservation else expires_at, idempotency_key=idempotency_key,
        customer_note=customer_note, cart_id=cart_id,
        has_preorder=any(line.preorder_quantity for line in totals.lines))
    Order.objects.bulk_create([order])
    discounts = getattr(totals, "discount_lines", ())
    code_label = next((line.label for line in discounts if line.kind == OrderDiscount.Kind.CODE), "")
    OrderLine.objects.bulk_create([_order_line(order, line, code_label) for line in totals.lines])
    if discounts:
        OrderDiscount.objects.bulk_create([
            OrderDiscount(order=order, kind=line.kind, label=line.label[:255], amount=line.amount,
                          code_id=line.code_id, promotion_id=line.promotion_id) for line in discounts])
    if order.has_preorder:
        preorders.claim(units={line.variant.pk: line.preorder_quantity for line in totals.lines})
    OrderEvent.objects.create(order=order, to_state=order.state, user=order.user)
    events.publish("order_placed", order_id=order.pk, store_id=store.pk)
    return order


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("store", "reservation").get(pk=order.pk)


_ORDER = Columns(Order, "orders")
_HOLD = Columns(Reservation, "hold", start=_ORDER.end)


def _locked_with_hold(order: Order) -> Order | None:
    """The order and its active reservation, both locked (nothing can release it until we commit),
    or None when it has no active reservation. Written in SQL: every payment runs it (core/rows.py)."""
    rows = fetch(f"SELECT {_ORDER.sql}, {_HOLD.sql} FROM {Order._meta.db_table} orders "  # noqa: S608
                 f"JOIN {Reservation._meta.db_table} hold ON hold.id = orders.reservation_id "
                 f"WHERE orders.id = %s AND hold.state = %s{for_update('orders', 'hold')}",
                 [order.pk, Reservation.State.ACTIVE])
    if not rows:
        return None
    locked = _ORDER.instance(rows[0])
    locked.reservation = _HOLD.instance(rows[0])
    return locked


def _target_label(method) -> str:
    """The state a transition leads to, as people read it (for refusals)."""
    target = next(iter(method._django_fsm.transitions.values())).target
    return Order.State(target).label if target in Order.State.values else str(target)


def _apply(order: Order, name: str, *, user=None, note: Note = "", timeline=(), **fields) -> Order:
    """Run transition `name` on the locked row, save it with `fields`, write its event after the
    `timeline` rows (a payment note).

    Refuses what the machine refuses.
    """
    method = getattr(order, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(state=order.get_state_display(), target=_target_label(method))
    before = order.state
    method()
    for field, value in fields.items():
        setattr(order, field, value)
    # What save(update_fields=…) with django-fsm's ConcurrentTransitionMixin does: the row must still be in `before`.
    if not Order.objects.filter(pk=order.pk, state=before).update(state=order.state, **fields):
        raise ConcurrentTransition(f"order {order.pk} left {before} meanwhile")
    order._update_initial_state()
    OrderEvent.objects.bulk_create([*timeline, OrderEvent(order=order, from_state=before, to_state=order.state,
                                                          user=user, **columns(note))])
    return order


def _publish(order: Order, *names: str, from_state: str = "") -> None:
    """Tell the other apps what happened to `order`, once this transaction commits."""
    payload = {"order_id": order.pk, "store_id": order.store_id, "from_state": from_state}
    events.publish_together(*((name, payload) for name in names))


def _take_stock(order: Order, *, user=None) -> bool:
    """Make the order's units sold: consume its reservation, or re-reserve and consume if it lapsed.

    False when the units are gone (someone else bought them after the hold expired).
    """
    if order.stock_consumed:
        return True
    reservation = order.reservation
    if reservation is not None:
        try:
            reservations.consume(reservation=reservation, reference=order.number, user=user)
            order.stock_consumed = True
            return True
        except ReservationClosed:
            pass
    # Pre-ordered units still waiting hold nothing: they are allocated when stock comes in (preorders.py).
    lines = [reservations.Line(line.variant_id, line.quantity - line.preorder_waiting)
             for line in order.lines.all() if line.variant_id and line.quantity > line.preorder_waiting]
    if not lines:
        order.stock_consumed = True
        return True
    try:
        with transaction.atomic():
            again = reservations.reserve(store=order.store, lines=lines, owner=owner_of(order.number))
            reservations.consume(reservation=again, reference=order.number, user=user)
    except InsufficientStock:
        return False
    order.reservation, order.stock_consumed = again, True
    return True


def _confirm(order: Order, *, quantities: dict[int, int] | None = None, paid_from: str = "") -> None:
    """The order is confirmed (paid, or an offline payment promised): its cart gives up what it
    ordered (`quantities` per variant when the caller knows them) and other apps hear of it
    (`order_paid` too when the money came with it, from state `paid_from`)."""
    if order.cart_id is not None:
        if quantities is None:
            quantities = dict(order.lines.filter(variant__isnull=False).values_list("variant_id", "quantity"))
        cart_services.take_ordered(cart_id=order.cart_id, quantities=quantities)
    if paid_from:
        _publish(order, "order_paid", "order_confirmed", from_state=paid_from)
    else:
        _publish(order, "order_confirmed")


def _payment_event(order: Order, note: Note, user) -> list[OrderEvent]:
    return [OrderEvent(order=order, kind=OrderEvent.Kind.PAYMENT, user=user, **columns(note))] if note else []


def _note_method(order: Order, method: str) -> None:
    """An order placed without a payment method (an accepted quote) takes that of its first money."""
    if method:
        Order.objects.filter(pk=order.pk, payment_method="").update(payment_method=method)


@transaction.atomic(savepoint=False)
def mark_paid(*, order: Order, user=None, note: Note = "", payment_note: Note = "", method: str = "") -> Order:
    """The money arrived: the units are sold and the order is paid.

    `payment_note` records the payment itself on the timeline. A payment that arrives after the
    hold lapsed re-reserves if the stock allows; otherwise the order becomes "paid – refund
    needed" and the store's staff are told. `user`: the staff member who received the money,
    or None for a provider's notification.
    """
    if user is not None:
        rules.authorize(user=user, order=order, action="mark_paid")
    _note_method(order, method)
    held = _locked_with_hold(order)
    if held is not None and held.state == Order.State.PENDING_PAYMENT and not held.stock_consumed:
        return _pay_from_hold(held, user=user, note=note, payment_note=payment_note)
    order = _locked(order)
    if order.state in Order.WAS_PAID:
        if order.awaits_money:
            return _collect(order, user=user, note=note, payment_note=payment_note)
        return order
    before = order.state
    timeline = _payment_event(order, payment_note, user)
    if before == Order.State.EXPIRED:  # live again: its waiting pre-orders count again (before any stock row)
        preorders.revive(order=order)
    if order.state == Order.State.CANCELLED or not _take_stock(order, user=user):
        if before in (Order.State.PENDING_PAYMENT, Order.State.EXPIRED):
            preorders.forget(order=order)
        order = _apply(order, "flag_refund", user=user, note=note, timeline=timeline, paid_at=timezone.now())
        _publish(order, "order_refund_needed", from_state=before)
        return order
    order = _apply(order, "pay", user=user, note=note, timeline=timeline, paid_at=timezone.now(),
                   stock_consumed=order.stock_consumed, reservation=order.reservation)
    if before == Order.State.AWAITING_PAYMENT:  # confirmed when it was placed
        _publish(order, "order_paid", from_state=before)
    else:
        _confirm(order, paid_from=before)
    return order


def _collect(order: Order, *, user, note: Note, payment_note: Note) -> Order:
    """The courier's cash of an order that left before it was paid (cash on delivery): the order keeps
    its state; it is paid now, and counts as a sale from now."""
    order.paid_at = timezone.now()
    order.save(update_fields=["paid_at"])
    OrderEvent.objects.bulk_create([*_payment_event(order, payment_note, user),
                                    *([OrderEvent(order=order, kind=OrderEvent.Kind.NOTE, user=user, **columns(note))]
                                      if note else [])])
    _publish(order, "order_paid", from_state=order.state)
    return order


def _pay_from_hold(order: Order, *, user, note: Note, payment_note: Note) -> Order:
    """The common case: a pending order whose hold we have locked. The units are consumed near the
    end, so the contended stock rows stay locked only for the cart's update and the COMMIT; what
    was sold is what the order's cart gives up (the hold was taken from the same lines)."""
    hold = order.reservation
    order = _apply(order, "pay", user=user, note=note, timeline=_payment_event(order, payment_note, user),
                   paid_at=timezone.now(), stock_consumed=True)
    sold = reservations.consume(reservation=hold, reference=order.number, user=user)
    # Pre-ordered units were not held: the cart gives up the lines' quantities, read from the order.
    _confirm(order, quantities=None if order.has_preorder else sold, paid_from=Order.State.PENDING_PAYMENT)
    return order


@transaction.atomic
def mark_part_paid(*, order: Order, user=None, payment_note: Note = "", method: str = "") -> Order:
    """Part of the money arrived (a quote's deposit): the payment goes on the timeline and the order keeps
    waiting for the rest. Money that comes for a cancelled order makes it "paid – refund needed".
    `method`: how it was paid, kept as the order's payment method when it had none (a quote's order)."""
    if user is not None:
        rules.authorize(user=user, order=order, action="mark_paid")
    _note_method(order, method)
    order = _locked(order)
    timeline = _payment_event(order, payment_note, user)
    if order.state == Order.State.CANCELLED:
        order = _apply(order, "flag_refund", user=user, timeline=timeline)
        _publish(order, "order_refund_needed", from_state=Order.State.CANCELLED)
        return order
    OrderEvent.objects.bulk_create(timeline)
    return order


@transaction.atomic
def await_payment(*, order: Order, user=None) -> Order:
    """An offline payment method: the units are sold now, and the order waits for the money."""
    order = _locked(order)
    if not _take_stock(order, user=user):
        raise StockGone()
    order = _apply(order, "await_payment", user=user, stock_consumed=order.stock_consumed,
                   reservation=order.reservation)
    _confirm(order)
    return order


def _release(order: Order) -> None:
    if order.reservation is not None and order.reservation.state == Reservation.State.ACTIVE:
        with contextlib.suppress(ReservationClosed):
            reservations.release(reservation=order.reservation)


def _put_back(order: Order, *, user=None) -> None:
    """Consumed units go back to the warehouses they left, as return movements."""
    sold = (StockMovement.objects.filter(store=order.store, reference=order.number, reason=Reason.SALE)
            .values_list("variant_id", "warehouse_id", "quantity"))
    returned = defaultdict(int)
    for variant_id, warehouse_id, quantity in sold:
        returned[variant_id, warehouse_id] -= quantity
    for movement in StockMovement.objects.filter(store=order.store, reference=order.number, reason=Reason.RETURN):
        returned[movement.variant_id, movement.warehouse_id] -= movement.quantity
    warehouses = Warehouse.objects.in_bulk({warehouse_id for _variant, warehouse_id in returned})
    lines = {line.variant_id: line.variant for line in order.lines.select_related("variant") if line.variant_id}
    for (variant_id, warehouse_id), quantity in sorted(returned.items()):
        if quantity > 0 and variant_id in lines:
            stock.restock(store=order.store, variant=lines[variant_id], warehouse=warehouses[warehouse_id],
                          quantity=quantity, reference=order.number, user=user, note="cancelled order")
    order.stock_consumed = False


@transaction.atomic
def cancel(*, order: Order, user=None, note: Note = "") -> Order:
    """Cancel: held units are released, sold ones put back. Refunds are the payments app's part."""
    order = _locked(order)
    rules.authorize(user=user, order=order, action="cancel")
    if not can_proceed(order.cancel):
        raise TransitionNotAllowed(state=order.get_state_display(), target=Order.State.CANCELLED.label)
    before = order.state
    if before in Order.PREORDER_LIVE:  # the variant rows before the stock rows, as the checkout takes them
        preorders.forget(order=order)
    _release(order)
    if order.stock_consumed:
        _put_back(order, user=user)
    order = _apply(order, "cancel", user=user, note=note, cancelled_at=timezone.now(),
                   stock_consumed=order.stock_consumed)
    _publish(order, "order_cancelled", from_state=before)
    return order


@transaction.atomic
def expire(*, order: Order) -> Order:
    """The hold lapsed before a payment: release it (if the sweep has not) and close the order."""
    order = _locked(order)
    if order.state != Order.State.PENDING_PAYMENT:
        return order
    preorders.forget(order=order)
    _release(order)
    order = _apply(order, "expire")
    _publish(order, "order_expired", from_state=Order.State.PENDING_PAYMENT)
    return order


def expire_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Expire pending orders whose hold has lapsed; safe beside another runner (SKIP LOCKED)."""
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        due = list(Order.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(state=Order.State.PENDING_PAYMENT, expires_at__lte=now)
                   .order_by("expires_at", "id")[:limit])
        for order in due:
            expire(order=order)
            done += 1
    return done


@transaction.atomic
def process(*, order: Order, user=None, note: str = "") -> Order:
    order = _locked(order)
    rules.authorize(user=user, order=order, action="process")
    return _apply(order, "process", user=user, note=note)


def _tracking(fields: dict) -> dict:
    return {name: (fields.get(name) or "").strip() for name in TRACKING_FIELDS}


@transaction.atomic
def ship(*, order: Order, user=None, carrier: str = "", tracking_number: str = "", tracking_url: str = "",
         note: str = "") -> Order:
    tracking = _tracking({"carrier": carrier, "tracking_number": tracking_number, "tracking_url": tracking_url})
    order = _locked(order)
    rules.authorize(user=user, order=order, action="ship")
    order = _apply(order, "ship", user=user, note=note, shipped_at=timezone.now(), **tracking)
    _publish(order, "order_shipped")
    return order


@transaction.atomic
def deliver(*, order: Order, user=None, note: str = "") -> Order:
    order = _locked(order)
    rules.authorize(user=user, order=order, action="deliver")
    order = _apply(order, "deliver", user=user, note=note, delivered_at=timezone.now())
    _publish(order, "order_delivered")
    return order


@transaction.atomic
def set_tracking(*, order: Order, user=None, carrier: str = "", tracking_number: str = "",
                 tracking_url: str = "") -> Order:
    """Correct the carrier or tracking number of a shipped order (an event records it)."""
    order = _locked(order)
    rules.authorize(user=user, order=order, action="set_tracking")
    if order.state not in (Order.State.SHIPPED, Order.State.DELIVERED):
        raise NotShipped()
    tracking = _tracking({"carrier": carrier, "tracking_number": tracking_number, "tracking_url": tracking_url})
    for field, value in tracking.items():
        setattr(order, field, value)
    order.save(update_fields=list(tracking))
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.NOTE, user=user,
                              **columns(Fact("tracking_changed",
                                             {"tracking": " ".join(value for value in tracking.values() if value)})))
    return order


def add_note(*, order: Order, user, note: str) -> OrderEvent:
    rules.authorize(user=user, order=order, action="add_note")
    note = (note or "").strip()
    if not note:
        raise NoteRequired(fields={"note": [str(NoteRequired.message)]})
    return OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.NOTE, user=user, note=note[:4000])


def record(*, order: Order, kind: str, note: Note, user=None) -> OrderEvent:
    """A fact for the timeline that is not a state change (a payment attempt, an e-mail)."""
    return OrderEvent.objects.create(order=order, kind=kind, user=user, **columns(note))
