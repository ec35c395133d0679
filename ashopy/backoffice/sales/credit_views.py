"""The credit note of an issued invoice (/staff/invoices/<id>/credit/), a manager's or an admin's work.

The page lists the invoice's lines with what is still creditable on each (`services.credited_quantities`)
and takes quantities or an amount incl. tax, a reason, and optionally a warehouse to restock and a refund
through the order's payment. `services.credit` decides: its refusals come back as messages and change
nothing.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ashopy.backoffice.clock import in_store_timezone
from ashopy.core.errors import DomainError
from ashopy.inventory.models import Warehouse
from ashopy.payments.errors import NotRefundable
from ashopy.sales import rules, services
from ashopy.sales.models import Invoice
from ashopy.stores.decorators import store_staff_required

from .forms import CreditNoteForm
from .views import invoice_of, refused


def _form(request, invoice: Invoice, data=None) -> CreditNoteForm:
    warehouses = Warehouse.objects.for_store(request.store).filter(is_active=True)
    return CreditNoteForm(invoice, list(invoice.lines.all()), services.credited_quantities(invoice), warehouses,
                          data)


def _page(request, invoice: Invoice, form: CreditNoteForm, status=200):
    return render(request, "backoffice/sales/credit_note_form.html", {
        "invoice": invoice, "form": form, "remaining": services.remaining_to_credit(invoice)}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(rules.STAFF_ACTIONS["credit"])
@in_store_timezone
def credit_note(request, pk):
    invoice = invoice_of(request, pk)
    if not invoice.is_issued or invoice.is_credit_note:
        messages.error(request, _("Only an issued invoice can be credited."))
        return redirect("staff_sales:invoice_detail", pk=invoice.pk)
    if request.method != "POST":
        return _page(request, invoice, _form(request, invoice))
    form = _form(request, invoice, request.POST)
    if not form.is_valid():
        return _page(request, invoice, form, status=400)
    data = form.cleaned_data
    quantities = form.quantities()
    try:
        note = services.credit(invoice=invoice, user=request.user, reason=data["reason"],
                               quantities=quantities or None, amount=None if quantities else data["amount"],
                               refund=data.get("refund", False), restock_to=data["restock_to"])
    except NotRefundable:
        # The credit note is issued before the payment is refunded: say what is left to do by hand.
        note = invoice.credit_notes.order_by("-id").first()
        messages.warning(request, _("%(document)s is issued, but the payment could not be refunded through its "
                                    "provider: refund it by hand, then record the refund here.")
                         % {"document": note.number})
        return redirect("staff_sales:invoice_detail", pk=note.pk)
    except DomainError as error:
        refused(error)
        messages.error(request, str(error))
        return _page(request, invoice, form, status=error.status)
    messages.success(request, _("%(document)s is issued.") % {"document": note.number})
    return redirect("staff_sales:invoice_detail", pk=note.pk)
