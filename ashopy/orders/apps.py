from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "ashopy.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from ashopy.promotions import codes

        from . import consumers  # noqa: F401  (registers the order e-mails as event consumers)
        from .selectors import has_paid_order

        codes.register_paid_orders(has_paid_order)
