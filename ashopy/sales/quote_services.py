"""Quote use cases on the store's side: write a draft, price its lines, send it, withdraw, copy, expire.

A draft's lines are priced by the purchase policy for its customer (a prospect pays the visitor's
price); staff may change a price, with a reason. Sending happens in two steps, as issuing an
invoice: one short transaction checks the quote, freezes the seller and the buyer, takes the next
number of the store's gap-free quote series for the year (django-sequences: a rolled-back send
gives its number back) and marks it sent; then the PDF is rendered once, stored with its SHA-256,
and e-mailed with the link to the customer's page. The customer's answer is `quote_acceptance`.
"""

import hashlib
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed
from sequences import get_next_value

from ashopy.accounts.selectors import is_customer_of
from ashopy.catalog import rules as catalog_rules
from ashopy.catalog.models import Variant
from ashopy.core.money import HUNDRED, format_money, quantum, round_money
from ashopy.inventory.services import MAX_QUANTITY
from ashopy.pricing.purchase import PurchasePolicy, label
from ashopy.pricing.resolver import tax_split
from ashopy.stores.models import Store, StoreDomain
from ashopy.stores.rules import SALES_ROLES, require_role

from . import quote_documents
from .errors import (
    InvalidDeposit,
    InvalidQuoteLine,
    InvalidValidity,
    PriceReasonRequired,
    QuoteEmpty,
    QuoteNoRecipient,
    QuoteNotEditable,
    QuoteStateError,
)
from .quote_models import Quote, QuoteEvent, QuoteLine
from .services import local_today, profile_of, seller_snapshot

MAX_AMOUNT = Decimal("999999999999")  # 12 digits before the point: what the columns hold
EDITABLE_FIELDS = ("customer", "prospect_name", "prospect_company", "prospect_email", "valid_until", "notes",
                   "terms", "deposit_percent", "deposit_amount")


def authorize(*, user, store: Store) -> None:
    """Writing and sending quotes is the sales counter's work; `user=None` is ashopy itself."""
    require_role(user=user, store=store, roles=SALES_ROLES)


def event(quote: Quote, code: str, user=None, *, before: str = "", **data) -> QuoteEvent:
    """A row on the quote's timeline; a transition names the state it left (`before`) and the one it reached."""
    user = user if user is not None and user.is_authenticated else None
    return QuoteEvent.objects.create(quote=quote, code=code, user=user, data=data, from_state=before,
                                     to_state=quote.state if before else "")


def transition(quote: Quote, name: str) -> tuple[Quote, str]:
    """Run transition `name` on the locked row, or refuse with the quote's state in words."""
    method = getattr(quote, name)
    if not can_proceed(method):
        raise QuoteStateError(quote)
    before = quote.state
    method()
    return quote, before


def _locked(quote: Quote) -> Quote:
    return Quote.objects.select_for_update(of=("self",)).select_related("store", "customer").get(pk=quote.pk)


def _locked_draft(quote: Quote) -> Quote:
    quote = _locked(quote)
    if not quote.is_draft:
        raise QuoteNotEditable(quote)
    return quote


# --- values ---------------------------------------------------------------------------------

