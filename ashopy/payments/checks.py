"""`manage.py check`: a payment method configured without what the customer needs is reported."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register

from . import providers


@register()
def payment_providers_are_complete(app_configs=None, **kwargs) -> list[CheckWarning]:
    found = []
    for scope, methods in (getattr(settings, "PAYMENT_PROVIDERS", {}) or {}).items():
        for code, config in (methods or {}).items():
            if code not in providers.REGISTRY:
                found.append(CheckWarning(f"PAYMENT_PROVIDERS[{scope!r}] names an unknown provider {code!r}.",
                                          hint=f"Known: {', '.join(providers.REGISTRY)}.", id="payments.W001"))
                continue
            errors = providers.build(code, dict(config or {})).config_errors()
            if errors:
                found.append(CheckWarning(
                    f"PAYMENT_PROVIDERS[{scope!r}][{code!r}]: {'; '.join(errors)}. It is not offered to customers.",
                    id="payments.W002"))
    return found
