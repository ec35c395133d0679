"""Selling and refunding at the till.

A sale is priced by `pricing.price_sale` (the till's preview asks the same function): the same
`PurchasePolicy` as the web shop (segment and partner prices of the customer, promotions), the line and
ticket discounts, and a promo code priced as the web cart prices it. The code's use is counted in the
sale's transaction, under the code's row lock taken before the stock rows, confirmed at once (a till
sale is paid); a refund does not give it back, as a web credit note does not. The sale takes its
units from the till's warehouse with the inventory's `deduct` in the sale's transaction (the
conditional update never oversells: a till and a web checkout racing for the last unit, exactly one
wins), gets the till's next gap-free number (a counter on the till's locked row, written with the
chain's head) and is chained.

A refund is a negative ticket that refers to the sale: chosen lines and quantities, their amounts
pro rata of the sold line (the last unit refunded takes what is left, so a line refunded in parts
adds up to the sale exactly), paid back in cash or by a method of the sale, the units put back
on the till's shelf or not; made once per idempotency key, as a sale is, and previewed (`preview_refund`)
by the same code.

Wave and Orange Money are paid through a mobile payment request (`mobile.py`): a tender names its
request, which must have succeeded in the same session for the same amount and have paid no other
ticket; a refund of such a sale is paid in cash (Orange Money's web payment API has no refund, Wave
refunds whole sessions only).

Store credit: a tender names a credit note issued as store credit (`sales.store_credit`); the sale takes
its amount from the credit's balance under the credit's row lock, in the sale's transaction — never more
than remains, even with two tills spending it at once. Like card, it gives no change.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ashopy.core.errors import DomainError, NotFound
from ashopy.core.money import ZERO, round_money
from ashopy.inventory import reservations
from ashopy.inventory import services as inventory
from ashopy.promotions import codes
from ashopy.sales import store_credit

from . import chain, invoicing, mobile
from .errors import (
    IdempotencyConflict,
    MobilePaymentRequired,
    MobileRefundByCash,
    NotRefundable,
    OfflineTimeRefused,
    PaymentMismatch,
    RefundRefused,
    StoreCreditRequired,
    UnknownMethod,
)
from .models import ChainRecord, PaymentMethod, Ticket, TicketLine, TicketPayment, TillSession, ticket_reference
from .pricing import MAX_LINES, SaleLine, price_sale, vat_per_rate
from .services import amount_of, check_selling, locked_session, require_cashier

# How far a till's clock may be off the server's: an offline sale's time may be this much in the future, or
# this much before its session was opened.
CLOCK_SKEW = timedelta(minutes=5)

__all__ = ["MAX_LINES", "RefundLine", "SaleLine", "Tender", "record_refund", "record_sale", "refundable"]

@dataclass(frozen=True)
class Tender:
    method: str
    amount: Decimal
    mobile_payment: int | None = None  # wave / orange_money: the succeeded request (mobile.py) it is paid by
    credit_note: str | None = None  # store_credit: the number of the credit note issued as store credit


@dataclass(frozen=True)
class RefundLine:
    line_id: int
    quantity: int


def _payments(tenders: Sequence[Tender], total: Decimal, currency: str) -> list[TicketPayment]:
    """The ticket's payments: every method recorded as paid, cash merged into one row that keeps
    what was tendered and the change. Card and mobile money never exceed the total (no change on
    them), and cash is only taken when something is left to pay."""
    by_method: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for tender in tenders:
        if tender.method not in PaymentMethod.values:
            raise UnknownMethod()
        by_method[tender.method] += amount_of(tender.amount, currency)
    cash = by_method.pop(PaymentMethod.CASH, ZERO)
    other = sum(by_method.values(), ZERO)
    if other > total or other + cash < total or (cash and other == total):
        raise PaymentMismatch()
    payments = [TicketPayment(method=method, amount=amount) for method, amount in by_method.items()]
    if cash:
        change = other + cash - total
        payments.insert(0, TicketPayment(method=PaymentMethod.CASH, amount=cash - change, tendered=cash,
                                         change_given=change))
    return payments


def _save(ticket: Ticket, lines, payments, refunded_reference: str | None = None) -> Ticket:
    ticket.save()
    for line in lines:
        line.ticket = ticket
    for payment in payments:
        payment.ticket = ticket
    TicketLine.objects.bulk_create(lines)
    TicketPayment.objects.bulk_create(payments)
    kind = ChainRecord.Kind.SALE if ticket.kind == Ticket.Kind.SALE else ChainRecord.Kind.REFUND
    record = chain.append(till=ticket.till, store=ticket.store, kind=kind, object_id=ticket.pk, at=ticket.created_at,
                          data=chain.ticket_data(ticket, lines, payments, refunded_reference))
    # What was just written, kept on the instance so that the caller's answer (payments, signature) reads
    # nothing back: a ticket read from the database has neither attribute.
    ticket.written_payments, ticket.chain_record = payments, record
    return ticket


def _next_number(till) -> int:
    """The till's next ticket number: the till is locked, and `chain.append` stores the counter with the
    chain's head in the same UPDATE."""
    till.last_ticket_number += 1
    return till.last_ticket_number


