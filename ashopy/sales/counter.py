"""Invoices of counter sales (the till's tickets): a buyer asks for an invoice of what they bought at the
counter; it is issued with the store's invoice machinery (its number series, the legal mentions, the
PDF/A-3b with Factur-X for a French store) from lines the caller gives, since such a sale has no order.
A refund of an invoiced sale becomes a credit note on that invoice.

The point of sale (above sales) decides who may ask and which ticket it is; these functions run in its
transaction, issue at once, and leave the PDF to after the commit (`ensure_pdf` then, once).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from ashopy.core.money import ZERO
from ashopy.stores.models import Store

from . import rules
from .errors import CreditTooLarge, MentionsMissing
from .legal import missing_mentions
from .models import Invoice, InvoiceEvent, InvoiceLine
from .services import (
    _credit_lines,
    _issue_draft,
    _set_totals,
    ensure_pdf,
    profile_of,
    record_payment,
    remaining_to_credit,
    seller_snapshot,
)

BUYER_KEYS = ("name", "company", "first_name", "last_name", "line1", "line2", "postal_code", "city", "country",
              "phone", "email", "siren", "vat_number")


@dataclass(frozen=True)
class CounterLine:
    """A line of a counter sale, excl. tax as an invoice line is."""

    description: str
    sku: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal


def buyer_of(details: dict) -> dict:
    """The buyer's snapshot from what the customer gave at the counter (unknown keys dropped)."""
    return {key: str(details.get(key) or "").strip()[:200] for key in BUYER_KEYS}


def _pdf_after_commit(invoice: Invoice) -> None:
    transaction.on_commit(lambda: ensure_pdf(Invoice.objects.select_related("store").get(pk=invoice.pk)))


def invoice_counter_sale(*, store: Store, user, customer_id: int | None, buyer: dict, lines: list[CounterLine],
                         sale_date: date, payment_method: str, reference: str) -> Invoice:
    """Draft and issue, in the caller's transaction, the invoice of a counter sale paid in full."""
    rules.authorize(user=user, store=store, action="issue")
    profile = profile_of(store)
    seller = seller_snapshot(store, profile)
    missing = missing_mentions(seller=seller, buyer=buyer, lines=len(lines))
    if missing:
        raise MentionsMissing(missing)
    net, tax = sum((line.net for line in lines), ZERO), sum((line.tax for line in lines), ZERO)
    invoice = Invoice.objects.create(
        store=store, customer_id=customer_id, currency=store.currency, language=store.default_language or "fr",
        buyer=buyer, sale_date=sale_date, payment_method=payment_method[:80], amount_paid=net + tax,
        total_net=net, total_tax=tax, total=net + tax, notes=reference)
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, position=position, description=line.description[:255], sku=line.sku[:64],
                    quantity=line.quantity, unit_price=line.unit_price, discount=line.discount,
                    tax_rate=line.tax_rate, net=line.net, tax=line.tax)
        for position, line in enumerate(lines, start=1)])
    issued = _issue_draft(invoice, profile, seller, user)
    InvoiceEvent.objects.bulk_create([
        InvoiceEvent(invoice=invoice, code="created", user=user, data={"ticket": reference}), issued])
    _pdf_after_commit(invoice)
    return invoice


def credit_counter_refund(*, invoice: Invoice, user, quantities: dict[int, Decimal], reason: str,
                          payment_method: str) -> Invoice:
    """The credit note of a refund made at the counter, issued and settled (the money went back at the till),
    in the caller's transaction. The till has already allowed the refund: no other role is asked for."""
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("store").get(pk=invoice.pk)
    lines = _credit_lines(invoice, quantities)
    total = sum((line.net + line.tax for line in lines), ZERO)
    remaining = remaining_to_credit(invoice)
    if total > remaining:
        raise CreditTooLarge(remaining=remaining)
    note = Invoice.objects.create(
        store=invoice.store, kind=Invoice.Kind.CREDIT_NOTE, credited_invoice=invoice, customer_id=invoice.customer_id,
        currency=invoice.currency, language=invoice.language, buyer=invoice.buyer, sale_date=invoice.sale_date,
        payment_method=payment_method[:80], reason=reason[:255])
    for position, line in enumerate(lines, start=1):
        line.invoice, line.position = note, position
    InvoiceLine.objects.bulk_create(lines)
    _set_totals(note)
    note.save(update_fields=["total_net", "total_tax", "total"])
    profile = profile_of(invoice.store)
    issued = _issue_draft(note, profile, seller_snapshot(invoice.store, profile), user)
    InvoiceEvent.objects.bulk_create([
        InvoiceEvent(invoice=note, code="created", user=user, data={"credited_invoice": invoice.number}), issued,
        InvoiceEvent(invoice=invoice, code="credited", user=user, data={"credit_note_id": note.pk,
                                                                         "total": str(note.total)})])
    note = record_payment(invoice=Invoice.objects.select_related("store").get(pk=note.pk), user=user,
                          amount=note.total, method=payment_method)
    _pdf_after_commit(note)
    return note
