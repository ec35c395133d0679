"""Writing a quote: a new draft for a customer (found by a search) or a prospect, then its details and lines.

Each POST calls one `sales.quote_services` function; a refusal with fields comes back on the form (400), any
other as a message. A line id of another quote (or store) is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ashopy.accounts import selectors as accounts
from ashopy.accounts.forms import CustomerFilterForm
from ashopy.backoffice.sales.views import in_store_timezone, refused
from ashopy.core.errors import DomainError
from ashopy.sales import quote_services, staff_quotes
from ashopy.sales.errors import QuoteNotFound
from ashopy.stores.decorators import store_staff_required

from .forms import CatalogueLineForm, FreeLineForm, LineForm, ProspectForm, QuoteDetailsForm
from .views import WRITE_ROLES, detail_page, quote_of

CUSTOMERS_SHOWN = 10


def on_form(form, error: DomainError) -> None:
    """A service's refusal on the form's fields (the form's own when the field is not on it)."""
    if not error.fields:
        form.add_error(None, str(error))
    for name, problems in error.fields.items():
        for problem in problems if isinstance(problems, list | tuple) else [problems]:
            form.add_error(name if name in form.fields else None, str(problem))


def _created(request, quote):
    messages.success(request, _("The draft quote is made: add its lines, then send it."))
    return redirect("staff_quotes:quote_detail", pk=quote.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(WRITE_ROLES)
@in_store_timezone
def quote_create(request):
    """Search a customer and start their quote, or start one for a prospect."""
    search = CustomerFilterForm(request.store, request.GET or None)
    customers = []
    if search.is_bound and search.is_valid() and (request.GET.get("q") or "").strip():
        customers = list(accounts.search_customers(store=request.store, filters=search.filters())[:CUSTOMERS_SHOWN])
    prospect = ProspectForm(request.POST if request.method == "POST" and "prospect_email" in request.POST else None,
                            prefix=None)
    status = 200
    if request.method == "POST":
        try:
            if "customer" in request.POST:
                raw = str(request.POST["customer"]).strip()
                customer = accounts.customer_of(store=request.store, pk=int(raw)) \
                    if raw.isdecimal() and accounts.is_valid_id(int(raw)) else None
                if customer is None:
                    raise Http404
                return _created(request, quote_services.create_quote(store=request.store, user=request.user,
                                                                     customer=customer))
            if prospect.is_valid():
                return _created(request, quote_services.create_quote(store=request.store, user=request.user,
                                                                     **prospect.cleaned_data))
        except DomainError as error:
            refused(error)
            on_form(prospect, error)
        if not prospect.is_bound:
            prospect = ProspectForm(request.POST)
        status = 400
    return render(request, "backoffice/quotes/quote_create.html", {
        "search": search, "customers": customers, "prospect": prospect,
        "query": (request.GET.get("q") or "").strip()}, status=status)


def _draft_action(request, pk, build_form, act, *, form_slot: str, success: str):
    """Validate `build_form(quote)`, run `act(quote, data)`; a refusal goes back on the form (400)."""
    quote = quote_of(request, pk)
    form = build_form(quote)
    if form.is_valid():
        try:
            act(quote, form.cleaned_data)
        except DomainError as error:
            refused(error)
            on_form(form, error)
        else:
            messages.success(request, success)
            find = request.POST.get("find", "").strip()
            url = reverse("staff_quotes:quote_detail", args=[quote.pk])
            return redirect(f"{url}?find={find}" if find and form_slot == "catalogue_form" else url)
    return detail_page(request, quote_of(request, pk), status=400, **{form_slot: form})


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def update_details(request, pk):
    def act(quote, data):
        quote_services.update_quote(quote=quote, user=request.user, valid_until=data["valid_until"],
                                    deposit_percent=data["deposit_percent"], deposit_amount=data["deposit_amount"],
                                    notes=data["notes"], terms=data["terms"])

    return _draft_action(request, pk, lambda quote: QuoteDetailsForm(quote, request.POST, prefix="details"), act,
                         form_slot="details_form", success=_("The quote's details are saved."))


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def add_catalogue_line(request, pk):
    prefix = f"add-{request.POST.get('variant_id', '')}"

    def act(quote, data):
        quote_services.add_catalogue_line(quote=quote, user=request.user, variant=data["variant"],
                                          quantity=data["quantity"], unit_price=data["unit_price"],
                                          reason=data["reason"], optional=data["optional"])

    return _draft_action(request, pk, lambda quote: CatalogueLineForm(quote, request.POST, prefix=prefix), act,
                         form_slot="catalogue_form", success=_("The line is added."))


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def add_free_line(request, pk):
    def act(quote, data):
        quote_services.add_free_line(quote=quote, user=request.user, description=data["description"],
                                     quantity=data["quantity"], unit_price=data["unit_price"],
                                     tax_rate=data["tax_rate"], optional=data["optional"])

    return _draft_action(request, pk, lambda quote: FreeLineForm(quote, request.POST, prefix="free"), act,
                         form_slot="free_form", success=_("The line is added."))


def _line(request, quote, line_pk):
    try:
        return staff_quotes.line_of(quote=quote, pk=line_pk)
    except QuoteNotFound as error:
        raise Http404 from error


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def update_line(request, pk, line_pk):
    quote = quote_of(request, pk)
    line = _line(request, quote, line_pk)
    form = LineForm(quote, request.POST, prefix=f"line-{line.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            quote_services.update_line(line=line, user=request.user, quantity=data["quantity"],
                                       unit_price=data["unit_price"], reason=data["reason"],
                                       optional=data["optional"])
        except DomainError as error:
            refused(error)
            on_form(form, error)
        else:
            messages.success(request, _("The line is saved."))
            return redirect("staff_quotes:quote_detail", pk=quote.pk)
    return detail_page(request, quote_of(request, pk), line_forms={line.pk: form}, status=400)


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def remove_line(request, pk, line_pk):
    quote = quote_of(request, pk)
    line = _line(request, quote, line_pk)
    try:
        quote_services.remove_line(line=line, user=request.user)
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
    else:
        messages.success(request, _("The line is removed."))
    return redirect("staff_quotes:quote_detail", pk=quote.pk)
