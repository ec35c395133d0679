"""Back-office customer pages under /staff/customers/: the store's customers, and one customer's page.

Every staff role of the store reads them (`SALES_ROLES`); what each may do there is the account services'
decision (`add_customer_note`: salespeople and administrators; `verify_segment`: administrators), which the
views only translate into messages. Another store's customer is a 404, like an unknown id.
"""

from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ashopy.accounts import selectors, services
from ashopy.accounts.forms import CustomerFilterForm
from ashopy.accounts.models import Segment, User
from ashopy.backoffice.text import notice_invalid_filters
from ashopy.core.errors import DomainError
from ashopy.orders import selectors as orders
from ashopy.stores.decorators import SALES_ROLES, store_staff_required

from .forms import CustomerNoteForm

LABELS = dict(Segment.choices)
PAGE_SIZE = 25
ORDERS_SHOWN = 50


def _in_store_timezone(view):
    """Dates shown follow the store's clock, not the server's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(ZoneInfo(request.store.timezone)):
            return view(request, *args, **kwargs)

    return wrapped


def _customer(request, pk) -> User:
    customer = selectors.customer_of(store=request.store, pk=pk)
    if customer is None:
        raise Http404
    return customer


@require_safe
@store_staff_required(SALES_ROLES)
@_in_store_timezone
def customer_list(request):
    """The store's customers, newest first, searched and filtered as the staff API does."""
    form = CustomerFilterForm(request.store, request.GET or None)
    notice_invalid_filters(request, form)
    rows = orders.with_order_figures(selectors.search_customers(store=request.store, filters=form.filters()),
                                     store=request.store)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for customer in page.object_list:
        customer.effective_label = LABELS.get(selectors.effective_segment(store=request.store, user=customer))
        customer.pending_label = LABELS.get(selectors.pending_segment(store=request.store, user=customer))
    return render(request, "backoffice/customers/customer_list.html", {"form": form, "page": page})


def _detail(request, customer: User, *, note_form=None, status=200):
    store = request.store
    effective = selectors.effective_segment(store=store, user=customer)
    try:
        may_set_segment = "segment" in services.editable_fields(actor=request.user, store=store, user=customer)
    except DomainError:
        may_set_segment = False
    to_verify = bool(customer.declared_segment) and customer.segment != customer.declared_segment
    customer_orders = orders.customer_orders(store=store, user=customer)
    return render(request, "backoffice/customers/customer_detail.html", {
        "customer": customer, "addresses": customer.addresses.all(),
        "orders": customer_orders[:ORDERS_SHOWN], "order_count": customer_orders.count(),
        "lifetime_value": orders.lifetime_value(store=store, user=customer),
        "effective_label": LABELS.get(effective), "by_email": bool(effective) and not customer.segment,
        "pending_label": LABELS.get(selectors.pending_segment(store=store, user=customer)),
        "can_verify": may_set_segment and to_verify,
        "notes": selectors.customer_notes(store=store, customer=customer),
        "can_add_notes": services.may_add_notes(actor=request.user, store=store),
        "note_form": note_form or CustomerNoteForm(),
    }, status=status)


@require_safe
@store_staff_required(SALES_ROLES)
@_in_store_timezone
def customer_detail(request, pk):
    """Profile, segment and its verification, addresses, orders with totals, lifetime value, staff notes."""
    return _detail(request, _customer(request, pk))


@store_staff_required(SALES_ROLES)
@require_POST
@_in_store_timezone
def add_note(request, pk):
    customer = _customer(request, pk)
    form = CustomerNoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, customer, note_form=form, status=400)
    try:
        services.add_customer_note(actor=request.user, store=request.store, customer=customer,
                                   text=form.cleaned_data["text"])
    except DomainError as error:
        for message in error.fields.get("text", []):
            form.add_error("text", message)
        if not error.fields:
            messages.error(request, str(error))
        return _detail(request, customer, note_form=form, status=error.status)
    messages.success(request, _("Note added."))
    return redirect("staff_customers:customer_detail", pk=customer.pk)


@store_staff_required(SALES_ROLES)
@require_POST
@_in_store_timezone
def verify_segment(request, pk):
    """The declared segment becomes the one that prices the customer (the store administrator's decision)."""
    customer = _customer(request, pk)
    try:
        services.verify_segment(actor=request.user, store=request.store, user=customer)
    except DomainError as error:
        messages.error(request, str(error))
        return _detail(request, customer, status=error.status)
    messages.success(request, _("Segment verified: %(segment)s.") % {"segment": customer.get_segment_display()})
    return redirect("staff_customers:customer_detail", pk=customer.pk)