def _replayed(user, session: TillSession, key: UUID | None) -> Ticket | None:
    """The ticket an idempotency key already made (a retried or offline sale sent again), if any:
    only to someone who may sell at that till."""
    if key is None:
        return None
    ticket = Ticket.objects.filter(store_id=session.till.store_id, idempotency_key=key).first()
    if ticket is None:
        return None
    require_cashier(user, session.till.store)
    if ticket.till_id != session.till_id:
        raise IdempotencyConflict()
    return ticket


def record_sale(*, user, session: TillSession, lines: Sequence[SaleLine], payments: Sequence[Tender],
                customer=None, discount_percent=ZERO, discount_reason: str = "", code: str | None = None,
                idempotency_key: UUID | None = None, made_offline_at: datetime | None = None) -> Ticket:
    """Sell `lines` at the session's till, paid by `payments`, with the promo `code` if one is given (its
    use is counted with the ticket). The same `idempotency_key` returns the ticket it made, however often
    it is sent: it is looked up only when the sale cannot be made again (its key is taken, the stock it
    took is gone, or the code's last use is its own). `made_offline_at`: when a sale the till kept offline
    was made there (the ticket still takes the server's time and number when it arrives)."""
    try:
        return _record_sale(user=user, session=session, lines=lines, payments=payments, customer=customer,
                            discount_percent=discount_percent, discount_reason=discount_reason, code=code,
                            idempotency_key=idempotency_key, made_offline_at=made_offline_at)
    except (DomainError, IntegrityError):
        ticket = _replayed(user, session, idempotency_key)
        if ticket is None:
            raise
        return ticket


def _offline_time(made_offline_at: datetime | None, session: TillSession) -> datetime | None:
    """The moment an offline sale was made, to the second: a time with its offset, not in the future and not
    before the session was opened (give or take the till's clock skew)."""
    if made_offline_at is None:
        return None
    if not isinstance(made_offline_at, datetime) or timezone.is_naive(made_offline_at):
        raise OfflineTimeRefused()
    if not session.opened_at - CLOCK_SKEW <= made_offline_at <= timezone.now() + CLOCK_SKEW:
        raise OfflineTimeRefused()
    return made_offline_at.replace(microsecond=0)


@transaction.atomic
def _record_sale(*, user, session, lines, payments, customer, discount_percent, discount_reason, code,
                 idempotency_key, made_offline_at):
    session = locked_session(session.pk)
    till, store = session.till, session.till.store
    require_cashier(user, store)
    check_selling(session)
    made_offline_at = _offline_time(made_offline_at, session)
    customer = customer if customer is not None and customer.is_authenticated else None
    pricing = price_sale(user=user, store=store, lines=lines, customer=customer, discount_percent=discount_percent,
                         discount_reason=discount_reason, code=code)
    if pricing.code_problem is not None:
        raise pricing.code_problem
    priced, total = pricing.lines, pricing.total
    paid = _payments(payments, total, store.currency)
    requests = mobile.take(session=session, requests=_mobile_requests(payments, store.currency))
    if pricing.offer is not None:  # the code's row before the stock rows, as the web checkout takes them
        codes.lock(pricing.offer.code)
    number = _next_number(till)
    reservations.deduct(store=store, lines=[reservations.Line(line.variant_id, line.quantity) for line in lines],
                        warehouse=till.warehouse, user=user, reference=ticket_reference(till.code, number))
    ticket = Ticket(store=store, till=till, session=session, number=number, kind=Ticket.Kind.SALE, customer=customer,
                    cashier=user, idempotency_key=idempotency_key, currency=store.currency,
                    discount_reason=pricing.discount_reason,
                    promo_code=pricing.offer.code.code if pricing.offer is not None else "",
                    total_discount=pricing.total_discount, total_net=pricing.total_net, total_tax=pricing.total_tax,
                    total=total, vat=pricing.vat, created_at=chain.now_to_the_second(),
                    made_offline_at=made_offline_at)
    _save(ticket, priced, paid)
    if pricing.offer is not None:
        codes.redeem(code=pricing.offer.code, ticket_id=ticket.pk, customer=customer,
                     email=customer.email if customer is not None else "", discount=pricing.code_discount)
    mobile.use(requests, ticket)
    for number, amount in _credits(payments, store.currency).items():
        store_credit.spend(store=store, number=number, amount=amount, reference=ticket.reference)
    return ticket


