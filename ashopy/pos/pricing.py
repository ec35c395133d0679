"""What a sale at the till costs: one function (`price_sale`) that the sale (`selling.record_sale`) and
the till's preview (`preview`) both call, so that the amount the cashier asks for is the amount the
sale checks the tenders against.

Discounts stack in this order, as on the web (docs/architecture.md, "How discounts stack"):
the unit price from the `PurchasePolicy` (base → sale → catalogue promotion / partner / segment of the
customer) → the line's discount (a percentage, with a reason, capped per role) → the promo code,
priced by the web cart's own arithmetic (`cart.totals.code_shares`: a line-level code off its products'
lines, an order-level one spread over the lines in proportion) → the ticket's discount (a percentage
of what is left, shared pro rata) → VAT per line, with the currency's exponent. So every line's net,
tax and gross stay exact and VAT per rate stays right.

A code is checked as the web checks it (`promotions.codes.check`: active, dates, segments, staff only,
first order, minimum on the goods after the line discounts, uses so far). At the counter there is no
shipping, so a free-shipping code is refused; a code limited per customer needs the customer chosen.
Its use is counted by the sale, under the code's row lock (`selling.record_sale`).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ashopy.cart.totals import code_shares
from ashopy.catalog.models import Variant
from ashopy.core.errors import NotFound
from ashopy.core.money import HUNDRED, ZERO, round_money
from ashopy.inventory import services as inventory
from ashopy.pricing.purchase import PurchasePolicy, label
from ashopy.pricing.resolver import tax_split
from ashopy.promotions import codes
from ashopy.promotions.errors import CodeRefused
from ashopy.promotions.models import PromoCode
from ashopy.stores.selectors import staff_role

from . import chain
from .errors import (
    CodeNeedsCustomer,
    CodeNotForSale,
    DiscountTooHigh,
    EmptySale,
    FreeShippingAtTill,
    InvalidAmount,
    NotSold,
    ReasonRequired,
)
from .models import TicketLine
from .services import MAX_DISCOUNT_PERCENT, check_selling, require_cashier

MAX_LINES = 200


@dataclass(frozen=True)
class SaleLine:
    variant_id: int
    quantity: int
    discount_percent: Decimal = ZERO
    discount_reason: str = ""


@dataclass
class Pricing:
    """A sale priced: its lines (unsaved `TicketLine`s), the ticket discount's reason, and the code: the one
    that applies (`offer`) or why the one typed does not (`code_problem`)."""

    lines: list[TicketLine]
    discount_reason: str
    code: str = ""  # the code as typed, normalised ("" when none was given)
    offer: codes.Offer | None = None
    code_problem: CodeRefused | None = None
    vat: dict = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.gross for line in self.lines), ZERO)

    @property
    def total_net(self) -> Decimal:
        return sum((line.net for line in self.lines), ZERO)

    @property
    def total_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), ZERO)

    @property
    def code_discount(self) -> Decimal:
        return sum((line.code_discount for line in self.lines), ZERO)

    @property
    def total_discount(self) -> Decimal:
        return sum((line.discount + line.code_discount + line.ticket_discount for line in self.lines), ZERO)


def percent(value, reason: str, cap: Decimal) -> tuple[Decimal, str]:
    """A discount percentage with its reason, within the role's cap."""
    try:
        percent = Decimal(str(value or 0))
    except (InvalidOperation, ValueError) as error:
        raise InvalidAmount() from error
    if not percent.is_finite() or not ZERO <= percent <= HUNDRED:
        raise InvalidAmount()
    if percent and not (reason or "").strip():
        raise ReasonRequired()
    if percent > cap:
        raise DiscountTooHigh(maximum=cap)
    return percent, (reason or "").strip()[:200] if percent else ""


def _check_lines(lines: Sequence[SaleLine]) -> None:
    if not lines:
        raise EmptySale()
    if len(lines) > MAX_LINES:
        raise InvalidAmount()
    for line in lines:
        inventory.check_quantity(line.quantity)


def _variants(store, lines: Sequence[SaleLine]) -> dict[int, Variant]:
    ids = {line.variant_id for line in lines}
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise NotFound()
    variants = {v.pk: v for v in Variant.objects.filter(store=store, pk__in=ids).select_related("product")}
    if len(variants) != len(ids):
        raise NotFound()
    return variants


