from celery import shared_task

from . import services


@shared_task
def mark_overdue_invoices() -> int:
    """Issued invoices past their due date and not fully paid become overdue."""
    return services.mark_overdue()
