from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckoutConfig(AppConfig):
    name = "ashopy.checkout"
    label = "checkout"
    verbose_name = _("Checkout")

    def ready(self):
        from ashopy.cart import selectors

        from .services import held_for_cart

        selectors.register_own_holds(held_for_cart)
