"""The processes of bench/checkout.py: one customer each, placing and paying orders until the shared count is reached.

`service_worker` calls the services in its own Django process (phase 1); `http_worker` is a client
of the REST API served by gunicorn (phase 2). Both take a ticket from the shared counter before
each order, so exactly `target` orders are attempted, and put one dict of timings on `results`.
"""

import os
import random
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTIFY_PATH = "/api/v1/payments/webhooks/sandbox/"
ADDRESS = {"first_name": "Awa", "last_name": "Diop", "company": "", "line1": "12 rue Carnot", "line2": "",
           "postal_code": "10000", "city": "Dakar", "country": "SN", "phone": ""}


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ashopy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ticket(counter, target: int) -> bool:
    with counter.get_lock():
        if counter.value >= target:
            return False
        counter.value += 1
        return True


def basket(rng: random.Random, ids: dict) -> list[tuple[int, int]]:
    """1–3 lines: the hot SKU (1 unit) and 0–2 other products (1–2 units each)."""
    others = rng.sample(ids["others"], rng.randint(0, 2))
    return [(ids["hot"], 1), *((variant, rng.randint(1, 2)) for variant in others)]


def signed_notification(reference: str) -> tuple[bytes, dict]:
    from ashopy.payments.providers import sandbox

    body = sandbox.notification_body(reference=reference, outcome="succeeded")
    return body, {sandbox.SIGNATURE_HEADER: sandbox.sign(body), "Content-Type": "application/json"}


def service_worker(env: dict, ids: dict, options: dict, index: int, counter, barrier, results) -> None:
    """Phase 1: cart → place_order → start_payment (sandbox) → handle_notification(succeeded), in-process."""
    setup_django(env)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ashopy.accounts.models import User
    from ashopy.cart import services as cart_services
    from ashopy.checkout import services as checkout
    from ashopy.core.errors import DomainError
    from ashopy.payments import services as payments
    from ashopy.pricing.resolver import PricingPolicy
    from ashopy.stores.models import Store

    store = Store.objects.get(pk=ids["store"])
    user = User.objects.get(pk=ids["customers"][index])
    urls = {"success": "http://127.0.0.1/ok", "cancel": "http://127.0.0.1/ko", "notify": f"http://127.0.0.1{NOTIFY_PATH}"}
    rng = random.Random(1000 + index)
    out = {"orders": [], "queries": [], "failures": {}}
    barrier.wait()
    while _ticket(counter, options["target"]):
        lines = basket(rng, ids)
        sample = len(out["orders"]) % options["sample_every"] == 0
        started = time.perf_counter()
        try:
            cart = cart_services.get_cart(store=store, user=user, create=True)
            for variant, quantity in lines:
                cart_services.add(cart=cart, variant_id=variant, quantity=quantity)
            carted = time.perf_counter()
            details = checkout.Details(email=user.email, billing_address=ADDRESS, shipping_address=ADDRESS,
                                       shipping_method_id=ids["method"], payment_method="sandbox")
            with CaptureQueriesContext(connection) if sample else nullcontext() as placing:
                order, payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user),
                                                      details=details, idempotency_key=uuid.uuid4().hex)
                payment = checkout.start_payment(order=order, payment=payment, urls=urls)
            placed = time.perf_counter()
            body, headers = signed_notification(payment.reference)
            with CaptureQueriesContext(connection) if sample else nullcontext() as paying:
                event = payments.handle_notification(store=store, provider_code="sandbox", body=body, headers=headers)
            paid = time.perf_counter()
        except DomainError as error:
            out["failures"][error.code] = out["failures"].get(error.code, 0) + 1
            cart.lines.all().delete()
            continue
        if event is None:
            out["failures"]["duplicate_notification"] = out["failures"].get("duplicate_notification", 0) + 1
            continue
        out["orders"].append((len(lines), carted - started, placed - carted, paid - placed))
        if sample:
            out["queries"].append((len(lines), len(placing), len(paying),
                                   [q["sql"] for q in placing.captured_queries],
                                   [q["sql"] for q in paying.captured_queries]))
    connection.close()
    results.put(out)


def _check(response, expected: int, what: str) -> dict:
    if response.status_code != expected:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


def payment_reference(payment: dict) -> str:
    """The attempt's reference: in the answer, or the last segment of the sandbox page's URL."""
    return payment.get("reference") or payment["redirect_url"].rstrip("/").rsplit("/", 1)[-1]


def http_worker(env: dict, ids: dict, options: dict, index: int, counter, barrier, results) -> None:
    """Phase 2: the same flow through the REST API: cart lines, checkout, the signed webhook."""
    setup_django(env)  # settings only (the sandbox's signing secret); this process never opens the database
    import httpx

    rng = random.Random(2000 + index)
    out = {"orders": [], "requests": {"cart_line": [], "checkout": [], "webhook": []}, "failures": {}}
    with httpx.Client(base_url=options["base"], timeout=60) as client:
        token = _check(client.post("/api/v1/auth/token/", json={"email": ids["http_emails"][index],
                                                                "password": ids["password"]}), 200, "token")
        client.headers["Authorization"] = f"Bearer {token['access']}"
        checkout_body = {"billing_address": ADDRESS, "shipping_address": ADDRESS,
                         "shipping_method": ids["method"], "payment_method": "sandbox",
                         "email": ids["http_emails"][index]}
        barrier.wait()
        while _ticket(counter, options["target"]):
            lines = basket(rng, ids)
            started = time.perf_counter()
            try:
                for variant, quantity in lines:
                    begun = time.perf_counter()
                    _check(client.post("/api/v1/cart/lines/", json={"variant": variant, "quantity": quantity}),
                           200, "cart line")
                    out["requests"]["cart_line"].append(time.perf_counter() - begun)
                carted = time.perf_counter()
                answer = _check(client.post("/api/v1/checkout/", json=checkout_body,
                                            headers={"Idempotency-Key": uuid.uuid4().hex}), 201, "checkout")
                placed = time.perf_counter()
                body, headers = signed_notification(payment_reference(answer["payment"]))
                hook = _check(client.post(NOTIFY_PATH, content=body, headers=headers), 200, "webhook")
                paid = time.perf_counter()
            except (RuntimeError, httpx.HTTPError, KeyError) as error:
                key = str(error)[:120]
                out["failures"][key] = out["failures"].get(key, 0) + 1
                continue
            if hook.get("duplicate"):
                out["failures"]["duplicate_notification"] = out["failures"].get("duplicate_notification", 0) + 1
                continue
            out["requests"]["checkout"].append(placed - carted)
            out["requests"]["webhook"].append(paid - placed)
            out["orders"].append((len(lines), carted - started, placed - carted, paid - placed))
    results.put(out)
