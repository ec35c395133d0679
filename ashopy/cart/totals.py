"""What a cart (or an order being placed) costs: priced lines, shipping, taxes by rate, total.

Every amount comes from the pricing resolver (per line rounding with the currency's exponent);
shipping is taxed at the store's default rate. Checkout stores these figures on the order, and
the order's recomputation from its stored lines gives the same total (tested).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ashopy.core.money import ZERO
from ashopy.pricing.purchase import preorder_units
from ashopy.pricing.resolver import LinePrice, PricingPolicy, UnitPrice, tax_split
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

    @property
    def expected_on(self):
        return self.variant.preorder_expected_on if self.preorder_quantity else None


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


def compute(*, policy: PricingPolicy, lines: list[PricedLine], shipping: ShippingQuote | None = None) -> Totals:
    store = policy.store
    currency = store.currency
    taxes: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        taxes[line.unit.tax_rate] += line.price.tax
    shipping_rate = policy.rates.default_tax
    shipping_net = shipping_tax = shipping_gross = ZERO
    if shipping is not None and shipping.price > 0:
        shipping_net, shipping_tax, shipping_gross = tax_split(
            shipping.price, rate=shipping_rate, includes_tax=store.prices_include_tax, currency=currency)
        taxes[shipping_rate] += shipping_tax
    return Totals(
        currency=currency, includes_tax=store.prices_include_tax, lines=tuple(lines),
        goods_net=sum((line.price.net for line in lines), ZERO),
        goods_tax=sum((line.price.tax for line in lines), ZERO),
        goods_gross=sum((line.price.gross for line in lines), ZERO),
        discount=sum((line.price.discount for line in lines), ZERO),
        shipping=shipping, shipping_net=shipping_net, shipping_tax=shipping_tax, shipping_gross=shipping_gross,
        shipping_tax_rate=shipping_rate,
        taxes=tuple(sorted(((rate, tax) for rate, tax in taxes.items() if tax), reverse=True)),
        weight_kg=weight_of(lines), quantity=sum(line.quantity for line in lines))
