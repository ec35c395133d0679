"""Card payments through a Stripe Checkout Session, with the official `stripe` library.

Configuration: `api_key` (secret key), `webhook_secret` (the endpoint's `whsec_…`), and optionally
`api_base` (tests point it at a fake), `timeout` (seconds, 10), `max_network_retries` (2; Stripe
makes retries safe with idempotency keys) and `expires_after` (seconds a session stays open,
between 1800 and 86400; Stripe's own default of 24 h otherwise).
"""

import logging
import time
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property

import stripe
from django.utils.translation import gettext_lazy

from ashopy.core import json_input

from .base import InvalidNotification, Notification, Outcome, PaymentRequest, Provider, ProviderError, Refunded, Started

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE = 300  # seconds

# Stripe's own list of currency exponents (https://docs.stripe.com/currencies#zero-decimal); it is
# not ISO 4217's everywhere, so the library-independent tables of core.money do not apply here.
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
                "XOF", "XPF"}
THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}

LOCALES = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fil", "fr", "hr", "hu", "id", "it", "ja", "ko",
           "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh"}

OUTCOMES = {
    "checkout.session.async_payment_succeeded": Outcome.SUCCEEDED,
    "checkout.session.async_payment_failed": Outcome.FAILED,
    "checkout.session.expired": Outcome.EXPIRED,
}


def exponent(currency: str) -> int:
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """12500 XOF → 12500, 12.50 EUR → 1250. Refuses amounts finer than the currency allows."""
    minor = Decimal(amount).scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than Stripe accepts")
    return int(minor)


def from_minor_units(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-exponent(currency))


def _header(headers: Mapping[str, str], name: str) -> str:
    """Header lookup that ignores case, for Django's request.headers and plain dicts alike."""
    name = name.lower()
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _locale(language: str) -> str:
    base = (language or "").lower().replace("_", "-").split("-")[0]
    return base if base in LOCALES else "auto"


class StripeCheckout(Provider):
    code = "stripe"
    label = gettext_lazy("Card (Stripe)")

    @cached_property
    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.config["api_key"],
            base_addresses={"api": self.config.get("api_base") or stripe.DEFAULT_API_BASE},
            max_network_retries=int(self.config.get("max_network_retries", 2)),
            http_client=stripe.RequestsClient(timeout=float(self.config.get("timeout", 10))),
        )

    def start(self, request: PaymentRequest) -> Started:
        try:
            amount = to_minor_units(request.amount, request.currency)
        except ValueError as error:
            logger.warning("Stripe: %s", error)
            raise ProviderError() from error
        metadata = {"payment_id": str(request.payment_id), "reference": request.reference,
                    "order_number": request.order_number}
        params = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": request.currency.lower(), "unit_amount": amount,
                "product_data": {"name": request.description or request.order_number},
            }}],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": request.reference,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},  # so the payment and its refunds lead back to us
            "locale": _locale(request.language),
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        if self.config.get("expires_after"):
            params["expires_at"] = int(time.time()) + int(self.config["expires_after"])
        try:
            session = self.client.v1.checkout.sessions.create(params)
        except stripe.StripeError as error:
            logger.warning("Stripe refused the checkout session for %s: %s", request.reference, error)
            raise ProviderError() from error
        return Started(provider_reference=session.id, redirect_url=session.url, data={"session_id": session.id},
                       raw=session.to_dict())

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        try:
            self._verify(body, _header(headers, "Stripe-Signature"))
            payload = json_input.loads(body)
            session = payload["data"]["object"]
            event_id, event_type = str(payload["id"]), str(payload["type"])
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as error:
            raise InvalidNotification() from error
        if not isinstance(session, dict) or not event_type.startswith("checkout.session."):
            return Notification(event_id=event_id, outcome=Outcome.PENDING, raw=payload)
        return self._session_notification(event_id, event_type, session, payload)

    def _verify(self, body: bytes, header: str) -> None:
        """Stripe's signature check, which refuses stale timestamps only: one from the future is refused too
        (a signature made ahead of time would otherwise stay good until then)."""
        stripe.WebhookSignature.verify_header(body, header, self.config.get("webhook_secret"),
                                              tolerance=SIGNATURE_TOLERANCE)
        items = [part.split("=", 2) for part in header.split(",")]  # read as the library reads it
        timestamp = int(next(item[1] for item in items if item[0] == "t"))
        if timestamp > time.time() + SIGNATURE_TOLERANCE:
            raise InvalidNotification()

    def _session_notification(self, event_id: str, event_type: str, session: dict, payload: dict) -> Notification:
        if event_type == "checkout.session.completed":
            # Delayed methods (bank debits) complete the session unpaid; async_payment_* follows.
            outcome = Outcome.SUCCEEDED if session.get("payment_status") == "paid" else Outcome.PENDING
        else:
            outcome = OUTCOMES.get(event_type, Outcome.PENDING)
        currency = (session.get("currency") or "").upper()
        amount = session.get("amount_total")
        intent = session.get("payment_intent")
        if isinstance(intent, dict):  # expanded
            intent = intent.get("id")
        return Notification(
            event_id=event_id, outcome=outcome,
            provider_reference=str(session.get("id") or ""),
            reference=str(session.get("client_reference_id") or ""),
            amount=from_minor_units(amount, currency) if isinstance(amount, int) and currency else None,
            currency=currency,
            data={"payment_intent": intent} if intent else {},
            raw=payload,
        )

    def refund(self, *, provider_reference: str, amount: Decimal, currency: str, reference: str,
               data: Mapping) -> Refunded:
        intent = data.get("payment_intent")
        if not intent:
            logger.warning("Stripe: no payment_intent kept for %s, cannot refund", provider_reference)
            raise ProviderError(gettext_lazy("This payment cannot be refunded automatically: Stripe never "
                                             "confirmed it."))
        try:
            refund = self.client.v1.refunds.create({
                "payment_intent": intent, "amount": to_minor_units(amount, currency),
                "metadata": {"reference": reference, "checkout_session": provider_reference},
            })
        except (stripe.StripeError, ValueError) as error:
            logger.warning("Stripe refused the refund of %s: %s", provider_reference, error)
            raise ProviderError(gettext_lazy("The payment service refused or could not make the refund; "
                                             "please try again.")) from error
        return Refunded(provider_reference=refund.id, raw=refund.to_dict())
