"""Wave mobile money through the Wave Checkout API (https://docs.wave.com/checkout).

Configuration: `api_key` (a Wave business API key with the Checkout permission),
`webhook_secret` (the endpoint's signing secret), and optionally `api_base` (tests point it at a
fake) and `timeout` (seconds, 10).
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import quote

import httpx
from django.utils.translation import gettext_lazy

from ashopy.core import json_input
from ashopy.core.money import quantum

from .base import InvalidNotification, Notification, Outcome, PaymentRequest, Provider, ProviderError, Refunded, Started

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.wave.com"
SIGNATURE_TOLERANCE = 300  # seconds, either way
REFUND_FAILED = gettext_lazy("The payment service refused or could not make the refund; please try again.")


def _header(headers: Mapping[str, str], name: str) -> str:
    """Header lookup that ignores case, for Django's request.headers and plain dicts alike."""
    name = name.lower()
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _amount(amount: Decimal, currency: str) -> str:
    """Wave wants a string in the major unit with the currency's decimals: "12500" for XOF."""
    exact = Decimal(amount).quantize(quantum(currency))
    if exact != amount:
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return format(exact, "f")


class Wave(Provider):
    code = "wave"
    label = gettext_lazy("Wave")

    def start(self, request: PaymentRequest) -> Started:
        try:
            amount = _amount(request.amount, request.currency)
        except ValueError as error:
            logger.warning("Wave: %s", error)
            raise ProviderError() from error
        session = self._call("POST", "/v1/checkout/sessions", json={
            "amount": amount,
            "currency": request.currency,
            "success_url": request.success_url,
            "error_url": request.cancel_url,
            "client_reference": request.reference,
        }, headers={"Idempotency-Key": request.reference})  # a retried attempt gets the same session
        try:
            session_id, launch_url = str(session["id"]), str(session["wave_launch_url"])
        except (KeyError, TypeError) as error:
            logger.warning("Wave answered a checkout session without id or launch URL: %r", session)
            raise ProviderError() from error
        return Started(provider_reference=session_id, redirect_url=launch_url,
                       data={"amount": amount, "currency": request.currency}, raw=session)

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        self._verify(body, _header(headers, "Wave-Signature"))
        try:
            event = json_input.loads(body)
            session = event["data"]
            event_id, event_type = str(event["id"]), str(event["type"])
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidNotification() from error
        if not isinstance(session, dict):
            raise InvalidNotification()
        if event_type == "checkout.session.completed":
            outcome = Outcome.SUCCEEDED if session.get("payment_status") == "succeeded" else Outcome.PENDING
        elif event_type == "checkout.session.payment_failed":
            outcome = Outcome.FAILED
        else:
            outcome = Outcome.PENDING
        try:
            amount = Decimal(session["amount"]) if session.get("amount") else None
        except ArithmeticError:
            amount = None
        transaction = session.get("transaction_id")
        return Notification(
            event_id=event_id, outcome=outcome,
            provider_reference=str(session.get("id") or ""),
            reference=str(session.get("client_reference") or ""),
            amount=amount, currency=str(session.get("currency") or ""),
            data={"transaction_id": transaction} if transaction else {},
            raw=event,
        )

    def _verify(self, body: bytes, header: str):
        """`Wave-Signature: t=<unix time>,v1=<hex>[,v1=…]`: HMAC-SHA256 of the timestamp then the body."""
        secret = self.config.get("webhook_secret")
        if not secret:
            logger.error("Wave: no webhook_secret configured, every notification is refused")
            raise InvalidNotification()
        parts = [part.strip().split("=", 1) for part in header.split(",") if "=" in part]
        timestamps = [value for key, value in parts if key == "t"]
        signatures = [value for key, value in parts if key == "v1"]
        if len(timestamps) != 1 or not signatures or not timestamps[0].isdecimal():
            raise InvalidNotification()
        if abs(time.time() - int(timestamps[0])) > SIGNATURE_TOLERANCE:
            raise InvalidNotification()
        expected = hmac.new(secret.encode(), timestamps[0].encode() + body, hashlib.sha256).hexdigest()
        if not any(hmac.compare_digest(expected, signature) for signature in signatures):
            raise InvalidNotification()

    def refund(self, *, provider_reference: str, amount: Decimal, currency: str, reference: str,
               data: Mapping) -> Refunded:
        """Wave refunds a whole checkout session; a partial refund is made from the business portal."""
        if data.get("amount") is not None and Decimal(data["amount"]) != amount:
            raise ProviderError(gettext_lazy("Wave refunds whole payments only: refund part of a Wave payment "
                                             "from the Wave business portal."))
        answer = self._call("POST", f"/v1/checkout/sessions/{quote(provider_reference, safe='')}/refund",
                            error_message=REFUND_FAILED)
        return Refunded(provider_reference=provider_reference, raw=answer)

    def _call(self, method: str, path: str, *, json: Mapping | None = None, headers: Mapping | None = None,
              error_message=None) -> dict:
        """One request to Wave; anything but a 2xx answer becomes ProviderError (and a log line)."""
        try:
            with httpx.Client(base_url=self.config.get("api_base") or DEFAULT_API_BASE,
                              timeout=float(self.config.get("timeout", 10)),
                              headers={"Authorization": f"Bearer {self.config.get('api_key', '')}"}) as client:
                response = client.request(method, path, json=json, headers=headers)
                response.raise_for_status()
                return response.json() if response.content else {}
        except httpx.HTTPStatusError as error:
            logger.warning("Wave answered %s to %s %s: %s", error.response.status_code, method, path,
                           error.response.text[:500])
            raise ProviderError(error_message) from error
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("Wave could not be reached for %s %s: %r", method, path, error)
            raise ProviderError(error_message) from error
