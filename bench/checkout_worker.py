"""The processes of bench/checkout.py: each serves its share of the customers, one order per customer.

Worker i of M serves customers i, i+M, i+2M, … so that exactly one order per customer is attempted.
Each worker loads its customers (HTTP: gets their tokens), waits on the barrier, fills their carts
(browsing: 1–3 lines each), waits on the barrier again, then places and pays one order per cart: the
timed window. `service_worker` calls the services in its own Django process (phase 1); `http_worker`
is a client of the REST API served by gunicorn (phase 2). Both put one dict of timings on `results`.
"""

import http.client
import importlib
import json
import os
import random
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
NOTIFY_PATH = "/api/v1/payments/webhooks/sandbox/"
ADDRESS = {"first_name": "Awa", "last_name": "Diop", "company": "", "line1": "12 rue Carnot", "line2": "",
           "postal_code": "10000", "city": "Dakar", "country": "SN", "phone": ""}
URLS = {"success": "http://127.0.0.1/ok", "cancel": "http://127.0.0.1/ko", "notify": f"http://127.0.0.1{NOTIFY_PATH}"}


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ashopy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def basket(rng: random.Random, ids: dict) -> list[tuple[int, int]]:
    """1–3 lines: the hot SKU (1 unit) and 0–2 other products (1–2 units each)."""
    others = rng.sample(ids["others"], rng.randint(0, 2))
    return [(ids["hot"], 1), *((variant, rng.randint(1, 2)) for variant in others)]


def signed_notification(reference: str) -> tuple[bytes, dict]:
    from ashopy.payments.providers import sandbox

    body = sandbox.notification_body(reference=reference, outcome="succeeded")
    return body, {sandbox.SIGNATURE_HEADER: sandbox.sign(body), "Content-Type": "application/json"}


def preload() -> None:
    """Import what the timed parts use before the barriers: they time orders, not module loading."""
    for name in ("ashopy.cart.services", "ashopy.checkout.services", "ashopy.payments.services",
                 "ashopy.payments.providers.sandbox", "ashopy.pricing.resolver", "django.test.utils"):
        importlib.import_module(name)


def _new_outcome() -> dict:
    """What a worker reports: carts filled (lines, s), orders paid (lines, place s, pay s), failures by cause."""
    return {"fill": [], "orders": [], "queries": [], "failures": {},
            "requests": {"cart_line": [], "checkout": [], "webhook": []}}


def _fail(out: dict, key: str) -> None:
    out["failures"][key] = out["failures"].get(key, 0) + 1


# Phase 1: the services, in this process


def service_worker(env: dict, ids: dict, options: dict, index: int, barrier, results) -> None:
    """Phase 1: fill the carts (cart_services.add), then place_order → start_payment → handle_notification."""
    setup_django(env)
    from django.db import connection

    from ashopy.accounts.models import User
    from ashopy.stores.models import Store

    preload()
    store = Store.objects.get(pk=ids["store"])
    customers = ids[options.get("customers", "customers")]
    users = list(User.objects.filter(pk__in=customers[index::options["workers"]]).order_by("pk"))
    rng = random.Random(1000 + index)
    out = _new_outcome()
    barrier.wait()  # everyone loaded: the filling starts
    carts = _fill_service_carts(store, users, rng, ids, out, code=options.get("code", ""))
    barrier.wait()  # every cart filled: the timed window starts
    for n, (user, cart, lines) in enumerate(carts):
        _place_and_pay(store, user, cart, lines, ids, n % options["sample_every"] == 0, out)
    connection.close()
    results.put(out)


def _fill_service_carts(store, users, rng: random.Random, ids: dict, out: dict, code: str = "") -> list:
    """Browsing, before the timed window: each customer's cart gets its lines, and every other one `code`;
    (user, cart, lines) of the filled."""
    from ashopy.cart import services as cart_services
    from ashopy.core.errors import DomainError
    from ashopy.pricing.resolver import PricingPolicy

    filled = []
    for n, user in enumerate(users):
        lines = basket(rng, ids)
        started = time.perf_counter()
        try:
            cart = cart_services.get_cart(store=store, user=user, create=True)
            for variant, quantity in lines:
                cart_services.add(cart=cart, variant_id=variant, quantity=quantity)
            if code and n % 2 == 0:
                cart_services.apply_code(cart=cart, code=code, user=user, policy=PricingPolicy(store, user))
        except DomainError as error:
            _fail(out, f"cart: {error.code}")
            continue
        out["fill"].append((len(lines), time.perf_counter() - started))
        filled.append((user, cart, len(lines)))
    return filled


