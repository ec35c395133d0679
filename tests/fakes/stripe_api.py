"""A fake of the slice of the Stripe API ashopy uses: Checkout Sessions, Refunds, signed webhooks.

    with fake_stripe() as stripe_server:
        provider = StripeCheckout(stripe_server.config())
        started = provider.start(request)
        session = stripe_server.complete(started.provider_reference)
        body, headers = stripe_server.signed_event("checkout.session.completed", session)

Requests arrive form-encoded (`line_items[0][price_data][currency]=xof`); `Request.form()` gives
them flat and `nested(request.form())` as Stripe reads them. The webhook signature is written
here from Stripe's documentation, independently of the `stripe` library, so the two check each other.
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from urllib.parse import urlsplit

from tests.fakes.server import FakeServer, Request, Response, route

API_VERSION = "2025-01-01"
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
                "xaf", "xof", "xpf"}
CURRENCIES = ZERO_DECIMAL | {"eur", "usd", "gbp", "chf", "cad", "mad"}
LOCALES = {"auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA",
           "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru",
           "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW"}
MAX_AMOUNT = 99_999_999
API_KEY = "sk_test_fake"
WEBHOOK_SECRET = "whsec_fake"


def stripe_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header: HMAC-SHA256 of "{t}.{payload}" keyed with the endpoint secret."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def nested(flat: dict) -> dict:
    """Stripe's bracket form keys as the nested dicts and lists they stand for."""
    root: dict = {}
    for key, value in flat.items():
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


def _error(status: int, message: str, *, param: str = "", code: str = "", type: str = "invalid_request_error"):
    error = {"type": type, "message": message}
    if param:
        error["param"] = param
    if code:
        error["code"] = code
    return Response(status, {"error": error})


