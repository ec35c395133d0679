"""An invoice on request from a till sale, and the credit note of a refund of an invoiced sale.

A ticket has at most one invoice (asking again returns it: the ticket's row is locked while it is
made); the invoice is the sales app's (its numbering, legal mentions, PDF and Factur-X), made from the
ticket's lines. A refund ticket of a sale that had an invoice makes, in the refund's transaction, a
credit note on that invoice for the refunded units, settled by the refund's payment.
"""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ashopy.core.errors import NotFound
from ashopy.core.money import ZERO, round_money
from ashopy.sales import counter
from ashopy.sales.models import Invoice, InvoiceLine

from .errors import NotInvoiceable
from .models import Ticket, TicketInvoice, TicketLine
from .services import require_cashier

UNIT_PRICE_PLACES = Decimal("0.0001")


def _counter_line(line: TicketLine, *, tax_included: bool, currency: str) -> counter.CounterLine:
    """A ticket line excl. tax: its discounts (line and share of the ticket's) taken off an excl.-tax price."""
    discount = line.discount + line.ticket_discount
    if tax_included and discount:
        discount = round_money(discount * 100 / (100 + line.vat_rate), currency)
    discount = min(discount, line.net) if discount > 0 else ZERO
    unit = ((line.net + discount) / line.quantity).quantize(UNIT_PRICE_PLACES)
    return counter.CounterLine(description=line.label, sku=line.sku, quantity=line.quantity, unit_price=unit,
                               discount=discount, tax_rate=line.vat_rate, net=line.net, tax=line.tax)


def invoice_of(ticket: Ticket) -> Invoice | None:
    link = TicketInvoice.objects.filter(ticket=ticket).select_related("invoice").first()
    return link.invoice if link else None


def invoice_ticket(*, user, ticket: Ticket, buyer: dict) -> Invoice:
    """The sale's invoice for the buyer `buyer` (name or company at least): issued now, or the one it has."""
    with transaction.atomic():
        try:
            ticket = (Ticket.objects.select_for_update(of=("self",)).select_related("store", "till")
                      .get(pk=ticket.pk, store_id=ticket.store_id))
        except Ticket.DoesNotExist as error:
            raise NotFound() from error
        store = ticket.store
        require_cashier(user, store)
        if ticket.kind != Ticket.Kind.SALE:
            raise NotInvoiceable()
        existing = invoice_of(ticket)
        if existing is not None:
            return existing
        lines = [_counter_line(line, tax_included=store.prices_include_tax, currency=ticket.currency)
                 for line in ticket.lines.order_by("id")]
        methods = [payment.get_method_display() for payment in ticket.payments.order_by("id")]
        invoice = counter.invoice_counter_sale(
            store=store, user=user, customer_id=ticket.customer_id, buyer=counter.buyer_of(buyer), lines=lines,
            sale_date=timezone.localdate(ticket.created_at, timezone=ZoneInfo(store.timezone)),
            payment_method=", ".join(dict.fromkeys(str(method) for method in methods)),
            reference=_("Till ticket %(reference)s") % {"reference": ticket.reference})
        TicketInvoice.objects.create(ticket=ticket, invoice=invoice)
    return invoice


def credit_for_refund(*, user, refund: Ticket, lines: list[TicketLine]) -> Invoice | None:
    """The credit note of `refund` when the sale it refunds was invoiced (else None), in the caller's
    transaction. Invoice lines follow the sale's ticket lines in order (position 1 is its first line)."""
    link = TicketInvoice.objects.filter(ticket_id=refund.refunds_id).select_related("invoice__store").first()
    if link is None:
        return None
    positions = {pk: position for position, pk in enumerate(
        TicketLine.objects.filter(ticket_id=refund.refunds_id).order_by("id").values_list("pk", flat=True), start=1)}
    invoice_lines = dict(InvoiceLine.objects.filter(invoice=link.invoice).values_list("position", "pk"))
    quantities: dict[int, Decimal] = {}
    for line in lines:
        key = invoice_lines[positions[line.refunded_line_id]]
        quantities[key] = quantities.get(key, ZERO) + Decimal(-line.quantity)
    method = ", ".join(dict.fromkeys(str(payment.get_method_display()) for payment in refund.payments.all()))
    note = counter.credit_counter_refund(
        invoice=link.invoice, user=user, quantities=quantities, payment_method=method,
        reason=_("Refund at the till, ticket %(reference)s") % {"reference": refund.reference})
    TicketInvoice.objects.create(ticket=refund, invoice=note)
    return note