def _credits(tenders: Sequence[Tender], currency: str) -> dict[str, Decimal]:
    """{credit note number: amount} of the store-credit tenders (sorted: locks taken in one order)."""
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for tender in tenders:
        if tender.method != PaymentMethod.STORE_CREDIT:
            continue
        if not isinstance(tender.credit_note, str) or not tender.credit_note.strip():
            raise StoreCreditRequired()
        spent[tender.credit_note.strip()] += amount_of(tender.amount, currency)
    return dict(sorted(spent.items()))


MOBILE_METHODS = (PaymentMethod.WAVE, PaymentMethod.ORANGE_MONEY)


def _mobile_requests(tenders: Sequence[Tender], currency: str) -> dict[int, tuple[str, Decimal]]:
    """{request id: (method, amount)} of the mobile-money tenders: each names its own request."""
    requests: dict[int, tuple[str, Decimal]] = {}
    for tender in tenders:
        if tender.method not in MOBILE_METHODS:
            continue
        pk = tender.mobile_payment
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise MobilePaymentRequired()
        if pk in requests:
            raise MobilePaymentRequired()
        requests[pk] = (tender.method, amount_of(tender.amount, currency))
    return requests


# --- refunds ------------------------------------------------------------------------------------

def _share(whole: Decimal, done: Decimal, quantity: int, sold: int, remaining: int, currency: str) -> Decimal:
    """The part of a sold line's amount that `quantity` units take back (positive): pro rata, and
    what is left when they are the last units."""
    if quantity == remaining:
        return whole - done
    return round_money(whole * quantity / sold, currency)


def _refund_lines(original: Ticket, wanted: Sequence[RefundLine], currency: str) -> list[TicketLine]:
    sold = {line.pk: line for line in TicketLine.objects.filter(ticket=original).select_related("variant").annotate(
        back=Coalesce(Sum("refunds__quantity"), 0), back_gross=Coalesce(Sum("refunds__gross"), ZERO),
        back_tax=Coalesce(Sum("refunds__tax"), ZERO), back_discount=Coalesce(Sum("refunds__discount"), ZERO),
        back_ticket_discount=Coalesce(Sum("refunds__ticket_discount"), ZERO),
        back_code_discount=Coalesce(Sum("refunds__code_discount"), ZERO))}
    asked: dict[int, int] = defaultdict(int)
    for item in wanted:
        if isinstance(item.quantity, bool) or not isinstance(item.quantity, int) or item.quantity <= 0:
            raise RefundRefused()
        asked[item.line_id] += item.quantity
    lines = []
    for line_id, quantity in asked.items():
        line = sold.get(line_id)
        remaining = line.quantity + line.back if line else 0  # refunded quantities are negative
        if line is None or quantity > remaining:
            raise RefundRefused()

        def back(whole, done, line=line, quantity=quantity, remaining=remaining):
            return -_share(whole, -done, quantity, line.quantity, remaining, currency)

        gross, tax = back(line.gross, line.back_gross), back(line.tax, line.back_tax)
        lines.append(TicketLine(
            variant=line.variant, refunded_line=line, label=line.label, sku=line.sku, quantity=-quantity,
            unit_price=line.unit_price, discount=back(line.discount, line.back_discount),
            discount_reason=line.discount_reason, ticket_discount=back(line.ticket_discount, line.back_ticket_discount),
            code_discount=back(line.code_discount, line.back_code_discount),
            vat_rate=line.vat_rate, net=gross - tax, tax=tax, gross=gross))
    if not lines:
        raise RefundRefused()
    return lines


@dataclass(frozen=True)
class RefundPreview:
    """What a refund would give back, computed as `record_refund` computes it (nothing written)."""

    total: Decimal  # negative, as the refund ticket's
    lines: list[TicketLine]


# Methods a sale may have used that are given back in cash (cash itself; no refund through the
# mobile-money providers' APIs; store credit is not a refund method).
REFUNDED_IN_CASH = (PaymentMethod.CASH, *MOBILE_METHODS, PaymentMethod.STORE_CREDIT)


def refund_methods(sale_methods) -> list[str]:
    """How a sale paid with `sale_methods` may be refunded: cash, or card when it paid by card. Mobile money
    goes back in cash (no refund through the providers' APIs) and store credit is not a refund method."""
    return [PaymentMethod.CASH] + [method for method in PaymentMethod.values
                                   if method in sale_methods and method not in REFUNDED_IN_CASH]


def _check_method(method: str, sale_methods) -> None:
    if method in MOBILE_METHODS:
        raise MobileRefundByCash()
    if method not in refund_methods(sale_methods):
        raise UnknownMethod()


