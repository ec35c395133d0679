from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "ashopy.pricing"
    label = "pricing"
    verbose_name = _("Pricing")

    def ready(self):
        from . import signals  # noqa: F401
