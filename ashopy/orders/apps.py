from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "ashopy.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from . import consumers  # noqa: F401  (registers the order e-mails as event consumers)
