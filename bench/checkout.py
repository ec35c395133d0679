"""Checkout benchmark: M customers place and pay orders at once, through the services, then through the API.

    make bench            # or: .venv/bin/python bench/checkout.py [--workers 8] [--orders 1000] [--http-orders 300]

On a scratch PostgreSQL database (`ashopy_bench_checkout`): one store (answering on 127.0.0.1),
a flat-rate shipping method, 50 products with ample stock, and one hot SKU that is in every order
(1 unit) with a little more stock than all the orders need, so an oversell would show as units
paid ≠ units that left the stock, or as a ledger discrepancy. One customer per order to place
(a customer has one cart per store), created in one INSERT with one password hash.

Each phase has three parts. Setup (untimed): `--workers` processes each take every M-th customer
(HTTP: with a JWT that this process issued, as the token endpoint would). Cart filling (browsing,
timed on its own between two barriers): each worker fills its customers' carts with 1–3 lines.
The timed window (from the second barrier to the last worker's end): one order per cart, placed
and paid. Phase 1 (services): `place_order` → `start_payment` (sandbox) →
`handle_notification(succeeded)` with a signed body; queries counted with CaptureQueriesContext
on one order in `--sample-every`. Phase 2 (HTTP), as many orders by default: gunicorn (2 sync
workers) and `--workers` HTTP clients (http.client): POST /api/v1/checkout/ (Idempotency-Key), POST the
signed webhook.

Celery as deployed: REDIS_URL points at Redis db 9 (flushed at the start) for the cache, the sessions
and the broker, so a paid order only queues its confirmation e-mail. After each phase a real Celery
worker (prefork, 2 processes, EMAIL_URL=dummymail://) drains the queue, timed apart from the window.
Then: paid units vs stock, ledger, `stock_discrepancies()`, `manage.py check_stock`.
Phase 1b (`--code-orders`, after phase 1, on customers of its own): as phase 1, but every other cart
carries the code BENCH10 (10 %), limited to `--code-limit` uses; when its uses ran out the order
is refused at payment (the code leaves the cart) and the customer places it without. Checked:
exactly the limit redeemed, no paid order beyond it, and orders/s against phase 1's.
Writes bench/results/checkout.json. Never run by the test suite.
"""

import argparse
import json
import multiprocessing
import os
import platform
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import psycopg
import redis
from _common import PG, ROOT, celery_worker, environment, gunicorn, manage, recreate_database, wait_until, write
from checkout_worker import ADDRESS, http_worker, payment_reference, service_worker, setup_django, signed_notification

DATABASE = os.environ.get("BENCH_DATABASE", "ashopy_bench_checkout")  # another name beside a colleague's run
PASSWORD = "bench-checkout-password-9"  # noqa: S105 (scratch accounts of a scratch database)
PRODUCTS = 50
OTHER_STOCK = 100_000
# The bench's own Redis database, flushed at the start (another one beside a colleague's run).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
QUEUE = "celery"  # the Redis list of Celery's default queue
SETUP_TIMEOUT = 900  # seconds for the workers to load their customers


def create_customers(count: int) -> list:
    """`count` customers as register_user makes them (lower-case e-mail, role client, no store), in one INSERT.

    One password hash for all (make_password once): hashing each would take minutes for a thousand.
    """
    from django.contrib.auth.hashers import make_password

    from ashopy.accounts.models import User
    from ashopy.stores.models import Role

    password = make_password(PASSWORD)
    return User.objects.bulk_create(
        [User(email=f"client{n}@bench.test", password=password, first_name="Client", last_name=str(n), phone="",
              segment="", role=Role.CLIENT) for n in range(count)], batch_size=500)


