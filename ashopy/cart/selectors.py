"""Reading a cart: its lines with what they need to be shown and priced, in a fixed number of queries."""

from ashopy.catalog.availability import units_available
from ashopy.catalog.models import ProductImage
from ashopy.pricing.resolver import PricingPolicy

from . import totals
from .models import Cart, CartLine


def lines_of(cart: Cart | None, *, lock: bool = False) -> list[CartLine]:
    """The cart's lines with their variant and product, the variant annotated with the units available.

    One query; `lock` takes the lines' rows for the caller's transaction.
    """
    if cart is None:
        return []
    lines = (CartLine.objects.filter(cart=cart).select_related("variant__product")
             .annotate(available=units_available("variant_id")).order_by("added_at", "id"))
    if lock:
        lines = lines.select_for_update(of=("self",))
    lines = list(lines)
    for line in lines:
        line.variant.available = line.available
    return lines


def priced(cart: Cart | None, policy: PricingPolicy, shipping=None, *, lines: list[CartLine] | None = None
           ) -> totals.Totals:
    """The cart's lines (read now unless given, as `lines_of` returns them) priced for `policy`'s customer."""
    lines = lines_of(cart) if lines is None else lines
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
