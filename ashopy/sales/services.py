"""Invoice use cases: an order's invoice, issuing (numbers, frozen details, the PDF) and payments.

Issuing happens in two steps. The first, in one short transaction, checks the legal mentions,
freezes the seller's and the buyer's details, takes the next number of the store's series for
the year (django-sequences: the counter's row stays locked until the commit, so a rolled-back
issue gives its number back and numbers have no gaps) and marks the invoice issued. The second
renders the PDF (a few hundred milliseconds, never inside the counter's lock) and stores it once;
`ensure_pdf` renders it again from the frozen data if that second step ever failed.
"""

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from sequences import get_next_value

from ashopy.core.money import ZERO, quantum, round_money
from ashopy.inventory import services as stock
from ashopy.inventory.models import Warehouse
from ashopy.orders.models import Order, OrderDiscount
from ashopy.payments import services as payments
from ashopy.payments.providers import label_of
from ashopy.stores.models import Store

from . import documents, rules, store_credit
from .errors import (
    AlreadyIssued,
    CreditTooLarge,
    InvalidAmount,
    MentionsMissing,
    NothingToCredit,
    NothingToInvoice,
    NotIssued,
    PaymentOnDraft,
    PaymentTooLarge,
    RefundOrStoreCredit,
)
from .legal import FRANCE, missing_mentions
from .models import Invoice, InvoiceEvent, InvoiceLine, InvoicePayment, SellerProfile

RECOVERY_INDEMNITY_EUR = Decimal("40.00")  # Code de commerce, D441-5: between businesses, in France
UNIT_PRICE_PLACES = Decimal("0.0001")


def profile_of(store: Store) -> SellerProfile:
    profile, _created = SellerProfile.objects.get_or_create(store=store)
    return profile


def local_today(store: Store) -> date:
    return timezone.localdate(timezone=ZoneInfo(store.timezone))


def seller_snapshot(store: Store, profile: SellerProfile) -> dict:
    """The seller as the invoice will always show it, whatever the store says later."""
    country = str(store.country)
    return {
        "name": store.legal_name or store.name, "trade_name": store.name, "address": store.address,
        "postal_code": store.postal_code, "city": store.city, "country": country, "email": store.email,
        "legal_form": profile.legal_form, "share_capital": profile.share_capital, "siren": profile.siren,
        "siret": profile.siret, "rcs": profile.rcs, "vat_number": profile.vat_number, "ninea": profile.ninea,
        "rccm": profile.rccm, "vat_exempt": profile.vat_exempt, "operation": profile.operation,
        "payment_terms_days": profile.payment_terms_days, "late_penalty_rate": str(profile.late_penalty_rate),
        "recovery_indemnity": str(RECOVERY_INDEMNITY_EUR) if country == FRANCE else "",
        "logo": store.logo.name if store.logo else "",
    }


def _party(address: dict | None) -> dict:
    keys = ("first_name", "last_name", "company", "line1", "line2", "postal_code", "city", "country", "phone")
    return {key: str((address or {}).get(key) or "") for key in keys}


def buyer_snapshot(order: Order) -> dict:
    buyer = _party(order.billing_address)
    name = f"{buyer['first_name']} {buyer['last_name']}".strip()
    return {**buyer, "name": name, "email": order.email, "siren": "", "vat_number": ""}


def _sale_date(order: Order, store: Store) -> date:
    moment = order.delivered_at or order.paid_at or order.created_at
    return timezone.localdate(moment, timezone=ZoneInfo(store.timezone))


def _order_lines(order: Order) -> list[InvoiceLine]:
    """The order's lines as invoice lines, excl. tax, with the delivery as the last one."""
    lines = []
    for position, line in enumerate(order.lines.all(), start=1):
        discount = line.discount
        if order.prices_include_tax and discount:  # the line's discount was taken off a price incl. tax
            discount = round_money(discount * 100 / (100 + line.tax_rate), order.currency)
        discount = min(discount, line.net) if discount > 0 else ZERO
        unit = ((line.net + discount) / line.quantity).quantize(UNIT_PRICE_PLACES)
        description = f"{line.product_name} — {line.variant_name}" if line.variant_name else line.product_name
        lines.append(InvoiceLine(position=position, order_line=line, description=description[:255], sku=line.sku,
                                 quantity=line.quantity, unit_price=unit, discount=discount,
                                 tax_rate=line.tax_rate, net=line.net, tax=line.tax))
    delivery = _delivery_line(order, position=len(lines) + 1)
    if delivery is not None:
        lines.append(delivery)
    return lines


