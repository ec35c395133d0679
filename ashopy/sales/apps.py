from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "ashopy.sales"
    label = "sales"
    verbose_name = _("Sales documents")

    def ready(self):
        from . import consumers  # noqa: F401  (an invoice for every paid order)
