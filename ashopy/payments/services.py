"""Payment use cases: start an attempt, apply a provider's notification, refund, mark paid by hand.

Calls to providers happen outside database transactions; what they return is then written in
a short transaction. A notification is applied once: its (provider, event id) row is inserted
first, in the same transaction as its effects, so a replay (or a concurrent duplicate) finds the
row and changes nothing.
"""

import hmac
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from ashopy.core import events
from ashopy.core.money import ZERO, quantum
from ashopy.core.rows import Columns, fetch, for_update
from ashopy.orders import rules as order_rules
from ashopy.orders import services as orders
from ashopy.orders.models import Order, OrderEvent
from ashopy.orders.timeline import Fact
from ashopy.orders.timeline import amount as amount_of

from . import providers
from .errors import InvalidAmount, NotOffline, NotRefundable, UnknownMethod
from .models import Payment, PaymentEvent
from .providers.base import InvalidNotification, Notification, Outcome, PaymentRequest, Provider, ProviderError


def provider_for(store, code: str) -> Provider:
    provider = providers.get(store, str(code or ""))
    if provider is None:
        raise UnknownMethod(fields={"payment_method": [str(UnknownMethod.message)]})
    return provider


def create(*, order: Order, provider: Provider, amount: Decimal | None = None) -> Payment:
    """A new attempt for the order's total (the caller's transaction), or for `amount`, a part of it (a
    quote's deposit, or its balance): flagged `part` in its data, so that its success pays the order only
    once its payments add up to the total."""
    data = {}
    if amount is not None:
        amount = _part(order, amount)
        data = {"part": True}
    return Payment.objects.create(store_id=order.store_id, order=order, provider=provider.code,
                                  reference=f"PAY-{uuid.uuid4().hex[:20]}",
                                  amount=order.total if amount is None else amount, currency=order.currency,
                                  data=data)


def received(order_id: int) -> Decimal:
    """What the order's payments brought in (refunds deducted)."""
    paid = Payment.objects.filter(order_id=order_id, status__in=[Payment.Status.SUCCEEDED, Payment.Status.REFUNDED]) \
        .aggregate(amount=Sum("amount"), refunded=Sum("refunded_amount"))
    return (paid["amount"] or ZERO) - (paid["refunded"] or ZERO)


def _part(order: Order, amount) -> Decimal:
    """A part payment's amount: above zero, in the currency's units, within what is left to pay."""
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError) as error:
        raise InvalidAmount() from error
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(quantum(order.currency)) \
            or amount > order.total - received(order.pk):
        raise InvalidAmount()
    return amount


def _succeeded(payment: Payment, *, order: Order | None = None, user=None, recorded: bool = False) -> None:
    """The attempt succeeded: the order is paid, or part-paid while its payments do not reach its total."""
    order = order or Order(pk=payment.order_id)  # a reference: the orders services lock and read the row
    if payment.data.get("part"):
        total = Order.objects.filter(pk=payment.order_id).values_list("total", flat=True).get()
        if received(payment.order_id) < total:
            code = "deposit_recorded" if recorded else "deposit_received"
            orders.mark_part_paid(order=order, user=user, payment_note=Fact(
                code, {"method": payment.provider, **amount_of(payment.amount, payment.currency)}),
                method=payment.provider)
            return
    note = (Fact("payment_recorded", {"method": payment.provider, **amount_of(payment.amount, payment.currency)})
            if recorded else _paid_note(payment))
    orders.mark_paid(order=order, user=user, payment_note=note, method=payment.provider)


RECORDED_METHODS = ("bank_transfer", "cash")


@transaction.atomic
def record_part_payment(*, order: Order, user, amount: Decimal, method: str) -> Payment:
    """Staff received part of an order's money by transfer or in cash (a quote's deposit): a succeeded
    payment; the order is paid once its payments reach its total."""
    if method not in RECORDED_METHODS:
        raise UnknownMethod(fields={"method": [str(UnknownMethod.message)]})
    order = Order.objects.select_for_update(of=("self",)).select_related("store").get(pk=order.pk)
    order_rules.authorize(user=user, order=order, action="mark_paid")
    if not order.awaits_money:
        raise NotOffline()
    payment = Payment.objects.create(store_id=order.store_id, order=order, provider=method,
                                     reference=f"PAY-{uuid.uuid4().hex[:20]}", amount=_part(order, amount),
                                     currency=order.currency, status=Payment.Status.SUCCEEDED,
                                     data={"part": True, "recorded_by": getattr(user, "pk", None)})
    _succeeded(payment, order=order, user=user, recorded=True)
    return payment


def start(*, payment: Payment, provider: Provider, urls: dict[str, str], description: str = "") -> Payment:
    """Ask the provider for its payment page (or instructions). Outside any transaction.

    ProviderError leaves the attempt failed and is raised again for the caller to undo the order.
    """
    order = payment.order
    request = PaymentRequest(
        payment_id=payment.pk, reference=payment.reference, amount=payment.amount, currency=payment.currency,
        order_number=order.number, description=description or order.number, customer_email=order.email,
        success_url=urls["success"], cancel_url=urls["cancel"], notify_url=urls["notify"], language=order.language)
    return _start(payment, provider, request)


