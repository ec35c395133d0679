"""Back-office pages of the point of sale under /staff/pos/: tickets (search, detail, receipt as print
view and PDF, reprint as a logged duplicate), sessions with their closing report, Z reports (closures),
the chain check and the yearly archive.

Who opens what: salespeople (vendeurs) search tickets, open them and print receipts and duplicates,
which is their daily work at the till; sessions, closing reports, Z reports, the chain check and the
archive are for gestionnaires and admins (the store's books). Another store's object is a 404.
"""

import logging
import tempfile
from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ashopy.backoffice.clock import in_store_timezone
from ashopy.backoffice.text import notice_invalid_filters
from ashopy.core import errors
from ashopy.core.errors import DomainError
from ashopy.pos import archive, invoicing, receipts, selectors, services, verification
from ashopy.pos.models import Closure, Duplicate, Ticket, TicketLine, TicketPayment, Till, TillSession
from ashopy.stores.decorators import store_staff_required
from ashopy.stores.rules import SALES_ROLES, STOCK_ROLES

from .forms import ArchiveForm, BuyerForm, ClosureFilterForm, SessionFilterForm, TicketSearchForm

logger = logging.getLogger(__name__)
PAGE_SIZE = 25


def _ticket(request, pk) -> Ticket:
    return get_object_or_404(Ticket.objects.for_store(request.store).select_related("till"), pk=pk)


def _session(request, pk) -> TillSession:
    return get_object_or_404(TillSession.objects.select_related("till__store", "cashier", "closed_by"),
                             pk=pk, till__store=request.store)


# --- tickets and receipts ------------------------------------------------------------------------