def _delivery_line(order: Order, *, position: int) -> InvoiceLine | None:
    """The delivery as an invoice line, excl. tax; None when there was none to pay for.

    A code's free shipping left the order's shipping at 0: the delivery still shows, at its price with that
    price as the line's discount (net 0), so the invoice says what was given. Its discount is read only then
    (one query for an order whose shipping is 0), never for a paid delivery.
    """
    net, tax = order.shipping_net, order.shipping_tax
    discount = ZERO
    if not (net or tax):
        if not order.shipping_method:
            return None
        given = sum(order.discounts.filter(kind=OrderDiscount.Kind.SHIPPING).values_list("amount", flat=True), ZERO)
        if not given:
            return None
        discount = given
        if order.prices_include_tax:  # the shipping discount is on the store's tax basis, like the price was
            discount = round_money(given * 100 / (100 + order.shipping_tax_rate), order.currency)
    with translation.override(order.language):  # the invoice speaks the order's language
        label = order.shipping_method or _("Delivery")
    return InvoiceLine(position=position, description=label[:255], quantity=1,
                       unit_price=(net + discount).quantize(UNIT_PRICE_PLACES), discount=discount,
                       tax_rate=order.shipping_tax_rate, net=net, tax=tax)


def _event(invoice: Invoice, code: str, user=None, **data) -> None:
    InvoiceEvent.objects.create(invoice=invoice, code=code, user=user, data=data)


def _set_totals(invoice: Invoice) -> None:
    for name, value in invoice.recomputed_totals().items():
        setattr(invoice, name, value)


def _issue_relations() -> tuple[str, ...]:
    """What rendering and issuing an invoice read besides its row, joined to it: its store and the store's
    legal profile (the seller), its order (the order number) and the invoice a credit note corrects."""
    return ("store", "store__seller_profile", "order", "credited_invoice")


def _loaded_profile(store: Store) -> SellerProfile:
    """The legal profile of a store just read with `store__seller_profile` joined; made if it has none."""
    try:
        return store.seller_profile
    except SellerProfile.DoesNotExist:
        return profile_of(store)


@transaction.atomic
def draft_for_order(*, order: Order, user=None) -> Invoice:
    """The order's invoice, as a draft made from its lines if it has none yet (one per order)."""
    events: list[InvoiceEvent] = []
    invoice, _lines = _draft_for_order(order, user, events)
    InvoiceEvent.objects.bulk_create(events)
    return invoice


def invoiceable(order: Order) -> bool:
    """Paid; delivered (cash on delivery, the courier's cash still to come); or waiting for money that is
    asked for by invoice — a bank transfer, an accepted quote's order (whose deposit, if any, counts as
    paid). An order paid on delivery is not invoiced before it is delivered: the goods may be refused."""
    if order.paid_at is not None or order.state == Order.State.DELIVERED:
        return True
    return order.state == Order.State.AWAITING_PAYMENT and not order.pays_on_delivery


