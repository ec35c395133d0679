"""Reads of invoices and credit notes shared by the back office, the account pages and the API.

A list costs a fixed number of queries whatever its rows (what it shows is on the invoice row: the
buyer is a snapshot, the amounts are stored); one invoice comes with everything its page shows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet

from .errors import InvoiceNotFound
from .models import Invoice, InvoiceEvent, InvoicePayment

SEARCH_WORDS = 5  # words of a search that count; more only cost time

# Payment filters that name a group of states rather than one.
NOT_FULLY_PAID = "due"
PAYMENT_GROUPS = {NOT_FULLY_PAID: (Invoice.Payment.UNPAID, Invoice.Payment.PARTIAL, Invoice.Payment.OVERDUE)}


@dataclass(frozen=True)
class InvoiceFilters:
    """What a staff invoice list is narrowed to. Dates are issue dates (the store's calendar)."""

    kind: str = ""
    state: str = ""
    payment_state: str = ""  # one of Invoice.Payment, or a key of PAYMENT_GROUPS
    issued_after: date | None = None
    issued_before: date | None = None
    q: str = ""  # words each found in the number or the buyer's name, company or e-mail


def _searched(invoices: QuerySet, q: str) -> QuerySet:
    for word in q.split()[:SEARCH_WORDS]:
        invoices = invoices.filter(
            Q(number__icontains=word) | Q(buyer__name__icontains=word) | Q(buyer__company__icontains=word)
            | Q(buyer__email__icontains=word) | Q(order__number__icontains=word))
    return invoices


def invoice_list(*, store, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    """The store's invoices and credit notes, drafts first (they wait for someone), then newest issued."""
    filters = filters or InvoiceFilters()
    invoices = Invoice.objects.for_store(store).select_related("credited_invoice")
    if filters.kind:
        invoices = invoices.filter(kind=filters.kind)
    if filters.state:
        invoices = invoices.filter(state=filters.state)
    if filters.payment_state in PAYMENT_GROUPS:
        invoices = invoices.filter(state=Invoice.State.ISSUED,
                                   payment_state__in=PAYMENT_GROUPS[filters.payment_state])
    elif filters.payment_state:
        invoices = invoices.filter(state=Invoice.State.ISSUED, payment_state=filters.payment_state)
    if filters.issued_after:
        invoices = invoices.filter(issue_date__gte=filters.issued_after)
    if filters.issued_before:
        invoices = invoices.filter(issue_date__lte=filters.issued_before)
    return _searched(invoices, filters.q).order_by(F("issue_date").desc(nulls_first=True), "-id")


def invoice_detail(*, store, pk) -> Invoice:
    """One invoice or credit note of `store` with its lines, payments, events (and who made them) and credit
    notes, in a fixed number of queries. Raises InvoiceNotFound for another store's or an unknown id."""
    invoice = (Invoice.objects.for_store(store).filter(pk=pk)
               .select_related("store", "order", "credited_invoice", "issued_by")
               .prefetch_related("lines",
                                 Prefetch("payments", queryset=InvoicePayment.objects.select_related("recorded_by")),
                                 Prefetch("events", queryset=InvoiceEvent.objects.select_related("user")),
                                 Prefetch("credit_notes", queryset=Invoice.objects.order_by("id")))
               .first())
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def order_invoice(*, store, order_id: int) -> Invoice | None:
    """The invoice of the store's order `order_id` (a draft or issued), if it has one."""
    return Invoice.objects.for_store(store).filter(order_id=order_id, kind=Invoice.Kind.INVOICE).first()


def customer_documents(*, store, user):
    """A customer's issued invoices and credit notes in `store`, newest first (drafts are staff's business)."""
    return (Invoice.objects.filter(store=store, customer=user, state=Invoice.State.ISSUED)
            .select_related("order", "credited_invoice").order_by("-issue_date", "-id"))


def own_document(*, store, user, number: str) -> Invoice:
    """The customer's issued document `number`; InvoiceNotFound for anyone else's (not even its existence)."""
    document = customer_documents(store=store, user=user).filter(number=number).first()
    if document is None:
        raise InvoiceNotFound()
    return document


# --- for the API (appended) -------------------------------------------------------------------


def staff_invoice_rows(*, store, filters: InvoiceFilters | None = None, customer_id: int | None = None) -> QuerySet:
    """`invoice_list` with what an API row shows (the order's number) and, optionally, one customer's only."""
    invoices = invoice_list(store=store, filters=filters).select_related("order")
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    return invoices


def own_document_detail(*, store, user, number: str) -> Invoice:
    """The customer's issued document `number` with its lines and its credit notes, in a fixed number of
    queries; InvoiceNotFound for anyone else's (not even its existence)."""
    document = (customer_documents(store=store, user=user).filter(number=number)
                .prefetch_related("lines", Prefetch("credit_notes",
                                                    queryset=Invoice.objects.filter(state=Invoice.State.ISSUED)
                                                    .order_by("id")))
                .first())
    if document is None:
        raise InvoiceNotFound()
    return document


def legal_profile(store):
    """The store's seller profile as saved, or the defaults a first save would store: a read never creates it."""
    from .models import SellerProfile

    return SellerProfile.objects.filter(store=store).first() or SellerProfile(store=store)


def missing_mentions(invoice: Invoice) -> list[str]:
    """What the store or the buyer must still fill in before this draft may be issued (read only: unlike
    `services.mentions_missing`, it never creates the store's legal profile)."""
    from .legal import missing_mentions as missing
    from .services import seller_snapshot

    seller = seller_snapshot(invoice.store, legal_profile(invoice.store))
    return [str(item) for item in missing(seller=seller, buyer=invoice.buyer, lines=len(invoice.lines.all()))]


def stored_pdf(invoice: Invoice):
    """The issued document's stored PDF, opened for reading. Never made again here (a read does not write):
    PdfMissing when it was never stored or its file is gone, and the loss is logged for the team."""
    import logging

    from .errors import PdfMissing

    if invoice.pdf:
        try:
            return invoice.pdf.open("rb")
        except OSError:
            pass
    logging.getLogger(__name__).error("The PDF of %s (invoice %s) cannot be read: %r", invoice.number, invoice.pk,
                                      invoice.pdf.name)
    raise PdfMissing()
