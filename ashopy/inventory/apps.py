from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "ashopy.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from ashopy.catalog import availability

        from . import consumers  # noqa: F401  (registers the low-stock e-mail as an event consumer)
        from .levels import StockLevels

        availability.register(StockLevels())