@require_safe
@store_staff_required(SALES_ROLES)
@in_store_timezone
def ticket_list(request):
    """The store's tickets by number, day or customer, newest first; a page costs the same queries."""
    form = TicketSearchForm(request.GET or None)
    notice_invalid_filters(request, form)
    rows = selectors.search_tickets(store=request.store, **form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/pos/ticket_list.html", {"form": form, "page": page})


@require_safe
@store_staff_required(SALES_ROLES)
@in_store_timezone
def ticket_detail(request, pk):
    """Lines, payments, refunds of it, the ticket it refunds, its duplicates, and links to the receipt."""
    ticket = get_object_or_404(
        Ticket.objects.for_store(request.store)
        .select_related("till", "session", "cashier", "customer", "refunds__till")
        .prefetch_related(Prefetch("lines", TicketLine.objects.order_by("id")),
                          Prefetch("payments", TicketPayment.objects.order_by("id")),
                          Prefetch("refund_tickets", Ticket.objects.select_related("till").order_by("id")),
                          Prefetch("duplicates", Duplicate.objects.select_related("user").order_by("number"))),
        pk=pk)
    return render(request, "backoffice/pos/ticket_detail.html", {
        "ticket": ticket, "currency": ticket.currency, "invoice": invoicing.invoice_of(ticket)})


@require_safe
@store_staff_required(SALES_ROLES)
def receipt(request, pk):
    """The 80-mm print view. Opening it prints no duplicate: the original is this page as the sale left
    it; `?duplicate=N` shows reprint N only when that reprint was logged (the POST below logs it)."""
    ticket = _ticket(request, pk)
    duplicate = receipts.existing_duplicate(ticket, request.GET.get("duplicate"))
    context = receipts.receipt_context(ticket.pk, store=request.store, duplicate=duplicate)
    html = receipts.render_html("backoffice/pos/receipt_page.html", context, store=request.store, request=request)
    return HttpResponse(html)


@require_safe
@store_staff_required(SALES_ROLES)
def receipt_pdf(request, pk):
    ticket = _ticket(request, pk)
    duplicate = receipts.existing_duplicate(ticket, request.GET.get("duplicate"))
    context = receipts.receipt_context(ticket.pk, store=request.store, duplicate=duplicate)
    pdf = receipts.render_pdf("pos/receipt.html", context, store=request.store)
    name = f"ticket-{ticket.reference}{f'-duplicata-{duplicate}' if duplicate else ''}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_POST
@store_staff_required(SALES_ROLES)
def reprint(request, pk):
    """A reprint: the duplicate service numbers it and logs it in the till's chain, then the receipt
    shows "DUPLICATA n°…"."""
    ticket = _ticket(request, pk)
    try:
        duplicate = services.print_duplicate(user=request.user, ticket=ticket)
    except errors.PermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("staff_pos:ticket_detail", ticket.pk)
    return redirect(f"{reverse('staff_pos:receipt', args=[ticket.pk])}?duplicate={duplicate.number}")


@store_staff_required(SALES_ROLES)
def invoice(request, pk):
    """The sale's invoice: the buyer's details asked for, then issued (or the one it has, shown)."""
    ticket = _ticket(request, pk)
    existing = invoicing.invoice_of(ticket)
    if existing is not None:
        return redirect("staff_sales:invoice_detail", existing.pk)
    form = BuyerForm(request.POST or None, initial=_buyer_initial(ticket))
    if request.method == "POST" and form.is_valid():
        try:
            made = invoicing.invoice_ticket(user=request.user, ticket=ticket, buyer=form.cleaned_data)
        except errors.PermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Invoice %(number)s issued.") % {"number": made.number})
            return redirect("staff_sales:invoice_detail", made.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/pos/invoice_form.html", {"ticket": ticket, "form": form}, status=status)


def _buyer_initial(ticket: Ticket) -> dict:
    customer = ticket.customer if ticket.customer_id else None
    if customer is None:
        return {}
    return {"name": customer.get_full_name(), "email": customer.email}


# --- sessions ------------------------------------------------------------------------------------

@require_safe
@store_staff_required(STOCK_ROLES)
@in_store_timezone
def session_list(request):
    form = SessionFilterForm(request.GET or None, store=request.store)
    notice_invalid_filters(request, form)
    rows = TillSession.objects.filter(till__store=request.store).select_related("till", "cashier")
    filters = form.filters()
    if "till" in filters:
        rows = rows.filter(till=filters["till"])
    if "state" in filters:
        rows = rows.filter(state=filters["state"])
    page = Paginator(rows.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for session in page.object_list:
        session.difference_total = sum((Decimal(str(value)) for value in session.differences.values()), Decimal(0))
    return render(request, "backoffice/pos/session_list.html", {"form": form, "page": page,
                                                                "currency": request.store.currency})


@require_safe
@store_staff_required(STOCK_ROLES)
@in_store_timezone
def session_detail(request, pk):
    session = _session(request, pk)
    context = receipts.session_context(session)
    return render(request, "backoffice/pos/session_detail.html", context)


@require_safe
@store_staff_required(STOCK_ROLES)
def session_report(request, pk):
    session = _session(request, pk)
    html = receipts.render_html("backoffice/pos/closing_report_page.html",
                                receipts.session_context(session), store=request.store, request=request)
    return HttpResponse(html)


@require_safe
@store_staff_required(STOCK_ROLES)
def session_report_pdf(request, pk):
    session = _session(request, pk)
    pdf = receipts.render_pdf("pos/closing_report.html", receipts.session_context(session), store=request.store)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cloture-{session.till.code}-{session.pk}.pdf"'
    return response


# --- Z reports (closures) ------------------------------------------------------------------------

@require_safe
@store_staff_required(STOCK_ROLES)
@in_store_timezone
def closure_list(request):
    form = ClosureFilterForm(request.GET or None)
    notice_invalid_filters(request, form)
    rows = Closure.objects.filter(till__store=request.store).select_related("till")
    if "kind" in form.filters():
        rows = rows.filter(kind=form.filters()["kind"])
    page = Paginator(rows.order_by("-period_start", "till__code", "kind", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "backoffice/pos/closure_list.html", {"form": form, "page": page,
                                                                "currency": request.store.currency})


@require_safe
@store_staff_required(STOCK_ROLES)
@in_store_timezone
def closure_detail(request, pk):
    closure = get_object_or_404(Closure.objects.select_related("till"), pk=pk, till__store=request.store)
    return render(request, "backoffice/pos/closure_detail.html", {
        "closure": closure, "vat": receipts.vat_rows(closure.vat), "currency": request.store.currency})


# --- chain check and archive ---------------------------------------------------------------------

@require_safe
@store_staff_required(STOCK_ROLES)
@in_store_timezone
def chain_check(request):
    """Runs the verification of every till of the store (as `verify_pos_chain` does) and shows, per
    till, the first record that does not match or that the chain is intact, with the count and time."""
    tills = Till.objects.filter(store=request.store)
    started = timezone.now()
    reports = verification.verify(tills)
    return render(request, "backoffice/pos/chain_check.html", {
        "reports": reports, "checked_at": started,
        "seconds": (timezone.now() - started).total_seconds(), "archive_form": ArchiveForm()})


@require_POST
@store_staff_required(STOCK_ROLES)
def archive_download(request):
    """The store's signed yearly archive, written by `export_pos_archive`'s function (which logs the
    export in every till's chain) and sent as a download."""
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2999."))
        return redirect("staff_pos:chain_check")
    year = form.cleaned_data["year"]
    with tempfile.TemporaryDirectory(prefix="pos-archive-") as directory:  # nothing left on the server's disk
        path = archive.export_archive(store=request.store, year=year, directory=Path(directory))
        content, name = path.read_bytes(), path.name
    logger.info("POS archive %s of store %s downloaded by user %s", year, request.store.slug, request.user.pk)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

