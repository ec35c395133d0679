"""Helpers for the promo code tests: a code, a cart holding a product."""

from decimal import Decimal

from ashopy.cart import services as cart_services
from ashopy.promotions.models import PromoCode
from tests import factories


def promo_code(store, code="BIENVENUE10", *, kind=PromoCode.Kind.ORDER_PERCENT, value="10", **fields) -> PromoCode:
    return PromoCode.objects.create(store=store, code=code, kind=kind, value=Decimal(value), **fields)


def cart_with(store, user=None, *, price="10000", quantity=1, stock=50, name="Sac"):
    """A cart (the customer's, or a visitor's) holding `quantity` of a new product at `price`."""
    variant = factories.product(store, name=name, price=price, stock=stock).variants.get()
    cart = cart_services.get_cart(store=store, user=user, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart, variant
