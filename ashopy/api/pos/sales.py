"""A sale through the API: the `Idempotency-Key` header, the till's session, lines given by variant id
or by a scanned code (barcode or SKU), the customer, the promo code — then `selling.record_sale`, which
decides. The till's preview (`price`) sends the same basket to the sale's own pricing and records nothing.

The service answers a key it already used with the ticket that key made. The API adds what a
client needs on top: 201 for a ticket made now and 200 for one made before, and 409 when the key
comes back with another sale (other lines, payments, customer or discounts): a client bug that
must not pass for a successful retry.
"""

import uuid
from collections import defaultdict

from django.db.models import Q, Subquery
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError

from ashopy.accounts.selectors import customers_of
from ashopy.catalog.models import Variant
from ashopy.core.errors import DomainError
from ashopy.core.errors import NotFound as DomainNotFound
from ashopy.pos import pricing, selling
from ashopy.pos.errors import IdempotencyConflict, MobilePaymentNotFound, SessionClosed
from ashopy.pos.models import ChainRecord, PaymentMethod, Ticket, TicketLine, TicketPayment, Till, TillSession
from ashopy.promotions import codes
from ashopy.promotions.errors import CodeRefused
from ashopy.sales.errors import StoreCreditNotFound

HEADER = "Idempotency-Key"
# Which input field a service's refusal is about, so that the till can show it next to that field.
FIELD_OF = {"payment_mismatch": "payments", "unknown_payment_method": "payments", "not_found": "lines",
            "not_sold": "lines", "insufficient_stock": "lines", "invalid_quantity": "lines",
            "reason_required": "discount_reason", "discount_too_high": "discount_percent",
            "invalid_amount": "payments", "empty_sale": "lines", "mobile_payment_required": "payments",
            "mobile_payment_mismatch": "payments", "mobile_payment_not_paid": "payments",
            "mobile_payment_used": "payments", "mobile_refund_by_cash": "method",
            "store_credit_required": "payments", "store_credit_too_small": "payments",
            "invalid_offline_time": "made_offline_at"}


def idempotency_key(request) -> uuid.UUID:
    """The header's UUID, or a 400 naming it."""
    value = request.headers.get(HEADER, "").strip()
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise ValidationError({HEADER: [_("Send a UUID in the Idempotency-Key header.")]}) from error


def latest_session_of(store, till_id: int) -> TillSession:
    """The till's latest session (its open one when it has one), the till being the store's: one query.
    A closed one still answers a replayed key (an offline sale synced after the closing)."""
    session = (TillSession.objects.filter(till_id=till_id, till__store=store).select_related("till")
               .order_by("-opened_at", "-id").first())
    if session is None:
        if not Till.objects.for_store(store).filter(pk=till_id).exists():
            raise NotFound()
        raise SessionClosed()
    return session


def open_session_of(store, till_id: int) -> TillSession:
    session = latest_session_of(store, till_id)
    if session.state != TillSession.State.OPEN:
        raise SessionClosed()
    return session


def _variant_ids(store, lines) -> list[int]:
    """Each line's variant id, scanned codes resolved among the store's barcodes and SKUs (one query)."""
    codes = {line["code"].strip() for line in lines if "code" in line}
    found: dict[str, int] = {}
    if codes:
        for pk, sku, barcode in (Variant.objects.for_store(store).filter(Q(barcode__in=codes) | Q(sku__in=codes))
                                 .values_list("pk", "sku", "barcode")):
            found.setdefault(barcode, pk)  # a barcode first: it is what the scanner reads
            found.setdefault(sku, pk)
    ids, errors = [], {}
    for index, line in enumerate(lines):
        if "code" in line:
            pk = found.get(line["code"].strip())
            if pk is None:
                errors[index] = {"code": [_("No product with this barcode or SKU.")]}
            ids.append(pk)
        else:
            ids.append(line["variant"])
    if errors:
        raise ValidationError({"lines": [errors.get(index, {}) for index in range(len(lines))]})
    return ids


def _reason(percent, reason: str) -> str:
    return (reason or "").strip()[:200] if percent else ""


def _same_sale(ticket: Ticket, data, variant_ids, customer_id) -> bool:
    """Whether the ticket a key made is the sale sent again: its lines (variant, quantity, discount
    reason), customer, ticket discount reason, promo code and what each method paid (cash: what was
    tendered). Not the offline time: a sale first sent online whose answer was lost comes back from the
    outbox with one, and the ticket keeps what its first arrival said."""
    lines = [(line.variant_id, line.quantity, line.discount_reason) for line in
             TicketLine.objects.filter(ticket=ticket).order_by("id")]
    sent = [(pk, line["quantity"], _reason(line["discount_percent"], line["discount_reason"]))
            for pk, line in zip(variant_ids, data["lines"], strict=True)]
    paid = {method: tendered if method == PaymentMethod.CASH else amount
            for method, amount, tendered in TicketPayment.objects.filter(ticket=ticket)
            .values_list("method", "amount", "tendered")}
    tendered = defaultdict(int)
    for payment in data["payments"]:
        tendered[payment["method"]] += payment["amount"]
    return (lines == sent and paid == dict(tendered) and ticket.customer_id == customer_id
            and ticket.discount_reason == _reason(data["discount_percent"], data["discount_reason"])
            and ticket.promo_code == codes.normalized(data["code"]))


