from celery import shared_task

from . import services


@shared_task
def mark_overdue_invoices() -> int:
    """Issued invoices past their due date and not fully paid become overdue."""
    return services.mark_overdue()


@shared_task
def expire_quotes() -> int:
    """Sent quotes past their validity date expire."""
    from . import quote_services

    return quote_services.expire_due()


@shared_task
def cancel_unpaid_quotes() -> int:
    """Accepted quotes whose order received nothing within the store's days to pay give their units back."""
    from . import quote_acceptance

    return quote_acceptance.cancel_unpaid()
