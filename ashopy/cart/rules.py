"""Unique items (a real-estate lot) in a cart: what follows for the checkout, for the web and the API.

Whether a product is unique, and the one-unit cap, are the catalogue's and the purchase policy's
(`catalog.rules`, `pricing.purchase`). What a cart holding one changes is decided here: no parcel
delivery (only methods the customer comes to, see `shipping.selectors.PARCEL_KINDS`) and no payment
on delivery (`payments.providers.ON_DELIVERY`).
"""

from collections.abc import Iterable

from ashopy.catalog.rules import is_unique
from ashopy.stores.models import Store


def holds_unique(lines: Iterable) -> bool:
    """Whether cart lines (as `selectors.lines_of` returns them) include a unique item."""
    return any(is_unique(line.variant.product) for line in lines)


def contact(store: Store) -> str:
    """How to reach the shop to reserve a unique item: its e-mail and phone (its name when it gave neither)."""
    return " / ".join(str(value) for value in (store.email, store.phone) if value) or store.name