def prepare(*, orders: int, http_orders: int, hot_stock: int, code_orders: int = 0, code_limit: int = 500) -> dict:
    """Store, tax, warehouse, shipping, products with stock, the hot SKU, one customer per order to place.

    Phase 1 has `orders` customers, phase 2 `http_orders`, and one more places the order whose
    requests http_query_counts() counts.
    """
    from ashopy.catalog import services as catalog
    from ashopy.inventory import services as inventory
    from ashopy.pricing.services import set_tax_rate
    from ashopy.promotions.models import PromoCode
    from ashopy.shipping.models import ShippingMethod
    from ashopy.stores.services import save_store

    store = save_store(slug="bench", domain="127.0.0.1", name="Bench Checkout", currency="XOF", country="SN",
                       legal_name="Bench Checkout SARL")
    set_tax_rate(tax_class=catalog.save_tax_class(store=store, code="standard", name="Standard", is_default=True),
                 rate=Decimal(18))
    warehouse = inventory.save_warehouse(store=store, code="main", name="Entrepôt", priority=1)
    category = catalog.create_category(store=store, name="Bench")
    method = ShippingMethod.objects.create(store=store, name="Livraison standard", kind="flat", price=Decimal(2000))
    variants = []
    for n in range(PRODUCTS + 1):
        hot = n == PRODUCTS
        product = catalog.create_product(store=store, name="Console attendue" if hot else f"Article {n:02d}",
                                         category=category, status="published",
                                         variants=[{"price": Decimal(5000 + 500 * n), "weight_kg": Decimal("0.5")}])
        variant = product.variants.get()
        inventory.receive(store=store, variant=variant, warehouse=warehouse, quantity=hot_stock if hot else OTHER_STOCK,
                          unit_cost=Decimal(3000), reference="bench")
        variants.append(variant.pk)
    customers = create_customers(orders + http_orders + 1 + code_orders)
    coded, customers = customers[len(customers) - code_orders:], customers[:len(customers) - code_orders]
    http, probe = customers[orders:-1], customers[-1]
    code = PromoCode.objects.create(store=store, code="BENCH10", value=Decimal(10), max_uses=code_limit)
    return {"store": store.pk, "method": method.pk, "hot": variants[-1], "others": variants[:-1],
            "code": code.code, "code_id": code.pk, "code_limit": code_limit,
            "code_customers": [user.pk for user in coded],
            "hot_stock": hot_stock, "customers": [user.pk for user in customers[:orders]],
            "http_customers": [user.pk for user in http], "http_emails": [user.email for user in http],
            "probe": probe.pk, "probe_email": probe.email, "password": PASSWORD}


