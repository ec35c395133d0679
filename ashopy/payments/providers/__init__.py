"""The providers a store can offer, by code, and their configuration per store.

Credentials come from settings (`PAYMENT_PROVIDERS`, read from the environment as JSON): a map
from store slug (or "*" for every store) to {provider code: config}. Secrets stay out of the
database.
"""

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

REGISTRY = {
    "sandbox": "ashopy.payments.providers.sandbox.Sandbox",
    "stripe": "ashopy.payments.providers.stripe_checkout.StripeCheckout",
    "wave": "ashopy.payments.providers.wave.Wave",
    "orange_money": "ashopy.payments.providers.orange_money.OrangeMoney",
    "cash_on_delivery": "ashopy.payments.providers.offline.CashOnDelivery",
    "bank_transfer": "ashopy.payments.providers.offline.BankTransfer",
}


def configured(store) -> dict[str, dict]:
    """{code: config} of the providers `store` offers, in the configured order."""
    config = getattr(settings, "PAYMENT_PROVIDERS", {}) or {}
    chosen = config.get(store.slug, config.get("*", {}))
    return {code: dict(options or {}) for code, options in chosen.items() if code in REGISTRY}


# Money staff receive by hand without a provider (a quote's deposit paid at the counter).
RECORDED_BY_HAND = {"cash": gettext_lazy("Cash")}


def label_of(code: str) -> str:
    """A method's name as people read it ("Wave", "Carte bancaire (Stripe)"), whatever the store."""
    if code in RECORDED_BY_HAND:
        return str(RECORDED_BY_HAND[code])
    return str(import_string(REGISTRY[code]).label or code) if code in REGISTRY else code


def build(code: str, config: dict):
    return import_string(REGISTRY[code])(config)


def get(store, code: str):
    """The provider `code` as configured for `store`, or None when the store does not offer it (or its
    configuration is incomplete: see `Provider.config_errors` and `payments.checks`)."""
    options = configured(store)
    if code not in options:
        return None
    provider = build(code, options[code])
    return None if provider.config_errors() else provider


# Paid to whoever delivers the parcel: not offered when the cart may not travel as one (a real-estate lot,
# see cart.rules).
ON_DELIVERY = frozenset({"cash_on_delivery"})


def offered(store, *, parcel: bool = True) -> list:
    """The providers `store` offers; `parcel` False (the cart is not delivered as a parcel): none paid on
    delivery."""
    found = [get(store, code) for code in configured(store) if parcel or code not in ON_DELIVERY]
    return [provider for provider in found if provider is not None]