def preview_refund(*, user, store, ticket: Ticket, lines: Sequence[RefundLine]) -> RefundPreview:
    """The amounts a refund of `lines` of the sale `ticket` would give back now (the till shows them before
    the cashier confirms): the same lines as `record_refund` makes, without lock or write."""
    require_cashier(user, store)
    if ticket.store_id != store.pk:
        raise NotFound()
    if ticket.kind != Ticket.Kind.SALE:
        raise NotRefundable()
    refunded = _refund_lines(ticket, lines, store.currency)
    return RefundPreview(total=sum((line.gross for line in refunded), ZERO), lines=refunded)


def record_refund(*, user, session: TillSession, ticket: Ticket, lines: Sequence[RefundLine], method: str,
                  restock: bool = True, reason: str = "", idempotency_key: UUID | None = None) -> Ticket:
    """Refund chosen lines of a past sale at the session's till: a negative ticket referring to it,
    paid back in cash or by a method the sale was paid with, the units put back on the till's shelf
    when `restock`. The sale's row is locked, so two tills never refund the same units twice.

    The same `idempotency_key` (a double click, a retried request) returns the refund it made, looked up
    only when the refund cannot be made again (its key is taken, or the units are refunded already), as
    for a sale; the key sent with another refund is a conflict."""
    try:
        return _record_refund(user=user, session=session, ticket=ticket, lines=lines, method=method,
                              restock=restock, reason=reason, idempotency_key=idempotency_key)
    except (DomainError, IntegrityError):
        refund = _replayed(user, session, idempotency_key)
        if refund is None:
            raise
        if not _same_refund(refund, ticket, lines, method, reason):
            raise IdempotencyConflict(_("This idempotency key was used for another refund.")) from None
        return refund


def _same_refund(refund: Ticket, ticket: Ticket, lines: Sequence[RefundLine], method: str, reason: str) -> bool:
    """Whether the refund a key made is the one sent again: same sale, lines, quantities, method and reason."""
    if refund.kind != Ticket.Kind.REFUND or refund.refunds_id != ticket.pk:
        return False
    asked: dict[int, int] = defaultdict(int)
    for item in lines:
        asked[item.line_id] += item.quantity
    made = dict(TicketLine.objects.filter(ticket=refund).values_list("refunded_line_id", "quantity"))
    methods = set(TicketPayment.objects.filter(ticket=refund).values_list("method", flat=True))
    return ({line: -quantity for line, quantity in made.items()} == asked and methods == {method}
            and refund.discount_reason == (reason or "").strip()[:200])


@transaction.atomic
def _record_refund(*, user, session, ticket, lines, method, restock, reason, idempotency_key):
    session = locked_session(session.pk)
    till, store = session.till, session.till.store
    require_cashier(user, store)
    check_selling(session)
    try:
        original = (Ticket.objects.select_for_update(of=("self",)).select_related("till")
                    .get(pk=ticket.pk, store=store))
    except Ticket.DoesNotExist as error:
        raise NotFound() from error
    if original.kind != Ticket.Kind.SALE:
        raise NotRefundable()
    _check_method(method, set(original.payments.values_list("method", flat=True)))
    refunded = _refund_lines(original, lines, store.currency)
    total = sum((line.gross for line in refunded), ZERO)
    number = _next_number(till)
    reference = ticket_reference(till.code, number)
    if restock:
        for line in refunded:
            inventory.restock(store=store, variant=line.variant, warehouse=till.warehouse, quantity=-line.quantity,
                              reference=reference, user=user, note=reason[:255])
    ticket = Ticket(store=store, till=till, session=session, number=number, kind=Ticket.Kind.REFUND,
                    refunds=original, customer_id=original.customer_id, cashier=user, currency=store.currency,
                    idempotency_key=idempotency_key, discount_reason=(reason or "").strip()[:200],
                    total_discount=sum((line.discount + line.code_discount + line.ticket_discount
                                        for line in refunded), ZERO),
                    total_net=sum((line.net for line in refunded), ZERO),
                    total_tax=sum((line.tax for line in refunded), ZERO), total=total, vat=vat_per_rate(refunded),
                    created_at=chain.now_to_the_second())
    ticket = _save(ticket, refunded, [TicketPayment(method=method, amount=total)], original.reference)
    invoicing.credit_for_refund(user=user, refund=ticket, lines=refunded)  # when the sale was invoiced
    return ticket


def refundable(ticket: Ticket) -> dict[int, int]:
    """Units still refundable per line of a sale (what the till offers to take back)."""
    rows = (TicketLine.objects.filter(ticket=ticket).annotate(back=Coalesce(Sum("refunds__quantity"), 0))
            .values_list("pk", "quantity", "back"))
    return {pk: quantity + back for pk, quantity, back in rows}
