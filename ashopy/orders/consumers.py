"""The order e-mails, and the allocation of stock that comes in to pre-orders, as durable consumers of
events (core/events.py).

Each runs once per event, after the publishing transaction has committed (so never while its
stock rows are locked); their names are stored in outbox rows, so they stay as they are.
"""

from ashopy.core import events
from ashopy.promotions import codes
from ashopy.purchasing.models import PurchaseOrderLine
from ashopy.stores.models import Store

from . import emails, preorders
from .models import Order


@events.consumer("order_confirmed", name="orders.email.confirmation")
def confirmation(*, order_id: int, **_facts) -> None:
    emails.send(order_id, "confirmation")


@events.consumer("order_paid", name="orders.email.payment_received")
def payment_received(*, order_id: int, from_state: str = "", **_facts) -> None:
    """Only an order that waited for an offline payment: an online one had its confirmation."""
    if from_state == Order.State.AWAITING_PAYMENT:
        emails.send(order_id, "payment_received")


@events.consumer("order_refund_needed", name="orders.email.refund_needed")
def refund_needed(*, order_id: int, **_facts) -> None:
    emails.send(order_id, "refund_needed")


@events.consumer("order_shipped", name="orders.email.shipped")
def shipped(*, order_id: int, **_facts) -> None:
    emails.send(order_id, "shipped")


@events.consumer("order_cancelled", name="orders.email.cancelled")
def cancelled(*, order_id: int, from_state: str = "", **_facts) -> None:
    """A customer who backed out of the payment page needs no e-mail about it."""
    if from_state != Order.State.PENDING_PAYMENT:
        emails.send(order_id, "cancelled")


@events.consumer("purchase_order_received", name="orders.preorders.allocate")
def allocate_received(*, store_id: int, lines: dict, **_facts) -> None:
    """Received units go to the waiting pre-orders first, oldest order first. Durable: a receipt's
    allocation is not lost to a crash; idempotent: what is allocated stops waiting."""
    variant_ids = set(PurchaseOrderLine.objects.filter(pk__in=[int(line_id) for line_id in lines])
                      .values_list("variant_id", flat=True))
    store = Store.objects.filter(pk=store_id).first()
    if store is not None and variant_ids:
        preorders.allocate(store=store, variant_ids=variant_ids)


@events.consumer("stock_added", durable=False)
def allocate_added(*, store_id: int, variant_id: int, **_facts) -> None:
    """Any other stock-in (a return, a found unit, a manual receipt, a transfer) serves waiting pre-orders too,
    after its commit. Not durable (no outbox row for every movement): a lost run waits for the next stock-in."""
    store = Store.objects.filter(pk=store_id).first()
    if store is not None:
        preorders.allocate(store=store, variant_ids=[variant_id])


@events.consumer("order_paid", name="orders.codes.confirm")
def confirm_code_use(*, order_id: int, **_facts) -> None:
    """The order's promo code use counts for good. Idempotent: a replayed notification changes nothing."""
    codes.confirm(order_id=order_id)


@events.consumer("order_cancelled", name="orders.codes.release_cancelled")
def release_code_use_of_cancelled(*, order_id: int, **_facts) -> None:
    """An order cancelled before its money came gives its code's use back; a paid one keeps it."""
    if Order.objects.filter(pk=order_id, paid_at__isnull=True).exists():
        codes.release(order_id=order_id)


@events.consumer("order_expired", name="orders.codes.release_expired")
def release_code_use_of_expired(*, order_id: int, **_facts) -> None:
    codes.release(order_id=order_id)


@events.consumer("order_refund_needed", name="orders.codes.release_refunded")
def release_code_use_of_refunded(*, order_id: int, **_facts) -> None:
    """Paid too late (its units gone): the money goes back, and so does the code's use."""
    codes.release(order_id=order_id)
