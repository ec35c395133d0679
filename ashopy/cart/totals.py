"""What a cart (or an order being placed) costs: priced lines, shipping, taxes by rate, total.

Discounts stack here, in one place, in this order (docs/architecture.md, "How discounts stack"):
the unit price from the pricing resolver (base → sale → catalogue promotion / partner / segment)
→ a line-level code (off the chosen products' lines) → an order-level code (a percentage of what
is left, or an amount capped at the goods), spread over the lines in proportion → a shipping
discount → tax, per line, with the currency's exponent. So every line's net, tax and gross stay
exact, taxes by rate stay right, and nothing is ever negative. Checkout stores these figures on
the order, and the order's recomputation from its stored lines gives the same total (tested).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from ashopy.core.money import ZERO, percent_of, round_money
from ashopy.pricing.purchase import preorder_units
from ashopy.pricing.resolver import LinePrice, PricingPolicy, UnitPrice, tax_split
from ashopy.promotions.codes import ITEM_KINDS, Offer
from ashopy.promotions.models import PromoCode
from ashopy.shipping.selectors import ShippingQuote


@dataclass(frozen=True)
class PricedLine:
    line_id: int | None
    variant: object
    quantity: int
    unit: UnitPrice
    price: LinePrice
    available: int | None = None
    preorder_quantity: int = 0  # units beyond the free stock, on pre-order (pricing.purchase)
    code_discount: Decimal = ZERO  # the line's part of the code's discount, on the store's tax basis
    after_code: LinePrice | None = None  # `price` less `code_discount`, taxed again

    @property
    def charged(self) -> LinePrice:
        """What the line costs once every discount is taken: what the order stores."""
        return self.after_code or self.price

    @property
    def expected_on(self):
        return self.variant.preorder_expected_on if self.preorder_quantity else None


@dataclass(frozen=True)
class DiscountLine:
    """One discount as the customer reads it, with what caused it (stored as orders.OrderDiscount)."""

    kind: str  # "promotion", "customer" (partner, segment), "code" or "shipping"
    label: str
    amount: Decimal  # on the store's tax basis
    code_id: int | None = None
    promotion_id: int | None = None


@dataclass(frozen=True)
class Totals:
    currency: str
    includes_tax: bool
    lines: tuple[PricedLine, ...]
    goods_net: Decimal
    goods_tax: Decimal
    goods_gross: Decimal
    discount: Decimal
    shipping: ShippingQuote | None
    shipping_net: Decimal
    shipping_tax: Decimal
    shipping_gross: Decimal
    shipping_tax_rate: Decimal
    taxes: tuple[tuple[Decimal, Decimal], ...]  # (rate, tax) by rate, highest rate first
    weight_kg: Decimal
    quantity: int
    offer: Offer | None = None  # the promo code that applies, if any
    code_problem: str = ""  # why the cart's code does not apply now
    shipping_discount: Decimal = ZERO  # on the store's tax basis
    discount_lines: tuple[DiscountLine, ...] = ()

    @property
    def items(self) -> Decimal:
        """The goods before any code, as catalogue prices show them (what a code's minimum is checked on)."""
        return sum((line.price.amount for line in self.lines), ZERO)

    @property
    def code_discount(self) -> Decimal:
        """The code's discount on the goods (shipping apart)."""
        return sum((line.code_discount for line in self.lines), ZERO)

    @property
    def catalogue_discount(self) -> Decimal:
        return self.discount - self.code_discount

    @property
    def code_lines(self) -> tuple[DiscountLine, ...]:
        """The discounts a code gave (goods, shipping), shown under the goods."""
        return tuple(line for line in self.discount_lines if line.kind in ("code", "shipping"))

    @property
    def savings(self) -> Decimal:
        """Every discount shown: the sum of the discount lines."""
        return sum((line.amount for line in self.discount_lines), ZERO)

    @property
    def net(self) -> Decimal:
        return self.goods_net + self.shipping_net

    @property
    def tax(self) -> Decimal:
        return self.goods_tax + self.shipping_tax

    @property
    def total(self) -> Decimal:
        return self.goods_gross + self.shipping_gross

    @property
    def goods(self) -> Decimal:
        """The goods as catalogue prices show them (gross if prices include tax)."""
        return self.goods_gross if self.includes_tax else self.goods_net


def price_lines(policy: PricingPolicy, items: Iterable[tuple[int | None, object, int]]) -> list[PricedLine]:
    """`items` are (line id, variant, quantity); variants may carry an `available` annotation, which
    tells how many units would be pre-ordered."""
    priced = []
    for line_id, variant, quantity in items:
        unit = policy.price(variant)
        available = getattr(variant, "available", None)
        priced.append(PricedLine(line_id=line_id, variant=variant, quantity=quantity, unit=unit,
                                 price=unit.line(quantity), available=available,
                                 preorder_quantity=preorder_units(variant, quantity) if available is not None else 0))
    return priced


def weight_of(lines: Iterable[PricedLine]) -> Decimal:
    return sum(((line.variant.weight_kg or ZERO) * line.quantity for line in lines), ZERO)


def _allocate(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """`total` (at most the sum of `weights`) spread over the lines in proportion, rounded per line; the
    rounding remainder goes to the largest lines, never beyond a line's amount nor below zero."""
    base = sum(weights, ZERO)
    if base <= 0 or total <= 0:
        return [ZERO] * len(weights)
    shares = [min(round_money(total * weight / base, currency), weight) for weight in weights]
    rest = total - sum(shares, ZERO)
    for index in sorted(range(len(weights)), key=lambda index: (-weights[index], index)):
        if not rest:
            break
        step = min(rest, weights[index] - shares[index]) if rest > 0 else max(rest, -shares[index])
        shares[index] += step
        rest -= step
    return shares


def code_shares(offer: Offer | None, items: Sequence[tuple[object, int, Decimal]], currency: str) -> list[Decimal]:
    """Each item's part of the code's discount; `items` are (variant, quantity, amount on the store's tax
    basis after the discounts that come before the code). A line-level code takes from its products'
    lines, an order-level one from what is left of every line (a percentage of it, or an amount capped at
    it). The web cart and the till both price a code here."""
    if offer is None:
        return [ZERO] * len(items)
    code = offer.code
    amounts = [amount for _variant, _quantity, amount in items]
    if code.kind in ITEM_KINDS:
        percent = code.kind == PromoCode.Kind.ITEMS_PERCENT
        return [min(round_money(percent_of(amount, code.value) if percent else code.value * quantity,
                                currency), amount) if offer.covers(variant) else ZERO
                for variant, quantity, amount in items]
    goods = sum(amounts, ZERO)
    if code.kind == PromoCode.Kind.ORDER_PERCENT:
        return _allocate(min(round_money(percent_of(goods, code.value), currency), goods), amounts, currency)
    if code.kind == PromoCode.Kind.ORDER_AMOUNT:
        return _allocate(min(round_money(code.value, currency), goods), amounts, currency)
    return [ZERO] * len(items)


def _less(price: LinePrice, amount: Decimal, currency: str) -> LinePrice:
    """The line's price less `amount` (store's tax basis), its tax computed again on what is left."""
    net, tax, gross = tax_split(price.amount - amount, rate=price.unit.tax_rate, includes_tax=price.unit.includes_tax,
                                currency=currency)
    return LinePrice(quantity=price.quantity, unit=price.unit, net=net, tax=tax, gross=gross,
                     discount=price.discount + amount)


def _catalogue_lines(lines: list[PricedLine]) -> list[DiscountLine]:
    """The resolver's discounts (promotions, partner, segment), summed over the lines by label."""
    found: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        for adjustment in line.unit.adjustments:
            kind = "customer" if adjustment.code in ("partner", "segment") else "promotion"
            found[kind, str(adjustment.label), getattr(adjustment, "promotion_id", None)] += (
                adjustment.amount * line.quantity)
    return [DiscountLine(kind=kind, label=label, amount=amount, promotion_id=promotion_id)
            for (kind, label, promotion_id), amount in found.items() if amount]


def compute(*, policy: PricingPolicy, lines: list[PricedLine], shipping: ShippingQuote | None = None,
            offer: Offer | None = None, code_problem: str = "") -> Totals:
    """The totals of lines priced by the resolver (`price_lines`), with `offer`'s code when it applies.

    Always from the lines' catalogue prices: computing again from a Totals' lines gives the same figures.
    """
    store = policy.store
    currency = store.currency
    shares = code_shares(offer, [(line.variant, line.quantity, line.price.amount) for line in lines], currency)
    lines = [replace(line, code_discount=share, after_code=_less(line.price, share, currency) if share else None)
             for line, share in zip(lines, shares, strict=True)]
    discount_lines = _catalogue_lines(lines)
    code_discount = sum((line.code_discount for line in lines), ZERO)
    if code_discount:
        discount_lines.append(DiscountLine(kind="code", label=_("Code %(code)s") % {"code": offer.label},
                                           amount=code_discount, code_id=offer.code.pk))
    taxes: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        taxes[line.unit.tax_rate] += line.charged.tax
    shipping_rate = policy.rates.default_tax
    shipping_net = shipping_tax = shipping_gross = shipping_discount = ZERO
    if shipping is not None and shipping.price > 0:
        if offer is not None and offer.code.kind == PromoCode.Kind.FREE_SHIPPING:
            shipping_discount = round_money(shipping.price, currency)
            discount_lines.append(DiscountLine(
                kind="shipping", label=_("Free shipping (code %(code)s)") % {"code": offer.label},
                amount=shipping_discount, code_id=offer.code.pk))
        else:
            shipping_net, shipping_tax, shipping_gross = tax_split(
                shipping.price, rate=shipping_rate, includes_tax=store.prices_include_tax, currency=currency)
            taxes[shipping_rate] += shipping_tax
    return Totals(
        currency=currency, includes_tax=store.prices_include_tax, lines=tuple(lines),
        goods_net=sum((line.charged.net for line in lines), ZERO),
        goods_tax=sum((line.charged.tax for line in lines), ZERO),
        goods_gross=sum((line.charged.gross for line in lines), ZERO),
        discount=sum((line.charged.discount for line in lines), ZERO),
        shipping=shipping, shipping_net=shipping_net, shipping_tax=shipping_tax, shipping_gross=shipping_gross,
        shipping_tax_rate=shipping_rate,
        taxes=tuple(sorted(((rate, tax) for rate, tax in taxes.items() if tax), reverse=True)),
        weight_kg=weight_of(lines), quantity=sum(line.quantity for line in lines),
        offer=offer,
        code_problem=code_problem, shipping_discount=shipping_discount, discount_lines=tuple(discount_lines))
