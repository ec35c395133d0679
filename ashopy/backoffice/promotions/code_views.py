"""Back-office promo code pages under /staff/promotions/codes/: the list by status (searched by code), a
code's form, deactivate and reactivate, generating a batch of single-use codes and its CSV, and the usage
report of one code.

Same rules as the promotion pages (`promotions.staff.STAFF_ACTIONS`). The usage report's revenue is the
total of the orders carrying the code, read here from the orders app (which the promotions app may not
import) and handed to `promotions.selectors.usage`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ashopy.accounts.forms import add_service_errors
from ashopy.backoffice.sales.views import in_store_timezone
from ashopy.backoffice.text import notice_invalid_filters
from ashopy.core.spreadsheets import CONTENT_TYPES
from ashopy.orders.models import Order
from ashopy.promotions import exports, selectors, staff
from ashopy.promotions.models import PromoCode
from ashopy.stores.decorators import store_staff_required

from .forms import BatchForm, CodeForm, FilterForm
from .views import MANAGE_ROLES, PAGE_SIZE, VIEW_ROLES, status_tabs

USAGE_PAGE_SIZE = 50


def code_of(request, pk) -> PromoCode:
    return get_object_or_404(PromoCode.objects.for_store(request.store), pk=pk)


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def code_list(request):
    """The store's codes by status, code or batch, with their uses; a fixed number of queries per page."""
    form = FilterForm(request.GET or None)
    form.fields["q"].label = _("Code or description")
    notice_invalid_filters(request, form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    batch = staff.normalise_code(request.GET.get("batch", ""))[:40]
    rows = selectors.promo_codes(store=request.store, status=data.get("status", ""), q=data.get("q", ""),
                                 batch=batch)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for code in page.object_list:
        code.status = selectors.status_of(code)
    return render(request, "backoffice/promotions/code_list.html", {
        "form": form, "page": page, "batch": batch,
        "tabs": status_tabs("staff_promotions:code_list", data.get("status", "")),
        "may_manage": staff.allowed(user=request.user, store=request.store, action="manage")})


def _form_page(request, form, code=None, status=200):
    return render(request, "backoffice/promotions/code_form.html", {
        "form": form, "code": code, "status": selectors.status_of(code) if code else "",
        "may_manage": staff.allowed(user=request.user, store=request.store, action="manage")}, status=status)


def _save(request, form: CodeForm, code: PromoCode | None):
    if not form.is_valid():
        return _form_page(request, form, code, status=400)
    try:
        code = staff.save_code(store=request.store, user=request.user, promo_code=code, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_page(request, form, code, status=400)
    messages.success(request, _("The code %(code)s is saved.") % {"code": code.code})
    return redirect("staff_promotions:code_edit", pk=code.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(MANAGE_ROLES)
@in_store_timezone
def code_create(request):
    if request.method == "POST":
        return _save(request, CodeForm(request.store, request.POST), None)
    return _form_page(request, CodeForm(request.store))


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def code_edit(request, pk):
    code = code_of(request, pk)
    if request.method == "POST":
        if not staff.allowed(user=request.user, store=request.store, action="manage"):
            raise PermissionDenied
        return _save(request, CodeForm(request.store, request.POST), code)
    return _form_page(request, CodeForm(request.store, initial=CodeForm.initial_of(code)), code)


@store_staff_required(MANAGE_ROLES)
@require_POST
def code_activate(request, pk, active):
    code = staff.set_code_active(code=code_of(request, pk), user=request.user, active=active)
    messages.success(request, (_("%(code)s can be used again.") if active else
                               _("%(code)s is deactivated: customers can no longer apply it.")) % {"code": code.code})
    return redirect("staff_promotions:code_edit", pk=code.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(MANAGE_ROLES)
@in_store_timezone
def code_batch(request):
    """N single-use codes with a prefix and the same settings; then the list of that batch, with its CSV."""
    form = BatchForm(request.store, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        prefix, count = data.pop("prefix"), data.pop("count")
        try:
            made = staff.generate_codes(store=request.store, user=request.user, prefix=prefix, count=count, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s codes are generated: download them below.") % {"count": len(made)})
            return redirect(f"{reverse('staff_promotions:code_list')}?{urlencode({'batch': made[0].batch})}")
    status = 400 if form.is_bound else 200
    return render(request, "backoffice/promotions/code_batch.html", {"form": form}, status=status)


@require_safe
@store_staff_required(VIEW_ROLES)
def batch_csv(request):
    """The batch's codes as CSV in the page's language (`;` and a decimal comma in French)."""
    batch = staff.normalise_code(request.GET.get("batch", ""))[:40]
    if not batch or not selectors.batch_codes(store=request.store, batch=batch).exists():
        raise Http404
    content = exports.batch_csv(store=request.store, batch=batch, language=translation.get_language())
    response = HttpResponse(content, content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.batch_file_name(store=request.store, batch=batch))
    return response


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def code_usage(request, pk):
    """Uses held and confirmed, discount given, revenue, and each use with its order."""
    code = code_of(request, pk)
    orders = Order.objects.filter(store=request.store)
    page = Paginator(selectors.code_redemptions(code), USAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    by_id = orders.in_bulk([use.order_id for use in page.object_list])
    return render(request, "backoffice/promotions/code_usage.html", {
        "code": code, "usage": selectors.usage(code=code, orders=orders), "page": page,
        "rows": [(use, by_id.get(use.order_id)) for use in page.object_list]})
