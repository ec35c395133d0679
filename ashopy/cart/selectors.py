"""Reading a cart: its lines with what they need to be shown and priced, in a fixed number of queries.

Units held for the cart's own pending orders (a customer gone to pay, or trying again) are
available to that cart: the app that turns carts into orders tells which at start-up
(`register_own_holds`), as the cart sits below the orders and cannot ask them.
"""

from collections.abc import Callable
from decimal import Decimal

from ashopy.catalog.availability import units_available_sql
from ashopy.catalog.models import Product, ProductImage, Variant
from ashopy.core.rows import Columns, fetch, for_update
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions import codes
from ashopy.promotions.errors import CodeRefused
from ashopy.promotions.models import PromoCode

from . import totals
from .models import Cart, CartLine

_LINE = Columns(CartLine, "line")
_VARIANT = Columns(Variant, "variant", start=_LINE.end)
_PRODUCT = Columns(Product, "product", start=_VARIANT.end)
_CODE = Columns(PromoCode, "code", start=_PRODUCT.end)


def _lines_sql(lock: bool) -> str:
    # Written by hand: every order reads its cart once, and the ORM took 8x longer to build this
    # query than the database takes to run it (core/rows.py).
    locking = for_update("line") if lock else ""
    # The cart's promo code comes along (LEFT JOIN): pricing needs it, and it costs no query of its own.
    return (f"SELECT {_LINE.sql}, {_VARIANT.sql}, {_PRODUCT.sql}, {_CODE.sql}, "  # noqa: S608
            f"{units_available_sql('line.variant_id')} "
            f"FROM {CartLine._meta.db_table} line "
            f"JOIN {Variant._meta.db_table} variant ON variant.id = line.variant_id "
            f"JOIN {Product._meta.db_table} product ON product.id = variant.product_id "
            f"JOIN {Cart._meta.db_table} cart ON cart.id = line.cart_id "
            f"LEFT JOIN {PromoCode._meta.db_table} code ON code.id = cart.promo_code_id "
            f"WHERE line.cart_id = %s ORDER BY line.added_at, line.id{locking}")


_own_holds: Callable[[Cart], dict[int, int]] | None = None


def register_own_holds(source: Callable[[Cart], dict[int, int]]) -> None:
    """`source(cart)`: the units per variant that the cart's own pending orders hold."""
    global _own_holds
    _own_holds = source


def own_holds(cart: Cart) -> dict[int, int]:
    """Units per variant held for `cart`'s own pending orders: not sellable to others, but to this cart.

    Callers ask only when a quantity exceeds the free units (one query then, none on the common path).
    """
    return _own_holds(cart) if _own_holds is not None else {}


def lines_of(cart: Cart | None, *, lock: bool = False) -> list[CartLine]:
    """The cart's lines (oldest first) with their variant and product; the line and the variant
    carry `available`, the units available to this cart now, and the line `own_held`, how many of
    those its own pending orders hold. `cart.promo_code` is set from the same rows.

    One query, and a second when a line asks for more than the free units: those its own pending
    orders hold are then counted in. `lock` takes the lines' rows for the caller's transaction.
    """
    if cart is None:
        return []
    lines = []
    rows = fetch(_lines_sql(lock), [cart.pk])
    for row in rows:
        line, variant, product = _LINE.instance(row), _VARIANT.instance(row), _PRODUCT.instance(row)
        line.available = variant.available = row[-1]
        line.own_held = 0
        variant.product, line.variant, line.cart = product, variant, cart
        lines.append(line)
    if rows:
        cart.promo_code = _CODE.instance(rows[0]) if rows[0][_CODE.start] is not None else None
    if any(line.quantity > line.available for line in lines):
        held = own_holds(cart)
        for line in lines:
            line.own_held = held.get(line.variant_id, 0)
            line.available = line.variant.available = line.available + line.own_held
    return lines


def code_offer(cart: Cart | None, policy: PricingPolicy, items: Decimal, *, email: str = "",
               count_uses: bool = True) -> tuple[codes.Offer | None, str]:
    """The cart's promo code ready for pricing, or None and why it does not apply now (the customer reads it).

    One query for the code when the cart has one (two more for a code on chosen products, one to
    count its uses unless `count_uses` is False — the checkout counts them with the code locked).
    """
    if cart is None or cart.promo_code_id is None:
        return None, ""
    code = cart.promo_code
    if code is None:
        return None, ""
    code.store = cart.store
    try:
        codes.check(code, user=policy.customer, goods=items, email=email, count_uses=count_uses)
    except CodeRefused as error:
        return None, str(error)
    return codes.offer(code), ""


def priced(cart: Cart | None, policy: PricingPolicy, shipping=None, *, lines: list[CartLine] | None = None,
           email: str = "", count_uses: bool = True) -> totals.Totals:
    """The cart's lines (read now unless given, as `lines_of` returns them) priced for `policy`'s customer,
    with the cart's promo code when it applies (`email`: a guest's, known at checkout)."""
    lines = lines_of(cart) if lines is None else lines
    priced_lines = totals.price_lines(policy, ((line.pk, line.variant, line.quantity) for line in lines))
    offer, problem = code_offer(cart, policy, sum((line.price.amount for line in priced_lines), Decimal(0)),
                                email=email, count_uses=count_uses) if priced_lines else (None, "")
    return totals.compute(policy=policy, lines=priced_lines, shipping=shipping, offer=offer, code_problem=problem)


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
