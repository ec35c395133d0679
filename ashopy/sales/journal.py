"""What the accountant asks for: the sales journal of a period and its VAT summary per rate.

The journal has one row per issued document and VAT rate, so that each document's rows add up to
its stored totals and a period's rows to its invoices minus its credit notes: credit notes count
negative, here and in the summary. Drafts never appear. Dates are issue dates, which are already
the store's calendar days (`services.local_today`). Both reads cost a fixed number of queries:
the lines are summed by the database per document and rate, never one query per document.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError
from ashopy.stores.models import Store
from ashopy.stores.rules import STOCK_ROLES, require_role

from .models import Invoice, InvoiceLine

ZERO = Decimal(0)
MAX_PERIOD_DAYS = 366  # a leap year: what an accountant closes at once


class InvalidPeriod(DomainError):
    code = "invalid_period"
    message = _("The end date is before the start date.")


class PeriodTooLong(DomainError):
    code = "period_too_long"
    message = _("Choose a period of at most {days} days.")


def authorize_export(*, user, store: Store) -> None:
    """The store's accounts are for its admins and gestionnaires (PermissionDenied otherwise)."""
    require_role(user=user, store=store, roles=STOCK_ROLES)


def check_period(date_from: date, date_to: date) -> None:
    """A period runs forwards and lasts at most `MAX_PERIOD_DAYS` days, both ends included."""
    if date_to < date_from:
        raise InvalidPeriod()
    if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodTooLong(days=MAX_PERIOD_DAYS)


def _negative(amount: Decimal) -> Decimal:
    return ZERO - amount  # never "-0": a credit note's 0 % VAT stays 0


def _signed(kind: str, amount: Decimal) -> Decimal:
    return _negative(amount) if kind == Invoice.Kind.CREDIT_NOTE else amount


def _lines_in_period(store: Store, date_from: date, date_to: date):
    return InvoiceLine.objects.filter(invoice__store=store, invoice__state=Invoice.State.ISSUED,
                                      invoice__issue_date__range=(date_from, date_to))


@dataclass(frozen=True)
class JournalRow:
    """One document's lines at one VAT rate; a credit note's amounts are negative."""

    issue_date: date
    number: str
    kind: str
    customer: str
    company: str
    order_number: str
    corrected_invoice: str
    currency: str
    rate: Decimal
    net: Decimal
    tax: Decimal
    payment_method: str
    payment_state: str

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax

    @property
    def kind_label(self) -> str:
        return str(Invoice.Kind(self.kind).label)

    @property
    def payment_state_label(self) -> str:
        return str(Invoice.Payment(self.payment_state).label)


def journal_rows(*, store: Store, date_from: date, date_to: date) -> list[JournalRow]:
    """The issued invoices and credit notes of the period, one row per document and VAT rate (highest
    first), ordered by issue date then number: two queries whatever the number of documents."""
    check_period(date_from, date_to)
    documents = (Invoice.objects.for_store(store)
                 .filter(state=Invoice.State.ISSUED, issue_date__range=(date_from, date_to))
                 .order_by("issue_date", "number", "pk")
                 .values("pk", "issue_date", "number", "kind", "buyer", "currency", "payment_method",
                         "payment_state", "order__number", "credited_invoice__number"))
    sums: dict[int, list[dict]] = {}
    for part in (_lines_in_period(store, date_from, date_to).order_by()
                 .values("invoice", "tax_rate").annotate(net=Sum("net"), tax=Sum("tax"))
                 .order_by("invoice", "-tax_rate")):
        sums.setdefault(part["invoice"], []).append(part)
    rows = []
    for document in documents:
        kind, buyer = document["kind"], document["buyer"] or {}
        for part in sums.get(document["pk"], ()):
            rows.append(JournalRow(
                issue_date=document["issue_date"], number=document["number"], kind=kind,
                customer=str(buyer.get("name") or ""), company=str(buyer.get("company") or ""),
                order_number=document["order__number"] or "",
                corrected_invoice=document["credited_invoice__number"] or "", currency=document["currency"],
                rate=part["tax_rate"], net=_signed(kind, part["net"]), tax=_signed(kind, part["tax"]),
                payment_method=document["payment_method"], payment_state=document["payment_state"]))
    return rows


@dataclass(frozen=True)
class Amounts:
    """A taxable base and its VAT."""

    net: Decimal = ZERO
    tax: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(self.net + other.net, self.tax + other.tax)


@dataclass(frozen=True)
class VatRate:
    """One VAT rate's invoices and credit notes (negative) over the period; `rate` None for the total."""

    rate: Decimal | None
    invoices: Amounts = field(default_factory=Amounts)
    credit_notes: Amounts = field(default_factory=Amounts)

    @property
    def net(self) -> Amounts:
        """What the period owes at this rate: its invoices less its credit notes."""
        return self.invoices + self.credit_notes


@dataclass(frozen=True)
class VatSummary:
    currency: str
    rates: list[VatRate]

    @property
    def total(self) -> VatRate:
        invoices, credit_notes = Amounts(), Amounts()
        for row in self.rates:
            invoices, credit_notes = invoices + row.invoices, credit_notes + row.credit_notes
        return VatRate(None, invoices, credit_notes)


def vat_summary(*, store: Store, date_from: date, date_to: date) -> VatSummary:
    """Per VAT rate (highest first): the bases and VAT of the period's invoices, of its credit notes
    (negative) and the net of both, in one query."""
    check_period(date_from, date_to)
    invoices, credit_notes = Q(invoice__kind=Invoice.Kind.INVOICE), Q(invoice__kind=Invoice.Kind.CREDIT_NOTE)
    totals = (_lines_in_period(store, date_from, date_to).order_by().values("tax_rate")
              .annotate(invoice_net=Sum("net", filter=invoices, default=ZERO),
                        invoice_tax=Sum("tax", filter=invoices, default=ZERO),
                        credit_net=Sum("net", filter=credit_notes, default=ZERO),
                        credit_tax=Sum("tax", filter=credit_notes, default=ZERO))
              .order_by("-tax_rate"))
    return VatSummary(store.currency, [
        VatRate(row["tax_rate"], Amounts(row["invoice_net"], row["invoice_tax"]),
                Amounts(_negative(row["credit_net"]), _negative(row["credit_tax"]))) for row in totals])