@contextmanager
def backend_states(database: str, every: float = 0.02):
    """Sample pg_stat_activity while the phase runs: how often the workers' backends wait on a lock.

    Yields a dict filled in at the end: samples per state ("active", "idle in transaction", "idle")
    and per wait event of the active ones ("Lock:transactionid" is a row held by another order), and
    the statements that wait on a lock.
    """
    counts: dict = {}
    statements: dict = {}
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
            while not stop.wait(every):
                for state, kind, event, query in connection.execute(
                        "SELECT state, wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                        [database]):
                    key = f"{state}" + (f" / {kind}:{event}" if kind and state == "active" else "")
                    counts[key] = counts.get(key, 0) + 1
                    if kind == "Lock":
                        waiting = re.sub(r"\s+", " ", query).strip()
                        statements[waiting] = statements.get(waiting, 0) + 1

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    summary: dict = {}
    try:
        yield summary
    finally:
        stop.set()
        thread.join(timeout=5)
        busy = sum(n for key, n in counts.items() if not key.startswith("idle") or "transaction" in key)
        waiting = sum(n for key, n in counts.items() if "/ Lock:" in key)
        summary.update({"samples": dict(sorted(counts.items(), key=lambda item: -item[1])),
                        "lock_waits_by_statement": dict(sorted(statements.items(), key=lambda item: -item[1])[:8]),
                        "lock_wait_share_of_busy": round(waiting / busy, 3) if busy else 0.0})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


def latency(seconds: list[float]) -> dict:
    return {"p50": ms(percentile(seconds, 0.5)), "p99": ms(percentile(seconds, 0.99))}


def per_second(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else 0.0


@contextmanager
def watchdog(processes: list, barrier):
    """Break the barrier when a worker dies, so that neither this process nor the other workers wait forever."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.5):
            if any(process.exitcode for process in processes):
                barrier.abort()
                return

    threading.Thread(target=watch, daemon=True).start()
    try:
        yield
    finally:
        stop.set()


def _stop(processes: list, target) -> NoReturn:
    for process in processes:
        process.terminate()
    sys.exit(f"a {target.__name__} process failed (its traceback is above)")


def run(target, env: dict, ids: dict, options: dict, workers: int, sampler) -> tuple[list[dict], float, float, dict]:
    """Start `workers` processes of `target`: (their results, fill seconds, window seconds, `sampler`'s summary).

    The cart filling is timed between the two barriers; the window from the second barrier to the last
    worker's result, and `sampler` (backend_states) watches the database during the window only.
    """
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(workers + 1), context.Queue()
    options = {**options, "workers": workers}
    processes = [context.Process(target=target, args=(env, ids, options, index, barrier, results))
                 for index in range(workers)]
    for process in processes:
        process.start()
    outcome = []
    with watchdog(processes, barrier):
        try:
            barrier.wait(timeout=SETUP_TIMEOUT)  # customers loaded
            filling = time.perf_counter()
            barrier.wait(timeout=SETUP_TIMEOUT)  # carts filled
        except threading.BrokenBarrierError:
            _stop(processes, target)
        started = time.perf_counter()
        with sampler as states:
            while len(outcome) < workers:
                try:
                    outcome.append(results.get(timeout=1))
                except queue.Empty:
                    if any(process.exitcode for process in processes):
                        _stop(processes, target)
            seconds = time.perf_counter() - started
    for process in processes:
        process.join(timeout=30)
    return outcome, started - filling, seconds, states


def summarise(outcome: list[dict], fill_seconds: float, seconds: float) -> dict:
    """The timed window (orders placed and paid) and, apart, the cart filling that preceded it."""
    orders = [order for out in outcome for order in out["orders"]]
    carts = [cart for out in outcome for cart in out["fill"]]
    failures: dict[str, int] = {}
    for out in outcome:
        for key, count in out["failures"].items():
            failures[key] = failures.get(key, 0) + count
    place_pay = [place + pay for _lines, place, pay in orders]
    filled_lines = sum(lines for lines, _seconds in carts)
    return {
        "orders_paid": len(orders),
        "orders_attempted": len(carts),
        "failures": failures,
        "seconds": round(seconds, 2),
        "orders_per_second": per_second(len(orders), seconds),
        "place_pay_ms": {**latency(place_pay), "max": ms(max(place_pay, default=0))},
        "place_ms": latency([place for _lines, place, _pay in orders]),
        "pay_ms": latency([pay for _lines, _place, pay in orders]),
        "lines_per_order": {n: sum(1 for o in orders if o[0] == n) for n in (1, 2, 3)},
        "per_worker_orders": sorted(len(out["orders"]) for out in outcome),
        "cart_fill_ms": latency([fill for _lines, fill in carts]),
        "cart_fill_lines": filled_lines,
        "cart_fill_seconds": round(fill_seconds, 2),
        "cart_fill_lines_per_second": per_second(filled_lines, fill_seconds),
    }


def query_counts(outcome: list[dict]) -> dict:
    """Statements per order by number of lines (place = place_order + start_payment; pay = the notification):
    the usual count, and the most any order took (a process's first order also loads the memos)."""
    samples = [sample for out in outcome for sample in out["queries"]]
    by_lines = {}
    for n in (1, 2, 3):
        mine = [(place, pay) for lines, place, pay, _p, _q in samples if lines == n]
        if mine:
            by_lines[n] = {"samples": len(mine), "place": statistics.mode(p for p, _ in mine),
                           "pay": statistics.mode(q for _, q in mine), "total": statistics.mode(p + q for p, q in mine),
                           "most": max(p + q for p, q in mine)}
    three = next((s for s in samples if s[0] == 3), samples[0] if samples else None)
    mean = sum(p + q for _n, p, q, _a, _b in samples) / max(len(samples), 1)
    return {"mean_per_order": round(mean, 1), "by_lines": by_lines,
            "statements_of_a_sample": {"lines": three[0], "place": [_short(sql) for sql in three[3]],
                                       "pay": [_short(sql) for sql in three[4]]} if three else {}}


def _short(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()[:140]


def verify(env: dict, ids: dict) -> dict:
    """Units of the hot SKU paid for vs units that left its stock vs the ledger; check_stock's verdict."""
    from django.db.models import Q, Sum

    from ashopy.inventory.models import Reservation, Stock, StockMovement
    from ashopy.inventory.selectors import stock_discrepancies
    from ashopy.orders.models import Order, OrderLine

    hot = ids["hot"]
    paid_units = OrderLine.objects.filter(variant_id=hot, order__state__in=Order.WAS_PAID).aggregate(
        total=Sum("quantity"))["total"] or 0
    on_hand = Stock.objects.filter(variant_id=hot).aggregate(total=Sum("on_hand"))["total"]
    ledger_sold = -(StockMovement.objects.filter(variant_id=hot, reason="sale").aggregate(
        total=Sum("quantity"))["total"] or 0)
    check = subprocess.run([sys.executable, "manage.py", "check_stock"], cwd=ROOT, env=env, capture_output=True,
                           text=True)
    return {
        "hot_paid_units": paid_units,
        "hot_units_left_stock": ids["hot_stock"] - on_hand,
        "hot_ledger_units_sold": ledger_sold,
        "oversell": paid_units - (ids["hot_stock"] - on_hand),
        "negative_stock_rows": Stock.objects.filter(Q(on_hand__lt=0) | Q(reserved__lt=0)).count(),
        "reserved_after": Stock.objects.aggregate(total=Sum("reserved"))["total"],
        "active_reservations_after": Reservation.objects.filter(state="active").count(),
        "orders_not_paid": Order.objects.exclude(state__in=Order.WAS_PAID).count(),
        "stock_discrepancies": len(stock_discrepancies()),
        "check_stock_exit": check.returncode,
    }


def consistent(checks: dict) -> bool:
    return (checks["oversell"] == 0 and checks["hot_ledger_units_sold"] == checks["hot_units_left_stock"]
            and not checks["negative_stock_rows"] and not checks["stock_discrepancies"]
            and checks["check_stock_exit"] == 0 and not checks["active_reservations_after"])


def paid_orders(customers: list[int]) -> int:
    from ashopy.orders.models import Order

    return Order.objects.filter(user_id__in=customers, state__in=Order.WAS_PAID).count()


def email_events(customers: list[int]) -> int:
    """E-mails the Celery task recorded (OrderEvent kind "email") for these customers' orders."""
    from ashopy.orders.models import OrderEvent

    return OrderEvent.objects.filter(kind=OrderEvent.Kind.EMAIL, order__user_id__in=customers).count()


def drain_emails(env: dict, customers: list[int]) -> dict:
    """The e-mail tasks the phase queued, sent by a real Celery worker (dummy backend) after the window.

    Every paid order of `customers` should have queued one confirmation e-mail, recorded by the task
    as an OrderEvent of kind "email" once sent.
    """
    broker = redis.Redis.from_url(REDIS_URL)
    queued, expected = broker.llen(QUEUE), paid_orders(customers)
    report = {"emails_queued": queued, "worker_start_seconds": 0.0, "email_drain_seconds": 0.0}
    if queued:
        report.update(_send_queued(env, broker, queued, lambda: email_events(customers), expected))
    events = email_events(customers)
    return {**report, "emails_per_second": per_second(queued, report["email_drain_seconds"]),
            "orders_paid_in_database": expected, "email_events": events, "email_events_match": events == expected}


def _send_queued(env: dict, broker, queued: int, events, expected: int) -> dict:
    """Run a Celery worker until the queue is drained; timed from its first message (start-up apart).

    Drained: nothing left in the queue nor unacknowledged and, when the task records its e-mails
    (`events()`), `expected` of them recorded: the last tasks taken may still be running otherwise.
    """
    with celery_worker(env):
        launched = time.perf_counter()
        wait_until(lambda: broker.llen(QUEUE) < queued, timeout=120)  # the worker is up and consuming
        consuming = time.perf_counter()
        drained = wait_until(lambda: not broker.llen(QUEUE) and not broker.hlen("unacked"), timeout=600)
        if drained and events():
            drained = wait_until(lambda: events() >= expected, timeout=30, every=0.05)
        done = time.perf_counter()
    return {"worker_start_seconds": round(consuming - launched, 2), "email_drain_seconds": round(done - consuming, 2),
            "drained": drained, "left_in_queue": broker.llen(QUEUE)}


def access_tokens(user_ids: list[int]) -> list[str]:
    """A JWT per customer, in `user_ids` order, as POST /api/v1/auth/token/ issues them (valid 5 minutes)."""
    from rest_framework_simplejwt.tokens import AccessToken

    from ashopy.accounts.models import User

    users = User.objects.in_bulk(user_ids)
    return [str(AccessToken.for_user(users[user_id])) for user_id in user_ids]


def http_query_counts(ids: dict) -> dict:
    """Statements per request of one 3-line order through the API, run in this process (django.test.Client).

    Its customer is one of its own (ids["probe"]): its cart is not one of the timed orders'.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    token = client.post("/api/v1/auth/token/", {"email": ids["probe_email"], "password": ids["password"]},
                        content_type="application/json").json()["access"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    counts = {"cart_line": []}
    for variant in (ids["hot"], *ids["others"][:2]):
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/cart/lines/", {"variant": variant, "quantity": 1},
                                   content_type="application/json", **auth)
        assert response.status_code == 200, response.content
        counts["cart_line"].append(len(captured))
    body = {"billing_address": ADDRESS, "shipping_address": ADDRESS, "shipping_method": ids["method"],
            "payment_method": "sandbox", "email": ids["probe_email"]}
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/checkout/", json.dumps(body), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **auth)
    assert response.status_code == 201, response.content
    counts["checkout"] = len(captured)
    notification, headers = signed_notification(payment_reference(response.json()["payment"]))
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/payments/webhooks/sandbox/", notification, content_type="application/json",
                               HTTP_X_SANDBOX_SIGNATURE=headers["X-Sandbox-Signature"])
    assert response.status_code == 200, response.content
    counts["webhook"] = len(captured)
    counts["order_total_3_lines"] = sum(counts["cart_line"]) + counts["checkout"] + counts["webhook"]
    counts["place_and_pay_3_lines"] = counts["checkout"] + counts["webhook"]
    return counts


def phase_services(env: dict, ids: dict, args, *, code: str = "") -> dict:
    """Phase 1 (or 1b: every other cart carries `code`, limited in uses), then its e-mails drained and the
    stock verified (and the code's uses counted)."""
    customers = "code_customers" if code else "customers"
    count = len(ids[customers])
    print(f"  phase 1{'b' if code else ''}: {args.workers} processes placing and paying {count} orders through the "
          f"services{f', every other one with the code {code}' if code else ''} …", flush=True)
    outcome, filling, seconds, states = run(service_worker, env, ids,
                                            {"sample_every": args.sample_every, "customers": customers, "code": code},
                                            args.workers, backend_states(DATABASE))
    report = {**summarise(outcome, filling, seconds), "database_backends": states, "queries": query_counts(outcome)}
    report["emails"] = drain_emails(env, ids[customers])
    report["checks"] = verify(env, ids)
    if code:
        report["code"] = verify_code(ids, refused=sum(out.get("code_refused", 0) for out in outcome))
    return report


def verify_code(ids: dict, *, refused: int) -> dict:
    """The code's uses against its limit: held or confirmed redemptions, paid orders that carry it."""
    from ashopy.orders.models import Order, OrderDiscount
    from ashopy.promotions.models import Redemption

    uses = Redemption.objects.filter(code_id=ids["code_id"])
    carried = (OrderDiscount.objects.filter(code_id=ids["code_id"], order__state__in=Order.WAS_PAID)
               .values("order_id").distinct().count())
    return {"max_uses": ids["code_limit"], "redeemed": uses.filter(state__in=["held", "confirmed"]).count(),
            "confirmed": uses.filter(state="confirmed").count(), "paid_orders_carrying_it": carried,
            "oversell": max(carried - ids["code_limit"], 0), "refused_then_placed_without": refused}


def phase_http(env: dict, ids: dict, args) -> dict:
    """Phase 2; then one more order whose requests are counted, the e-mails drained, the stock verified.

    The counted order is placed before the drain, so its e-mail is among the phase's (one more than the
    timed orders paid).
    """
    print(f"  phase 2: gunicorn (2 sync workers), {args.workers} HTTP clients, {args.http_orders} orders …",
          flush=True)
    ids = {**ids, "http_tokens": access_tokens(ids["http_customers"])}
    with gunicorn(env, port=args.port, workers=2) as base:
        outcome, filling, seconds, states = run(http_worker, env, ids, {"base": base}, args.workers,
                                                backend_states(DATABASE))
    report = {**summarise(outcome, filling, seconds), "database_backends": states}
    requests = {name: [t for out in outcome for t in out["requests"][name]] for name in outcome[0]["requests"]}
    report["request_ms"] = {name: latency(times) for name, times in requests.items()}
    report["queries"] = http_query_counts(ids)
    report["emails"] = drain_emails(env, [*ids["http_customers"], ids["probe"]])
    report["checks"] = verify(env, ids)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="concurrent customers (processes); default one per core, as app servers are sized — "
                             "more only queue for the CPU (the results say how many)")
    parser.add_argument("--orders", type=int, default=1000, help="orders paid through the services")
    parser.add_argument("--http-orders", type=int, default=1000, help="orders paid through the API (0: skip)")
    parser.add_argument("--code-orders", type=int, default=1200,
                        help="phase 1b: orders through the services, every other cart with a code (0: skip)")
    parser.add_argument("--code-limit", type=int, default=500, help="phase 1b: the code's maximum uses")
    parser.add_argument("--sample-every", type=int, default=10, help="count the queries of one order in N")
    parser.add_argument("--port", type=int, default=8131)
    args = parser.parse_args()
    # STATIC_ROOT: an empty directory (the API serves no static file; WhiteNoise only wants it to exist)
    with tempfile.TemporaryDirectory(prefix="ashopy-bench-static-") as static:
        bench(args, environment(DATABASE, PAYMENT_SANDBOX="1", EMAIL_URL="dummymail://", CONN_MAX_AGE="600",
                                STATIC_ROOT=static, REDIS_URL=REDIS_URL))


def bench(args, env: dict) -> None:
    load = os.getloadavg()
    redis.Redis.from_url(REDIS_URL).flushdb()  # the cache, sessions, throttle counts and queue of a previous run
    print(f"building {DATABASE} …", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    setup_django(env)  # also puts REDIS_URL in os.environ: this process queues e-mails on Redis like the others
    from django.db import connection

    ids = prepare(orders=args.orders, http_orders=args.http_orders, code_orders=args.code_orders,
                  code_limit=args.code_limit, hot_stock=args.orders + args.http_orders + args.code_orders + 100)
    connection.close()
    report = {"services": phase_services(env, ids, args)}
    _print("services", report["services"])
    if args.code_orders:
        report["services_with_code"] = part = phase_services(env, ids, args, code=ids["code"])
        connection.close()
        _print("services_with_code", part)
        code = part["code"]
        code["orders_per_second_vs_without"] = round(
            part["orders_per_second"] / report["services"]["orders_per_second"], 3)
        print(f"    code {ids['code']}: {code['redeemed']} uses of {code['max_uses']} ({code['confirmed']} confirmed), "
              f"{code['paid_orders_carrying_it']} paid orders carry it, oversell {code['oversell']}, "
              f"{code['refused_then_placed_without']} refused at payment then placed without; "
              f"orders/s {code['orders_per_second_vs_without']:.0%} of the run without codes", flush=True)

    if not args.http_orders:
        report["http"] = {"skipped": "--http-orders 0"}
    else:
        report["http"] = phase_http(env, ids, args)
        connection.close()
        _print("http", report["http"])

    report["setup"] = {
        "workers": args.workers, "products": PRODUCTS, "hot_stock": ids["hot_stock"],
        "customers": len(ids["customers"]) + len(ids["http_customers"]) + len(ids["code_customers"]) + 1,
        "basket": "the hot SKU ×1 plus 0–2 other products ×1–2", "payment": "sandbox, signed notification",
        "notes": "one customer per order; carts filled before the timed window (cart_fill_*), which places and "
                 "pays one order per cart; phase 1: multiprocessing (spawn), one Django connection per process; "
                 "phase 2: gunicorn 2 sync workers, http.client clients with a JWT per customer (issued by the bench "
                 "before the phase, as the token endpoint issues them); Redis (db 9) for the cache, the "
                 "sessions and the Celery broker: paid orders queue their confirmation e-mail, sent after the "
                 "window by a Celery worker (prefork, 2 processes, dummy e-mail backend); PostgreSQL and Redis on "
                 "the same machine"}
    report["targets"] = {"services_orders_per_second": 150, "http_orders_per_second": 80, "p99_ms": 250,
                         "place_and_pay_queries_3_lines": 27}
    report["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "load_average_at_start": load}
    path = write("checkout", report)
    print(f"→ {path.relative_to(ROOT)}", flush=True)
    if not all(consistent(part["checks"]) for part in report.values() if "checks" in part):
        sys.exit("the stock does not add up")


def _print(name: str, part: dict) -> None:
    queries, checks, emails = part["queries"], part["checks"], part["emails"]
    if "mean_per_order" in queries:
        statements = f"{queries['mean_per_order']} queries per order (place+pay, mean)"
    else:
        statements = (f"{queries['place_and_pay_3_lines']} queries for checkout+webhook of 3 lines "
                      f"(+{'/'.join(map(str, queries['cart_line']))} for the cart lines)")
    print(f"  {name}: {part['orders_paid']} orders paid in {part['seconds']} s = {part['orders_per_second']} orders/s; "
          f"place+pay p50 {part['place_pay_ms']['p50']} ms p99 {part['place_pay_ms']['p99']} ms; "
          f"{statements}; lock waits {part['database_backends']['lock_wait_share_of_busy']:.0%} of busy backend "
          f"samples; failures {part['failures'] or 0}; oversell {checks['oversell']}; "
          f"check_stock {'ok' if consistent(checks) else 'FAILED'}", flush=True)
    print(f"    carts filled before: {part['cart_fill_lines']} lines in {part['cart_fill_seconds']} s = "
          f"{part['cart_fill_lines_per_second']} lines/s, cart p50 {part['cart_fill_ms']['p50']} ms "
          f"p99 {part['cart_fill_ms']['p99']} ms; e-mails: {emails['emails_queued']} queued, sent in "
          f"{emails['email_drain_seconds']} s = {emails['emails_per_second']}/s; {emails['email_events']} e-mail "
          f"events for {emails['orders_paid_in_database']} paid orders"
          f"{'' if emails['email_events_match'] else ' (MISMATCH)'}", flush=True)


if __name__ == "__main__":
    main()
