from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """Staff pages, one sub-package per domain (orders, inventory, purchasing), as django-oscar's dashboard."""

    name = "ashopy.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")
