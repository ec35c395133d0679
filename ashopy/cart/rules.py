"""Unique items (a real-estate lot): decided here once, for the web, the API and the checkout.

A unique item is not a parcel: never more than one in a cart, no parcel delivery (only methods
the customer comes to, see `shipping.selectors.PARCEL_KINDS`) and no payment on delivery
(`payments.providers.ON_DELIVERY`). The kind is read from the content type that every product
row already carries (`polymorphic_ctype_id`, in the cart's hand-written SQL too): no query per
line, and Django memoises the content type itself.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from ashopy.catalog.models import Product, RealEstateLot
from ashopy.stores.models import Store

UNIQUE_MAX = 1  # units of a unique item a cart may hold


def is_unique(product: Product) -> bool:
    """A product sold once (a real-estate lot), whichever class the instance was read as."""
    if isinstance(product, RealEstateLot):
        return True
    return (product.polymorphic_ctype_id is not None
            and product.polymorphic_ctype_id == ContentType.objects.get_for_model(RealEstateLot).pk)


def max_quantity(product: Product, available: int) -> int:
    """The units of `product` a cart may hold when `available` can be sold to it."""
    return min(available, UNIQUE_MAX) if is_unique(product) else available


def holds_unique(lines: Iterable) -> bool:
    """Whether cart lines (as `selectors.lines_of` returns them) include a unique item."""
    return any(is_unique(line.variant.product) for line in lines)


def contact(store: Store) -> str:
    """How to reach the shop to reserve a unique item: its e-mail and phone (its name when it gave neither)."""
    return " / ".join(str(value) for value in (store.email, store.phone) if value) or store.name
