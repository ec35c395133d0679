"""A fake of Orange Money Web Payment (Orange Developer "OM Web Payment"): OAuth token, webpayment,
and the notifications Orange Money posts to `notif_url`.

    with fake_orange_money() as om_server:
        provider = OrangeMoney(om_server.config())
        started = provider.start(request)
        body, headers = om_server.notification(started.provider_reference, "SUCCESS")

Orange Money does not sign its notifications: it echoes the `notif_token` it returned when the
payment started, which the merchant compares with the one it kept.
"""

import base64
import hmac
import json
import secrets
import time
from urllib.parse import urlsplit

from tests.fakes.server import FakeServer, Request, Response, route

REQUIRED = ("merchant_key", "currency", "order_id", "amount", "return_url", "cancel_url", "notif_url", "lang",
            "reference")
CLIENT_SECRET = "om-secret"


def _oauth_error(status: int, code: int, message: str, description: str) -> Response:
    return Response(status, {"code": code, "message": message, "description": description})


class FakeOrangeMoney(FakeServer):
    def __init__(self, *, client_id: str = "om-client", client_secret: str = CLIENT_SECRET,
                 merchant_key: str = "a1b2c3d4", country: str = "dev", currency: str = "OUV",
                 token_lifetime: int = 7_776_000):
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.merchant_key = merchant_key
        self.country = country
        self.currency = currency
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, float] = {}  # access token → expiry (time.time())
        self.payments: dict[str, dict] = {}  # pay_token → the payment as created

    def config(self, **extra) -> dict:
        """An OrangeMoney provider configuration that talks to this fake."""
        return {"client_id": self.client_id, "client_secret": self.client_secret, "merchant_key": self.merchant_key,
                "country_path": self.country, "currency_code": self.currency, "api_base": self.url, **extra}

    def revoke_tokens(self):
        """Every access token stops working (expired or revoked on Orange's side)."""
        self.tokens.clear()

    # --- the API -------------------------------------------------------------------------

    @route("POST", "/oauth/v3/token")
    def token(self, request: Request) -> Response:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        authorization = request.header("Authorization")
        if not authorization.startswith("Basic "):
            return Response(401, {"error": "invalid_client", "error_description": "Missing client credentials"})
        if not hmac.compare_digest(authorization.removeprefix("Basic ").strip(), expected):
            return Response(401, {"error": "invalid_client", "error_description": "Invalid client credentials"})
        if request.form().get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type",
                                  "error_description": "grant_type must be client_credentials"})
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = time.time() + self.token_lifetime
        return Response(200, {"token_type": "Bearer", "access_token": access_token,
                              "expires_in": str(self.token_lifetime)})

    @route("POST", "/orange-money-webpay/(?P<country>[a-z]+)/v1/webpayment")
    def webpayment(self, request: Request, country: str) -> Response:
        authorization = request.header("Authorization")
        if not authorization.startswith("Bearer "):
            return _oauth_error(401, 40, "Missing credentials", "The requested service needs credentials, but none "
                                "were provided.")
        expiry = self.tokens.get(authorization.removeprefix("Bearer "))
        if expiry is None:
            return _oauth_error(401, 41, "Invalid credentials", "The requested service needs credentials, but the "
                                "ones provided were invalid.")
        if expiry < time.time():
            return _oauth_error(401, 42, "Expired credentials", "The requested service needs credentials, but the "
                                "ones provided were out-of-date.")
        if country != self.country:
            return Response(404, {"code": 60, "message": "Resource not found", "description": f"Unknown country "
                                  f"'{country}'"})
        try:
            params = request.json()
        except ValueError:
            return Response(400, {"code": 1, "message": "Bad request", "description": "Malformed JSON"})
        if not isinstance(params, dict):
            return Response(400, {"code": 1, "message": "Bad request", "description": "Expected an object"})
        if missing := [name for name in REQUIRED if params.get(name) in (None, "")]:
            return Response(400, {"code": 1, "message": "Missing parameter", "description": ", ".join(missing)})
        if params["merchant_key"] != self.merchant_key:
            return Response(400, {"code": 2, "message": "Invalid merchant key", "description": "Unknown merchant"})
        if params["currency"] != self.currency:
            return Response(400, {"code": 3, "message": "Invalid currency", "description": params["currency"]})
        if not isinstance(params["amount"], int) or isinstance(params["amount"], bool) or params["amount"] < 1:
            return Response(400, {"code": 4, "message": "Invalid amount", "description": "A positive integer"})
        if any(payment["order_id"] == params["order_id"] for payment in self.payments.values()):
            return Response(400, {"code": 5, "message": "Duplicate order_id", "description": params["order_id"]})
        for name in ("return_url", "cancel_url", "notif_url"):
            url = urlsplit(str(params[name]))
            if url.scheme not in {"http", "https"} or not url.netloc:
                return Response(400, {"code": 6, "message": "Invalid URL", "description": name})
        pay_token = "v1" + secrets.token_hex(24)
        notif_token = secrets.token_hex(16)
        self.payments[pay_token] = {**params, "notif_token": notif_token, "status": "INITIATED"}
        return Response(201, {"status": 201, "message": "OK", "pay_token": pay_token, "notif_token": notif_token,
                              "payment_url": f"https://webpayment-qualif.orange-money.com/payment/pay_token/{pay_token}"})

    # --- what Orange Money sends, for tests ----------------------------------------------

    def notification(self, pay_token: str, status: str = "SUCCESS", *, txnid: str | None = None,
                     notif_token: str | None = None) -> tuple[bytes, dict]:
        """The call Orange Money makes to `notif_url`: (body, headers)."""
        payment = self.payments[pay_token]
        payment["status"] = status
        if txnid is None and status == "SUCCESS":
            txnid = "MP" + time.strftime("%y%m%d") + "." + secrets.token_hex(4).upper()
        body = {"status": status, "notif_token": notif_token or payment["notif_token"]}
        if txnid:
            body["txnid"] = txnid
        return json.dumps(body).encode(), {"Content-Type": "application/json"}


def fake_orange_money(**options) -> FakeOrangeMoney:
    """`with fake_orange_money() as server:` — see the module docstring."""
    return FakeOrangeMoney(**options)
