"""Reads of orders shared by the back office, the API and the customer's pages: same filters, same search."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from .errors import OrderNotFound
from .models import Order, OrderEvent

SEARCH_WORDS = 5  # words of a search that count; more only cost time


@dataclass(frozen=True)
class OrderFilters:
    """What a staff order list is narrowed to. Dates are local dates, in the current time zone."""

    state: str = ""
    payment_method: str = ""
    created_after: date | None = None
    created_before: date | None = None
    q: str = ""  # words each found in the number, the e-mail or the billing name or company


def _searched(orders: QuerySet, q: str) -> QuerySet:
    for word in q.split()[:SEARCH_WORDS]:
        orders = orders.filter(
            Q(number__icontains=word) | Q(email__icontains=word)
            | Q(billing_address__first_name__icontains=word) | Q(billing_address__last_name__icontains=word)
            | Q(billing_address__company__icontains=word))
    return orders


def store_orders(*, store, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """The store's orders, newest first, narrowed by `filters`."""
    filters = filters or OrderFilters()
    orders = Order.objects.for_store(store)
    if filters.state:
        orders = orders.filter(state=filters.state)
    if filters.payment_method:
        orders = orders.filter(payment_method=filters.payment_method)
    if filters.created_after:
        orders = orders.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        orders = orders.filter(created_at__date__lte=filters.created_before)
    return _searched(orders, filters.q).order_by("-created_at", "-id")


def customer_orders(*, store, user) -> QuerySet[Order]:
    """`user`'s orders in `store`, newest first (none for a visitor)."""
    return Order.objects.of_customer(store, user).order_by("-created_at", "-id")


#: Orders whose money the store keeps: paid and not cancelled (a refund) nor owed back (refund needed).
KEPT_PAYMENT = (Order.State.PAID, Order.State.PROCESSING, Order.State.SHIPPED, Order.State.DELIVERED)


def lifetime_value(*, store, user) -> Decimal:
    """What `user` has paid `store` and kept paid: the sum of the totals (tax and shipping included) of their
    orders in the store that are paid, being prepared, shipped or delivered; cancelled, refund-needed and
    unpaid orders count for nothing. In the store's currency (every order of a store is in its currency)."""
    total = (Order.objects.of_customer(store, user).filter(state__in=KEPT_PAYMENT)
             .aggregate(value=Sum("total"))["value"])
    return total if total is not None else Decimal(0)


def with_order_figures(customers: QuerySet, *, store) -> QuerySet:
    """Customers annotated with `order_count` (their orders in `store`, any state) and `lifetime_value`
    (as `lifetime_value` counts it), in the same query as the list."""
    in_store = Q(orders__store=store)
    return customers.annotate(
        order_count=Count("orders", filter=in_store),
        lifetime_value=Sum("orders__total", filter=in_store & Q(orders__state__in=KEPT_PAYMENT), default=0))


def with_quantity(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Units per order; the ordering is restated because Meta.ordering is dropped from GROUP BY queries."""
    return orders.annotate(quantity=Sum("lines__quantity")).order_by("-created_at", "-id")


def order_with_history(*, store, number: str, user=None, staff: bool = False) -> Order:
    """One order with its lines, events (and who made them, for staff) and payments, newest first, in a
    fixed number of queries. Staff read any of the store's orders; anyone else only their own.
    Raises OrderNotFound otherwise (another store's, another customer's, a visitor)."""
    events = OrderEvent.objects.select_related("user") if staff else OrderEvent.objects.all()
    orders = (Order.objects.for_store(store).filter(number=number)
              .prefetch_related("lines", Prefetch("events", queryset=events), "payments"))
    if staff:
        orders = orders.select_related("user")
    else:
        orders = orders.filter(user=user) if user is not None and user.is_authenticated else orders.none()
    order = orders.first()
    if order is None:
        raise OrderNotFound()
    return order
