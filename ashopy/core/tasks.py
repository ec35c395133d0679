"""Celery tasks of the domain-event outbox (core/events.py)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import events
from .models import OutboxMessage

DELIVERED_KEPT = timedelta(days=30)


@shared_task(ignore_result=True)
def deliver_messages(ids: list[int]) -> int:
    """Deliver the messages one transaction wrote, right after it committed."""
    return sum(events.deliver(message_id) for message_id in ids)


@shared_task(ignore_result=True)
def deliver_outbox() -> int:
    """Run every minute by Celery beat: deliver what is still waiting, forget what was delivered long ago."""
    done = events.deliver_pending()
    OutboxMessage.objects.filter(delivered_at__lt=timezone.now() - DELIVERED_KEPT).delete()
    return done