# --- payments that belong to no order (a till's mobile-money request) ----------------------------

_detached_handlers: list[Callable[[Payment], None]] = []


def on_detached_outcome(handler: Callable[[Payment], None]) -> Callable[[Payment], None]:
    """Register `handler`, called with an order-less payment whose status a notification (or a
    cancellation) just changed, in the same transaction and under the payment's row lock: an app
    above this one (the till) moves what it built on the payment. Called once per change, never
    for a replay."""
    if handler not in _detached_handlers:
        _detached_handlers.append(handler)
    return handler


def create_detached(*, store, provider: Provider, amount: Decimal, currency: str, data: dict | None = None) -> Payment:
    """A new attempt that belongs to no order (the caller's transaction)."""
    return Payment.objects.create(store=store, order=None, provider=provider.code,
                                  reference=f"PAY-{uuid.uuid4().hex[:20]}", amount=amount, currency=currency,
                                  data=dict(data or {}))


def start_detached(*, payment: Payment, provider: Provider, urls: dict[str, str], description: str,
                   language: str = "fr") -> Payment:
    """`start` for an order-less payment: the provider's page for `description`. Outside any transaction."""
    request = PaymentRequest(
        payment_id=payment.pk, reference=payment.reference, amount=payment.amount, currency=payment.currency,
        order_number=payment.reference, description=description, customer_email="",
        success_url=urls["success"], cancel_url=urls["cancel"], notify_url=urls["notify"], language=language)
    return _start(payment, provider, request)


def _apply_detached(payment: Payment, outcome: str) -> Payment:
    """The order-less side of `apply_outcome`: the status moves (succeeded once; an open attempt may
    fail, be cancelled or expire), and the registered handlers hear of it."""
    status = {Outcome.SUCCEEDED: Payment.Status.SUCCEEDED, Outcome.FAILED: Payment.Status.FAILED,
              Outcome.CANCELLED: Payment.Status.CANCELLED, Outcome.EXPIRED: Payment.Status.EXPIRED}.get(outcome)
    moves = status is not None and (
        (status == Payment.Status.SUCCEEDED and payment.status != Payment.Status.SUCCEEDED)
        or (status != Payment.Status.SUCCEEDED and payment.status in Payment.OPEN))
    if not moves:
        payment.save(update_fields=["data", "updated_at"])
        return payment
    payment.status = status
    payment.save(update_fields=["status", "data", "updated_at"])
    for handler in _detached_handlers:
        handler(payment)
    return payment


def _start(payment: Payment, provider: Provider, request: PaymentRequest) -> Payment:
    try:
        started = provider.start(request)
    except ProviderError:
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)
        payment.status = Payment.Status.FAILED
        raise
    payment.status = Payment.Status.PENDING
    payment.provider_reference = started.provider_reference
    payment.redirect_url = started.redirect_url
    payment.instructions = started.instructions
    payment.verification_token = started.verification_token
    payment.data = {**payment.data, **dict(started.data)}
    payment.save(update_fields=["status", "provider_reference", "redirect_url", "instructions",
                                "verification_token", "data", "updated_at"])
    return payment


_PAYMENT = Columns(Payment, "payment")


def _locked_payment(store, provider: Provider, column: str, value: str) -> Payment | None:
    """The store's attempt with `provider` whose `column` is `value`, locked. Written in SQL: every
    notification runs it (core/rows.py)."""
    rows = fetch(f"SELECT {_PAYMENT.sql} FROM {Payment._meta.db_table} payment "  # noqa: S608
                 f"WHERE payment.store_id = %s AND payment.provider = %s AND payment.{column} = %s "
                 f"ORDER BY payment.id LIMIT 1{for_update()}", [store.pk, provider.code, value])
    return _PAYMENT.instance(rows[0]) if rows else None


def _payment_of(store, provider: Provider, notification: Notification) -> Payment:
    # Orange Money names no payment: its secret notif_token, given to us at start, is the key.
    for column, value in (("reference", notification.reference),
                          ("provider_reference", notification.provider_reference),
                          ("verification_token", notification.verification_token)):
        payment = _locked_payment(store, provider, column, value) if value else None
        if payment is not None:
            break
    else:
        raise InvalidNotification()
    if payment.verification_token and not hmac.compare_digest(
            payment.verification_token.encode(), (notification.verification_token or "").encode()):
        raise InvalidNotification()
    if notification.amount is not None and (notification.amount != payment.amount or (
            notification.currency and notification.currency.upper() != payment.currency)):
        raise InvalidNotification()
    return payment


