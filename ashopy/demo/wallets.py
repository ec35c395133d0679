"""The demo wallet server: Wave and Orange Money as the demo's customers meet them, without real money.

Mounted under /demo/wallets/ only when DEBUG and DEMO_WALLETS are on (ashopy/urls.py), and every view
answers 404 otherwise. It speaks the same HTTP API as the real services, so ashopy's Wave and
OrangeMoney providers make their ordinary calls (httpx, to `api_base` = DEMO_WALLETS_URL):

- Wave Checkout: `POST /v1/checkout/sessions` (Bearer API key, JSON, amount a string of whole XOF),
  `GET /v1/checkout/sessions/<id>`;
- Orange Money web payment: `POST /oauth/v3/token` (client credentials), then
  `POST /orange-money-webpay/<country>/v1/webpayment` answering pay_token, payment_url, notif_token.

The launch/payment URL is a phone-like page (`/demo/wallets/pay/<wallet>/<id>/`) with Pay and Cancel.
Pay marks the session paid and delivers the service's real notification to
`payments.services.handle_notification` — for Wave a body signed with the account's webhook secret
exactly as Wave signs it, for Orange Money the notif_token — so the usual checks run; then the
customer goes back to the shop. Sessions live in Django's cache (local files or Redis).
The accounts it accepts are settings.DEMO_WALLETS_ACCOUNTS (made up).
"""

import base64
import functools
import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ashopy.core import json_input
from ashopy.core.errors import DomainError
from ashopy.payments import services
from ashopy.payments.models import Payment

SESSION_LIFETIME = timedelta(minutes=30)
CACHE_SECONDS = 2 * 60 * 60
TOKEN_LIFETIME = 3600
WAVE_CURRENCIES = {"XOF"}
OM_REQUIRED = ("merchant_key", "currency", "order_id", "amount", "return_url", "cancel_url", "notif_url", "lang",
               "reference")
WALLETS = {"wave": "Wave", "orange_money": "Orange Money"}


def enabled() -> bool:
    return bool(settings.DEBUG and getattr(settings, "DEMO_WALLETS", settings.DEBUG))


def demo_only(view):
    """404 unless DEBUG and DEMO_WALLETS are on, even if the URLs were mounted."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


def _account(wallet: str) -> dict:
    return dict((getattr(settings, "DEMO_WALLETS_ACCOUNTS", {}) or {}).get(wallet) or {})


def _key(wallet: str, session_id: str) -> str:
    return f"demo-wallets:{wallet}:session:{session_id}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pay_page(request, wallet: str, session_id: str) -> str:
    return request.build_absolute_uri(reverse("demo_wallets:pay", kwargs={"wallet": wallet, "session_id": session_id}))


def _http_url(value) -> bool:
    url = urlsplit(str(value or ""))
    return url.scheme in {"http", "https"} and bool(url.netloc)


def wave_signature(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """`Wave-Signature` as Wave sends it: t=<unix time>,v1=HMAC-SHA256(secret, timestamp then body)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), str(timestamp).encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# --- Wave Checkout API ---------------------------------------------------------------------------------


def _wave_invalid(**problems: str) -> JsonResponse:
    return JsonResponse({"code": "request-validation-error", "message": "Request invalid",
                         "details": [{"loc": [name], "msg": message} for name, message in problems.items()]},
                        status=400)


def _wave_refused(request) -> JsonResponse | None:
    authorization = request.headers.get("Authorization", "")
    if not authorization:
        return JsonResponse({"code": "missing-auth-header", "message": "Missing Authorization header."}, status=401)
    api_key = _account("wave").get("api_key", "")
    if not api_key or not hmac.compare_digest(authorization.encode(), f"Bearer {api_key}".encode()):
        return JsonResponse({"code": "invalid-auth", "message": "Invalid API key."}, status=401)
    return None