def _draft_for_order(order: Order, user, events: list) -> tuple[Invoice, list[InvoiceLine] | None]:
    """The order's invoice and, when it was drafted just now, its lines (None for the one it already had);
    its `created` event is added to `events`, for the caller to save.

    The caller holds the transaction; the order's row stays locked until it ends, so one invoice per order.
    """
    order = (Order.objects.select_for_update(of=("self",)).select_related("store", "store__seller_profile")
             .get(pk=order.pk))
    rules.authorize(user=user, store=order.store, action="issue")
    existing = Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE).first()
    if existing is not None:
        return existing, None
    if not invoiceable(order):
        raise NothingToInvoice()
    store = order.store
    lines = _order_lines(order)
    net, tax = sum((line.net for line in lines), ZERO), sum((line.tax for line in lines), ZERO)
    invoice = Invoice.objects.create(
        store=store, order=order, customer_id=order.user_id, currency=order.currency, language=order.language,
        buyer=buyer_snapshot(order), delivery=_party(order.shipping_address) if order.shipping_address else None,
        sale_date=_sale_date(order, store), payment_method=label_of(order.payment_method),
        amount_paid=order.total if order.paid_at else payments.received(order.pk), total_net=net, total_tax=tax,
        total=net + tax)
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    events.append(InvoiceEvent(invoice=invoice, code="created", user=user, data={"order": order.number}))
    return invoice, lines


def _payment_state(invoice: Invoice, today: date) -> str:
    if invoice.amount_paid >= invoice.total:
        return Invoice.Payment.PAID
    if invoice.due_date and invoice.due_date < today:
        return Invoice.Payment.OVERDUE
    return Invoice.Payment.PARTIAL if invoice.amount_paid > 0 else Invoice.Payment.UNPAID


def issue(*, invoice: Invoice, user=None) -> Invoice:
    """Issue a draft: legal mentions checked, details frozen, the next number, then the PDF stored."""
    with transaction.atomic():
        invoice = _issue_locked(invoice, user, action="issue")
    return ensure_pdf(invoice)


def _issue_locked(invoice: Invoice, user, action: str | None = None) -> Invoice:
    """The transactional part of issuing (the caller holds the transaction); the PDF comes after the commit.
    `action` is the permission to check on the invoice's store, if the caller has not checked one already.

    Only the invoice's own row is locked (not its store's nor its order's): issuing holds no one else up."""
    invoice = (Invoice.objects.select_for_update(of=("self",)).select_related(*_issue_relations())
               .get(pk=invoice.pk))
    if action:
        rules.authorize(user=user, store=invoice.store, action=action)
    if invoice.is_issued:
        raise AlreadyIssued()
    profile = _loaded_profile(invoice.store)
    seller = seller_snapshot(invoice.store, profile)
    missing = missing_mentions(seller=seller, buyer=invoice.buyer, lines=invoice.lines.count())
    if missing:
        raise MentionsMissing(missing)
    _issue_draft(invoice, profile, seller, user).save()
    return invoice


def _issue_draft(invoice: Invoice, profile: SellerProfile, seller: dict, user) -> InvoiceEvent:
    """The draft, locked and with its mentions checked, becomes issued in one UPDATE: the next number of
    the store's series for the year, the seller frozen, the dates. Returns its `issued` event, to save."""
    store = invoice.store
    today = local_today(store)
    series, template = (("credit_note", profile.credit_note_format) if invoice.is_credit_note
                        else ("invoice", profile.invoice_format))
    sequence = get_next_value(f"{series}-{store.pk}-{today.year}")
    invoice.number = template.format(year=today.year, number=sequence)
    invoice.seller = seller
    invoice.issue_date = today
    invoice.sale_date = invoice.sale_date or today
    paid_now = invoice.amount_paid >= invoice.total
    invoice.due_date = today if paid_now else today + timedelta(days=profile.payment_terms_days)
    invoice.payment_state = _payment_state(invoice, today)
    invoice.issued_at = timezone.now()
    invoice.issued_by = user
    invoice.issue()
    frozen = ("number", "seller", "issue_date", "sale_date", "due_date", "payment_state", "issued_at", "issued_by",
              "state")
    # Not save(): it would first ask whether the row is issued; the caller holds its lock and it is a draft.
    Invoice.objects.filter(pk=invoice.pk, state=Invoice.State.DRAFT).update(
        **{field: getattr(invoice, field) for field in frozen})
    return InvoiceEvent(invoice=invoice, code="issued", user=user, data={"number": invoice.number})


