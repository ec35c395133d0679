"""Domain events: what happened, told to the apps that care, once the transaction that made it commits.

An app publishes inside the transaction that changes its rows::

    events.publish("order_paid", order_id=order.pk, store_id=order.store_id)

- **Durable consumers** (work that must not be lost: e-mails, invoices, loyalty …) each get one
  `OutboxMessage` row, written in the same transaction. After the commit a Celery task delivers
  them (in-process when no broker is configured); Celery beat delivers again, every minute, what
  a crash or a failing consumer left behind. A delivered message is marked under its row lock,
  so delivering the same message twice — two workers, a retried task — does the work once.
- **Immediate consumers** (cache versions, metrics: cheap and safe to lose) run after the commit
  in the publishing process.

A transaction that rolls back writes no row and calls nothing, and no consumer ever runs while
the publisher still holds its locks (stock rows). Payloads are ids and plain JSON values, never
model instances: a consumer reads what it needs as it stands when it runs.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

EVENTS = frozenset({
    "order_placed",  # a customer placed an order (not yet paid)
    "order_confirmed",  # paid online, or placed with an offline method (cash on delivery, transfer)
    "order_paid",  # the money arrived, whichever way (provider, staff, cash collected, late payment)
    "order_refund_needed",  # paid after its hold lapsed and the units were gone
    "order_cancelled",
    "order_shipped",
    "order_delivered",
    "order_expired",
    "payment_refunded",
    "stock_low",
    "stock_added",  # units entered a warehouse (a receipt, a return, a found unit, a transfer)
    "purchase_order_received",
    "quote_requested",  # a customer asked for a quote (their cart, or a real-estate lot to reserve)
})
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Consumer:
    name: str
    event: str
    handler: Callable[..., None]
    durable: bool


_consumers: dict[str, list[Consumer]] = defaultdict(list)
_durable: dict[str, Consumer] = {}


def consumer(event: str, *, name: str | None = None, durable: bool = True):
    """Register the decorated function as a consumer of `event`; it is called with the payload.

    A durable consumer's `name` is stored in its outbox rows: keep it stable once deployed.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")

    def register(handler):
        entry = Consumer(name or f"{handler.__module__}.{handler.__qualname__}", event, handler, durable)
        if durable:
            if _durable.get(entry.name, entry).handler is not handler:
                raise ValueError(f"two durable consumers named {entry.name!r}")
            _durable[entry.name] = entry
        if entry not in _consumers[event]:
            _consumers[event].append(entry)
        return handler

    return register


def consumers_of(event: str) -> list[Consumer]:
    return list(_consumers.get(event, ()))


def publish(event: str, **payload) -> None:
    """Tell `event` to its consumers once the current transaction commits (at once outside one)."""
    publish_together((event, payload))


def publish_together(*published: tuple[str, dict]) -> None:
    """Several events of one change, their outbox rows written by one statement (the hot path counts)."""
    from .models import OutboxMessage

    messages = []
    for event, payload in published:
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}")
        for entry in _consumers.get(event, ()):
            if entry.durable:
                messages.append(OutboxMessage(event=event, consumer=entry.name, payload=payload))
            else:
                transaction.on_commit(lambda entry=entry, payload=payload: entry.handler(**payload), robust=True)
    if messages:
        OutboxMessage.objects.bulk_create(messages)
        ids = [message.pk for message in messages]
        # robust: a broker that cannot be reached never turns a committed change into an error;
        # beat delivers the rows later.
        transaction.on_commit(lambda: _schedule(ids), robust=True)


def _schedule(ids: list[int]) -> None:
    from .tasks import deliver_messages

    deliver_messages.delay(ids)


def deliver(message_id: int) -> bool:
    """Run one outbox message's consumer; True when it ran now.

    False when the message was delivered already, is being delivered by another worker, has
    failed too often, or its consumer failed (the error is kept on the row for the next try).
    """
    from .models import OutboxMessage

    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS).first())
        if message is None:
            return False
        message.attempts += 1
        entry = _durable.get(message.consumer)
        try:
            if entry is None:
                raise LookupError(f"no consumer named {message.consumer!r}")
            with transaction.atomic():
                entry.handler(**message.payload)
        except Exception as error:
            logger.exception("Outbox message %s (%s → %s) failed", message.pk, message.event, message.consumer)
            message.last_error = repr(error)[:2000]
            message.save(update_fields=["attempts", "last_error"])
            return False
        message.delivered_at = timezone.now()
        message.save(update_fields=["attempts", "delivered_at"])
        return True


def deliver_pending(*, limit: int = 500) -> int:
    """Deliver what is still waiting (oldest first); safe beside other workers. Answers how many ran."""
    from .models import OutboxMessage

    ids = list(OutboxMessage.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
               .order_by("id").values_list("id", flat=True)[:limit])
    return sum(deliver(message_id) for message_id in ids)
