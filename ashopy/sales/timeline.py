"""An invoice's events put into words in the reader's language (the code and data stay for the API).

Each InvoiceEvent stores a `code` and plain JSON `data` (amounts as strings). `describe` turns one
into a sentence when a page is built, so the merchant reads "Paiement de 12 500 F CFA reçu (Wave)."
and never an internal code; an event this module does not know yet reads as a plain "Updated.".
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ashopy.core.money import format_money

from .models import Invoice, InvoiceEvent


def _amount(value, currency: str) -> str:
    try:
        return format_money(Decimal(str(value)), currency)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def _recipients(data: dict) -> str:
    return ", ".join(str(address) for address in data.get("recipients", []))


def describe(event: InvoiceEvent, *, invoice: Invoice, numbers: dict[int, str] | None = None) -> str:
    """The event as a sentence; `numbers` gives the credit notes' numbers by id (for "credited")."""
    data, currency = event.data or {}, invoice.currency
    code = event.code
    if code == "created":
        if data.get("order"):
            return _("Draft made from order %(order)s.") % {"order": data["order"]}
        if data.get("credited_invoice"):
            return _("Credit note drafted to correct invoice %(number)s.") % {"number": data["credited_invoice"]}
        return pgettext("invoice event", "Draft made.")
    if code == "issued":
        return _("Issued with the number %(number)s.") % {"number": data.get("number", invoice.number)}
    if code == "payment":
        values = {"amount": _amount(data.get("amount", "0"), currency), "method": data.get("method") or "—"}
        if invoice.is_credit_note:
            return _("Refund of %(amount)s recorded (%(method)s).") % values
        return _("Payment of %(amount)s received (%(method)s).") % values
    if code == "credited":
        number = (numbers or {}).get(data.get("credit_note_id")) or pgettext("credit note", "draft")
        return _("Corrected by credit note %(number)s of %(amount)s.") % {
            "number": number, "amount": _amount(data.get("total", "0"), currency)}
    if code == "sent":
        return _("Sent by e-mail to %(recipients)s.") % {"recipients": _recipients(data)}
    if code == "reminded":
        return _("Payment reminder sent to %(recipients)s.") % {"recipients": _recipients(data)}
    return pgettext("invoice event", "Updated.")
