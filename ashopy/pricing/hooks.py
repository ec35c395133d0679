"""Where promotions plug into the price resolver.

An adjuster is a callable ``(context: PriceContext, variant, price: Decimal) ->
Iterable[Adjustment]``; each adjustment takes an amount off the unit price.
Apps above pricing (promotions) register theirs in ``AppConfig.ready()``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

_adjusters: list[Callable] = []


@dataclass(frozen=True)
class Adjustment:
    code: str  # "partner", "segment", or the promotion's own code
    label: str  # what the customer reads: "Partner discount (UCAD)"
    amount: Decimal  # taken off the unit price, in the store's currency, before tax basis changes
    percent: Decimal | None = None


@dataclass(frozen=True)
class PriceContext:
    store: object
    customer: object | None


def register_adjuster(adjuster: Callable[..., Iterable[Adjustment]]) -> None:
    if adjuster not in _adjusters:
        _adjusters.append(adjuster)


def unregister_adjuster(adjuster) -> None:
    if adjuster in _adjusters:
        _adjusters.remove(adjuster)


def adjusters() -> tuple[Callable, ...]:
    return tuple(_adjusters)
