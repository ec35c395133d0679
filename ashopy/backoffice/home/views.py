"""The staff home at /staff/: today's and this week's figures, the work waiting, and charts.

Every staff role gets in; each figure and chart is shown to whoever may open the list behind it
(`navigation.may_open`, the views' own roles), and only those are computed. Days and weeks
(ISO, from Monday) are the store's, on its clock (`Store.timezone`). The page costs the same
number of queries whatever the number of orders (`tests/backoffice/test_home.py`).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ashopy.backoffice import navigation
from ashopy.backoffice.orders.forms import payment_method_choices
from ashopy.core.money import format_money, format_number
from ashopy.inventory import selectors as stock
from ashopy.orders import selectors as orders
from ashopy.stores.decorators import SALES_ROLES, store_staff_required

from . import charts

CHART_DAYS = 30
TOP_PRODUCTS = 10
ORDERS = "staff_orders:order_list"
PREORDERS = "staff_orders:preorder_list"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str
    slug: str
    note: str = ""
    parts: tuple["Figure", ...] = ()  # the same figure split (awaiting payment: per method)


def _orders_url(**filters) -> str:
    return f"{reverse(ORDERS)}?{urlencode({name: value for name, value in filters.items() if value})}"


def _sales_figures(name: str, sales: orders.Sales, first: date, last: date) -> list[Figure]:
    """Sales, order count and average basket of one period, each a link to the orders they count."""
    url = _orders_url(state="sold", paid_from=first.isoformat(), paid_to=last.isoformat())
    average = format_money(sales.average, sales.currency) if sales.average is not None else "—"
    return [Figure(_("Sales"), format_money(sales.amount, sales.currency), url, f"{name}-sales"),
            Figure(_("Orders"), format_number(sales.orders), url, f"{name}-orders"),
            Figure(_("Average basket"), average, url, f"{name}-average")]


def _work_figures(request, labels: dict[str, str]) -> list[Figure]:
    """What is waiting now: orders to prepare, to be paid and to collect, pre-orders waiting for stock (for
    sales staff), low stock (for stock staff)."""
    figures = []
    if navigation.may_open(request, ORDERS):
        work = orders.open_work(store=request.store)
        figures.append(Figure(_("Orders to prepare"), format_number(work.to_prepare),
                              _orders_url(state="to_prepare"), "to-prepare"))
        currency = request.store.currency
        parts = tuple(Figure(labels.get(waiting.payment_method, waiting.payment_method), format_number(waiting.orders),
                             _orders_url(state="awaiting_payment", payment_method=waiting.payment_method),
                             f"awaiting-{waiting.payment_method}", note=format_money(waiting.amount, currency))
                      for waiting in work.awaiting_payment)
        figures.append(Figure(_("Awaiting payment"), format_number(work.awaiting_orders),
                              _orders_url(state="awaiting_payment"), "awaiting",
                              note=format_money(work.awaiting_amount, currency), parts=parts))
        figures.append(Figure(_("To collect"), format_number(work.to_collect), _orders_url(state="to_collect"),
                              "to-collect", note=format_money(work.to_collect_amount, currency)))
    if navigation.may_open(request, PREORDERS):
        figures.append(Figure(_("Pre-orders waiting"), format_number(orders.preorders_waiting(store=request.store)),
                              reverse(PREORDERS), "preorders"))
    if navigation.may_open(request, "inventory:low_stock"):
        figures.append(Figure(_("Low stock"), format_number(stock.low_stock_count(store=request.store)),
                              reverse("inventory:low_stock"), "low-stock"))
    return figures


def _charts(request, *, first: date, today: date, zone: ZoneInfo, labels: dict[str, str]) -> list[charts.Chart]:
    store, shown = request.store, []
    last_days = orders.Period.of_days(first, today, zone)
    if navigation.may_open(request, ORDERS):
        shown.append(charts.sales_per_day(orders.daily_sales(store=store, first=first, last=today, zone=zone),
                                          store.currency))
        shown.append(charts.top_products(orders.top_products(store=store, period=last_days, limit=TOP_PRODUCTS),
                                         store.currency, CHART_DAYS, TOP_PRODUCTS))
    if navigation.may_open(request, "inventory:stock_value"):
        shown.append(charts.stock_value(stock.stock_value(store=store), store.currency))
    if navigation.may_open(request, ORDERS):
        shown.append(charts.payment_methods(orders.orders_by_payment_method(store=store, period=last_days),
                                            labels, store.currency, CHART_DAYS))
    return shown


@require_safe
@store_staff_required(SALES_ROLES)
def home(request):
    store = request.store
    zone = ZoneInfo(store.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    labels = dict(payment_method_choices(store))
    periods = []
    if navigation.may_open(request, ORDERS):
        sales = orders.sales_by_period(store=store, periods={
            "today": orders.Period.of_days(today, today, zone), "week": orders.Period.of_days(monday, sunday, zone)})
        periods = [(_("Today"), "today", _sales_figures("today", sales["today"], today, today)),
                   (_("This week"), "week", _sales_figures("week", sales["week"], monday, sunday))]
    first = today - timedelta(days=CHART_DAYS - 1)
    return render(request, "backoffice/home/home.html", {
        "periods": periods, "work": _work_figures(request, labels),
        "charts": _charts(request, first=first, today=today, zone=zone, labels=labels),
        "today": today, "monday": monday,
    })
