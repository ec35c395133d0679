"""The customer's answer to a sent quote: accept it (and pay its deposit), or refuse it.

Accepting is one transaction: the quote is locked and checked again (still sent, not past its date),
the options the customer ticked are kept, the acceptance is recorded (the name typed, the time, the
address and browser, the SHA-256 of the document as accepted, which is stored), and the quote becomes
an order at the quoted prices whose units are reserved with the usual rules — a short stock refuses
the whole acceptance and changes nothing — then taken out of stock as for any order paid offline: the
order waits in "awaiting payment". A unique real-estate lot is therefore nobody else's from then on,
while its deposit is pending or paid; when two customers accept quotes for it at once, the stock row's
lock lets exactly one of them through.

The document is rendered before the transaction (a few hundred milliseconds that must not hold the
lock); sent quotes never change, so what was rendered is what is accepted.

With a deposit the customer pays it with any provider of the store (`start_quote_payment`, a part
payment); staff may record one paid by transfer or in cash (`record_deposit`). The order is part-paid
after the deposit, and paid — its invoice issued by the `order_paid` consumer — once its payments
reach its total.
"""

import hashlib
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ashopy.inventory import reservations
from ashopy.orders import services as orders
from ashopy.orders.models import Order
from ashopy.orders.timeline import Fact
from ashopy.payments import providers
from ashopy.payments import services as payments
from ashopy.payments.errors import UnknownMethod
from ashopy.payments.models import Payment

from . import quote_documents, quote_emails, quote_selectors
from .errors import AcceptanceIncomplete, InvalidDepositMethod, NoDeposit, QuoteExpired, QuoteStateError
from .models import SellerProfile
from .quote_models import Quote, QuoteAcceptance, QuoteLine
from .quote_services import authorize, event, local_today, transition

NAME_LIMIT = 150
PAYMENT_DAYS = SellerProfile._meta.get_field("quote_payment_days").default  # a store with no legal profile yet


def _check_open(quote: Quote) -> None:
    """Still waiting for an answer and not past its date (in the store's time zone)."""
    if quote.state != Quote.State.SENT:
        raise QuoteStateError(quote)
    if local_today(quote.store) > quote.valid_until:
        raise QuoteExpired(date=date_format(quote.valid_until, "DATE_FORMAT"))


def _billing(quote: Quote) -> dict:
    buyer = quote.buyer
    address = {key: str(buyer.get(key) or "") for key in
               ("first_name", "last_name", "company", "line1", "line2", "postal_code", "city", "phone")}
    if not address["first_name"] and not address["last_name"]:
        address["last_name"] = str(buyer.get("name") or buyer.get("email") or "")
    address["country"] = str(buyer.get("country") or quote.store.country)
    return address


def _agreed(lines: list[QuoteLine], chosen: set[int]) -> list[orders.AgreedLine]:
    return [orders.AgreedLine(variant=line.variant, product_name=line.description, sku=line.sku,
                              quantity=line.quantity, unit_price=line.unit_price, tax_rate=line.tax_rate,
                              net=line.net, tax=line.tax)
            for line in lines if not line.optional or line.pk in chosen]


