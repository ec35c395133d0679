"""Reads of orders shared by the back office, the API and the customer's pages: same filters, same search.

The staff home's figures (the end of this module) count the same states as the lists they link to.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from ashopy.core.money import ZERO, round_money
from ashopy.stores.rules import SALES_ROLES, require_role

from .errors import OrderNotFound
from .models import Order, OrderEvent, OrderLine
from .preorders import waiting_lines

SEARCH_WORDS = 5  # words of a search that count; more only cost time

# Paid and kept: the orders that count as sales (cancelled ones were refunded, refund_needed ones will be).
# A cash-on-delivery order may be in these states before the courier's cash is recorded: not a sale yet.
SOLD_STATES = (Order.State.PAID, Order.State.PROCESSING, Order.State.SHIPPED, Order.State.DELIVERED)
SOLD = Q(state__in=SOLD_STATES, paid_at__isnull=False)
# Not yet handed to a carrier, and paid or paid on delivery: the warehouse's work.
TO_PREPARE = (Q(state__in=(Order.State.PAID, Order.State.PROCESSING))
              | Q(state=Order.State.AWAITING_PAYMENT, pays_on_delivery=True))
# Delivered against cash that is not recorded yet ("à encaisser").
TO_COLLECT = Q(state=Order.State.DELIVERED, pays_on_delivery=True, paid_at__isnull=True)
AWAITING = Q(state=Order.State.AWAITING_PAYMENT)
# Names a staff list may filter by instead of one state.
STATE_GROUPS = {"sold": SOLD, "to_prepare": TO_PREPARE, "to_collect": TO_COLLECT}


@dataclass(frozen=True)
class OrderFilters:
    """What a staff order list is narrowed to. Dates are local dates, in the current time zone."""

    state: str = ""
    payment_method: str = ""
    created_after: date | None = None
    created_before: date | None = None
    paid_after: date | None = None
    paid_before: date | None = None
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
    if filters.state in STATE_GROUPS:
        orders = orders.filter(STATE_GROUPS[filters.state])
    elif filters.state:
        orders = orders.filter(state=filters.state)
    if filters.payment_method:
        orders = orders.filter(payment_method=filters.payment_method)
    if filters.created_after:
        orders = orders.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        orders = orders.filter(created_at__date__lte=filters.created_before)
    if filters.paid_after:
        orders = orders.filter(paid_at__date__gte=filters.paid_after)
    if filters.paid_before:
        orders = orders.filter(paid_at__date__lte=filters.paid_before)
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


def waiting_preorders(*, store, user, product_id: int | None = None) -> QuerySet[OrderLine]:
    """Lines of live orders whose pre-ordered units still wait for stock, oldest order first (the order
    they will be served in), each with `waiting` units and its order; the store's sales staff only.

    Narrowed to one product with `product_id`."""
    require_role(user=user, store=store, roles=SALES_ROLES)
    lines = (waiting_lines(store=store).select_related("order", "variant")
             .annotate(waiting=F("preorder_quantity") - F("preorder_allocated")))
    return lines.filter(product_id=product_id) if product_id is not None else lines


def preordered_products(*, store) -> list[tuple[int, str]]:
    """(product id, name) of the products with pre-ordered units waiting, by name: the list's filter."""
    return sorted(set(waiting_lines(store=store).filter(product_id__isnull=False)
                      .values_list("product_id", "product_name")), key=lambda pair: (pair[1].lower(), pair[0]))


# --- figures of the staff home ------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """From `start` (included) to `end` (excluded), aware datetimes."""

    start: datetime
    end: datetime

    @classmethod
    def of_days(cls, first: date, last: date, zone: ZoneInfo) -> "Period":
        """Local days `first` to `last` (both included) on the clock of `zone`, DST changes included."""
        return cls(datetime.combine(first, time.min, tzinfo=zone),
                   datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone))

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


@dataclass(frozen=True)
class Sales:
    """Sales of a period: the totals (tax and shipping included) of the orders paid in it and kept."""

    amount: Decimal
    orders: int
    currency: str

    @property
    def average(self) -> Decimal | None:
        """The average basket, rounded to the currency; None without orders."""
        return round_money(self.amount / self.orders, self.currency) if self.orders else None


def sold_orders(*, store) -> QuerySet[Order]:
    """The store's orders that count as sales: paid and neither cancelled nor waiting for a refund."""
    return Order.objects.for_store(store).filter(SOLD)


