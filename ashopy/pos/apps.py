from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PosConfig(AppConfig):
    name = "ashopy.pos"
    label = "pos"
    verbose_name = _("Point of sale")

    def ready(self):
        from . import mobile  # noqa: F401  (registers the till's mobile-money requests with the payments app)
