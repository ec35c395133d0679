from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "ashopy.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from . import signals  # noqa: F401
