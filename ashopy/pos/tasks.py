"""Celery tasks: thin wrappers around the till's services."""

from celery import shared_task

from . import closures


@shared_task(ignore_result=True)
def close_periods() -> int:
    """Run by Celery beat every 15 minutes: close the days, months and years that are over, per till."""
    return len(closures.close_due())
