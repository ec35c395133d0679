"""Reading a cart: its lines with what they need to be shown and priced, in a fixed number of queries."""

from ashopy.catalog.availability import with_stock
from ashopy.catalog.models import ProductImage, Variant
from ashopy.pricing.resolver import PricingPolicy

from . import totals
from .models import Cart, CartLine


def lines_of(cart: Cart | None) -> list[CartLine]:
    if cart is None:
        return []
    return list(CartLine.objects.filter(cart=cart).select_related("variant__product")
                .order_by("added_at", "id"))


def priced(cart: Cart | None, policy: PricingPolicy, shipping=None) -> totals.Totals:
    """The cart's lines priced for `policy`'s customer, each annotated with the units available."""
    lines = lines_of(cart)
    available = {}
    if lines:
        available = dict(with_stock(Variant.objects.filter(pk__in=[line.variant_id for line in lines]))
                         .values_list("pk", "available"))
    for line in lines:
        line.variant.available = available.get(line.variant_id, 0)
    priced_lines = totals.price_lines(policy, ((line.pk, line.variant, line.quantity) for line in lines))
    return totals.compute(policy=policy, lines=priced_lines, shipping=shipping)


def cover_images(product_ids) -> dict[int, ProductImage]:
    """The first image of each product, for cart and order thumbnails."""
    covers: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=set(product_ids)).order_by("product_id", "position", "id"):
        covers.setdefault(image.product_id, image)
    return covers


def line_count(cart: Cart | None) -> int:
    """Units in the cart, for the header badge."""
    if cart is None:
        return 0
    return sum(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True))