def _amount(value, currency: str, field: str, *, allow_zero: bool = True) -> Decimal:
    """An amount in the currency's units (no more decimals than it has), refused otherwise."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if (amount is None or not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero)
            or amount > MAX_AMOUNT or amount != amount.quantize(quantum(currency))):
        raise InvalidQuoteLine(fields={field: [str(InvalidQuoteLine.message)]})
    return amount.quantize(quantum(currency))


def _quantity(value) -> int:
    try:
        quantity = int(value) if not isinstance(value, bool) and str(value).strip().isdigit() else None
    except (TypeError, ValueError):
        quantity = None
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuoteLine(fields={"quantity": [str(InvalidQuoteLine.message)]})
    return quantity


def _rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        rate = None
    if rate is None or not rate.is_finite() or not 0 <= rate <= 100 or rate != rate.quantize(Decimal("0.01")):
        raise InvalidQuoteLine(fields={"tax_rate": [str(InvalidQuoteLine.message)]})
    return rate


def _text(value, limit: int, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if len(text) > limit or (required and not text):
        raise InvalidQuoteLine(fields={field: [str(InvalidQuoteLine.message)]})
    return text


def _check_deposit(percent, amount, currency: str) -> tuple[Decimal | None, Decimal | None]:
    if percent in ("", None) and amount in ("", None):
        return None, None
    if percent not in ("", None) and amount not in ("", None):
        raise InvalidDeposit()
    try:
        if percent not in ("", None):
            percent = Decimal(str(percent).replace(",", "."))
            if not percent.is_finite() or not 0 < percent <= 100 or percent != percent.quantize(Decimal("0.01")):
                raise InvalidDeposit()
            return percent, None
        amount = Decimal(str(amount).replace(",", "."))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise InvalidDeposit() from error
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(quantum(currency)):
        raise InvalidDeposit()
    return None, amount


def _recipient(store: Store, customer, name: str, company: str, email: str) -> dict:
    """The quote's customer (one of the store's) or its prospect (an e-mail address at least)."""
    if customer is not None:
        if not is_customer_of(store=store, user=customer):
            raise QuoteNoRecipient(fields={"customer": [str(QuoteNoRecipient.message)]})
        return {"customer": customer, "prospect_name": "", "prospect_company": "", "prospect_email": ""}
    email = str(email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise QuoteNoRecipient(fields={"prospect_email": [str(QuoteNoRecipient.message)]}) from error
    return {"customer": None, "prospect_name": _text(name, 150, "prospect_name"),
            "prospect_company": _text(company, 150, "prospect_company"), "prospect_email": email[:254]}


def _validity(store: Store, valid_until) -> date:
    today = local_today(store)
    if valid_until in (None, ""):
        return today + timedelta(days=profile_of(store).quote_validity_days)
    if isinstance(valid_until, str):
        try:
            valid_until = date.fromisoformat(valid_until)
        except ValueError as error:
            raise InvalidValidity(fields={"valid_until": [str(InvalidValidity.message)]}) from error
    if not isinstance(valid_until, date) or valid_until < today or valid_until > today + timedelta(days=3660):
        raise InvalidValidity(fields={"valid_until": [str(InvalidValidity.message)]})
    return valid_until


# --- the draft ------------------------------------------------------------------------------

@transaction.atomic
def create_quote(*, store: Store, user, customer=None, prospect_name: str = "", prospect_company: str = "",
                 prospect_email: str = "", valid_until: date | None = None, notes: str = "", terms: str = "",
                 deposit_percent: Decimal | None = None, deposit_amount: Decimal | None = None,
                 request_note: str = "") -> Quote:
    """A new draft for one of the store's customers or a prospect, valid for the store's usual time by default."""
    authorize(user=user, store=store)
    percent, amount = _check_deposit(deposit_percent, deposit_amount, store.currency)
    quote = Quote.objects.create(
        store=store, **_recipient(store, customer, prospect_name, prospect_company, prospect_email),
        currency=store.currency, language=store.default_language or "fr", valid_until=_validity(store, valid_until),
        notes=_text(notes, 10000, "notes"), terms=_text(terms, 10000, "terms"),
        request_note=_text(request_note, 4000, "request_note"), deposit_percent=percent, deposit_amount=amount,
        created_by=user if user is not None and user.is_authenticated else None)
    event(quote, "created", user)
    return quote


@transaction.atomic
def update_quote(*, quote: Quote, user, **fields) -> Quote:
    """Change a draft's recipient, validity, notes, terms or deposit (only the fields given)."""
    authorize(user=user, store=quote.store)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable quote fields: {sorted(unknown)}")
    quote = _locked_draft(quote)
    store = quote.store
    if {"customer", "prospect_name", "prospect_company", "prospect_email"} & set(fields):
        recipient = {name: fields.get(name, getattr(quote, name)) for name in
                     ("customer", "prospect_name", "prospect_company", "prospect_email")}
        for name, value in _recipient(store, recipient["customer"], recipient["prospect_name"],
                                      recipient["prospect_company"], recipient["prospect_email"]).items():
            setattr(quote, name, value)
    if "valid_until" in fields:
        quote.valid_until = _validity(store, fields["valid_until"])
    for name in ("notes", "terms"):
        if name in fields:
            setattr(quote, name, _text(fields[name], 10000, name))
    if "deposit_percent" in fields or "deposit_amount" in fields:
        quote.deposit_percent, quote.deposit_amount = _check_deposit(
            fields.get("deposit_percent", None if "deposit_amount" in fields else quote.deposit_percent),
            fields.get("deposit_amount", None if "deposit_percent" in fields else quote.deposit_amount),
            quote.currency)
    quote.save()
    event(quote, "updated", user, fields=sorted(fields))
    return quote