def ensure_pdf(invoice: Invoice) -> Invoice:
    """The issued invoice's PDF, rendered and stored once; afterwards always the stored file."""
    if invoice.pdf or not invoice.is_issued:
        return invoice
    content = documents.render_pdf(invoice)
    digest = hashlib.sha256(content).hexdigest()
    name = invoice.pdf.field.generate_filename(invoice, f"{invoice.number}.pdf")
    stored = invoice.pdf.storage.save(name, ContentFile(content))
    # Set once: the row keeps the first stored file even if two requests rendered it at once.
    if Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=stored, pdf_sha256=digest):
        invoice.pdf.name, invoice.pdf_sha256 = stored, digest
    else:
        invoice.pdf.storage.delete(stored)
        invoice.refresh_from_db(fields=["pdf", "pdf_sha256"])
    return invoice


def mentions_missing(invoice: Invoice) -> list[str]:
    """What the store or the buyer must still fill in before this draft may be issued."""
    seller = seller_snapshot(invoice.store, profile_of(invoice.store))
    return [str(item) for item in missing_mentions(seller=seller, buyer=invoice.buyer, lines=invoice.lines.count())]


def invoice_order(*, order: Order, user=None, keep_draft_if_incomplete: bool = False) -> Invoice:
    """Draft and issue the order's invoice; the invoice it already has if it has one. With
    `keep_draft_if_incomplete`, a draft that lacks legal mentions stays a draft instead of refusing.

    A new invoice is drafted and issued in one transaction (the order's row locked, which keeps the draft
    to us); a draft the order already had is issued as staff issue one. The PDF comes after the commit."""
    missing, events = [], []
    with transaction.atomic():
        invoice, lines = _draft_for_order(order, user, events)
        if lines is not None:
            profile = _loaded_profile(invoice.store)
            seller = seller_snapshot(invoice.store, profile)
            missing = missing_mentions(seller=seller, buyer=invoice.buyer, lines=len(lines))
            if not missing:
                events.append(_issue_draft(invoice, profile, seller, user))
        InvoiceEvent.objects.bulk_create(events)
    if invoice.is_issued:
        return ensure_pdf(invoice)
    if lines is not None:  # drafted just now, and lacking mentions: the draft stays (committed) either way
        if keep_draft_if_incomplete:
            return invoice
        raise MentionsMissing(missing)
    if keep_draft_if_incomplete and mentions_missing(invoice):
        return invoice
    return issue(invoice=invoice, user=user)


def record_payment(*, invoice: Invoice, user, amount: Decimal, method: str, received_on: date | None = None,
                   reference: str = "") -> Invoice:
    """Money received against an issued invoice; partial payments add up to what is due, never beyond."""
    rules.authorize(user=user, store=invoice.store, action="record_payment")
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(quantum(invoice.currency)):
        raise InvalidAmount()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("store").get(pk=invoice.pk)
        if not invoice.is_issued:
            raise PaymentOnDraft()
        if amount > invoice.amount_due:
            raise PaymentTooLarge(due=invoice.amount_due)
        today = local_today(invoice.store)
        InvoicePayment.objects.create(invoice=invoice, amount=amount, received_on=received_on or today,
                                      method=method, reference=reference, recorded_by=user)
        invoice.amount_paid += amount
        invoice.payment_state = _payment_state(invoice, today)
        Invoice.objects.filter(pk=invoice.pk).update(amount_paid=invoice.amount_paid,
                                                     payment_state=invoice.payment_state)
        _event(invoice, "payment", user, amount=str(amount), method=method)
    return invoice


def settle_paid_order(*, invoice: Invoice, order: Order) -> Invoice:
    """An order paid after its invoice was issued (cash on delivery invoiced at delivery, then the courier's
    cash recorded): what the invoice still shows as due is recorded as received, with the order's method.
    Nothing happens for an unpaid order, a draft, or an invoice already settled (idempotent)."""
    if order.paid_at is None or not invoice.is_issued or invoice.kind != Invoice.Kind.INVOICE \
            or invoice.amount_due <= 0:
        return invoice
    return record_payment(invoice=invoice, user=None, amount=invoice.amount_due,
                          method=label_of(order.payment_method), received_on=local_today(invoice.store))