@csrf_exempt
@demo_only
@require_http_methods(["POST"])
def wave_sessions(request):
    if refused := _wave_refused(request):
        return refused
    idempotency = request.headers.get("Idempotency-Key", "")[:255]
    if idempotency:
        replay = cache.get(f"demo-wallets:wave:idempotency:{hashlib.sha256(idempotency.encode()).hexdigest()}")
        if replay is not None:
            if replay["body"] != hashlib.sha256(request.body).hexdigest():
                return JsonResponse({"code": "idempotency-mismatch",
                                     "message": "This idempotency key was used with another request."}, status=409)
            session = cache.get(_key("wave", replay["session"]))
            if session is not None:
                return JsonResponse(session)
    if "json" not in request.content_type:
        return JsonResponse({"code": "unsupported-media-type", "message": "Send JSON."}, status=415)
    try:
        params = json_input.loads(request.body)
    except ValueError:
        return JsonResponse({"code": "request-validation-error", "message": "Malformed JSON body"}, status=400)
    if not isinstance(params, dict):
        return _wave_invalid(body="must be an object")
    missing = {name: "field required" for name in ("amount", "currency", "success_url", "error_url")
               if not params.get(name)}
    if missing:
        return _wave_invalid(**missing)
    if params["currency"] not in WAVE_CURRENCIES:
        return _wave_invalid(currency="unsupported currency")
    amount = params["amount"]
    if not isinstance(amount, str) or not re.fullmatch(r"[1-9][0-9]{0,14}", amount):
        return _wave_invalid(amount="must be a positive whole number of XOF, sent as a string")
    for name in ("success_url", "error_url"):
        if not _http_url(params[name]):
            return _wave_invalid(**{name: "must be a URL"})
    reference = params.get("client_reference")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 255):
        return _wave_invalid(client_reference="at most 255 characters")
    now = datetime.now(UTC)
    session_id = "cos-" + secrets.token_hex(10)
    session = {
        "id": session_id, "amount": amount, "checkout_status": "open", "client_reference": reference,
        "currency": params["currency"], "error_url": params["error_url"], "success_url": params["success_url"],
        "last_payment_error": None, "business_name": "ashopy (demo)", "payment_status": "processing",
        "transaction_id": None, "wave_launch_url": _pay_page(request, "wave", session_id),
        "when_completed": None, "when_created": _iso(now), "when_expires": _iso(now + SESSION_LIFETIME),
    }
    cache.set(_key("wave", session_id), session, CACHE_SECONDS)
    if idempotency:
        cache.set(f"demo-wallets:wave:idempotency:{hashlib.sha256(idempotency.encode()).hexdigest()}",
                  {"body": hashlib.sha256(request.body).hexdigest(), "session": session_id}, CACHE_SECONDS)
    return JsonResponse(session)


@csrf_exempt
@demo_only
@require_http_methods(["GET"])
def wave_session(request, session_id):
    if refused := _wave_refused(request):
        return refused
    session = cache.get(_key("wave", session_id))
    if session is None:
        return JsonResponse({"code": "not-found", "message": "Checkout session not found."}, status=404)
    return JsonResponse(session)


# --- Orange Money web payment API ----------------------------------------------------------------------


def _om_error(status: int, code: int, message: str, description: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "description": description}, status=status)


@csrf_exempt
@demo_only
@require_http_methods(["POST"])
def om_token(request):
    account = _account("orange_money")
    expected = base64.b64encode(f"{account.get('client_id', '')}:{account.get('client_secret', '')}".encode())
    authorization = request.headers.get("Authorization", "")
    if not authorization.startswith("Basic "):
        return JsonResponse({"error": "invalid_client", "error_description": "Missing client credentials"}, status=401)
    if not account or not hmac.compare_digest(authorization.removeprefix("Basic ").strip().encode(), expected):
        return JsonResponse({"error": "invalid_client", "error_description": "Invalid client credentials"}, status=401)
    if request.POST.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type",
                             "error_description": "grant_type must be client_credentials"}, status=400)
    access_token = secrets.token_urlsafe(24)
    cache.set(f"demo-wallets:orange_money:token:{access_token}", True, TOKEN_LIFETIME)
    return JsonResponse({"token_type": "Bearer", "access_token": access_token, "expires_in": str(TOKEN_LIFETIME)})