def policy_price(quote: Quote, variant: Variant) -> tuple[Decimal, Decimal]:
    """(unit price excl. tax, VAT rate) the purchase policy asks of the quote's customer (a visitor's for a
    prospect) for `variant`."""
    unit = PurchasePolicy(quote.store, quote.customer).price(variant)
    net, _tax, _gross = tax_split(unit.price, rate=unit.tax_rate, includes_tax=unit.includes_tax,
                                  currency=quote.currency)
    return net, unit.tax_rate


def _priced(line: QuoteLine, currency: str) -> QuoteLine:
    line.net = round_money(line.unit_price * line.quantity, currency)
    line.tax = round_money(line.net * line.tax_rate / HUNDRED, currency)
    return line


def _check_price(line: QuoteLine, currency: str) -> None:
    if line.policy_price is not None and line.unit_price != line.policy_price and not line.price_reason:
        raise PriceReasonRequired(price=format_money(line.policy_price, currency),
                                  fields={"reason": [str(PriceReasonRequired.message).format(
                                      price=format_money(line.policy_price, currency))]})


def _set_totals(quote: Quote) -> None:
    for name, value in quote.recomputed_totals().items():
        setattr(quote, name, value)
    Quote.objects.filter(pk=quote.pk).update(total_net=quote.total_net, total_tax=quote.total_tax, total=quote.total)


def _next_position(quote: Quote) -> int:
    return (quote.lines.aggregate(last=Max("position"))["last"] or 0) + 1


def _sold_variant(quote: Quote, variant) -> Variant:
    """The store's active variant (another store's, or an unknown one, is refused as not found)."""
    variant_id = getattr(variant, "pk", variant)
    found = (Variant.objects.select_related("product").filter(pk=variant_id, store=quote.store, active=True).first()
             if isinstance(variant_id, int) else None)
    if found is None:
        raise InvalidQuoteLine(fields={"variant": [str(InvalidQuoteLine.message)]})
    return found


@transaction.atomic
def add_catalogue_line(*, quote: Quote, user, variant, quantity: int, unit_price: Decimal | None = None,
                       reason: str = "", optional: bool = False) -> QuoteLine:
    """A line of a catalogue variant at the customer's price, or at `unit_price` (excl. tax) with a reason."""
    authorize(user=user, store=quote.store)
    quote = _locked_draft(quote)
    variant = _sold_variant(quote, variant)
    quantity = _quantity(quantity)
    if catalog_rules.is_unique(variant.product) and quantity > catalog_rules.UNIQUE_MAX:
        raise InvalidQuoteLine(fields={"quantity": [str(InvalidQuoteLine.message)]})
    price, rate = policy_price(quote, variant)
    chosen_price = price if unit_price in (None, "") else _amount(unit_price, quote.currency, "unit_price")
    line = QuoteLine(quote=quote, position=_next_position(quote), variant=variant, product_id=variant.product_id,
                     description=label(variant)[:255], sku=variant.sku, quantity=quantity, policy_price=price,
                     unit_price=chosen_price,
                     price_reason=_text(reason, 255, "reason"), tax_rate=rate, optional=bool(optional),
                     chosen=not optional)
    _check_price(line, quote.currency)
    _priced(line, quote.currency).save()
    _set_totals(quote)
    event(quote, "line_added", user, description=line.description, quantity=quantity)
    return line


@transaction.atomic
def add_free_line(*, quote: Quote, user, description: str, quantity: int, unit_price: Decimal,
                  tax_rate: Decimal | None = None, optional: bool = False) -> QuoteLine:
    """A line written by hand (a service, a discount is not one: prices are never negative), excl. tax; the
    store's default VAT rate unless `tax_rate` is given."""
    authorize(user=user, store=quote.store)
    quote = _locked_draft(quote)
    if tax_rate in (None, ""):
        tax_rate = PurchasePolicy(quote.store).rates.default_tax
    line = QuoteLine(quote=quote, position=_next_position(quote),
                     description=_text(description, 255, "description", required=True), quantity=_quantity(quantity),
                     unit_price=_amount(unit_price, quote.currency, "unit_price"), tax_rate=_rate(tax_rate),
                     optional=bool(optional), chosen=not optional)
    _priced(line, quote.currency).save()
    _set_totals(quote)
    event(quote, "line_added", user, description=line.description, quantity=line.quantity)
    return line


def _line_of(line: QuoteLine | int, quote_id: int | None = None) -> QuoteLine:
    line_id = getattr(line, "pk", line)
    found = QuoteLine.objects.filter(pk=line_id).values_list("quote_id", flat=True).first() \
        if isinstance(line_id, int) else None
    if found is None or (quote_id is not None and found != quote_id):
        raise InvalidQuoteLine(fields={"line": [str(InvalidQuoteLine.message)]})
    return QuoteLine.objects.get(pk=line_id)


