"""A fake of Wave's Checkout API (https://docs.wave.com/checkout) and its signed webhooks.

    with fake_wave() as wave_server:
        provider = Wave(wave_server.config())
        started = provider.start(request)
        session = wave_server.complete(started.provider_reference)
        body, headers = wave_server.signed_event("checkout.session.completed", session)

Like the real API it wants https URLs; `fake_wave(require_https=False)` lets tests whose own
pages are on http://testserver through.
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from tests.fakes.server import FakeServer, Request, Response, route

CURRENCIES = {"XOF"}
SESSION_LIFETIME = timedelta(minutes=30)
API_KEY = "wave_sn_prod_fake"
WEBHOOK_SECRET = "wave_sn_WHS_fake"


def wave_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Wave-Signature` header: HMAC-SHA256 of the timestamp followed by the raw body."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _invalid(**problems: str) -> Response:
    return Response(400, {"code": "request-validation-error", "message": "Request invalid",
                          "details": [{"loc": [field], "msg": message} for field, message in problems.items()]})


class FakeWave(FakeServer):
    def __init__(self, *, api_key: str = API_KEY, webhook_secret: str = WEBHOOK_SECRET,
                 require_https: bool = True):
        super().__init__()
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.require_https = require_https
        self.sessions: dict[str, dict] = {}
        self.refunded: set[str] = set()
        self._replays: dict[str, tuple[bytes, Response]] = {}

    def config(self, **extra) -> dict:
        """A Wave provider configuration that talks to this fake."""
        return {"api_key": self.api_key, "webhook_secret": self.webhook_secret, "api_base": self.url, **extra}

    # --- the API -------------------------------------------------------------------------

    @route("POST", "/v1/checkout/sessions")
    def create_session(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        key = request.header("Idempotency-Key")
        if key and key in self._replays:
            body, response = self._replays[key]
            if body != request.body:
                return Response(409, {"code": "idempotency-mismatch",
                                      "message": "This idempotency key was used with another request."})
            return response
        response = self._create_session(request)
        if key:
            self._replays[key] = (request.body, response)
        return response

    @route("GET", "/v1/checkout/sessions/(?P<session_id>[^/]+)")
    def retrieve_session(self, request: Request, session_id: str) -> Response:
        if refused := self._refused(request):
            return refused
        if session_id not in self.sessions:
            return Response(404, {"code": "not-found", "message": "Checkout session not found."})
        return Response(200, self.sessions[session_id])

    @route("POST", "/v1/checkout/sessions/(?P<session_id>[^/]+)/refund")
    def refund_session(self, request: Request, session_id: str) -> Response:
        if refused := self._refused(request):
            return refused
        session = self.sessions.get(session_id)
        if session is None:
            return Response(404, {"code": "not-found", "message": "Checkout session not found."})
        if session["payment_status"] != "succeeded" or session_id in self.refunded:
            return Response(400, {"code": "checkout-refund-failed",
                                  "message": "Only a paid, not yet refunded checkout session can be refunded."})
        self.refunded.add(session_id)
        return Response(200)

    def _create_session(self, request: Request) -> Response:
        if "json" not in request.header("Content-Type"):
            return Response(415, {"code": "unsupported-media-type", "message": "Send JSON."})
        try:
            params = request.json()
        except ValueError:
            return Response(400, {"code": "request-validation-error", "message": "Malformed JSON body"})
        if not isinstance(params, dict):
            return _invalid(body="must be an object")
        missing = {name: "field required" for name in ("amount", "currency", "success_url", "error_url")
                   if not params.get(name)}
        if missing:
            return _invalid(**missing)
        if params["currency"] not in CURRENCIES:
            return _invalid(currency="unsupported currency")
        amount = params["amount"]
        if not isinstance(amount, str) or not re.fullmatch(r"[1-9][0-9]*", amount):
            return _invalid(amount="must be a positive whole number of XOF, sent as a string")
        for name in ("success_url", "error_url"):
            url = urlsplit(params[name])
            if url.scheme not in ({"https"} if self.require_https else {"http", "https"}) or not url.netloc:
                return _invalid(**{name: "must be an https URL"})
        reference = params.get("client_reference")
        if reference is not None and (not isinstance(reference, str) or len(reference) > 255):
            return _invalid(client_reference="at most 255 characters")
        now = datetime.now(UTC)
        session_id = "cos-" + secrets.token_hex(8)
        session = {
            "id": session_id, "amount": amount, "checkout_status": "open", "client_reference": reference,
            "currency": params["currency"], "error_url": params["error_url"], "success_url": params["success_url"],
            "last_payment_error": None, "business_name": "Fake shop", "payment_status": "processing",
            "transaction_id": None, "wave_launch_url": f"https://pay.wave.com/c/{session_id}?a={amount}&c=XOF",
            "when_completed": None, "when_created": _iso(now), "when_expires": _iso(now + SESSION_LIFETIME),
        }
        self.sessions[session_id] = session
        return Response(200, session)

    def _refused(self, request: Request) -> Response | None:
        authorization = request.header("Authorization")
        if not authorization:
            return Response(401, {"code": "missing-auth-header", "message": "Missing Authorization header."})
        if not hmac.compare_digest(authorization, f"Bearer {self.api_key}"):
            return Response(401, {"code": "invalid-auth", "message": "Invalid API key."})
        return None

    # --- what happens on Wave's side, for tests ------------------------------------------

    def complete(self, session_id: str) -> dict:
        """The customer paid in the Wave app: the session object."""
        session = self.sessions[session_id]
        session.update(checkout_status="complete", payment_status="succeeded",
                       transaction_id="TCN" + secrets.token_hex(6).upper(), when_completed=_iso(datetime.now(UTC)))
        return dict(session)

    def fail(self, session_id: str) -> dict:
        """A payment attempt failed (the customer can try again until the session expires)."""
        session = self.sessions[session_id]
        session.update(last_payment_error={"code": "insufficient-funds",
                                           "message": "The payer does not have enough funds."})
        return dict(session)

    def signed_event(self, type: str, data: dict, secret: str | None = None, timestamp: int | None = None,
                     *, event_id: str | None = None) -> tuple[bytes, dict]:
        """A webhook call as Wave sends it: (body, headers)."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        event = {"id": event_id or "EV_" + secrets.token_hex(8), "type": type, "data": data}
        body = json.dumps(event).encode()
        signature = wave_signature(body, secret or self.webhook_secret, timestamp)
        return body, {"Content-Type": "application/json", "Wave-Signature": signature}


def fake_wave(**options) -> FakeWave:
    """`with fake_wave() as server:` — see the module docstring."""
    return FakeWave(**options)