def _place_and_pay(store, user, cart, lines: int, ids: dict, sample: bool, out: dict) -> None:
    """One order of the timed window; its statements are captured when `sample`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ashopy.checkout import services as checkout
    from ashopy.checkout.errors import CartChanged
    from ashopy.core.errors import DomainError
    from ashopy.payments import services as payments
    from ashopy.pricing.resolver import PricingPolicy

    details = checkout.Details(email=user.email, billing_address=ADDRESS, shipping_address=ADDRESS,
                               shipping_method_id=ids["method"], payment_method="sandbox")
    had_code = cart.promo_code_id is not None
    started = time.perf_counter()
    try:
        with CaptureQueriesContext(connection) if sample else nullcontext() as placing:
            try:
                order, payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user),
                                                      details=details, idempotency_key=uuid.uuid4().hex)
            except CartChanged:
                if not had_code or cart.promo_code_id is not None:
                    raise
                # The code's uses ran out (it left the cart): the customer goes on without it.
                out["code_refused"] = out.get("code_refused", 0) + 1
                order, payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user),
                                                      details=details, idempotency_key=uuid.uuid4().hex)
            payment = checkout.start_payment(order=order, payment=payment, urls=URLS)
        placed = time.perf_counter()
        body, headers = signed_notification(payment.reference)
        with CaptureQueriesContext(connection) if sample else nullcontext() as paying:
            event = payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)
        paid = time.perf_counter()
    except DomainError as error:
        _fail(out, error.code)
        return
    if event is None:
        _fail(out, "duplicate_notification")
        return
    out["orders"].append((lines, placed - started, paid - placed))
    if sample:
        out["queries"].append((lines, len(placing), len(paying), [q["sql"] for q in placing.captured_queries],
                               [q["sql"] for q in paying.captured_queries]))


# Phase 2: the REST API, over HTTP


class Answer:
    def __init__(self, status_code: int, content: bytes):
        self.status_code, self.content = status_code, content

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self):
        return json.loads(self.content)


class LightClient:
    """The least an HTTP client can do (http.client, one connection per request as gunicorn's sync
    workers close them): the clients share the machine's two cores with the server, and httpx took
    about 1.9 ms of CPU per request, a tenth of what an order costs the server."""

    def __init__(self, base: str, timeout: float = 60):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout

    def post(self, path: str, *, json: dict | None = None, content: bytes | None = None,
             headers: dict | None = None) -> Answer:
        body = content if json is None else _json_bytes(json)
        headers = {"Content-Type": "application/json", **(headers or {})}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.read())
        finally:
            connection.close()


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data).encode()


def _check(response: Answer, expected: int, what: str) -> dict:
    if response.status_code != expected:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


def payment_reference(payment: dict) -> str:
    """The attempt's reference: in the answer, or the last segment of the sandbox page's URL."""
    return payment.get("reference") or payment["redirect_url"].rstrip("/").rsplit("/", 1)[-1]


def http_worker(env: dict, ids: dict, options: dict, index: int, barrier, results) -> None:
    """Phase 2: the cart lines (POST /cart/lines/), then POST /checkout/ and the signed webhook.

    Each customer's JWT was issued by the parent process (`ids["http_tokens"]`), as the token
    endpoint issues them: logging a thousand customers in would time password hashing, not orders.
    """
    setup_django(env)  # settings only (the sandbox's signing secret); this process never opens the database
    preload()
    step = options["workers"]
    rng = random.Random(2000 + index)
    out = _new_outcome()
    client = LightClient(options["base"])
    customers = [(email, {"Authorization": f"Bearer {token}"})
                 for email, token in zip(ids["http_emails"][index::step], ids["http_tokens"][index::step], strict=True)]
    barrier.wait()  # every worker ready: the filling starts
    carts = _fill_http_carts(client, customers, rng, ids, out)
    barrier.wait()  # every cart filled: the timed window starts
    for email, auth, lines in carts:
        _checkout_and_pay(client, email, auth, lines, ids, out)
    results.put(out)


def _fill_http_carts(client: LightClient, customers: list, rng: random.Random, ids: dict, out: dict) -> list:
    """Browsing, before the timed window: one request per cart line; (email, auth, lines) of the filled carts."""
    filled = []
    for email, auth in customers:
        lines = basket(rng, ids)
        started = time.perf_counter()
        try:
            for variant, quantity in lines:
                begun = time.perf_counter()
                _check(client.post("/api/v1/cart/lines/", json={"variant": variant, "quantity": quantity},
                                   headers=auth), 200, "cart line")
                out["requests"]["cart_line"].append(time.perf_counter() - begun)
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            _fail(out, f"cart: {str(error)[:120]}")
            continue
        out["fill"].append((len(lines), time.perf_counter() - started))
        filled.append((email, auth, len(lines)))
    return filled


def _checkout_and_pay(client: LightClient, email: str, auth: dict, lines: int, ids: dict, out: dict) -> None:
    """One order of the timed window: POST /checkout/ (Idempotency-Key), then the provider's signed webhook."""
    body = {"billing_address": ADDRESS, "shipping_address": ADDRESS, "shipping_method": ids["method"],
            "payment_method": "sandbox", "email": email}
    started = time.perf_counter()
    try:
        answer = _check(client.post("/api/v1/checkout/", json=body,
                                    headers={**auth, "Idempotency-Key": uuid.uuid4().hex}), 201, "checkout")
        placed = time.perf_counter()
        notification, headers = signed_notification(payment_reference(answer["payment"]))
        hook = _check(client.post(NOTIFY_PATH, content=notification, headers=headers), 200, "webhook")
        paid = time.perf_counter()
    except (RuntimeError, OSError, http.client.HTTPException, KeyError) as error:
        _fail(out, str(error)[:120])
        return
    if hook.get("duplicate"):
        _fail(out, "duplicate_notification")
        return
    out["requests"]["checkout"].append(placed - started)
    out["requests"]["webhook"].append(paid - placed)
    out["orders"].append((lines, placed - started, paid - placed))