@transaction.atomic
def update_line(*, line: QuoteLine, user, quantity: int | None = None, unit_price: Decimal | None = None,
                reason: str | None = None, description: str | None = None, tax_rate: Decimal | None = None,
                optional: bool | None = None) -> QuoteLine:
    """Change a draft's line; a catalogue line keeps its catalogue description and VAT rate."""
    line = _line_of(line)
    quote = Quote.objects.select_related("store").get(pk=line.quote_id)
    authorize(user=user, store=quote.store)
    quote = _locked_draft(quote)
    line = QuoteLine.objects.get(pk=line.pk)
    if quantity is not None:
        line.quantity = _quantity(quantity)
        if line.variant_id and catalog_rules.is_unique(line.variant.product) \
                and line.quantity > catalog_rules.UNIQUE_MAX:
            raise InvalidQuoteLine(fields={"quantity": [str(InvalidQuoteLine.message)]})
    if unit_price is not None:
        line.unit_price = _amount(unit_price, quote.currency, "unit_price")
    if reason is not None:
        line.price_reason = _text(reason, 255, "reason")
    if line.policy_price is None:  # a free line
        if description is not None:
            line.description = _text(description, 255, "description", required=True)
        if tax_rate is not None:
            line.tax_rate = _rate(tax_rate)
    if optional is not None:
        line.optional, line.chosen = bool(optional), not optional
    _check_price(line, quote.currency)
    _priced(line, quote.currency).save()
    _set_totals(quote)
    event(quote, "line_changed", user, description=line.description)
    return line


@transaction.atomic
def remove_line(*, line: QuoteLine, user) -> Quote:
    line = _line_of(line)
    quote = Quote.objects.select_related("store").get(pk=line.quote_id)
    authorize(user=user, store=quote.store)
    quote = _locked_draft(quote)
    description = line.description
    QuoteLine.objects.filter(pk=line.pk).delete()
    _set_totals(quote)
    event(quote, "line_removed", user, description=description)
    return quote


# --- sending --------------------------------------------------------------------------------

def buyer_snapshot(quote: Quote) -> dict:
    """The buyer as the sent quote will always show them: the customer (their billing address) or the prospect."""
    if quote.customer_id is None:
        return {"name": quote.prospect_name, "company": quote.prospect_company, "email": quote.prospect_email,
                "first_name": "", "last_name": "", "line1": "", "line2": "", "postal_code": "", "city": "",
                "country": "", "phone": "", "siren": "", "vat_number": ""}
    customer = quote.customer
    address = (customer.addresses.filter(is_default_billing=True).first() or customer.addresses.first())
    fields = ("first_name", "last_name", "company", "line1", "line2", "postal_code", "city", "country", "phone")
    party = {name: str(getattr(address, name, "") or "") for name in fields}
    if not party["first_name"] and not party["last_name"]:
        party["first_name"], party["last_name"] = customer.first_name, customer.last_name
    name = f"{party['first_name']} {party['last_name']}".strip() or customer.email
    return {**party, "name": name, "email": customer.email, "siren": "", "vat_number": ""}


def send_quote(*, quote: Quote, user) -> Quote:
    """Send a draft: checked, frozen, numbered; then its PDF stored once and e-mailed with the link."""
    authorize(user=user, store=quote.store)
    with transaction.atomic():
        quote = _send_locked(quote, user)
    quote = ensure_pdf(quote)
    from . import quote_emails  # the e-mails need the links of this module

    quote_emails.send_quote_email(quote=quote, user=user)
    return quote


def _send_locked(quote: Quote, user) -> Quote:
    quote = _locked(quote)
    if not quote.is_draft:
        raise QuoteStateError(quote)
    lines = list(quote.lines.all())
    if not lines:
        raise QuoteEmpty()
    store = quote.store
    today = local_today(store)
    if quote.valid_until < today:
        raise InvalidValidity(fields={"valid_until": [str(InvalidValidity.message)]})
    if quote.deposit_amount and quote.deposit_amount > quote.total:
        raise InvalidDeposit(fields={"deposit_amount": [str(InvalidDeposit.message)]})
    if not quote.recipient_email:
        raise QuoteNoRecipient()
    profile = profile_of(store)
    quote.seller = seller_snapshot(store, profile)
    quote.buyer = buyer_snapshot(quote)
    # The counter's row stays locked until this transaction commits: no gap, no duplicate.
    sequence = get_next_value(f"quote-{store.pk}-{today.year}")
    quote.number = profile.quote_format.format(year=today.year, number=sequence)
    quote, before = transition(quote, "send")
    quote.sent_at = timezone.now()
    quote.save()
    event(quote, "sent", user, before=before, number=quote.number)
    return quote


