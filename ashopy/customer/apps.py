from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerConfig(AppConfig):
    """The customer's own pages that need the selling apps (their orders: history, detail, cancel, reorder)."""

    name = "ashopy.customer"
    label = "customer"
    verbose_name = _("Customer account")
