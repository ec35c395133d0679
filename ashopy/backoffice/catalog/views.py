"""Back-office product pages under /staff/catalog/products/: the list with its bulk actions.

Only the store's administrators and stock managers get in (`CATALOGUE_ROLES`); the catalogue services
decide again on every write, and the views only translate their refusals into messages. Another
store's product is a 404, like an unknown id.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from ashopy.backoffice.text import notice_invalid_filters
from ashopy.catalog import selectors, services
from ashopy.stores.decorators import store_staff_required
from ashopy.stores.rules import CATALOGUE_ROLES

from .forms import BulkActionForm, ProductFilterForm

PAGE_SIZE = 30


def notice_invalid(request, form) -> None:
    """Bad filters are dropped and said so, rather than failing the page."""
    notice_invalid_filters(request, form)


def error_messages(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _with_price_range(products) -> None:
    for product in products:
        prices = [variant.effective_price for variant in product.staff_variants if variant.active]
        product.price_low, product.price_high = (min(prices), max(prices)) if prices else (None, None)


@require_safe
@store_staff_required(CATALOGUE_ROLES)
def product_list(request):
    """The store's products, drafts included, searched and filtered, with bulk actions on the ticked rows."""
    form = ProductFilterForm(request.store, request.GET or None)
    notice_invalid(request, form)
    rows = selectors.staff_products(store=request.store, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_price_range(page.object_list)
    return render(request, "backoffice/catalog/product_list.html", {
        "form": form, "page": page, "bulk": BulkActionForm(request.store)})


@store_staff_required(CATALOGUE_ROLES)
@require_POST
def bulk_action(request):
    """Publish, unpublish, move or reprice the ticked products; prices are previewed before they change."""
    form = BulkActionForm(request.store, request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("staff_catalog:product_list")
    data, store, user = form.cleaned_data, request.store, request.user
    products = list(data["products"])
    try:
        if data["action"] == "price":
            if "confirm" not in request.POST:
                return _price_preview(request, form)
            changes = services.change_prices(store=store, products=products, mode=data["mode"],
                                             value=data["value"], fingerprint=request.POST.get("fingerprint", ""),
                                             user=user)
            messages.success(request, ngettext("%(count)d price changed.", "%(count)d prices changed.",
                                               len(changes)) % {"count": len(changes)})
        elif data["action"] == "category":
            count = services.set_category(store=store, products=products, category=data["category"], user=user)
            messages.success(request, ngettext("%(count)d product moved to %(category)s.",
                                               "%(count)d products moved to %(category)s.", count)
                             % {"count": count, "category": data["category"].name})
        else:
            status = "published" if data["action"] == "publish" else "draft"
            count = services.set_status(store=store, products=products, status=status, user=user)
            messages.success(request, ngettext("%(count)d product changed.", "%(count)d products changed.",
                                               count) % {"count": count})
    except ValidationError as error:
        error_messages(request, error)
    return redirect("staff_catalog:product_list")


def _price_preview(request, form):
    data = form.cleaned_data
    variants = list(selectors.variants_of(store=request.store, products=data["products"]))
    try:
        changes = services.price_changes(store=request.store, variants=variants, mode=data["mode"],
                                         value=data["value"])
    except ValidationError as error:
        error_messages(request, error)
        return redirect("staff_catalog:product_list")
    return render(request, "backoffice/catalog/price_preview.html", {
        "form": form, "changes": changes,
        "fingerprint": services.prices_fingerprint(change.variant for change in changes)})
