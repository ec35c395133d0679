"""Back-office promotion pages under /staff/promotions/: the list by status, a promotion's form with the
preview of the products it reaches, deactivate and reactivate.

Every staff role opens the pages (`promotions.staff.STAFF_ACTIONS`: a salesperson answers customers about
them); the forms and buttons are the managers' and admins', and each POST calls one `promotions.staff`
function, which decides again. Invalid input re-renders the form (400) and changes nothing; another
store's promotion is a 404, like an unknown id. Dates are typed and shown in the store's clock.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ashopy.accounts.forms import add_service_errors
from ashopy.backoffice.sales.views import in_store_timezone
from ashopy.backoffice.text import notice_invalid_filters
from ashopy.promotions import selectors, staff
from ashopy.promotions.models import Promotion
from ashopy.stores.decorators import store_staff_required

from .forms import FilterForm, PromotionForm

PAGE_SIZE = 25
VIEW_ROLES = staff.STAFF_ACTIONS["view"]
MANAGE_ROLES = staff.STAFF_ACTIONS["manage"]


def promotion_of(request, pk) -> Promotion:
    return get_object_or_404(Promotion.objects.for_store(request.store), pk=pk)


def status_tabs(view_name: str, current: str) -> list[dict]:
    """The status tabs above a list: all, active, scheduled, expired, inactive (a filter link each)."""
    tabs = [("", _("All")), *selectors.STATUSES.items()]
    return [{"label": label, "url": f"{reverse(view_name)}{f'?status={key}' if key else ''}",
             "current": key == current} for key, label in tabs]


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def promotion_list(request):
    """The store's promotions by status or name; one page costs the same queries whatever its rows."""
    form = FilterForm(request.GET or None)
    notice_invalid_filters(request, form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.promotions(store=request.store, status=data.get("status", ""), q=data.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for promotion in page.object_list:
        promotion.status = selectors.status_of(promotion)
    return render(request, "backoffice/promotions/promotion_list.html", {
        "form": form, "page": page, "tabs": status_tabs("staff_promotions:promotion_list", data.get("status", "")),
        "may_manage": staff.allowed(user=request.user, store=request.store, action="manage")})


def _scope(form: PromotionForm) -> dict:
    data = form.cleaned_data
    return {name: data.get(name) or [] for name in ("products", "variants", "categories", "brands")}


def _preview(request, form: PromotionForm | None, promotion: Promotion | None):
    """The preview of the form's scope and value when it is valid, else of the saved promotion."""
    if form is not None and form.is_bound and form.is_valid():
        variants = selectors.scope_variants(store=request.store, **_scope(form))
        return selectors.preview(store=request.store, variants=variants, kind=form.cleaned_data["kind"],
                                 value=form.cleaned_data["value"])
    if promotion is not None:
        return selectors.preview(store=request.store, variants=selectors.promotion_variants(promotion),
                                 kind=promotion.kind, value=promotion.value)
    return None


def _form_page(request, form, promotion=None, status=200):
    return render(request, "backoffice/promotions/promotion_form.html", {
        "form": form, "promotion": promotion, "preview": _preview(request, form, promotion),
        "status": selectors.status_of(promotion) if promotion else "",
        "may_manage": staff.allowed(user=request.user, store=request.store, action="manage")}, status=status)


def _save(request, form: PromotionForm, promotion: Promotion | None):
    """Preview (nothing saved) or save through the service; its refusals come back on the fields."""
    if not form.is_valid():
        return _form_page(request, form, promotion, status=400)
    if "preview" in request.POST:
        return _form_page(request, form, promotion)
    try:
        promotion = staff.save_promotion(store=request.store, user=request.user, promotion=promotion,
                                         **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_page(request, form, promotion, status=400)
    messages.success(request, _("The promotion “%(name)s” is saved.") % {"name": promotion.name})
    return redirect("staff_promotions:promotion_edit", pk=promotion.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(MANAGE_ROLES)
@in_store_timezone
def promotion_create(request):
    if request.method == "POST":
        return _save(request, PromotionForm(request.store, request.POST), None)
    return _form_page(request, PromotionForm(request.store))


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def promotion_edit(request, pk):
    """The promotion's settings and its preview; a salesperson sees them, a manager changes them."""
    promotion = promotion_of(request, pk)
    if request.method == "POST":
        if not staff.allowed(user=request.user, store=request.store, action="manage"):
            raise PermissionDenied
        return _save(request, PromotionForm(request.store, request.POST), promotion)
    return _form_page(request, PromotionForm(request.store, initial=PromotionForm.initial_of(promotion)), promotion)


@store_staff_required(MANAGE_ROLES)
@require_POST
def promotion_activate(request, pk, active):
    promotion = staff.set_promotion_active(promotion=promotion_of(request, pk), user=request.user, active=active)
    messages.success(request, (_("“%(name)s” is active again.") if active else
                               _("“%(name)s” is deactivated: prices are back to normal.")) % {"name": promotion.name})
    return redirect("staff_promotions:promotion_edit", pk=promotion.pk)