def handle_notification(*, store, provider_code: str, body: bytes, headers) -> PaymentEvent | None:
    """Verify and apply one webhook call. None when it is a replay (already processed)."""
    provider = provider_for(store, provider_code)
    notification = provider.parse_notification(body, headers)
    with transaction.atomic():
        payment = _payment_of(store, provider, notification)
        event = PaymentEvent.objects.record_once(
            payment=payment, provider=provider.code, event_id=notification.event_id[:255],
            outcome=notification.outcome, payload=dict(notification.raw))
        if event is not None:
            apply_outcome(payment=payment, outcome=notification.outcome, data=notification.data)
        return event


def apply_outcome(*, payment: Payment, outcome: str, data=None) -> Payment:
    """Move the attempt and its order (the caller holds the transaction and the payment row)."""
    if data:
        payment.data = {**payment.data, **dict(data)}
    if payment.order_id is None:
        return _apply_detached(payment, outcome)
    order = Order(pk=payment.order_id)  # a reference: the orders services lock and read the row
    if outcome == Outcome.SUCCEEDED and payment.status != Payment.Status.SUCCEEDED:
        payment.status = Payment.Status.SUCCEEDED
        payment.save(update_fields=["status", "data", "updated_at"])
        _succeeded(payment)
    elif outcome in (Outcome.FAILED, Outcome.CANCELLED, Outcome.EXPIRED) and payment.status in Payment.OPEN:
        payment.status = {Outcome.FAILED: Payment.Status.FAILED, Outcome.CANCELLED: Payment.Status.CANCELLED,
                          Outcome.EXPIRED: Payment.Status.EXPIRED}[Outcome(outcome)]
        payment.save(update_fields=["status", "data", "updated_at"])
        order.refresh_from_db(fields=["state"])
        if order.state == Order.State.PENDING_PAYMENT:
            if outcome == Outcome.EXPIRED:
                orders.expire(order=order)
            else:
                orders.cancel(order=order, note=Fact("payment_outcome", {"outcome": str(outcome),
                                                                          "method": payment.provider}))
    elif outcome == Outcome.REFUNDED and payment.status == Payment.Status.SUCCEEDED:
        refunded = payment.amount - payment.refunded_amount
        payment.status, payment.refunded_amount = Payment.Status.REFUNDED, payment.amount
        payment.save(update_fields=["status", "refunded_amount", "data", "updated_at"])
        _refunded(payment, refunded)
    elif data:
        payment.save(update_fields=["data", "updated_at"])
    return payment


def _refunded(payment: Payment, amount: Decimal) -> None:
    events.publish("payment_refunded", payment_id=payment.pk, order_id=payment.order_id,
                   amount=str(amount), currency=payment.currency)


def _paid_note(payment: Payment) -> Fact:
    return Fact("payment_received", {"method": payment.provider, **amount_of(payment.amount, payment.currency)})


def cancel_open(*, order: Order) -> None:
    """The customer came back from the provider's page without paying: close the open attempts."""
    with transaction.atomic():
        for payment in Payment.objects.select_for_update().filter(order=order, status__in=Payment.OPEN):
            apply_outcome(payment=payment, outcome=Outcome.CANCELLED)


def refund(*, order: Order, user=None, amount: Decimal | None = None) -> list[Payment]:
    """Give back what the order's succeeded payments took (a cancelled paid order).

    The provider is called outside any transaction; offline payments are refunded by hand and
    raise NotRefundable so the caller can tell the person.
    """
    refunded, left = [], amount
    for payment in Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).order_by("id"):
        provider = provider_for(order.store, payment.provider)
        if not provider.refundable:
            raise NotRefundable()
        due = payment.amount - payment.refunded_amount
        if left is not None:  # an amount: taken from the payments in turn, never more than each has left
            due = min(due, left)
            left -= due
        if due <= 0:
            continue
        result = provider.refund(provider_reference=payment.provider_reference, amount=due,
                                 currency=payment.currency, reference=payment.reference, data=payment.data)
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            locked.refunded_amount = min(locked.amount, locked.refunded_amount + due)
            if locked.refunded_amount == locked.amount:
                locked.status = Payment.Status.REFUNDED
            locked.data = {**locked.data, "refunds": [*locked.data.get("refunds", []), result.provider_reference]}
            locked.save(update_fields=["refunded_amount", "status", "data", "updated_at"])
            orders.record(order=order, kind=OrderEvent.Kind.PAYMENT, user=user,
                          note=Fact("refunded", {"method": payment.provider, **amount_of(due, payment.currency)}))
            _refunded(locked, due)
        refunded.append(locked)
    return refunded


@transaction.atomic
def mark_paid_by_hand(*, order: Order, user) -> Order:
    """Staff received the cash or the transfer of an order waiting for an offline payment (for cash on
    delivery, possibly after the parcel left)."""
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if not order.awaits_money:
        raise NotOffline()
    payment = Payment.objects.select_for_update().filter(order=order, status__in=Payment.OPEN).first()
    if payment is not None:
        payment.status = Payment.Status.SUCCEEDED
        payment.save(update_fields=["status", "updated_at"])
    return orders.mark_paid(order=order, user=user,
                            payment_note=Fact("payment_recorded", {"method": order.payment_method,
                                                                       **amount_of(order.total, order.currency)}))