def _offer(store, text: str, customer, goods: Decimal, variants: list[Variant]) -> codes.Offer:
    """The code ready to price this sale, or the CodeRefused that says why not."""
    found = codes.find(store=store, code=text)
    found.store = store
    if found.kind == PromoCode.Kind.FREE_SHIPPING:
        raise FreeShippingAtTill(code=found.code)
    customer = customer if customer is not None and customer.is_authenticated else None
    if found.max_uses_per_customer is not None and customer is None:
        raise CodeNeedsCustomer(code=found.code)
    codes.check(found, user=customer, goods=goods)
    offer = codes.offer(found)
    if found.kind in codes.ITEM_KINDS and not any(offer.covers(variant) for variant in variants):
        raise CodeNotForSale(code=found.code)
    return offer


def price_sale(*, user, store, lines: Sequence[SaleLine], customer=None, discount_percent=ZERO,
               discount_reason: str = "", code: str | None = None) -> Pricing:
    """The sale's lines priced for `customer` with every discount, taxed per line (see the module's doc).
    Refusals of the lines and discounts raise; a code that does not apply is answered in `code_problem`
    (the sale raises it, the preview shows it)."""
    _check_lines(lines)
    currency = store.currency
    cap = MAX_DISCOUNT_PERCENT.get(staff_role(user, store), ZERO)
    ticket_percent, ticket_reason = percent(discount_percent, discount_reason, cap)
    policy, variants, priced = PurchasePolicy(store, customer), _variants(store, lines), []
    for line in lines:
        variant = variants[line.variant_id]
        if not policy.sellable(variant):
            raise NotSold(product=label(variant))
        line_percent, reason = percent(line.discount_percent, line.discount_reason, cap)
        unit = policy.price(variant)
        amount = round_money(unit.price * line.quantity, currency)
        discount = round_money(amount * line_percent / HUNDRED, currency)
        priced.append(TicketLine(variant=variant, label=label(variant), sku=variant.sku, quantity=line.quantity,
                                 unit_price=unit.price, discount=discount, discount_reason=reason,
                                 vat_rate=unit.tax_rate, gross=amount - discount))
    pricing = Pricing(lines=priced, discount_reason=ticket_reason, code=codes.normalized(code))
    if pricing.code:
        try:
            pricing.offer = _offer(store, pricing.code, customer, sum((line.gross for line in priced), ZERO),
                                   [line.variant for line in priced])
        except CodeRefused as error:
            pricing.code_problem = error
    shares = code_shares(pricing.offer, [(line.variant, line.quantity, line.gross) for line in priced], currency)
    for line, share in zip(priced, shares, strict=True):
        line.code_discount, line.gross = share, line.gross - share
    _share_ticket_discount(priced, ticket_percent, store)
    pricing.vat = vat_per_rate(priced)
    return pricing


def _share_ticket_discount(priced: list[TicketLine], ticket_percent: Decimal, store) -> None:
    """The ticket's discount shared over the lines pro rata, each line then taxed."""
    currency = store.currency
    subtotal = sum((line.gross for line in priced), ZERO)
    ticket_discount = round_money(subtotal * ticket_percent / HUNDRED, currency)
    left = ticket_discount
    for index, line in enumerate(priced):
        share = left if index == len(priced) - 1 else min(
            round_money(ticket_discount * line.gross / subtotal, currency) if subtotal else ZERO, left)
        line.ticket_discount, left = share, left - share
        line.net, line.tax, line.gross = tax_split(line.gross - share, rate=line.vat_rate,
                                                   includes_tax=store.prices_include_tax, currency=currency)


def vat_per_rate(lines) -> dict[str, dict[str, str]]:
    per_rate: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"net": ZERO, "tax": ZERO, "gross": ZERO})
    for line in lines:
        amounts = per_rate[chain.rate(line.vat_rate)]
        amounts["net"] += line.net
        amounts["tax"] += line.tax
        amounts["gross"] += line.gross
    return {key: {part: str(value) for part, value in amounts.items()} for key, amounts in sorted(per_rate.items())}


def preview(*, user, session, lines: Sequence[SaleLine], customer=None, discount_percent=ZERO,
            discount_reason: str = "", code: str | None = None) -> Pricing:
    """What the sale would cost now, at the session's till: the sale's own pricing, writing nothing."""
    store = session.till.store
    require_cashier(user, store)
    check_selling(session)
    return price_sale(user=user, store=store, lines=lines, customer=customer, discount_percent=discount_percent,
                      discount_reason=discount_reason, code=code)
