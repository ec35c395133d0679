"""Back-office quote pages under /staff/quotes/: the list, one quote (its editor while it is a draft), its PDF,
and the actions on it (send, withdraw, duplicate).

The pages open to the roles that view sales documents (`sales.rules`, as the invoice pages); each POST calls
one `sales.quote_services` function, which decides again. A refusal (DomainError) comes back as a message or
on the form; invalid input re-renders the page (400) and changes nothing. Another store's quote is a 404, like
an unknown id. Dates are the store's.
"""

import smtplib

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ashopy.backoffice.sales.views import in_store_timezone, refused
from ashopy.core.errors import DomainError
from ashopy.sales import quote_acceptance, quote_selectors, quote_services, rules, staff_quotes
from ashopy.sales.errors import QuoteNotFound
from ashopy.sales.quote_models import Quote
from ashopy.stores.decorators import store_staff_required

from .forms import (
    CatalogueLineForm,
    DepositForm,
    FreeLineForm,
    LineForm,
    QuoteDetailsForm,
    QuoteFilterForm,
    WithdrawForm,
)

PAGE_SIZE = 25
VIEW_ROLES = rules.STAFF_ACTIONS["view"]
WRITE_ROLES = rules.STAFF_ACTIONS["issue"]  # who writes and sends invoices writes and sends quotes


def quote_of(request, pk) -> Quote:
    try:
        return staff_quotes.quote_detail(store=request.store, pk=pk)
    except QuoteNotFound as error:
        raise Http404 from error


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def quote_list(request):
    """The store's quotes, drafts first; one page costs the same queries whatever its rows."""
    form = QuoteFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = [f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                    for name, errors in form.errors.items()]
        messages.warning(request, _("Some filters were ignored. %(problems)s") % {"problems": "; ".join(problems)})
    rows = staff_quotes.quote_list(store=request.store, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/quotes/quote_list.html", {
        "form": form, "page": page,
        "may_write": rules.allowed(user=request.user, store=request.store, action="issue"),
        "may_edit_settings": rules.allowed(user=request.user, store=request.store, action="settings")})


def _line_rows(quote: Quote, lines, forms: dict | None = None) -> list:
    """Each line with its edit form (a draft's), the posted one with its errors replacing the blank one."""
    forms = forms or {}
    if not quote.is_draft:
        return [(line, None) for line in lines]
    return [(line, forms.get(line.pk) or LineForm(quote, prefix=f"line-{line.pk}", initial={
        "quantity": line.quantity, "unit_price": line.unit_price, "reason": line.price_reason,
        "optional": line.optional})) for line in lines]


def _catalogue(request, quote: Quote) -> tuple[str, list]:
    """What the editor's catalogue search found, each variant with the customer's price (excl. tax)."""
    find = (request.GET.get("find") or "").strip()[:100]
    if not find:
        return find, []
    found = []
    for variant in staff_quotes.catalogue_search(store=request.store, q=find):
        price, rate = quote_services.policy_price(quote, variant)
        found.append({"variant": variant, "price": price, "rate": rate,
                      "form": CatalogueLineForm(quote, prefix=f"add-{variant.pk}", initial={"variant": variant.pk})})
    return find, found


