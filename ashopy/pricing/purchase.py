"""The purchase policy: what this customer pays for a variant, whether it can be bought, and how many.

One object per request (`policy_for_request`), as django-oscar's strategy: the storefront, the
product page, the cart, the checkout and the API ask it rather than recomputing. It is a
`PricingPolicy` (prices, taxes) that also answers availability — the catalogue's one definition
(`catalog.availability`: units free now, and the pre-order state) — and `is_purchase_permitted`,
which folds in the unique-item cap (`catalog.rules`) and the pre-order limit.

A variant marked pre-order may be bought beyond its free units, up to its `preorder_limit` less
the units already waiting (`Variant.preorder_waiting`, kept by the orders app); the units beyond
the free stock are the pre-order part of the quantity. The answer is read from the variant's row
and its `available` annotation, so asking costs no query; the checkout checks the limit again
under a lock when it places the order.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ashopy.catalog import rules
from ashopy.catalog.availability import state_of, with_stock
from ashopy.catalog.models import Availability, Product, Variant

from .resolver import PricingPolicy


class Code:
    """Why a quantity was refused or cut (the API's `code`)."""

    OK = "ok"
    NOT_SOLD = "not_found"
    OUT_OF_STOCK = "insufficient_stock"
    UNIQUE = "unique_item"
    PREORDER_LIMIT = "preorder_limit"


@dataclass(frozen=True)
class Verdict:
    """The answer to "may this customer have `quantity` units of this variant?".

    `max_quantity` is the most they may have now (0: none); `preorder_quantity` is how many of the
    units allowed (`min(quantity, max_quantity)`) lie beyond the free stock and would be pre-ordered.
    """

    allowed: bool
    max_quantity: int
    reason: str
    code: str
    preorder_quantity: int = 0
    expected_on: date | None = None


def label(variant: Variant) -> str:
    """How a variant is named to the customer: the product, and the variant when it has a name."""
    name = variant.product.name
    return f"{name} — {variant.name}" if variant.name else name


def free_units(variant: Variant) -> int:
    """The units that can be sold from stock now: the variant's `available` annotation, read once when absent."""
    available = getattr(variant, "available", None)
    if available is None:
        available = with_stock(Variant.objects.filter(pk=variant.pk)).values_list("available", flat=True).first()
        variant.available = available or 0
    return max(available or 0, 0)


def preorder_room(variant: Variant) -> int:
    """The units that may still be pre-ordered (none when the variant is not on pre-order)."""
    if not variant.preorder:
        return 0
    if variant.preorder_limit is None:
        return rules.MAX_QUANTITY
    return max(variant.preorder_limit - variant.preorder_waiting, 0)


def preorder_units(variant: Variant, quantity: int) -> int:
    """Of `quantity` units, those beyond the free stock, which would be pre-ordered (none unless on pre-order)."""
    return max(quantity - free_units(variant), 0) if variant.preorder else 0


class PurchasePolicy(PricingPolicy):
    """Prices, availability and the right to buy, for one customer (or a visitor) in one store."""

    def availability(self, variant: Variant) -> Availability:
        return state_of(variant)

    def sellable(self, variant: Variant) -> bool:
        """The variant is this store's, active, and its product published."""
        return (variant.store_id == self.store.pk and variant.active
                and variant.product.status == Product.Status.PUBLISHED)

    def max_quantity(self, variant: Variant) -> int:
        if not self.sellable(variant):
            return 0
        most = min(free_units(variant) + preorder_room(variant), rules.MAX_QUANTITY)
        return min(most, rules.UNIQUE_MAX) if rules.is_unique(variant.product) else most

    def is_purchase_permitted(self, variant: Variant, quantity: int) -> Verdict:
        """May the customer hold `quantity` units of `variant` (a cart line's whole quantity)?"""
        most = self.max_quantity(variant)
        preorder = preorder_units(variant, min(quantity, most))
        expected_on = variant.preorder_expected_on if preorder else None
        if quantity <= most and quantity > 0:
            return Verdict(True, most, "", Code.OK, preorder, expected_on)
        return Verdict(False, most, *self._refusal(variant, most), preorder, expected_on)

    def _refusal(self, variant: Variant, most: int) -> tuple[str, str]:
        name = label(variant)
        if not self.sellable(variant):
            return _("“{product}” is no longer sold.").format(product=name), Code.NOT_SOLD
        if rules.is_unique(variant.product) and most == rules.UNIQUE_MAX:
            return _("“{product}” is unique: one at most in the cart.").format(product=name), Code.UNIQUE
        if variant.preorder:
            return (_("No more units of “{product}” can be pre-ordered.").format(product=name)
                    if most == free_units(variant) else
                    _("Only {n} units of “{product}” can be ordered now.").format(product=name, n=most),
                    Code.PREORDER_LIMIT)
        return (_("Cannot add more of “{product}” to the cart: not enough stock.").format(product=name),
                Code.OUT_OF_STOCK)


def policy_for_request(request) -> PurchasePolicy:
    """The request's policy, built once per request."""
    policy = getattr(request, "_purchase_policy", None)
    if policy is None:
        policy = PurchasePolicy(request.store, getattr(request, "user", None))
        request._purchase_policy = policy
    return policy
