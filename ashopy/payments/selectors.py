"""Reads of payments shared by the checkout pages and the API."""

from ashopy.orders.models import Order

from .models import Payment


def latest_payment(order: Order) -> Payment | None:
    """The order's most recent payment attempt (the one its payment page shows), or None."""
    return Payment.objects.filter(order=order).order_by("-id").first()