def accept_quote(*, quote: Quote, name: str, accepted_terms: bool, options=(), ip: str | None = None,
                 user_agent: str = "", user=None) -> Quote:
    """Accept a sent quote with the optional lines `options` (their ids): recorded, and converted into an
    order at the quoted prices with its units reserved. InsufficientStock (409) when the stock is short."""
    name = " ".join(str(name or "").split())
    if not name or len(name) > NAME_LIMIT or accepted_terms is not True:
        raise AcceptanceIncomplete(fields={"name": [str(AcceptanceIncomplete.message)]} if not name else None)
    quote = Quote.objects.select_related("store", "customer").get(pk=quote.pk)
    lines = list(quote.lines.select_related("variant"))
    chosen = quote_selectors.chosen_options(quote, options, lines=lines)
    _check_open(quote)
    accepted_at = timezone.now()
    document = quote_documents.render_pdf(quote, chosen=chosen, accepted_by=name, accepted_at=accepted_at)
    number = orders.next_number(quote.store)  # commits by itself: order numbers need not be gap-free
    stored = default_storage.save(QuoteAcceptance.pdf.field.generate_filename(
        QuoteAcceptance(quote=quote), f"{quote.number}-accepted.pdf"), ContentFile(document))
    try:
        with transaction.atomic():
            quote = _accept_locked(quote, chosen, number, user=user)
            QuoteAcceptance.objects.create(
                quote=quote, name=name, user=user if user is not None and user.is_authenticated else None,
                accepted_at=accepted_at, ip=ip or None, user_agent=str(user_agent or "")[:500],
                options=sorted(chosen), pdf=stored, pdf_sha256=hashlib.sha256(document).hexdigest())
    except BaseException:
        default_storage.delete(stored)
        raise
    quote_emails.tell_staff(quote=quote)
    return quote


def _accept_locked(quote: Quote, chosen: set[int], number: str, *, user) -> Quote:
    quote = Quote.objects.select_for_update(of=("self",)).select_related("store", "customer").get(pk=quote.pk)
    _check_open(quote)
    store = quote.store
    lines = list(quote.lines.select_related("variant"))
    for line in lines:
        if line.optional:
            line.chosen = line.pk in chosen
    QuoteLine.objects.bulk_update([line for line in lines if line.optional], ["chosen"])
    for field, value in quote.recomputed_totals().items():
        setattr(quote, field, value)
    quote, before = transition(quote, "accept")
    quote.save()
    event(quote, "accepted", user, before=before, options=sorted(chosen))
    agreed = _agreed(lines, chosen)
    held = [reservations.Line(line.variant.pk, line.quantity) for line in agreed if line.variant is not None]
    reservation = reservations.begin(store=store, owner=orders.owner_of(number)) if held else None
    order = orders.create(
        store=store, number=number, user=quote.customer, email=quote.buyer.get("email") or quote.recipient_email,
        language=quote.language, totals=orders.AgreedTotals(currency=quote.currency, lines=tuple(agreed)),
        billing_address=_billing(quote), shipping_address=None, payment_method="", reservation=reservation,
        customer_note=quote.request_note[:4000])
    if held:
        # Last: the contended stock rows (a unique lot) stay locked only until the COMMIT.
        reservations.hold(reservation=reservation, lines=held)
    order = orders.await_payment(order=order)  # the units are sold now; the order waits for its money
    quote, before = transition(quote, "convert")
    quote.order = order
    quote.save()
    event(quote, "converted", user, before=before, order=order.number)
    return quote


def refuse_quote(*, quote: Quote, reason: str = "", user=None) -> Quote:
    """The customer declines a sent quote (with a reason, if they give one); the store is told."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update(of=("self",)).select_related("store").get(pk=quote.pk)
        if quote.state != Quote.State.SENT:
            raise QuoteStateError(quote)
        quote, before = transition(quote, "refuse")
        quote.refusal_reason = str(reason or "").strip()[:2000]
        quote.save()
        event(quote, "refused", user, before=before)
    quote_emails.tell_staff(quote=quote)
    return quote


# --- the money ------------------------------------------------------------------------------

def amount_due_now(quote: Quote) -> tuple[str, object]:
    """("deposit" | "balance" | "", amount): what the customer of a converted quote pays next."""
    order = quote.order
    if order is None or order.state != Order.State.AWAITING_PAYMENT:
        return "", 0
    paid = quote_selectors.amount_paid(order)
    deposit = quote_selectors.deposit_on(quote, order.total)
    if deposit and paid < deposit:
        return "deposit", deposit - paid
    return ("balance", order.total - paid) if order.total > paid else ("", 0)


def payment_methods(quote: Quote) -> list:
    """The providers the customer may pay with (none paid on delivery: there is no parcel to pay for)."""
    return providers.offered(quote.store, parcel=False)


def start_quote_payment(*, quote: Quote, provider_code: str, urls: dict[str, str]) -> Payment:
    """A payment of what is due now (the deposit, then the balance) with one of the store's providers; the
    provider's page or instructions are asked outside any transaction. A failure leaves the order waiting."""
    quote = Quote.objects.select_related("store", "order").get(pk=quote.pk)
    kind, amount = amount_due_now(quote)
    if not kind:
        raise NoDeposit()
    provider = payments.provider_for(quote.store, provider_code)
    if provider.code in providers.ON_DELIVERY:
        raise UnknownMethod(fields={"payment_method": [str(UnknownMethod.message)]})
    with transaction.atomic():
        payment = payments.create(order=quote.order, provider=provider, amount=amount)
    with translation.override(quote.language):
        description = (_("Deposit on quote %(number)s") if kind == "deposit"
                       else _("Balance of quote %(number)s")) % {"number": quote.number}
    return payments.start(payment=payment, provider=provider, urls=urls, description=description)


