"""Back-office order pages under /staff/orders/: the list, and one order with its actions.

The store's sellers, managers and administrators get in (`SALES_ROLES`). Each action is a POST
that calls one service: a refusal (DomainError) comes back as a message on the order's page,
invalid input re-renders the page with the form's errors (400). Dates are the store's.
"""


from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_fsm import can_proceed

from ashopy.backoffice.clock import in_store_timezone
from ashopy.backoffice.text import notice_invalid_filters
from ashopy.checkout import services as checkout
from ashopy.core.errors import DomainError
from ashopy.orders import selectors
from ashopy.orders import services as orders
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from ashopy.payments.models import Payment
from ashopy.sales import rules as sales_rules
from ashopy.sales import selectors as sales
from ashopy.sales import services as sales_services
from ashopy.stores.decorators import SALES_ROLES, store_staff_required

from .forms import (
    AddNoteForm,
    NoteForm,
    OrderFilterForm,
    PreorderFilterForm,
    ShipForm,
    TrackingForm,
    payment_method_choices,
)

PAGE_SIZE = 25
TRACKED = (Order.State.SHIPPED, Order.State.DELIVERED)


def _notice_invalid(request, form) -> None:
    """Bad filters are dropped and said so, rather than failing the page."""
    notice_invalid_filters(request, form)


@require_safe
@store_staff_required(SALES_ROLES)
@in_store_timezone
def order_list(request):
    """The store's orders, newest first, filtered; one page costs the same queries whatever its rows."""
    form = OrderFilterForm(request.store, request.GET or None)
    _notice_invalid(request, form)
    rows = selectors.store_orders(store=request.store, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    methods = dict(payment_method_choices(request.store))
    for order in page.object_list:
        order.payment_label = methods.get(order.payment_method, order.payment_method)
    return render(request, "backoffice/orders/order_list.html", {"form": form, "page": page})


@require_safe
@store_staff_required(SALES_ROLES)
@in_store_timezone
def preorder_list(request):
    """Pre-ordered units waiting for stock, in the order receipts will serve them; filterable by product."""
    form = PreorderFilterForm(selectors.preordered_products(store=request.store), request.GET or None)
    _notice_invalid(request, form)
    rows = selectors.waiting_preorders(store=request.store, user=request.user, product_id=form.product_id())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/orders/preorder_list.html", {"form": form, "page": page})


def _order(request, number) -> Order:
    """The request's store's order `number`: another store's is a 404, like a missing one."""
    return get_object_or_404(Order.objects.for_store(request.store).select_related("user"), number=number)


def _actions(order: Order) -> dict[str, bool]:
    """The buttons the order's state allows now."""
    return {
        "process": can_proceed(order.process), "ship": can_proceed(order.ship),
        "deliver": can_proceed(order.deliver), "cancel": can_proceed(order.cancel),
        "mark_paid": order.awaits_money, "tracking": order.state in TRACKED,
    }


def _detail(request, order: Order, *, bound=None, status=200):
    """The order page; `bound` is the action's form sent back with its errors."""
    forms = {"process": NoteForm(prefix="process"), "deliver": NoteForm(prefix="deliver"),
             "cancel": NoteForm(prefix="cancel"), "ship": ShipForm(prefix="ship"),
             "tracking": TrackingForm(prefix="tracking", initial={
                 "carrier": order.carrier, "tracking_number": order.tracking_number,
                 "tracking_url": order.tracking_url}),
             "note": AddNoteForm(prefix="note")}
    if bound is not None:
        forms[bound.prefix] = bound
    methods = dict(payment_method_choices(request.store))
    attempts = list(order.payments.all())
    for payment in attempts:
        payment.provider_label = methods.get(payment.provider, payment.provider)
    invoice = sales.order_invoice(store=request.store, order_id=order.pk)
    may_invoice = (invoice is None and sales_services.invoiceable(order)
                   and sales_rules.allowed(user=request.user, store=request.store, action="issue"))
    return render(request, "backoffice/orders/order_detail.html", {
        "order": order, "lines": order.lines.all(), "payments": attempts, "invoice": invoice,
        "may_invoice": may_invoice,
        "events": order.events.select_related("user"), "actions": _actions(order), "forms": forms,
        "payment_label": methods.get(order.payment_method, order.payment_method),
    }, status=status)


@require_safe
@store_staff_required(SALES_ROLES)
@in_store_timezone
def order_detail(request, number):
    """Lines, totals, addresses, payment attempts, the history, and the actions allowed now."""
    return _detail(request, _order(request, number))


PRINTED = {"order": gettext_lazy("Order"), "packing": gettext_lazy("Packing slip")}


@require_safe
@store_staff_required(SALES_ROLES)
@in_store_timezone
def order_print(request, number, kind):
    """An A4 sheet to print: the order with its prices, or the packing slip (what to put in the parcel)."""
    order = _order(request, number)
    lines = list(order.lines.all())
    return render(request, "backoffice/orders/print.html", {
        "order": order, "lines": lines, "kind": kind, "title": PRINTED[kind],
        "units": sum(line.quantity for line in lines),
        "payment_label": dict(payment_method_choices(request.store)).get(order.payment_method, order.payment_method),
    })


# --- actions: each one service call, answering the message level and text ----------------

def _process(*, order, user, note):
    orders.process(order=order, user=user, note=note)
    return messages.SUCCESS, _("Order %(number)s is being prepared.")


def _ship(*, order, user, note, **tracking):
    orders.ship(order=order, user=user, note=note, **tracking)
    return messages.SUCCESS, _("Order %(number)s is marked as shipped.")


def _deliver(*, order, user, note):
    orders.deliver(order=order, user=user, note=note)
    return messages.SUCCESS, _("Order %(number)s is marked as delivered.")


def _cancel(*, order, user, note):
    order = checkout.cancel_order(order=order, user=user, note=note)
    if Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).exists():
        return messages.WARNING, _("Order %(number)s is cancelled. Its payment could not be refunded here: "
                                   "refund it by hand.")
    return messages.SUCCESS, _("Order %(number)s is cancelled.")


def _mark_paid(*, order, user):
    payments.mark_paid_by_hand(order=order, user=user)
    return messages.SUCCESS, _("Order %(number)s is marked as paid.")


def _tracking(*, order, user, **tracking):
    orders.set_tracking(order=order, user=user, **tracking)
    return messages.SUCCESS, _("The tracking details of order %(number)s are saved.")


def _note(*, order, user, note):
    orders.add_note(order=order, user=user, note=note)
    return messages.SUCCESS, _("Note added.")


ACTIONS = {
    "process": (NoteForm, _process),
    "ship": (ShipForm, _ship),
    "deliver": (NoteForm, _deliver),
    "cancel": (NoteForm, _cancel),
    "mark-paid": (None, _mark_paid),
    "tracking": (TrackingForm, _tracking),
    "note": (AddNoteForm, _note),
}


@store_staff_required(SALES_ROLES)
@require_POST
@in_store_timezone
def order_action(request, number, action):
    """Run one action on the order, then show its page again (a redirect, so a reload does not repeat it)."""
    if action not in ACTIONS:
        raise Http404
    order = _order(request, number)
    form_class, run = ACTIONS[action]
    values = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=action)
        if not form.is_valid():
            return _detail(request, order, bound=form, status=400)
        values = form.cleaned_data
    try:
        level, message = run(order=order, user=request.user, **values)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.add_message(request, level, message % {"number": order.number})
    return redirect("staff_orders:order_detail", number=order.number)
