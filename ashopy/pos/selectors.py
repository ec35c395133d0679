"""Reads the till's pages, API and back office share: a session's closing report, a receipt, and the
search of past tickets (for a refund or a duplicate). Each reads in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from ashopy.core.money import ZERO
from ashopy.stores.models import Store

from . import chain
from .models import CashMovement, ChainRecord, Ticket, TicketLine, TicketPayment, TillSession


@dataclass(frozen=True)
class SessionReport:
    """What a closing report lists: sales and refunds (count, total), discounts, payments per method,
    VAT per rate, cash movements, and — once closed — expected, counted and the differences."""

    session: TillSession
    sales: tuple[int, Decimal]
    refunds: tuple[int, Decimal]
    discounts: Decimal
    payments: dict[str, Decimal]
    vat: dict[str, dict[str, Decimal]]
    cash_movements: list[CashMovement]


def session_report(session: TillSession) -> SessionReport:
    """The session's figures from its tickets (four queries)."""
    kinds = {row["kind"]: row for row in Ticket.objects.filter(session=session).values("kind").annotate(
        count=Count("id"), total=Sum("total"), discounts=Sum("total_discount"))}
    payments = dict(TicketPayment.objects.filter(ticket__session=session).values_list("method")
                    .annotate(total=Sum("amount")).values_list("method", "total").order_by("method"))
    vat: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for rate, net, tax, gross in (TicketLine.objects.filter(ticket__session=session).values_list("vat_rate")
                                  .annotate(Sum("net"), Sum("tax"), Sum("gross")).order_by("vat_rate")):
        vat[chain.rate(rate)] = {"net": net, "tax": tax, "gross": gross}

    def figures(kind):
        row = kinds.get(kind)
        return (row["count"], row["total"]) if row else (0, ZERO)

    return SessionReport(
        session=session, sales=figures(Ticket.Kind.SALE), refunds=figures(Ticket.Kind.REFUND),
        discounts=sum((row["discounts"] for row in kinds.values()), ZERO), payments=payments, vat=dict(vat),
        cash_movements=list(CashMovement.objects.filter(session=session).select_related("user").order_by("id")))


@dataclass(frozen=True)
class Receipt:
    """What a receipt prints beside the ticket: the first 4 characters of its signature, the software
    version and the duplicate number when it is a reprint."""

    ticket: Ticket
    signature_start: str
    software_version: str
    duplicate: int | None = None


def receipt(ticket_id: int, *, store: Store, duplicate: int | None = None) -> Receipt:
    """A ticket of `store` with its lines, payments, till, cashier and chain record (four queries)."""
    ticket = (Ticket.objects.for_store(store).select_related("till", "cashier", "customer", "refunds__till")
              .prefetch_related(Prefetch("lines", TicketLine.objects.order_by("id")),
                                Prefetch("payments", TicketPayment.objects.order_by("id")))
              .get(pk=ticket_id))
    record = ChainRecord.objects.only("signature", "software_version").get(
        till_id=ticket.till_id, object_id=ticket.pk, kind__in=(ChainRecord.Kind.SALE, ChainRecord.Kind.REFUND))
    return Receipt(ticket=ticket, signature_start=record.signature[:4], software_version=record.software_version,
                   duplicate=duplicate)


def search_tickets(*, store: Store, query: str = "", day: date | None = None, customer_id: int | None = None,
                   kind: str | None = None) -> QuerySet[Ticket]:
    """The store's tickets by number (« C1-000042 » or « 42 »), by day on the store's calendar, or by
    customer (name or e-mail in `query`, or their id), newest first; sales or refunds only with `kind`."""
    tickets = Ticket.objects.for_store(store).select_related("till", "customer", "cashier")
    query = (query or "").strip()
    if query:
        code, _dash, number = query.rpartition("-")
        if number.isdecimal() and len(number) <= 9:
            match = Q(number=int(number)) & (Q(till__code__iexact=code) if code else Q())
        else:
            match = (Q(customer__email__icontains=query) | Q(customer__last_name__icontains=query)
                     | Q(customer__first_name__icontains=query))
        tickets = tickets.filter(match)
    if day is not None:
        zone = ZoneInfo(store.timezone)
        start = datetime.combine(day, time.min, zone)
        tickets = tickets.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    if customer_id is not None:
        tickets = tickets.filter(customer_id=customer_id)
    if kind is not None:
        tickets = tickets.filter(kind=kind)
    return tickets.order_by("-created_at", "-id")