def sales_by_period(*, store, periods: dict[str, Period]) -> dict[str, Sales]:
    """Sales per named period (periods may overlap: today and this week), in one query."""
    if not periods:
        return {}
    aggregates = {}
    for index, period in enumerate(periods.values()):
        aggregates[f"amount_{index}"] = Sum("total", filter=period.q("paid_at"))
        aggregates[f"orders_{index}"] = Count("id", filter=period.q("paid_at"))
    covering = Period(min(p.start for p in periods.values()), max(p.end for p in periods.values()))
    row = sold_orders(store=store).filter(covering.q("paid_at")).aggregate(**aggregates)
    return {name: Sales(row[f"amount_{index}"] or ZERO, row[f"orders_{index}"], store.currency)
            for index, name in enumerate(periods)}


@dataclass(frozen=True)
class Waiting:
    """Orders waiting for an offline payment (cash on delivery, bank transfer) with one method."""

    payment_method: str
    orders: int
    amount: Decimal


@dataclass(frozen=True)
class OpenWork:
    to_prepare: int
    awaiting_payment: list[Waiting]
    to_collect: int = 0
    to_collect_amount: Decimal = ZERO

    @property
    def awaiting_orders(self) -> int:
        return sum(waiting.orders for waiting in self.awaiting_payment)

    @property
    def awaiting_amount(self) -> Decimal:
        return sum((waiting.amount for waiting in self.awaiting_payment), ZERO)


def open_work(*, store) -> OpenWork:
    """Orders to prepare now, orders waiting for their payment by method, and delivered cash-on-delivery
    orders whose cash is to be recorded, in one query (the same groups as the lists they link to)."""
    rows = (Order.objects.for_store(store).filter(TO_PREPARE | AWAITING | TO_COLLECT)
            .values("payment_method")
            .annotate(to_prepare=Count("id", filter=TO_PREPARE), waiting=Count("id", filter=AWAITING),
                      waiting_amount=Sum("total", filter=AWAITING), to_collect=Count("id", filter=TO_COLLECT),
                      to_collect_amount=Sum("total", filter=TO_COLLECT))
            .order_by("payment_method"))
    to_prepare = to_collect = 0
    to_collect_amount, waiting = ZERO, []
    for row in rows:
        to_prepare += row["to_prepare"]
        to_collect += row["to_collect"]
        to_collect_amount += row["to_collect_amount"] or ZERO
        if row["waiting"]:
            waiting.append(Waiting(row["payment_method"], row["waiting"], row["waiting_amount"] or ZERO))
    return OpenWork(to_prepare=to_prepare, awaiting_payment=waiting, to_collect=to_collect,
                    to_collect_amount=to_collect_amount)


def preorders_waiting(*, store) -> int:
    """Order lines with pre-ordered units still waiting for stock (the staff list of pre-orders)."""
    return waiting_lines(store=store).count()


@dataclass(frozen=True)
class DaySales:
    day: date
    amount: Decimal
    orders: int


def daily_sales(*, store, first: date, last: date, zone: ZoneInfo) -> list[DaySales]:
    """Sales of each local day from `first` to `last`, days without sales included (as zero)."""
    rows = (sold_orders(store=store).filter(Period.of_days(first, last, zone).q("paid_at"))
            .annotate(day=TruncDate("paid_at", tzinfo=zone)).values("day")
            .annotate(amount=Sum("total"), orders=Count("id")).order_by("day"))
    found = {row["day"]: row for row in rows}
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return [DaySales(day, found[day]["amount"], found[day]["orders"]) if day in found else DaySales(day, ZERO, 0)
            for day in days]


def top_products(*, store, period: Period, limit: int = 10) -> list[dict]:
    """The products that brought most in `period` (lines of the orders paid in it and kept, tax included,
    shipping not): [{"product_id", "name", "units", "revenue"}], best first."""
    return list(OrderLine.objects.filter(order__store=store, order__state__in=SOLD_STATES, order__paid_at__isnull=False)
                .filter(period.q("order__paid_at"))
                .values("product_id").annotate(name=Max("product_name"), units=Sum("quantity"), revenue=Sum("gross"))
                .order_by("-revenue", "product_id")[:limit])


def orders_by_payment_method(*, store, period: Period) -> list[dict]:
    """Orders placed in `period` that were paid and kept or wait for an offline payment, by payment method:
    [{"payment_method", "orders", "amount"}], the most used first."""
    return list(Order.objects.for_store(store)
                .filter(period.q("created_at"), state__in=(*SOLD_STATES, Order.State.AWAITING_PAYMENT))
                .values("payment_method").annotate(orders=Count("id"), amount=Sum("total"))
                .order_by("-orders", "payment_method"))


def has_paid_order(*, store, customer=None, email: str = "") -> bool:
    """Whether the customer (or, for a guest, the e-mail address) has an order paid in `store`: a code for
    a first order only is refused then (promotions.codes asks through `register_paid_orders`)."""
    mine = Q(pk__in=[])
    if customer is not None:
        mine |= Q(user=customer)
    if email:
        mine |= Q(email__iexact=email)
    return Order.objects.filter(mine, store=store, paid_at__isnull=False).exists()