def detail_page(request, quote: Quote, *, details_form=None, line_forms=None, catalogue_form=None,
                free_form=None, withdraw_form=None, deposit_form=None, status=200):
    """The quote's page; for a draft, its editor. A form sent back with its errors replaces the blank one."""
    lines = list(quote.lines.all())
    may_write = rules.allowed(user=request.user, store=request.store, action="issue")
    draft = quote.is_draft
    find, found = _catalogue(request, quote) if draft and may_write else ("", [])
    chosen = {line.pk for line in lines if line.chosen}
    due_kind, due = quote_acceptance.amount_due_now(quote) if quote.order_id else ("", 0)
    pay_by = quote_acceptance.pay_by(quote) if due_kind and due == quote.order.total else None
    return render(request, "backoffice/quotes/quote_detail.html", {
        "quote": quote, "lines": lines, "rows": _line_rows(quote, lines, line_forms), "pay_by": pay_by,
        "events": [(event, staff_quotes.describe(event)) for event in quote.events.all()],
        "acceptance": staff_quotes.acceptance_of(quote) if quote.state in (Quote.State.ACCEPTED,
                                                                           Quote.State.CONVERTED) else None,
        "totals": quote_selectors.totals_with(quote, chosen, lines=lines),
        "customer_url": request.build_absolute_uri(quote_services.customer_url(quote)) if quote.number else "",
        "may_write": may_write, "find": find, "found": found, "catalogue_error": catalogue_form,
        "actions": {"send": may_write and draft, "withdraw": may_write and quote.state in (Quote.State.DRAFT,
                                                                                         Quote.State.SENT),
                    "duplicate": may_write},
        "details_form": details_form or (QuoteDetailsForm(quote, prefix="details", initial={
            "valid_until": quote.valid_until, "deposit_percent": quote.deposit_percent,
            "deposit_amount": quote.deposit_amount, "notes": quote.notes, "terms": quote.terms}) if draft else None),
        "free_form": free_form or (FreeLineForm(quote, prefix="free") if draft else None),
        "withdraw_form": withdraw_form or WithdrawForm(prefix="withdraw"),
        "due_kind": due_kind, "due": due,
        "deposit_form": (deposit_form or DepositForm(quote, prefix="deposit", initial={"amount": due}))
        if may_write and due_kind else None,
    }, status=status)


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def quote_detail(request, pk):
    """Recipient, lines, totals, deposit, the customer's link once sent, acceptance, order and history."""
    return detail_page(request, quote_of(request, pk))


@require_safe
@store_staff_required(VIEW_ROLES)
def quote_pdf(request, pk):
    """The sent quote's stored PDF (rendered and stored once if it never was), named after its number."""
    quote = quote_of(request, pk)
    if not quote.number:
        raise Http404
    quote = quote_services.ensure_pdf(quote)
    return FileResponse(quote.pdf.open("rb"), as_attachment=True, filename=f"{quote.number}.pdf",
                        content_type="application/pdf")


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def send(request, pk):
    quote = quote_of(request, pk)
    try:
        quote = quote_services.send_quote(quote=quote, user=request.user)
    except (smtplib.SMTPException, OSError):
        quote = quote_of(request, pk)
        if quote.number:  # numbered and stored: only the e-mail failed
            messages.warning(request, _("%(number)s is sent, but the e-mail could not go: give the customer the "
                                        "link below.") % {"number": quote.number})
        else:
            messages.error(request, _("The e-mail could not be sent. Try again later."))
        return redirect("staff_quotes:quote_detail", pk=quote.pk)
    except DomainError as error:
        refused(error)
        messages.error(request, " ".join([str(error), *[" ".join(map(str, problems))
                                                         for problems in error.fields.values()]]).strip())
        return redirect("staff_quotes:quote_detail", pk=quote.pk)
    messages.success(request, _("%(number)s is sent to %(email)s. The customer's link is below.")
                     % {"number": quote.number, "email": quote.recipient_email})
    return redirect("staff_quotes:quote_detail", pk=quote.pk)


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def withdraw(request, pk):
    quote = quote_of(request, pk)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if not form.is_valid():
        return detail_page(request, quote, withdraw_form=form, status=400)
    try:
        quote_services.withdraw_quote(quote=quote, user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
    else:
        messages.success(request, _("The quote is withdrawn: its link no longer lets the customer accept it."))
    return redirect("staff_quotes:quote_detail", pk=quote.pk)


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def duplicate(request, pk):
    quote = quote_of(request, pk)
    try:
        copy = quote_services.duplicate_quote(quote=quote, user=request.user)
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
        return redirect("staff_quotes:quote_detail", pk=quote.pk)
    messages.success(request, _("A new draft copies this quote: change it, then send it."))
    return redirect("staff_quotes:quote_detail", pk=copy.pk)


@store_staff_required(WRITE_ROLES)
@require_POST
@in_store_timezone
def record_deposit(request, pk):
    """A deposit or the balance of a converted quote's order, received by transfer or in cash."""
    quote = quote_of(request, pk)
    form = DepositForm(quote, request.POST, prefix="deposit")
    if form.is_valid():
        try:
            quote_acceptance.record_deposit(quote=quote, user=request.user, amount=form.cleaned_data["amount"],
                                            method=form.cleaned_data["method"])
        except DomainError as error:
            refused(error)
            form.add_error("amount" if not error.fields else None, str(error))
        else:
            messages.success(request, _("The payment is recorded on the order."))
            return redirect("staff_quotes:quote_detail", pk=quote.pk)
    return detail_page(request, quote, deposit_form=form, status=400)
