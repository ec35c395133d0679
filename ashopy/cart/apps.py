from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "ashopy.cart"
    label = "cart"
    verbose_name = _("Carts")

    def ready(self):
        from . import signals  # noqa: F401
