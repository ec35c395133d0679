"""Back-office invoice pages under /staff/invoices/: the list, one invoice or credit note with its actions,
its PDF, and an order's invoicing.

Who may do what is `sales.rules` (`STAFF_ACTIONS`): the pages open to the roles allowed to view, each button
shows when `rules.allowed` says so, and each POST calls one service, which decides again. A refusal
(DomainError) comes back as a message or as the form's error; invalid input re-renders the page (400) and
changes nothing. Another store's invoice is a 404, like an unknown id. Dates are the store's.
"""

import smtplib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ashopy.backoffice.clock import in_store_timezone
from ashopy.backoffice.text import notice_invalid_filters
from ashopy.core import errors
from ashopy.core.errors import DomainError
from ashopy.core.views import refused as refused_page
from ashopy.orders.models import Order
from ashopy.payments import providers
from ashopy.sales import emails, rules, selectors, services, timeline
from ashopy.sales.errors import InvalidAmount, InvoiceNotFound, PaymentTooLarge, PdfMissing
from ashopy.sales.models import Invoice
from ashopy.stores.decorators import store_staff_required

from .forms import InvoiceFilterForm, PaymentForm, SendForm

PAGE_SIZE = 25
VIEW_ROLES = rules.STAFF_ACTIONS["view"]
ACTIONS = ("issue", "record_payment", "send", "credit", "settings")


def refused(error: DomainError) -> None:
    """A service's "not you" is the styled 403, whatever page asked."""
    if isinstance(error, errors.PermissionDenied):
        raise PermissionDenied(str(error)) from error


def invoice_of(request, pk) -> Invoice:
    try:
        return selectors.invoice_detail(store=request.store, pk=pk)
    except InvoiceNotFound as error:
        raise Http404 from error


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def invoice_list(request):
    """The store's invoices and credit notes, drafts first; one page costs the same queries whatever its rows."""
    form = InvoiceFilterForm(request.GET or None)
    notice_invalid_filters(request, form)
    rows = selectors.invoice_list(store=request.store, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/sales/invoice_list.html", {
        "form": form, "page": page,
        "may_edit_settings": rules.allowed(user=request.user, store=request.store, action="settings")})


def _method_suggestions(request, invoice: Invoice) -> list[str]:
    """What the method input suggests: the invoice's own, the store's methods, and the usual offline ones."""
    labels = [str(provider.label or provider.code) for provider in providers.offered(request.store)]
    return [label for label in dict.fromkeys([invoice.payment_method, *labels, _("Cash"), _("Cheque")]) if label]


def _detail(request, invoice: Invoice, *, payment_form=None, send_form=None, status=200):
    """The invoice's page; a form sent back with its errors replaces the blank one."""
    store, user = request.store, request.user
    may = {action: rules.allowed(user=user, store=store, action=action) for action in ACTIONS}
    credit_notes = list(invoice.credit_notes.all())
    numbers = {note.pk: note.number for note in credit_notes}
    events = [(event, timeline.describe(event, invoice=invoice, numbers=numbers)) for event in invoice.events.all()]
    issued, is_note = invoice.is_issued, invoice.is_credit_note
    remaining = services.remaining_to_credit(invoice) if issued and not is_note else None
    actions = {
        "issue": may["issue"] and not issued,
        "record_payment": may["record_payment"] and issued and invoice.amount_due > 0,
        "send": may["send"] and issued,
        "remind": may["send"] and issued and not is_note and invoice.payment_state == Invoice.Payment.OVERDUE,
        "credit": may["credit"] and issued and not is_note and remaining > 0,
    }
    today = services.local_today(store)
    return render(request, "backoffice/sales/invoice_detail.html", {
        "invoice": invoice, "lines": invoice.lines.all(), "vat": invoice.vat_summary(),
        "payments": invoice.payments.all(), "events": events, "credit_notes": credit_notes,
        "remaining": remaining, "actions": actions, "may": may,
        "missing": services.mentions_missing(invoice) if not issued else [],
        "payment_form": payment_form or PaymentForm(invoice, today=today, prefix="payment", initial={
            "amount": invoice.amount_due, "received_on": today, "method": invoice.payment_method}),
        "send_form": send_form or SendForm(prefix="send", initial={"to": invoice.buyer.get("email", "")}),
        "method_suggestions": _method_suggestions(request, invoice),
    }, status=status)


