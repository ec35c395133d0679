from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "ashopy.stores"
    label = "stores"
    verbose_name = _("Stores")

    def ready(self):
        from . import signals  # noqa: F401
