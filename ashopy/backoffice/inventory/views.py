"""Back-office stock pages under /staff/inventory/: levels, ledger, operations, low stock, value.

Only the store's administrators and stock managers get in (`store_staff_required`). Reads go
through `selectors`, changes through `services` (via the forms); dates are the store's local dates.
"""

import csv
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ashopy.backoffice.text import notice_invalid_filters
from ashopy.catalog.models import Variant
from ashopy.core.errors import DomainError
from ashopy.inventory import selectors
from ashopy.inventory.adjustments import note_label, reference_label
from ashopy.inventory.models import LowStockAlert, Warehouse
from ashopy.stores.decorators import store_staff_required

from .forms import AdjustForm, CountForm, MovementFilterForm, StockFilterForm, TransferForm, variant_label

PAGE_SIZE = 50
RECENT_ALERTS = 20
CSV_CHUNK = 1000


def _in_store_timezone(view):
    """Date filters and times shown follow the store's clock, not the server's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(ZoneInfo(request.store.timezone)):
            return view(request, *args, **kwargs)

    return wrapped


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _notice_invalid(request, form) -> None:
    """Bad filters are dropped and said so, rather than failing the page."""
    notice_invalid_filters(request, form)


@require_safe
@store_staff_required()
def stock_list(request):
    """Stock by warehouse, filtered and paginated; each row links to its ledger and operations."""
    form = StockFilterForm(request.store, request.GET or None)
    _notice_invalid(request, form)
    data = form.cleaned_data if form.is_bound else {}
    rows = selectors.stock_list(store=request.store, warehouse=data.get("warehouse"), q=data.get("q") or "",
                                low_only=bool(data.get("low")))
    return render(request, "backoffice/inventory/stock_list.html", {"form": form, "page": _page(request, rows)})


# --- the ledger ----------------------------------------------------------------------------

class _Echo:
    """A file-like object that hands back what csv.writer writes, so rows can be streamed."""

    def write(self, value):
        return value


def _cell(value) -> str:
    """Text that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_lines(rows, header: list[str], language: str, zone):
    """Header first, then the rows read in chunks: a long ledger never sits in memory whole.

    Rows are produced while the response streams, after the view returned: the request's
    language and the store's time zone are set again around them.
    """
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM tells spreadsheets the file is UTF-8
    with translation.override(language), timezone.override(zone):
        for movement in rows.iterator(chunk_size=CSV_CHUNK):
            yield writer.writerow([
                timezone.localtime(movement.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(movement.variant.sku), _cell(variant_label(movement.variant)), _cell(movement.warehouse.name),
                movement.get_reason_display(), movement.quantity, movement.balance_after,
                _cell(movement.reference), _cell(movement.user.email if movement.user else ""), _cell(movement.note),
            ])


def _csv_response(request, rows, filename: str):
    header = [_("Date"), _("SKU"), _("Product"), _("Warehouse"), _("Reason"), _("Quantity"), _("Balance after"),
              _("Reference"), _("User"), _("Note")]
    lines = _csv_lines(rows, header, translation.get_language(), ZoneInfo(request.store.timezone))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _ledger(request, *, variant=None):
    form = MovementFilterForm(request.store, request.GET or None, with_product=variant is None)
    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and form.is_bound and not form.is_valid():
        # Not a file filtered otherwise than asked: back to the page, which says what is wrong.
        query = request.GET.copy()
        del query["format"]
        return redirect(f"{request.path}?{query.urlencode()}")
    _notice_invalid(request, form)
    rows = selectors.movements(store=request.store, variant=variant, **form.filters())
    if wants_csv:
        name = f"movements-{variant.sku}" if variant is not None else "movements"
        return _csv_response(request, rows, f"{slugify(name)}-{timezone.localdate():%Y%m%d}.csv")
    page = _page(request, rows)
    names = dict(Warehouse.objects.filter(store=request.store).values_list("code", "name"))
    for movement in page.object_list:
        movement.note_label = note_label(movement.note)
        movement.reference_label = reference_label(movement.reference, names)
    return render(request, "backoffice/inventory/movements.html", {"form": form, "variant": variant, "page": page})


@require_safe
@store_staff_required()
@_in_store_timezone
def movements(request):
    """The store's whole ledger, filtered by product, warehouse and dates; CSV on `?format=csv`."""
    return _ledger(request)


@require_safe
@store_staff_required()
@_in_store_timezone
def variant_movements(request, variant_id):
    """One variant's ledger in every warehouse of the store."""
    variant = get_object_or_404(Variant.objects.filter(store=request.store).select_related("product"), pk=variant_id)
    return _ledger(request, variant=variant)


# --- operations ----------------------------------------------------------------------------

def _initial(request) -> dict:
    """Pre-selected variant and warehouse, from the stock list's links."""
    return {name: request.GET[name] for name in ("variant", "warehouse", "source")
            if request.GET.get(name, "").isdecimal()}


def _operation(request, form_class, template: str, title: str):
    form = form_class(request.store, request.POST if request.method == "POST" else None, initial=_initial(request))
    if form.is_bound and form.is_valid():
        try:
            message = form.apply(user=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, message)
            return redirect("inventory:stock_list")
    return render(request, template, {"form": form, "title": title}, status=400 if form.errors else 200)


@store_staff_required()
@require_http_methods(["GET", "POST"])
def adjust(request):
    """A signed correction with its cause and a note (damaged, lost, found units)."""
    return _operation(request, AdjustForm, "backoffice/inventory/operation.html", _("Adjust stock"))


@store_staff_required()
@require_http_methods(["GET", "POST"])
def transfer(request):
    """Move units between two of the store's warehouses."""
    return _operation(request, TransferForm, "backoffice/inventory/operation.html", _("Transfer stock"))


@store_staff_required()
@require_http_methods(["GET", "POST"])
def count(request):
    """Record a physical count: the difference becomes a count movement."""
    return _operation(request, CountForm, "backoffice/inventory/operation.html", _("Record a count"))


# --- overviews -----------------------------------------------------------------------------

@require_safe
@store_staff_required()
@_in_store_timezone
def low_stock(request):
    """Rows at or below their threshold, most urgent first, and the latest alerts raised."""
    rows = selectors.stock_list(store=request.store, low_only=True)
    alerts = (LowStockAlert.objects.filter(store=request.store)
              .select_related("stock__variant__product", "stock__warehouse").order_by("-created_at")[:RECENT_ALERTS])
    return render(request, "backoffice/inventory/low_stock.html", {"page": _page(request, rows), "alerts": alerts})


@require_safe
@store_staff_required()
def stock_value(request):
    """Units and value at weighted average cost, per warehouse and in total."""
    value = selectors.stock_value(store=request.store)
    return render(request, "backoffice/inventory/stock_value.html", {"value": value})
