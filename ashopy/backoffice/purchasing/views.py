"""Back-office purchasing pages: suppliers, purchase orders and their receipts, reorder suggestions.

Forms check the input; every change goes through `services.py`. A refused action is shown on
the page it came from, with the error's status (400, 404 or 409).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_fsm import can_proceed

from ashopy.core.errors import DomainError
from ashopy.purchasing import selectors
from ashopy.purchasing import services as purchasing
from ashopy.purchasing.errors import NotReceivable
from ashopy.purchasing.models import PurchaseOrder, Supplier, SupplierItem
from ashopy.stores.decorators import store_staff_required

from .forms import (
    LineFormSet,
    PurchaseOrderForm,
    ReceiveForm,
    SupplierForm,
    SupplierItemForm,
    add_service_errors,
)

PAGE_SIZE = 25


@store_staff_required()
def supplier_list(request):
    suppliers = selectors.suppliers(store=request.store)
    return render(request, "backoffice/purchasing/supplier_list.html", {"suppliers": suppliers})


@store_staff_required()
def supplier_edit(request, pk=None):
    supplier = get_object_or_404(Supplier.objects.for_store(request.store), pk=pk) if pk else None
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if supplier is None and action not in (None, "save"):
        raise Http404
    form = SupplierForm(request.POST if action == "save" else None, instance=supplier, store=request.store)
    item_form = SupplierItemForm(request.POST if action == "add_item" else None, store=request.store,
                                 prefix="item")
    if action == "save" and form.is_valid():
        try:
            saved = purchasing.save_supplier(store=request.store, supplier=supplier, user=request.user,
                                            **form.cleaned_data)
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("Supplier “%(name)s” saved.") % {"name": saved.name})
            return redirect("purchasing:supplier_edit", pk=saved.pk)
    elif action == "add_item" and item_form.is_valid():
        try:
            purchasing.save_supplier_item(store=request.store, supplier=supplier, user=request.user,
                                          **item_form.cleaned_data)
        except DomainError as refused:
            item_form.add_error(None, str(refused))
        else:
            messages.success(request, _("Item saved."))
            return redirect("purchasing:supplier_edit", pk=supplier.pk)
    elif action == "remove_item":
        item = get_object_or_404(SupplierItem, supplier=supplier, pk=_int(request.POST.get("item")))
        purchasing.delete_supplier_item(item=item, user=request.user)
        messages.success(request, _("Item removed."))
        return redirect("purchasing:supplier_edit", pk=supplier.pk)
    items = selectors.supplier_items(supplier=supplier) if supplier else []
    context = {"supplier": supplier, "form": form, "item_form": item_form, "items": items}
    return render(request, "backoffice/purchasing/supplier_form.html", context,
                  status=400 if form.errors or item_form.errors else 200)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@store_staff_required()
def purchase_order_list(request):
    state = request.GET.get("state", "")
    if state not in PurchaseOrder.State.values:
        state = ""
    supplier_id = _int(request.GET.get("supplier"))
    supplier = Supplier.objects.for_store(request.store).filter(pk=supplier_id).first() if supplier_id else None
    orders = selectors.purchase_orders(store=request.store, state=state, supplier=supplier)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/purchasing/purchase_order_list.html", {
        "page": page, "state": state, "supplier": supplier, "states": PurchaseOrder.State.choices,
        "suppliers": Supplier.objects.for_store(request.store).order_by("name")})


@store_staff_required()
def purchase_order_create(request):
    data = request.POST if request.method == "POST" else None
    form = PurchaseOrderForm(data, store=request.store)
    lines = LineFormSet(data, prefix="lines", form_kwargs={"store": request.store})
    if data is not None and form.is_valid() and lines.is_valid():
        try:
            order = purchasing.create_purchase_order(store=request.store, lines=lines.lines(), user=request.user,
                                                     **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Purchase order %(number)s drafted.") % {"number": order.number})
            return redirect("purchasing:purchase_order_detail", pk=order.pk)
    status = 400 if data is not None else 200
    return render(request, "backoffice/purchasing/purchase_order_form.html", {"form": form, "lines": lines},
                  status=status)


def _detail(request, order, *, receive_form=None, error=None):
    order = selectors.purchase_order(store=request.store, pk=order.pk)
    actions = {"send": can_proceed(order.send, check_conditions=False),
               "receive": can_proceed(order.record_receipt), "cancel": can_proceed(order.cancel)}
    if actions["receive"] and receive_form is None:
        receive_form = ReceiveForm(order=order, prefix="receive")
    labels = dict(PurchaseOrder.State.choices)
    events = order.events.all()
    for event in events:
        event.from_label, event.to_label = labels.get(event.from_state, ""), labels.get(event.to_state, "")
    return render(request, "backoffice/purchasing/purchase_order_detail.html", {
        "order": order, "lines": order.lines.all(), "events": events, "actions": actions,
        "total": selectors.order_total(order), "receive_form": receive_form, "error": error,
    }, status=error.status if error else 400 if receive_form is not None and receive_form.errors else 200)


@store_staff_required()
def purchase_order_detail(request, pk):
    order = selectors.purchase_order(store=request.store, pk=pk)
    if order is None:
        raise Http404
    if request.method != "POST":
        return _detail(request, order)
    action, note = request.POST.get("action"), request.POST.get("note", "")
    try:
        if action == "send":
            purchasing.send(purchase_order=order, user=request.user, note=note)
            messages.success(request, _("Purchase order %(number)s sent.") % {"number": order.number})
        elif action == "cancel":
            purchasing.cancel(purchase_order=order, user=request.user, note=note)
            messages.success(request, _("Purchase order %(number)s cancelled.") % {"number": order.number})
        elif action == "receive":
            return _receive(request, order)
        else:
            return _detail(request, order, error=DomainError(_("Unknown action.")))
    except DomainError as refused:
        return _detail(request, order, error=refused)
    return redirect("purchasing:purchase_order_detail", pk=order.pk)


def _receive(request, order):
    if not can_proceed(order.record_receipt):
        raise NotReceivable(state=order.get_state_display())
    form = ReceiveForm(request.POST, order=order, prefix="receive")
    if not form.is_valid():
        return _detail(request, order, receive_form=form)
    try:
        purchasing.receive(purchase_order=order, quantities=form.quantities(), user=request.user,
                           note=form.cleaned_data["note"])
    except DomainError as refused:
        for name, errors in refused.fields.items():
            if name in form.fields:
                form.add_error(name, errors)
        return _detail(request, order, receive_form=form, error=refused)
    messages.success(request, _("Receipt recorded on %(number)s.") % {"number": order.number})
    return redirect("purchasing:purchase_order_detail", pk=order.pk)


@store_staff_required()
def reorder_suggestions(request):
    if request.method == "POST":
        chosen = [stock_id for stock_id in map(_int, request.POST.getlist("stock")) if stock_id is not None]
        plan = selectors.reorder_suggestions(store=request.store, stock_ids=chosen)
        orders = purchasing.draft_purchase_orders(store=request.store, suggestions=plan.to_order, user=request.user)
        if not orders:
            messages.warning(request, _("Nothing to draft: choose suggestions that have a supplier."))
            return redirect("purchasing:reorder_suggestions")
        messages.success(request, ngettext("%(count)d purchase order drafted.", "%(count)d purchase orders drafted.",
                                           len(orders)) % {"count": len(orders)})
        return redirect(f"{reverse('purchasing:purchase_order_list')}?state=draft")
    plan = selectors.reorder_suggestions(store=request.store)
    return render(request, "backoffice/purchasing/reorder_suggestions.html", {"plan": plan})
