"""The one answer to "what does this customer pay for this variant in this store".

base price → sale price → partner discount → segment discount → the best combinable catalogue
promotion; or, when it is cheaper for the customer, the best exclusive promotion alone on the sale
price (docs/architecture.md, "How discounts stack"). Partner and segment steps are each a
percentage of the price left by the one before; promotions come from the registered adjusters
(`hooks`). The unit price is rounded with the currency's exponent, then lines are taxed and
rounded per line. Cart, checkout, quote, order, invoice and POS all
ask a `PricingPolicy` — through the request's `purchase.PurchasePolicy`, which is one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ashopy.accounts.models import Segment
from ashopy.accounts.selectors import effective_segment, pending_segment
from ashopy.core.cache import VersionedMemo
from ashopy.core.money import HUNDRED, ZERO, percent_of, round_money

from . import hooks
from .hooks import Adjustment, Offer, PriceContext
from .models import SegmentDiscount, TaxRate


@dataclass(frozen=True)
class StoreRates:
    """A store's tax rates and segment discounts, memoised per process."""

    tax_by_class: dict[int, Decimal]
    default_tax: Decimal
    segment_percent: dict[str, Decimal]


def _load_rates(store_id: int) -> StoreRates:
    rates = TaxRate.objects.filter(store_id=store_id).values_list("tax_class_id", "rate", "tax_class__is_default")
    tax_by_class = {class_id: rate for class_id, rate, _default in rates}
    default = next((rate for _id, rate, is_default in rates if is_default), ZERO)
    segments = dict(SegmentDiscount.objects.filter(store_id=store_id).values_list("segment", "percent"))
    return StoreRates(tax_by_class, default, segments)


store_rates = VersionedMemo("store-rates", _load_rates)


@dataclass(frozen=True)
class LinePrice:
    quantity: int
    unit: "UnitPrice"
    net: Decimal
    tax: Decimal
    gross: Decimal
    discount: Decimal  # the customer's saving on the line against the base price, same tax basis

    @property
    def amount(self) -> Decimal:
        """The line as catalogue prices are entered (gross if they include tax)."""
        return self.gross if self.unit.includes_tax else self.net


@dataclass(frozen=True)
class UnitPrice:
    currency: str
    base: Decimal  # the catalogue price, on the store's tax basis
    sale: Decimal | None
    price: Decimal  # what the customer pays per unit, on the store's tax basis, rounded
    adjustments: tuple[Adjustment, ...]
    tax_rate: Decimal
    includes_tax: bool

    @property
    def discounted(self) -> bool:
        return self.price < self.base

    @property
    def gross(self) -> Decimal:
        """Unit price tax included (what a shop window shows)."""
        return self.line(1).gross

    @property
    def base_gross(self) -> Decimal:
        return self.price if self.base == self.price else _tax_line(self.base, 1, self).gross

    def line(self, quantity: int) -> LinePrice:
        return _tax_line(self.price, quantity, self)


def tax_split(amount: Decimal, *, rate: Decimal, includes_tax: bool, currency: str) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross) of an amount given on the store's tax basis, the tax rounded once."""
    amount = round_money(amount, currency)
    if includes_tax:
        tax = round_money(amount * rate / (HUNDRED + rate), currency)
        return amount - tax, tax, amount
    tax = round_money(amount * rate / HUNDRED, currency)
    return amount, tax, amount + tax


def _tax_line(unit_amount: Decimal, quantity: int, unit: UnitPrice) -> LinePrice:
    amount = round_money(unit_amount * quantity, unit.currency)
    net, tax, gross = tax_split(amount, rate=unit.tax_rate, includes_tax=unit.includes_tax, currency=unit.currency)
    discount = round_money(unit.base * quantity, unit.currency) - amount if unit_amount == unit.price else ZERO
    return LinePrice(quantity=quantity, unit=unit, net=net, tax=tax, gross=gross, discount=max(discount, ZERO))


PENDING_SEGMENT_MESSAGES = {
    Segment.ETUDIANT: gettext_lazy("Student discount awaiting verification"),
    Segment.PROFESSIONNEL: gettext_lazy("Professional discount awaiting verification"),
    Segment.ENTREPRISE: gettext_lazy("Company discount awaiting verification"),
    Segment.INSTITUTION: gettext_lazy("Public institution discount awaiting verification"),
}


