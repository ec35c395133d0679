from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "ashopy.shipping"
    label = "shipping"
    verbose_name = _("Shipping")

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
