"""Celery tasks: thin wrappers around the order services."""

from celery import shared_task


@shared_task(ignore_result=True)
def expire_orders() -> int:
    """Run every minute by Celery beat: close pending orders whose reservation lapsed."""
    from . import services

    return services.expire_due()