@csrf_exempt
@demo_only
@require_http_methods(["POST"])
def om_webpayment(request, country):
    account = _account("orange_money")
    authorization = request.headers.get("Authorization", "")
    if not authorization.startswith("Bearer "):
        return _om_error(401, 40, "Missing credentials", "The requested service needs credentials, but none were "
                         "provided.")
    token = authorization.removeprefix("Bearer ").strip()
    if not token or not cache.get(f"demo-wallets:orange_money:token:{token}"):
        return _om_error(401, 42, "Expired credentials", "The requested service needs credentials, but the ones "
                         "provided were invalid or expired.")
    if country != account.get("country_path", "sn"):
        return _om_error(404, 60, "Resource not found", f"Unknown country '{country}'")
    try:
        params = json_input.loads(request.body)
    except ValueError:
        return _om_error(400, 1, "Bad request", "Malformed JSON")
    if not isinstance(params, dict):
        return _om_error(400, 1, "Bad request", "Expected an object")
    if missing := [name for name in OM_REQUIRED if params.get(name) in (None, "")]:
        return _om_error(400, 1, "Missing parameter", ", ".join(missing))
    if not hmac.compare_digest(str(params["merchant_key"]).encode(), str(account.get("merchant_key", "")).encode()):
        return _om_error(400, 2, "Invalid merchant key", "Unknown merchant")
    if params["currency"] != "XOF":
        return _om_error(400, 3, "Invalid currency", str(params["currency"])[:20])
    amount = params["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < 10**15:
        return _om_error(400, 4, "Invalid amount", "A positive integer")
    for name in ("return_url", "cancel_url", "notif_url"):
        if not _http_url(params[name]):
            return _om_error(400, 6, "Invalid URL", name)
    order_key = f"demo-wallets:orange_money:order:{hashlib.sha256(str(params['order_id']).encode()).hexdigest()}"
    if not cache.add(order_key, True, CACHE_SECONDS):
        return _om_error(400, 5, "Duplicate order_id", str(params["order_id"])[:255])
    pay_token = "v1" + secrets.token_hex(24)
    notif_token = secrets.token_hex(16)
    cache.set(_key("orange_money", pay_token), {
        "pay_token": pay_token, "notif_token": notif_token, "status": "INITIATED", "amount": amount,
        "currency": params["currency"], "order_id": str(params["order_id"]), "reference": str(params["reference"]),
        "return_url": params["return_url"], "cancel_url": params["cancel_url"], "notif_url": params["notif_url"],
    }, CACHE_SECONDS)
    return JsonResponse({"status": 201, "message": "OK", "pay_token": pay_token, "notif_token": notif_token,
                         "payment_url": _pay_page(request, "orange_money", pay_token)}, status=201)


# --- the customer's page ---------------------------------------------------------------------------------


def _is_open(wallet: str, session: dict) -> bool:
    return session.get("checkout_status") == "open" if wallet == "wave" else session.get("status") == "INITIATED"


def _notification(wallet: str, session: dict) -> tuple[str, bytes, dict]:
    """What the real service sends us once the customer paid: (our payment reference, body, headers)."""
    if wallet == "wave":
        event = {"id": "EV_" + secrets.token_hex(10), "type": "checkout.session.completed", "data": session}
        body = json.dumps(event).encode()
        signature = wave_signature(body, _account("wave").get("webhook_secret", ""))
        return session.get("client_reference") or "", body, {"Content-Type": "application/json",
                                                             "Wave-Signature": signature}
    body = json.dumps({"status": "SUCCESS", "notif_token": session["notif_token"],
                       "txnid": session["txnid"]}).encode()
    return session["order_id"], body, {"Content-Type": "application/json"}


@demo_only
@require_http_methods(["GET", "POST"])
def pay(request, wallet, session_id):
    if wallet not in WALLETS:
        raise Http404
    key = _key(wallet, session_id)
    session = cache.get(key)
    if session is None:
        raise Http404
    amount = Decimal(str(session["amount"]))
    context = {"wallet": wallet, "name": WALLETS[wallet], "session": session, "amount": amount,
               "currency": session.get("currency") or "XOF", "open": _is_open(wallet, session)}
    if request.method == "GET":
        return render(request, "demo/wallets/pay.html", context)
    action = request.POST.get("action")
    if action not in ("pay", "cancel"):
        return HttpResponse(_("Choose Pay or Cancel."), status=400, content_type="text/plain; charset=utf-8")
    if not context["open"]:
        return render(request, "demo/wallets/pay.html", {**context, "problem": _("This payment is already closed.")},
                      status=409)
    if not cache.add(f"{key}:closing", True, CACHE_SECONDS):  # a second Pay or Cancel at the same moment
        return render(request, "demo/wallets/pay.html", {**context, "problem": _("This payment is already closed.")},
                      status=409)
    if action == "cancel":
        session.update(checkout_status="expired") if wallet == "wave" else session.update(status="CANCELLED")
        cache.set(key, session, CACHE_SECONDS)
        return HttpResponseRedirect(session["error_url"] if wallet == "wave" else session["cancel_url"])
    if wallet == "wave":
        session.update(checkout_status="complete", payment_status="succeeded",
                       transaction_id="TCN" + secrets.token_hex(6).upper(), when_completed=_iso(datetime.now(UTC)))
    else:
        session.update(status="SUCCESS", txnid="MP" + time.strftime("%y%m%d") + "." + secrets.token_hex(4).upper())
    reference, body, headers = _notification(wallet, session)
    payment = Payment.objects.select_related("store").filter(provider=wallet, reference=reference).first()
    if payment is None:
        return render(request, "demo/wallets/pay.html",
                      {**context, "problem": _("No shop is waiting for this payment.")}, status=404)
    try:
        services.handle_notification(store=payment.store, provider_code=wallet, body=body, headers=headers)
    except DomainError:  # the shop refused the notification (wrong secret, …): nothing is paid
        cache.delete(f"{key}:closing")
        return render(request, "demo/wallets/pay.html",
                      {**context, "problem": _("The shop refused the payment notification.")}, status=400)
    cache.set(key, session, CACHE_SECONDS)
    return HttpResponseRedirect(session["success_url"] if wallet == "wave" else session["return_url"])


app_name = "demo_wallets"
urlpatterns = [
    path("v1/checkout/sessions", wave_sessions, name="wave-sessions"),
    path("v1/checkout/sessions/<str:session_id>", wave_session, name="wave-session"),
    path("oauth/v3/token", om_token, name="om-token"),
    path("orange-money-webpay/<slug:country>/v1/webpayment", om_webpayment, name="om-webpayment"),
    path("pay/<str:wallet>/<str:session_id>/", pay, name="pay"),
]