def record_deposit(*, quote: Quote, user, amount, method: str) -> Payment:
    """Staff received money for a converted quote's order by transfer or in cash (a deposit, or more)."""
    quote = Quote.objects.select_related("store", "order").get(pk=quote.pk)
    authorize(user=user, store=quote.store)
    if quote.order is None:
        raise QuoteStateError(quote)
    if method not in payments.RECORDED_METHODS:
        raise InvalidDepositMethod(fields={"method": [str(InvalidDepositMethod.message)]})
    return payments.record_part_payment(order=quote.order, user=user, amount=amount, method=method)


def pay_by(quote: Quote):
    """The date by which an accepted quote's order must have received a payment (in the store's time zone),
    or None when it is not waiting for its first one."""
    acceptance = getattr(quote, "acceptance", None)
    order = quote.order
    if acceptance is None or order is None or order.state != Order.State.AWAITING_PAYMENT:
        return None
    days = SellerProfile.objects.filter(store_id=quote.store_id).values_list("quote_payment_days", flat=True).first()
    deadline = acceptance.accepted_at + timedelta(days=days or PAYMENT_DAYS)
    return timezone.localtime(deadline, ZoneInfo(quote.store.timezone)).date()


def cancel_unpaid(*, now=None, limit: int = 200) -> int:
    """Accepted quotes whose order received no payment within the store's days to pay (its legal profile's
    `quote_payment_days`) give their units back: the order is cancelled — its units back on sale — and the
    quote says why. An order with any payment stays for staff to settle. Celery beat, hourly; orders
    another runner holds are skipped (the order's row is locked as a payment's notification locks it)."""
    now = now or timezone.now()
    count = 0
    waiting = (Quote.objects.filter(state=Quote.State.CONVERTED, order__state=Order.State.AWAITING_PAYMENT)
               .exclude(order__payments__status__in=[Payment.Status.SUCCEEDED, Payment.Status.REFUNDED]))
    days_of = dict(SellerProfile.objects.values_list("store_id", "quote_payment_days"))
    for store_id in waiting.values_list("store_id", flat=True).distinct().order_by():
        days = days_of.get(store_id, PAYMENT_DAYS)
        late = (waiting.filter(store_id=store_id, acceptance__accepted_at__lt=now - timedelta(days=days))
                .select_related("order").order_by("id")[:limit])
        for quote in late:
            with transaction.atomic():
                order = (Order.objects.select_for_update(skip_locked=True)
                         .filter(pk=quote.order_id, state=Order.State.AWAITING_PAYMENT).first())
                if order is None or quote_selectors.amount_paid(order) > 0:
                    continue
                orders.cancel(order=order, note=Fact("quote_unpaid", {"days": days}))
                event(quote, "unpaid_cancelled", None, order=order.number, days=days)
                count += 1
    return count


def accepted_on(quote: Quote) -> str:
    """The acceptance's date in the store's time zone, as people read it."""
    acceptance = getattr(quote, "acceptance", None)
    if acceptance is None:
        return ""
    return date_format(timezone.localtime(acceptance.accepted_at, ZoneInfo(quote.store.timezone)), "DATE_FORMAT")
