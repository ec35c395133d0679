"""Where promotions plug into the price resolver.

An app above pricing (promotions) registers an *adjuster* in ``AppConfig.ready()``: a callable
``(context: PriceContext) -> OfferSource | None``, called once when a `PricingPolicy` is built (one
per request), so that what depends on the store, the customer and the time (which promotions run
now, for whom) is worked out once, not per variant. It returns None when nothing can apply, else
an ``OfferSource``: ``(variant) -> Iterable[Offer]``, the offers for one variant, answered from
memory (a listing prices 96 cards: no query per variant).

The resolver picks among the offers (see `resolver.PricingPolicy.price`) and records the one it
applies as an `Adjustment`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ashopy.core.money import HUNDRED, ZERO, percent_of, round_money

_adjusters: list[Callable] = []


@dataclass(frozen=True)
class Adjustment:
    code: str  # "partner", "segment", or "promotion"
    label: str  # what the customer reads: "Partner discount (UCAD)", "Soldes d’hiver −15 %"
    amount: Decimal  # taken off the unit price, in the store's currency, before tax basis changes
    percent: Decimal | None = None
    promotion_id: int | None = None  # the promotion that gave it (None for partner and segment)
    exclusive: bool = False  # the promotion does not combine with partner and segment discounts


@dataclass(frozen=True)
class Offer:
    """What one promotion offers on one variant: a percentage, an amount off per unit, or a unit price."""

    PERCENT = "percent"
    AMOUNT = "amount"
    FIXED_PRICE = "fixed_price"

    promotion_id: int
    label: str
    kind: str
    value: Decimal
    priority: int = 0
    exclusive: bool = False

    def amount_off(self, price: Decimal, currency: str) -> Decimal:
        """What it takes off `price` (rounded with the currency's exponent): never more than the price,
        never less than nothing — a fixed price above the current one leaves it as it is."""
        if self.kind == self.PERCENT:
            amount = percent_of(price, min(self.value, HUNDRED))
        elif self.kind == self.AMOUNT:
            amount = self.value
        else:
            amount = price - self.value
        return min(max(round_money(amount, currency), ZERO), price)

    def adjustment(self, amount: Decimal) -> Adjustment:
        percent = self.value if self.kind == self.PERCENT else None
        return Adjustment(code="promotion", label=self.label, amount=amount, percent=percent,
                          promotion_id=self.promotion_id, exclusive=self.exclusive)


@dataclass(frozen=True)
class PriceContext:
    store: object
    customer: object | None
    segment: str = ""  # the customer's effective segment (accounts.selectors.effective_segment)


OfferSource = Callable[[object], Iterable[Offer]]


def register_adjuster(adjuster: Callable[[PriceContext], OfferSource | None]) -> None:
    if adjuster not in _adjusters:
        _adjusters.append(adjuster)


def unregister_adjuster(adjuster) -> None:
    if adjuster in _adjusters:
        _adjusters.remove(adjuster)


def adjusters() -> tuple[Callable, ...]:
    return tuple(_adjusters)
