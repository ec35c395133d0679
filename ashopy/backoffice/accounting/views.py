"""The accountant's page at /staff/accounting/: a period's VAT summary on screen, and the period's sales
journal and VAT summary as CSV (in the page's language) or XLSX.

The period is the issue dates from and to, both included (this month unless asked otherwise); a
bad or too long one is a form error (400), never a server error. Who may export is decided by
`sales.journal.authorize_export` (admins and gestionnaires); the decorator's roles are the same
and only keep the menu and the 403 in step.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ashopy.core.errors import PermissionDenied
from ashopy.core.money import currency_symbol
from ashopy.core.spreadsheets import FORMATS, FileFormat
from ashopy.sales import journal, journal_files
from ashopy.sales.services import local_today
from ashopy.stores.decorators import STOCK_ROLES, store_staff_required

from .forms import PeriodForm, presets

DOCUMENTS = {"journal": _("Sales journal"), "vat-summary": _("VAT summary")}


def _authorize(request) -> None:
    try:
        journal.authorize_export(user=request.user, store=request.store)
    except PermissionDenied as refusal:
        raise Forbidden from refusal


def _period_form(request) -> PeriodForm:
    """The period asked for, else this month."""
    if "date_from" in request.GET or "date_to" in request.GET:
        return PeriodForm(request.GET)
    this_month = presets(local_today(request.store))[0]
    return PeriodForm({"date_from": this_month.date_from.isoformat(), "date_to": this_month.date_to.isoformat()})


def _page(request, form: PeriodForm, summary=None, status: int = 200):
    query = ""
    if summary is not None:
        date_from, date_to = form.period()
        query = urlencode({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
    choices = [(preset, urlencode({"date_from": preset.date_from.isoformat(), "date_to": preset.date_to.isoformat()}))
               for preset in presets(local_today(request.store))]
    downloads = [(document, label, [(file_format, FORMATS[file_format]) for file_format in FORMATS])
                 for document, label in DOCUMENTS.items()]
    return render(request, "backoffice/accounting/index.html",
                  {"form": form, "summary": summary, "query": query, "presets": choices, "downloads": downloads,
                   "period": form.period() if summary is not None else None,
                   "currency_symbol": currency_symbol(request.store.currency)}, status=status)


@require_safe
@store_staff_required(STOCK_ROLES)
def index(request):
    _authorize(request)
    form = _period_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    date_from, date_to = form.period()
    return _page(request, form, journal.vat_summary(store=request.store, date_from=date_from, date_to=date_to))


@require_safe
@store_staff_required(STOCK_ROLES)
def export(request, document, file_format):
    """The period's journal or VAT summary as a file: `;` and decimal comma in French, real numbers in XLSX."""
    if document not in DOCUMENTS or file_format not in FORMATS:
        raise Http404
    _authorize(request)
    form = _period_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    store, (date_from, date_to) = request.store, form.period()
    file_format_ = FileFormat(translation.get_language() or "fr", native=file_format == "xlsx")
    made = journal_files.period_file(store=store, document=document, date_from=date_from, date_to=date_to,
                                     file_format=file_format_)
    response = HttpResponse(made.content, content_type=made.content_type)
    filename = journal_files.file_name(store=store, document=document, date_from=date_from, date_to=date_to,
                                       extension=file_format)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