def _customer(store, data):
    if data.get("customer") is None:
        return None
    customer = customers_of(store=store).select_related("partner").filter(pk=data["customer"]).first()
    if customer is None:
        raise ValidationError({"customer": [_("No such customer in this store.")]})
    return customer


def _refused(error: DomainError) -> DomainError:
    """The service's refusal named after what the till sent (the stock ledger's own refusal says
    "quantity", the sale's check says nothing): the same refusal names the same field whichever check spoke."""
    if isinstance(error, CodeRefused):
        error.fields = {"code": [str(error)]}
    elif error.code in FIELD_OF:
        error.fields = {FIELD_OF[error.code]: [str(error)]}
    return error


def price(*, request, session: TillSession, data) -> pricing.Pricing:
    """The basket priced by the sale's own pricing (`pricing.preview`), writing nothing."""
    store = request.store
    variant_ids = _variant_ids(store, data["lines"])
    lines = [selling.SaleLine(pk, line["quantity"], line["discount_percent"], line["discount_reason"])
             for pk, line in zip(variant_ids, data["lines"], strict=True)]
    try:
        return pricing.preview(user=request.user, session=session, lines=lines, customer=_customer(store, data),
                               discount_percent=data["discount_percent"], discount_reason=data["discount_reason"],
                               code=data["code"])
    except DomainNotFound as error:  # a variant that is not the store's: bad input, not a missing address
        raise ValidationError({"lines": [_("No such product in this store.")]}) from error
    except DomainError as error:
        raise _refused(error) from None


def priced_answer(priced: pricing.Pricing) -> dict:
    """What `PricingSerializer` shows of a priced basket."""
    code = None
    if priced.code:
        problem = priced.code_problem
        code = {"code": priced.offer.code.code if priced.offer else priced.code, "applied": problem is None,
                "discount": priced.code_discount, "error": str(problem) if problem else "",
                "error_code": problem.code if problem else ""}
    return {"lines": priced.lines, "total_discount": priced.total_discount, "discount_reason": priced.discount_reason,
            "total_net": priced.total_net, "total_tax": priced.total_tax, "total": priced.total, "vat": priced.vat,
            "code": code}


def sell(*, request, key: uuid.UUID, data) -> tuple[Ticket, bool]:
    """Record the sale; the ticket and whether it was made now (False: the key's earlier ticket)."""
    store = request.store
    session = latest_session_of(store, data["till"])
    variant_ids = _variant_ids(store, data["lines"])
    customer = _customer(store, data)
    lines = [selling.SaleLine(pk, line["quantity"], line["discount_percent"], line["discount_reason"])
             for pk, line in zip(variant_ids, data["lines"], strict=True)]
    tenders = [selling.Tender(payment["method"], payment["amount"], payment.get("mobile_payment"),
                              payment.get("credit_note")) for payment in data["payments"]]
    try:
        ticket = selling.record_sale(user=request.user, session=session, lines=lines, payments=tenders,
                                     customer=customer, discount_percent=data["discount_percent"],
                                     discount_reason=data["discount_reason"], code=data["code"],
                                     idempotency_key=key, made_offline_at=data["made_offline_at"])
    except StoreCreditNotFound:  # another store's (or no) credit note: 404, like every other store's object
        raise
    except MobilePaymentNotFound as error:
        raise ValidationError({"payments": [str(error)]}) from error
    except DomainNotFound as error:  # a variant that is not the store's: bad input, not a missing address
        raise ValidationError({"lines": [_("No such product in this store.")]}) from error
    except DomainError as error:
        raise _refused(error) from None
    # A ticket written now was built on the session the service locked; one read back by its key was not.
    made = Ticket.session.is_cached(ticket)
    if not made and not _same_sale(ticket, data, variant_ids, customer.pk if customer else None):
        raise IdempotencyConflict(_("This idempotency key was used for another sale."))
    if not made:
        ticket = Ticket.objects.select_related("till", "cashier", "customer").get(pk=ticket.pk)
    return ticket, made


def answer(ticket: Ticket) -> dict:
    """What `SaleSerializer` shows of a ticket: its payments, the first 4 characters of its chain record's
    signature and the software version. A ticket made by this request carries what was written (no
    query); one read back by its key is read with its record (one query; a sale has at least one payment)."""
    record = getattr(ticket, "chain_record", None)
    if record is not None:
        payments = ticket.written_payments
        return {"ticket": ticket, "payments": payments, "change": sum(p.change_given for p in payments),
                "signature_start": record.signature[:4], "software_version": record.software_version}
    record = ChainRecord.objects.filter(till_id=ticket.till_id, object_id=ticket.pk,
                                        kind__in=(ChainRecord.Kind.SALE, ChainRecord.Kind.REFUND))
    payments = list(TicketPayment.objects.filter(ticket=ticket).order_by("id").annotate(
        signature=Subquery(record.values("signature")[:1]), software=Subquery(record.values("software_version")[:1])))
    return {"ticket": ticket, "payments": payments, "change": sum(p.change_given for p in payments),
            "signature_start": payments[0].signature[:4], "software_version": payments[0].software}