class PricingPolicy:
    """Prices for one customer (or an anonymous visitor) in one store."""

    def __init__(self, store, customer=None):
        self.store = store
        self.customer = customer if customer is not None and getattr(customer, "is_authenticated", False) else None
        self.rates: StoreRates = store_rates.get(store.pk)
        segment = effective_segment(store=store, user=self.customer)
        self.context = PriceContext(store=store, customer=self.customer, segment=segment)
        self._percent_steps = self._customer_steps(segment)
        # Each adjuster works out once per policy what may apply (the store's running promotions
        # for this customer); None when nothing can, so a store without promotions pays nothing.
        self._offer_sources = [source for adjuster in hooks.adjusters()
                               if (source := adjuster(self.context)) is not None]

    def _customer_steps(self, segment: str) -> list[tuple[str, str, Decimal]]:
        steps = []
        customer = self.customer
        if customer is None:
            return steps
        partner = customer.partner if customer.partner_id else None
        if partner is not None and partner.store_id == self.store.pk and partner.discount_percent > 0:
            steps.append(("partner", _("Partner discount (%(name)s)") % {"name": partner.name},
                          partner.discount_percent))
        segment_percent = self.rates.segment_percent.get(segment)
        if segment_percent:
            steps.append(("segment", _("%(segment)s discount") % {"segment": Segment(segment).label},
                          segment_percent))
        return steps

    def pending_discounts(self) -> list[str]:
        """What the customer will get once the shop verifies what they declared at sign-up: "Student discount
        awaiting verification" while their declared segment does not price them yet (and the store gives
        that segment a discount at all). Shown by the cart, web and API alike."""
        segment = pending_segment(store=self.store, user=self.customer)
        if not segment or not self.rates.segment_percent.get(segment):
            return []
        message = PENDING_SEGMENT_MESSAGES[segment]
        if self.store.segment_by_email and not self.customer.email_verified:
            message = _("%(pending)s: confirm your e-mail address to get it.") % {"pending": message}
        return [str(message)]

    def tax_rate(self, variant) -> Decimal:
        if variant.tax_class_id is None:
            return self.rates.default_tax
        return self.rates.tax_by_class.get(variant.tax_class_id, self.rates.default_tax)

    def price(self, variant) -> UnitPrice:
        currency = self.store.currency
        base = round_money(variant.price, currency)
        sale = round_money(variant.sale_price, currency) if variant.sale_price is not None else None
        start = sale if sale is not None and sale < base else base
        price, adjustments = start, []
        for code, label, percent in self._percent_steps:
            amount = min(round_money(percent_of(price, percent), currency), price)
            if amount > 0:
                adjustments.append(Adjustment(code=code, label=label, amount=amount, percent=percent))
                price -= amount
        if self._offer_sources:
            price, adjustments = self._with_promotion(variant, start, price, adjustments, currency)
        return UnitPrice(currency=currency, base=base, sale=sale, price=max(price, ZERO),
                         adjustments=tuple(adjustments), tax_rate=self.tax_rate(variant),
                         includes_tax=self.store.prices_include_tax)

    def _with_promotion(self, variant, start: Decimal, price: Decimal, adjustments: list, currency: str):
        """The best combinable promotion on top of the customer's discounts, unless the best exclusive one
        alone, on the sale price, is cheaper for the customer (at an equal price, the higher priority wins,
        then the customer's own discounts)."""
        offers = [offer for source in self._offer_sources for offer in source(variant)]
        combinable = _best([offer for offer in offers if not offer.exclusive], price, currency)
        if combinable is not None:
            price, adjustments = price - combinable[1], [*adjustments, combinable[0].adjustment(combinable[1])]
        exclusive = _best([offer for offer in offers if offer.exclusive], start, currency)
        if exclusive is not None:
            offer, amount = exclusive
            rival = combinable[0].priority if combinable is not None else None
            if start - amount < price or (start - amount == price and rival is not None and offer.priority > rival):
                return start - amount, [offer.adjustment(amount)]
        return price, adjustments

    def cheapest(self, variants) -> tuple[object, UnitPrice] | tuple[None, None]:
        """The variant with the lowest price for this customer (product cards' "from" price)."""
        priced = [(variant, self.price(variant)) for variant in variants]
        if not priced:
            return None, None
        return min(priced, key=lambda pair: (pair[1].price, pair[0].position, pair[0].pk))



def _best(offers: list[Offer], price: Decimal, currency: str) -> tuple[Offer, Decimal] | None:
    """The offer taking most off `price` (then the highest priority, then the oldest promotion); None when
    none takes anything off."""
    best, best_key = None, None
    for offer in offers:
        amount = offer.amount_off(price, currency)
        key = (amount, offer.priority, -offer.promotion_id)
        if amount > 0 and (best_key is None or key > best_key):
            best, best_key = (offer, amount), key
    return best
