"""Orange Money through the Orange Developer "OM Web Payment" API.

Configuration: `merchant_key`, the OAuth client credentials as `client_id` and `client_secret`
(or `authorization_header`, the ready-made Basic value Orange's portal shows), and optionally
`api_base` (https://api.orange.com), `country_path` ("dev" for the sandbox, "sn", "ci", …),
`currency_code` (the sandbox only takes "OUV"; default: the payment's currency) and `timeout`
(seconds, 10).
"""

import base64
import logging
import time
from collections.abc import Mapping
from decimal import Decimal

import httpx
from django.utils.translation import gettext_lazy

from ashopy.core import json_input

from .base import InvalidNotification, Notification, Outcome, PaymentRequest, Provider, ProviderError, Refunded, Started

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.orange.com"
TOKEN_MARGIN = 60  # seconds: renew the access token a little before Orange drops it
OUTCOMES = {"SUCCESS": Outcome.SUCCEEDED, "FAILED": Outcome.FAILED, "EXPIRED": Outcome.EXPIRED}


class OrangeMoney(Provider):
    code = "orange_money"
    label = gettext_lazy("Orange Money")
    refundable = False  # the web payment API has no refund call

    def __init__(self, config: Mapping | None = None):
        super().__init__(config)
        self._token = ""
        self._token_expires = 0.0

    def start(self, request: PaymentRequest) -> Started:
        amount = Decimal(request.amount)
        if amount != amount.to_integral_value():
            logger.warning("Orange Money takes whole amounts only, not %s %s", amount, request.currency)
            raise ProviderError()
        payment = {
            "merchant_key": self.config.get("merchant_key", ""),
            "currency": self.config.get("currency_code") or request.currency,
            "order_id": request.reference,
            "amount": int(amount),
            "return_url": request.success_url,
            "cancel_url": request.cancel_url,
            "notif_url": request.notify_url,
            "lang": "en" if request.language.lower().startswith("en") else "fr",
            "reference": request.order_number,
        }
        path = f"/orange-money-webpay/{self.config.get('country_path') or 'dev'}/v1/webpayment"
        with self._client() as client:
            answer = self._webpayment(client, path, payment)
        try:
            pay_token, payment_url, notif_token = answer["pay_token"], answer["payment_url"], answer["notif_token"]
        except (KeyError, TypeError) as error:
            logger.warning("Orange Money answered a web payment without its tokens: %r", answer)
            raise ProviderError() from error
        return Started(provider_reference=pay_token, redirect_url=payment_url, verification_token=notif_token,
                       data={"pay_token": pay_token},
                       raw={key: value for key, value in answer.items() if key != "notif_token"})

    def _webpayment(self, client: httpx.Client, path: str, payment: dict) -> dict:
        """POST the payment; a token Orange stopped accepting before its announced end (401) is renewed once."""
        response = self._send(client, "POST", path, json=payment,
                              headers={"Authorization": f"Bearer {self._access_token(client)}"})
        if response.status_code == 401:
            self._token = ""
            response = self._send(client, "POST", path, json=payment,
                                  headers={"Authorization": f"Bearer {self._access_token(client)}"})
        answer = self._checked(response)
        if answer.get("status") not in (None, 201, "201"):
            logger.warning("Orange Money refused the web payment: %r", answer)
            raise ProviderError()
        return answer

    def _access_token(self, client: httpx.Client) -> str:
        """OAuth2 client credentials; the token is kept by this instance until it expires."""
        if self._token and time.time() < self._token_expires:
            return self._token
        basic = self.config.get("authorization_header") or base64.b64encode(
            f"{self.config.get('client_id', '')}:{self.config.get('client_secret', '')}".encode()).decode()
        answer = self._checked(self._send(client, "POST", "/oauth/v3/token", data={"grant_type": "client_credentials"},
                                          headers={"Authorization": f"Basic {basic.removeprefix('Basic ').strip()}"}))
        try:
            token, lifetime = str(answer["access_token"]), int(answer.get("expires_in") or 0)
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("Orange Money answered a token request without a token: %r", answer)
            raise ProviderError() from error
        self._token, self._token_expires = token, time.time() + max(lifetime - TOKEN_MARGIN, 0)
        return token

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.config.get("api_base") or DEFAULT_API_BASE,
                            timeout=float(self.config.get("timeout", 10)), headers={"Accept": "application/json"})

    @staticmethod
    def _send(client: httpx.Client, method: str, path: str, **options) -> httpx.Response:
        try:
            return client.request(method, path, **options)
        except httpx.HTTPError as error:
            logger.warning("Orange Money could not be reached for %s %s: %r", method, path, error)
            raise ProviderError() from error

    @staticmethod
    def _checked(response: httpx.Response) -> dict:
        """The JSON of a 2xx answer; anything else becomes ProviderError (and a log line)."""
        try:
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPStatusError, ValueError) as error:
            logger.warning("Orange Money answered %s to %s: %s", response.status_code, response.request.url.path,
                           response.text[:500])
            raise ProviderError() from error
        if not isinstance(answer, dict):
            raise ProviderError()
        return answer

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        """Read the call Orange Money makes to `notif_url`: {"status", "notif_token", "txnid"}.

        Orange Money signs nothing and names no payment: the notification is trusted only
        through `verification_token`, which the caller finds the payment by and compares with
        the `notif_token` kept from start() in constant time (hmac.compare_digest).
        """
        try:
            payload = json_input.loads(body)
        except ValueError as error:
            raise InvalidNotification() from error
        if not isinstance(payload, dict):
            raise InvalidNotification()
        notif_token, status = payload.get("notif_token"), str(payload.get("status") or "").upper()
        if not isinstance(notif_token, str) or not notif_token or not status:
            raise InvalidNotification()
        txnid = str(payload.get("txnid") or "")
        return Notification(
            event_id=f"{txnid or notif_token}:{status}",
            outcome=OUTCOMES.get(status, Outcome.PENDING),
            verification_token=notif_token,
            data={"txnid": txnid} if txnid else {},
            raw={key: value for key, value in payload.items() if key != "notif_token"},
        )

    def refund(self, *, provider_reference: str, amount: Decimal, currency: str, reference: str,
               data: Mapping) -> Refunded:
        raise ProviderError(gettext_lazy("Orange Money has no refund service for web payments: refund this payment "
                                         "from the Orange Money merchant portal."))