def _is_url(value: str) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _integer(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


class FakeStripe(FakeServer):
    def __init__(self, *, api_key: str = API_KEY, webhook_secret: str = WEBHOOK_SECRET):
        super().__init__()
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}  # id → {"amount", "currency", "refunded"}
        self.refunds: dict[str, dict] = {}
        self._replays: dict[str, tuple[bytes, Response]] = {}

    def config(self, **extra) -> dict:
        """A StripeCheckout configuration that talks to this fake."""
        return {"api_key": self.api_key, "webhook_secret": self.webhook_secret, "api_base": self.url,
                "max_network_retries": 0, **extra}

    # --- the API -------------------------------------------------------------------------

    @route("POST", "/v1/checkout/sessions")
    def create_session(self, request: Request) -> Response:
        return self._idempotent(request, self._create_session)

    @route("GET", "/v1/checkout/sessions/(?P<session_id>[^/]+)")
    def retrieve_session(self, request: Request, session_id: str) -> Response:
        if refused := self._refused(request):
            return refused
        if session_id not in self.sessions:
            return _error(404, f"No such checkout.session: '{session_id}'", param="session", code="resource_missing")
        return Response(200, self.sessions[session_id])

    @route("POST", "/v1/refunds")
    def create_refund(self, request: Request) -> Response:
        return self._idempotent(request, self._create_refund)

    def _create_session(self, request: Request) -> Response:
        params = nested(request.form())
        if params.get("mode") not in {"payment", "setup", "subscription"}:
            return _error(400, "Missing required param: mode.", param="mode", code="parameter_missing")
        for name in ("success_url", "cancel_url"):
            if name in params and not _is_url(params[name]):
                return _error(400, "Not a valid URL", param=name, code="url_invalid")
        if "success_url" not in params:
            return _error(400, "Missing required param: success_url.", param="success_url", code="parameter_missing")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            return _error(400, "You must specify `line_items` in `payment` mode.", param="line_items",
                          code="parameter_missing")
        total, currency = 0, None
        for index, item in enumerate(items):
            price = item.get("price_data") or {}
            amount, quantity = _integer(price.get("unit_amount")), _integer(item.get("quantity"))
            where = f"line_items[{index}]"
            if price.get("currency", "").lower() not in CURRENCIES:
                return _error(400, f"Invalid currency: {price.get('currency')}", param=f"{where}[price_data][currency]")
            if amount is None:
                return _error(400, "Invalid integer: unit_amount", param=f"{where}[price_data][unit_amount]")
            if not (price.get("product_data") or {}).get("name"):
                return _error(400, "Missing required param: line_items[][price_data][product_data][name].",
                              param=f"{where}[price_data][product_data][name]", code="parameter_missing")
            if not quantity:
                return _error(400, "Missing required param: quantity.", param=f"{where}[quantity]")
            if currency and price["currency"].lower() != currency:
                return _error(400, "All line items must use the same currency.", param=f"{where}[price_data][currency]")
            currency = price["currency"].lower()
            total += amount * quantity
        if total < 1 or total > MAX_AMOUNT:
            return _error(400, "The amount is outside the range Stripe accepts.", param="line_items",
                          code="amount_too_small" if total < 1 else "amount_too_large")
        if "customer_email" in params and "@" not in params["customer_email"]:
            return _error(400, "Invalid email address: " + params["customer_email"], param="customer_email",
                          code="email_invalid")
        if "locale" in params and params["locale"] not in LOCALES:
            return _error(400, "Invalid locale: " + params["locale"], param="locale")
        now = int(time.time())
        expires_at = _integer(params.get("expires_at")) if "expires_at" in params else now + 24 * 3600
        if expires_at is None or not now + 30 * 60 <= expires_at <= now + 24 * 3600:
            return _error(400, "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                          param="expires_at")
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": session_id, "object": "checkout.session", "mode": params["mode"], "status": "open",
            "payment_status": "unpaid", "amount_subtotal": total, "amount_total": total, "currency": currency,
            "client_reference_id": params.get("client_reference_id"), "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}), "locale": params.get("locale"), "payment_intent": None,
            "success_url": params["success_url"], "cancel_url": params.get("cancel_url"), "expires_at": expires_at,
            "created": now, "livemode": False, "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return Response(200, session)

    def _create_refund(self, request: Request) -> Response:
        params = nested(request.form())
        intent_id = params.get("payment_intent")
        if not intent_id and not params.get("charge"):
            return _error(400, "One of the following params should be provided for this request: payment_intent or "
                          "charge.", code="parameter_missing")
        intent = self.payment_intents.get(intent_id)
        if intent is None:
            return _error(400, f"No such payment_intent: '{intent_id}'", param="payment_intent",
                          code="resource_missing")
        left = intent["amount"] - intent["refunded"]
        amount = _integer(params["amount"]) if "amount" in params else left
        if amount is None or amount < 1:
            return _error(400, "Invalid positive integer", param="amount")
        if left == 0:
            return _error(400, f"Charge for {intent_id} has already been refunded.", code="charge_already_refunded")
        if amount > left:
            return _error(400, f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                          param="amount", code="amount_too_large")
        intent["refunded"] += amount
        refund = {"id": "re_" + secrets.token_hex(12), "object": "refund", "amount": amount,
                  "currency": intent["currency"], "payment_intent": intent_id, "status": "succeeded",
                  "metadata": params.get("metadata", {}), "created": int(time.time())}
        self.refunds[refund["id"]] = refund
        return Response(200, refund)

    def _refused(self, request: Request) -> Response | None:
        authorization = request.header("Authorization")
        if not authorization:
            return _error(401, "You did not provide an API key.")
        if not hmac.compare_digest(authorization, f"Bearer {self.api_key}"):
            return _error(401, "Invalid API Key provided: " + authorization.removeprefix("Bearer ")[:8] + "***")
        return None

    def _idempotent(self, request: Request, create) -> Response:
        """Stripe answers a repeated Idempotency-Key with the first answer (and refuses other params)."""
        if refused := self._refused(request):
            return refused
        key = request.header("Idempotency-Key")
        if key and key in self._replays:
            body, response = self._replays[key]
            if body != request.body:
                return _error(400, "Keys for idempotent requests can only be used with the same parameters they "
                              "were first used with.", type="idempotency_error")
            return response
        response = create(request)
        if key and response.status < 500:
            self._replays[key] = (request.body, response)
        return response

    # --- what happens on Stripe's side, for tests ----------------------------------------

    def complete(self, session_id: str, *, async_payment: bool = False) -> dict:
        """The customer paid (or, with async_payment, started a delayed payment): the session object."""
        session = self.sessions[session_id]
        intent_id = "pi_" + secrets.token_hex(12)
        self.payment_intents[intent_id] = {"amount": session["amount_total"], "currency": session["currency"],
                                           "refunded": 0}
        session.update(status="complete", payment_status="unpaid" if async_payment else "paid",
                       payment_intent=intent_id)
        return dict(session)

    def expire(self, session_id: str) -> dict:
        session = self.sessions[session_id]
        session.update(status="expired")
        return dict(session)

    def signed_event(self, type: str, data_object: dict, secret: str | None = None, timestamp: int | None = None,
                     *, event_id: str | None = None) -> tuple[bytes, dict]:
        """A webhook call as Stripe sends it: (body, headers)."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        event = {"id": event_id or "evt_" + secrets.token_hex(12), "object": "event", "api_version": API_VERSION,
                 "created": timestamp, "type": type, "data": {"object": data_object}, "livemode": False,
                 "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}}
        body = json.dumps(event).encode()
        signature = stripe_signature(body, secret or self.webhook_secret, timestamp)
        return body, {"Content-Type": "application/json", "Stripe-Signature": signature}


def fake_stripe(**options) -> FakeStripe:
    """`with fake_stripe() as server:` — see the module docstring."""
    return FakeStripe(**options)
