"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from . import reservations


@shared_task(ignore_result=True)
def expire_reservations() -> int:
    """Run every minute by Celery beat: release reservations past their expiry."""
    return reservations.expire_reservations()
