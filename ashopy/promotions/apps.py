from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "ashopy.promotions"
    label = "promotions"
    verbose_name = _("Promotions")

    def ready(self):
        from ashopy.pricing import hooks

        from . import signals  # noqa: F401
        from .catalogue import adjuster

        hooks.register_adjuster(adjuster)