@require_safe
@store_staff_required(VIEW_ROLES)
@in_store_timezone
def invoice_detail(request, pk):
    """Seller and buyer, lines, VAT by rate, totals, payments, history, credit notes, and the actions allowed."""
    return _detail(request, invoice_of(request, pk))


@require_safe
@store_staff_required(VIEW_ROLES)
def invoice_pdf(request, pk):
    """The issued invoice's stored PDF (rendered and stored once if it never was), named after its number."""
    invoice = invoice_of(request, pk)
    if not invoice.is_issued:
        raise Http404
    invoice = services.ensure_pdf(invoice)  # stored now if its rendering after the issue failed
    try:
        stored = selectors.stored_pdf(invoice)
    except PdfMissing as lost:  # its file is gone: said, logged, never made again
        return refused_page(request, lost)
    return FileResponse(stored, as_attachment=True, filename=f"{invoice.number}.pdf", content_type="application/pdf")


@store_staff_required(rules.STAFF_ACTIONS["issue"])
@require_POST
@in_store_timezone
def issue(request, pk):
    invoice = invoice_of(request, pk)
    try:
        invoice = services.issue(invoice=invoice, user=request.user)
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
        return redirect("staff_sales:invoice_detail", pk=invoice.pk)
    messages.success(request, _("%(document)s is issued.") % {"document": invoice.number})
    return redirect("staff_sales:invoice_detail", pk=invoice.pk)


@store_staff_required(rules.STAFF_ACTIONS["record_payment"])
@require_POST
@in_store_timezone
def record_payment(request, pk):
    invoice = invoice_of(request, pk)
    form = PaymentForm(invoice, request.POST, today=services.local_today(request.store), prefix="payment")
    if not form.is_valid():
        return _detail(request, invoice, payment_form=form, status=400)
    data = form.cleaned_data
    try:
        services.record_payment(invoice=invoice, user=request.user, amount=data["amount"], method=data["method"],
                                received_on=data["received_on"], reference=data["reference"])
    except (InvalidAmount, PaymentTooLarge) as error:
        form.add_error("amount", str(error))
        return _detail(request, invoice, payment_form=form, status=400)
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
        return redirect("staff_sales:invoice_detail", pk=invoice.pk)
    if invoice.is_credit_note:
        messages.success(request, _("The refund is recorded."))
    else:
        messages.success(request, _("The payment is recorded."))
    return redirect("staff_sales:invoice_detail", pk=invoice.pk)


def _mailed(request, invoice: Invoice, send, success: str):
    form = SendForm(request.POST, prefix="send")
    if not form.is_valid():
        return _detail(request, invoice, send_form=form, status=400)
    try:
        send(invoice=invoice, user=request.user, to=form.cleaned_data["to"])
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
    except (smtplib.SMTPException, OSError):
        messages.error(request, _("The e-mail could not be sent. Try again later."))
    else:
        messages.success(request, success % {"email": form.cleaned_data["to"]})
    return redirect("staff_sales:invoice_detail", pk=invoice.pk)


@store_staff_required(rules.STAFF_ACTIONS["send"])
@require_POST
@in_store_timezone
def send(request, pk):
    return _mailed(request, invoice_of(request, pk), emails.send_invoice, _("Sent to %(email)s."))


@store_staff_required(rules.STAFF_ACTIONS["send"])
@require_POST
@in_store_timezone
def remind(request, pk):
    return _mailed(request, invoice_of(request, pk), emails.send_reminder, _("Reminder sent to %(email)s."))


@store_staff_required(rules.STAFF_ACTIONS["issue"])
@require_POST
@in_store_timezone
def invoice_order(request, number):
    """Invoice a paid or delivered order: issued at once when the legal profile is complete, else kept as a
    draft whose page says what is missing."""
    order = get_object_or_404(Order.objects.for_store(request.store), number=number)
    try:
        invoice = services.invoice_order(order=order, user=request.user, keep_draft_if_incomplete=True)
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
        return redirect("staff_orders:order_detail", number=order.number)
    if invoice.is_issued:
        messages.success(request, _("%(document)s is issued.") % {"document": invoice.number})
    else:
        messages.warning(request, _("The invoice is kept as a draft: the legal details below are missing."))
    return redirect("staff_sales:invoice_detail", pk=invoice.pk)
