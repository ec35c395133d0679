from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ashopy.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from ashopy.orders import timeline

        from . import checks  # noqa: F401  (registers the check)
        from .providers import label_of

        timeline.register_method_labels(label_of)
