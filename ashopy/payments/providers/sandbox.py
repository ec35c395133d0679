"""A pretend provider for the demo and the tests: a local page where the tester chooses the outcome.

It behaves like the real ones: the customer is sent to its page, the outcome arrives as a
signed notification (HMAC-SHA256 with the project's secret, with a timestamp) through the same
webhook path, and the customer comes back on the success or cancel URL.
"""

import hashlib
import hmac
import json
import time
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from ashopy.core import json_input

from .base import InvalidNotification, Notification, Outcome, Provider, Refunded, Started

SIGNATURE_HEADER = "X-Sandbox-Signature"
TOLERANCE_SECONDS = 300


def _secret() -> bytes:
    return hashlib.sha256(b"ashopy-sandbox:" + settings.SECRET_KEY.encode()).digest()


def sign(body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(_secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def notification_body(*, reference: str, outcome: str) -> bytes:
    return json.dumps({"id": f"sbx_{uuid.uuid4().hex}", "reference": reference, "outcome": outcome}).encode()


class Sandbox(Provider):
    code = "sandbox"
    label = gettext_lazy("Test payment (sandbox)")

    def start(self, request):
        origin = request.notify_url.split("/", 3)
        page = reverse("payments:sandbox", kwargs={"reference": request.reference})
        return Started(provider_reference=f"sbx_{request.reference}", redirect_url=f"{origin[0]}//{origin[2]}{page}",
                       data={"success_url": request.success_url, "cancel_url": request.cancel_url})

    def parse_notification(self, body, headers):
        parts = dict(part.split("=", 1) for part in (headers.get(SIGNATURE_HEADER) or "").split(",") if "=" in part)
        try:
            timestamp = int(parts.get("t", ""))
        except ValueError:
            raise InvalidNotification() from None
        if abs(time.time() - timestamp) > TOLERANCE_SECONDS or not hmac.compare_digest(
                sign(body, timestamp), f"t={timestamp},v1={parts.get('v1', '')}"):
            raise InvalidNotification()
        try:
            payload = json_input.loads(body)
            outcome = Outcome(payload["outcome"])
            return Notification(event_id=str(payload["id"]), outcome=outcome, reference=str(payload["reference"]),
                                raw=payload)
        except (ValueError, KeyError, TypeError):
            raise InvalidNotification() from None

    def refund(self, *, provider_reference, amount, currency, reference, data):
        return Refunded(provider_reference=f"sbx_refund_{uuid.uuid4().hex[:12]}")