def ensure_pdf(quote: Quote) -> Quote:
    """The sent quote's PDF, rendered from its frozen data and stored once; afterwards always the stored file."""
    if quote.pdf or quote.number is None:
        return quote
    content = quote_documents.render_pdf(quote)
    digest = hashlib.sha256(content).hexdigest()
    name = quote.pdf.field.generate_filename(quote, f"{quote.number}.pdf")
    stored = quote.pdf.storage.save(name, ContentFile(content))
    if Quote.objects.filter(pk=quote.pk, pdf="").update(pdf=stored, pdf_sha256=digest):
        quote.pdf.name, quote.pdf_sha256 = stored, digest
    else:
        quote.pdf.storage.delete(stored)
        quote.refresh_from_db(fields=["pdf", "pdf_sha256"])
    return quote


@transaction.atomic
def withdraw_quote(*, quote: Quote, user, reason: str = "") -> Quote:
    """The store takes back a draft or a sent quote (a draft never sent stays without a number)."""
    authorize(user=user, store=quote.store)
    quote = _locked(quote)
    quote, before = transition(quote, "withdraw")
    quote.save()
    event(quote, "withdrawn", user, before=before, reason=_text(reason, 1000, "reason"))
    return quote


@transaction.atomic
def duplicate_quote(*, quote: Quote, user) -> Quote:
    """A new draft with the same recipient, texts, deposit and lines (whatever the original's state)."""
    authorize(user=user, store=quote.store)
    original = Quote.objects.select_related("store").get(pk=quote.pk)
    copy = Quote.objects.create(
        store=original.store, customer_id=original.customer_id, prospect_name=original.prospect_name,
        prospect_company=original.prospect_company, prospect_email=original.prospect_email,
        currency=original.currency, language=original.language, valid_until=_validity(original.store, None),
        notes=original.notes, terms=original.terms, deposit_percent=original.deposit_percent,
        deposit_amount=original.deposit_amount, created_by=user if user is not None else None)
    QuoteLine.objects.bulk_create([
        QuoteLine(quote=copy, position=line.position, variant_id=line.variant_id, product_id=line.product_id,
                  description=line.description, sku=line.sku, quantity=line.quantity, unit_price=line.unit_price,
                  policy_price=line.policy_price, price_reason=line.price_reason, tax_rate=line.tax_rate,
                  net=line.net, tax=line.tax, optional=line.optional, chosen=not line.optional)
        for line in original.lines.all()])
    _set_totals(copy)
    event(copy, "created", user, copied_from=original.number or original.pk)
    event(original, "duplicated", user, copy=copy.pk)
    return copy


def expire_due(*, today: date | None = None, limit: int = 500) -> int:
    """Sent quotes past their validity date expire (Celery beat, daily); rows another runner holds are skipped."""
    count = 0
    due = Quote.objects.filter(state=Quote.State.SENT)
    for store in Store.objects.filter(pk__in=due.values("store_id").distinct()):
        with transaction.atomic():
            for quote in (due.filter(store=store, valid_until__lt=today or local_today(store))
                          .select_for_update(skip_locked=True).order_by("id")[:limit]):
                quote, before = transition(quote, "expire")
                quote.save()
                event(quote, "expired", None, before=before)
                count += 1
    return count


# --- the customer's link --------------------------------------------------------------------

def link_token(quote: Quote) -> str:
    """The secret of the customer's page: random, stored on the quote, unrelated to its number."""
    return quote.token


def customer_url(quote: Quote) -> str:
    """The customer's page of the quote (a path)."""
    return reverse("quotes:page", args=[link_token(quote)])


def absolute_customer_url(quote: Quote) -> str:
    """The page's full address, on the store's primary domain (for the e-mail)."""
    domain = (StoreDomain.objects.filter(store_id=quote.store_id).order_by("-is_primary", "id")
              .values_list("domain", flat=True).first())
    if not domain:
        return customer_url(quote)
    scheme = "http" if domain in ("testserver", "localhost") or domain.startswith("127.") else "https"
    return f"{scheme}://{domain}{customer_url(quote)}"