def mark_overdue(*, today: date | None = None) -> int:
    """Unpaid issued invoices past their due date become overdue (run daily by Celery beat)."""
    count = 0
    due = Invoice.objects.filter(state=Invoice.State.ISSUED, kind=Invoice.Kind.INVOICE, due_date__isnull=False,
                                 payment_state__in=[Invoice.Payment.UNPAID, Invoice.Payment.PARTIAL])
    for store in Store.objects.filter(pk__in=due.values("store_id").distinct()):
        count += due.filter(store=store, due_date__lt=today or local_today(store)).update(
            payment_state=Invoice.Payment.OVERDUE)
    return count


# --- credit notes ---------------------------------------------------------------------------

def credited_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """{invoice line id: quantity already credited} over the invoice's credit notes."""
    quantities: dict[int, Decimal] = {}
    for line_id, quantity in InvoiceLine.objects.filter(
            invoice__credited_invoice=invoice, credited_line__isnull=False).values_list("credited_line", "quantity"):
        quantities[line_id] = quantities.get(line_id, ZERO) + quantity
    return quantities


def remaining_to_credit(invoice: Invoice) -> Decimal:
    """What the invoice's credit notes have not given back yet (incl. tax)."""
    credited = sum(invoice.credit_notes.values_list("total", flat=True), ZERO)
    return invoice.total - credited


def _line_part(line: InvoiceLine, quantity: Decimal, already: Decimal, currency: str) -> InvoiceLine:
    """`quantity` units of `line` as a credit line; the last units credited take what rounding left."""
    if already + quantity == line.quantity:
        done = [(c.net, c.tax) for c in line.credits.all()]
        net = line.net - sum((n for n, _t in done), ZERO)
        tax = line.tax - sum((t for _n, t in done), ZERO)
    else:
        net = round_money(line.net * quantity / line.quantity, currency)
        tax = round_money(line.tax * quantity / line.quantity, currency)
    discount = round_money(line.discount * quantity / line.quantity, currency)
    return InvoiceLine(credited_line=line, description=line.description, sku=line.sku, quantity=quantity,
                       unit_price=line.unit_price, discount=discount, tax_rate=line.tax_rate, net=net, tax=tax)


def _amount_parts(invoice: Invoice, amount: Decimal, reason: str) -> list[InvoiceLine]:
    """An amount incl. tax spread over the invoice's VAT rates in proportion to their totals."""
    rates = [row for row in invoice.vat_summary() if row["gross"] > 0]
    lines, left = [], amount
    for index, row in enumerate(rates):
        gross = left if index == len(rates) - 1 else round_money(amount * row["gross"] / invoice.total,
                                                                  invoice.currency)
        left -= gross
        net = round_money(gross * 100 / (100 + row["rate"]), invoice.currency)
        lines.append(InvoiceLine(description=reason[:255], quantity=1, unit_price=net, tax_rate=row["rate"],
                                 net=net, tax=gross - net))
    return lines


