"""Unique items (a real-estate lot): what a product *is* decides how many of it one customer may buy.

Read from the content type that every product row already carries (`polymorphic_ctype_id`, in the
cart's hand-written SQL too): no query per line, and Django memoises the content type itself. The
purchase policy (`pricing.purchase`) applies the cap; the cart and the checkout add what follows
from it (no parcel delivery, no payment on delivery: `cart.rules`).
"""

from django.contrib.contenttypes.models import ContentType

from .models import Product, RealEstateLot

UNIQUE_MAX = 1  # units of a unique item a cart may hold
MAX_QUANTITY = 1_000_000  # units of one variant a line, a movement or a hold may count


def is_unique(product: Product) -> bool:
    """A product sold once (a real-estate lot), whichever class the instance was read as."""
    if isinstance(product, RealEstateLot):
        return True
    return (product.polymorphic_ctype_id is not None
            and product.polymorphic_ctype_id == ContentType.objects.get_for_model(RealEstateLot).pk)
