from django.dispatch import receiver

from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart
from ashopy.orders.signals import order_confirmed


@receiver(order_confirmed)
def empty_the_cart(sender, order, **kwargs):
    """The ordered quantities leave the cart they came from (lines added since stay)."""
    if order.cart_id is None:
        return
    cart = Cart.objects.filter(pk=order.cart_id, store_id=order.store_id).first()
    if cart is not None:
        cart_services.take_ordered(cart=cart, quantities={line.variant_id: line.quantity
                                                          for line in order.lines.all() if line.variant_id})