def credit(*, invoice: Invoice, user, reason: str, quantities: dict[int, Decimal] | None = None,
           amount: Decimal | None = None, refund: bool = False, restock_to: Warehouse | None = None,
           as_store_credit: bool = False) -> Invoice:
    """A credit note on an issued invoice: chosen lines and quantities (`quantities`, {line id: quantity}),
    or an amount incl. tax; never more than what remains on the invoice, even when two are made at once
    (the invoice's row is locked). Optionally the units go back to `restock_to` and the money back through
    the order's payments (or, for an offline payment, staff record the refund on the credit note) — or,
    `as_store_credit`, kept as a balance the customer spends later (`store_credit.py`)."""
    rules.authorize(user=user, store=invoice.store, action="credit")
    if refund and as_store_credit:
        raise RefundOrStoreCredit()
    if not quantities and not amount:
        raise NothingToCredit()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("store").get(pk=invoice.pk)
        if not invoice.is_issued or invoice.is_credit_note:
            raise NotIssued()
        if quantities:
            lines = _credit_lines(invoice, quantities)
        else:
            amount = Decimal(amount)
            if amount <= 0 or amount != amount.quantize(quantum(invoice.currency)):
                raise InvalidAmount()
            lines = _amount_parts(invoice, amount, reason)
        total = sum((line.net + line.tax for line in lines), ZERO)
        remaining = remaining_to_credit(invoice)
        if total > remaining:
            raise CreditTooLarge(remaining=remaining)
        note = Invoice.objects.create(
            store=invoice.store, kind=Invoice.Kind.CREDIT_NOTE, credited_invoice=invoice, order=invoice.order,
            customer_id=invoice.customer_id, currency=invoice.currency, language=invoice.language,
            buyer=invoice.buyer, delivery=invoice.delivery, sale_date=invoice.sale_date,
            payment_method=invoice.payment_method, reason=reason[:255])
        for position, line in enumerate(lines, start=1):
            line.invoice, line.position = note, position
        InvoiceLine.objects.bulk_create(lines)
        _set_totals(note)
        note.save(update_fields=["total_net", "total_tax", "total"])
        _event(note, "created", user, credited_invoice=invoice.number)
        _event(invoice, "credited", user, credit_note_id=note.pk, total=str(note.total))
        if restock_to is not None:
            _restock(note, lines, restock_to, user)
        note = _issue_locked(note, user)
        if as_store_credit:
            store_credit.grant(note)
    note = ensure_pdf(note)  # rendered once the invoice and the counter are no longer locked
    if refund and invoice.order_id:
        payments.refund(order=invoice.order, user=user, amount=note.total)
        note = record_payment(invoice=note, user=user, amount=note.total, method=invoice.payment_method)
    return note


def _credit_lines(invoice: Invoice, quantities: dict[int, Decimal]) -> list[InvoiceLine]:
    originals = {line.pk: line for line in invoice.lines.prefetch_related("credits")}
    done = credited_quantities(invoice)
    lines = []
    for line_id, quantity in sorted(quantities.items()):
        quantity = Decimal(quantity)
        line = originals.get(line_id)
        if line is None:
            raise NothingToCredit()
        if quantity <= 0:
            continue
        already = done.get(line_id, ZERO)
        if already + quantity > line.quantity:
            raise CreditTooLarge(remaining=line.quantity - already)
        lines.append(_line_part(line, quantity, already, invoice.currency))
    if not lines:
        raise NothingToCredit()
    return lines


def _restock(note: Invoice, lines: list[InvoiceLine], warehouse: Warehouse, user) -> None:
    for line in lines:
        original = line.credited_line
        variant = original.order_line.variant if original and original.order_line_id else None
        if variant is None or line.quantity != line.quantity.to_integral_value():
            continue  # the delivery, an amount, a product since deleted: nothing goes back on a shelf
        stock.restock(store=note.store, variant=variant, warehouse=warehouse, quantity=int(line.quantity),
                      reference=f"credit_note:{note.pk}", user=user, note=note.reason)


def credit_cancelled_order(*, order_id: int) -> Invoice | None:
    """The credit note of a cancelled order's issued invoice, for what remains on it (once)."""
    invoice = Invoice.objects.filter(order_id=order_id, kind=Invoice.Kind.INVOICE,
                                     state=Invoice.State.ISSUED).select_related("store", "order").first()
    if invoice is None or remaining_to_credit(invoice) <= 0:
        return None
    order = invoice.order
    with translation.override(invoice.language):
        reason = _("Order {number} cancelled").format(number=order.number)
    if invoice.credit_notes.exists():  # partly credited already: the rest, as an amount
        note = credit(invoice=invoice, user=None, reason=reason, amount=remaining_to_credit(invoice))
    else:  # the whole invoice, line by line
        note = credit(invoice=invoice, user=None, reason=reason,
                      quantities={line.pk: line.quantity for line in invoice.lines.all()})
    refunded = min(sum(order.payments.values_list("refunded_amount", flat=True), ZERO), note.total)
    if refunded > 0:
        note = record_payment(invoice=note, user=None, amount=refunded, method=invoice.payment_method)
    return note
