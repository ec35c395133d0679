"""Point-of-sale benchmark: 4 tills record 1,000 sales each through the HTTP API, then the chain is checked.

    make bench            # or: .venv/bin/python bench/pos.py [--tills 4] [--sales 1000] [--profile 0]

On a scratch PostgreSQL database (`ashopy_bench_pos`, created and migrated here): a Senegalese store
answering on 127.0.0.1 (XOF, prices tax included, VAT 18 %), a shop warehouse, 200 products with
an EAN-13 barcode and ample stock, `--tills` tills each with a cashier (vendeur) and an open session
(opened through `pos.services.open_session`, with a counted float). Each cashier gets a JWT as
POST /api/v1/auth/token/ issues them (password hashing is not what is measured).

gunicorn (2 sync workers, as deployed) serves the API; one client thread per till (http.client, one
connection per request as sync workers close them) records `--sales` sales of 1–5 lines given by
their scanned barcode, each with its own Idempotency-Key: half paid in cash with a rounded-up note
(the change is checked against the answer), a third by card, the rest split card + cash. The first
`--warmup` sales of each till are made before a barrier (gunicorn's workers open their database
connection and load their modules) and are not timed; the timed window runs from the barrier to
the last thread's end. Latency is each request's wall time seen by the client.

Queries per sale are counted in this process afterwards (a separate, single-process pass), as the
checkout benchmark counts its own: Django's test client posts `--query-sales` more sales of 1–5
lines to a till of its own, with the same JWT authentication, inside CaptureQueriesContext, so every
statement of the request is counted (authentication, session, scanned codes, the sale, its answer;
BEGIN and COMMIT included). With `--profile N` the same pass runs N sales under cProfile and
prints the top functions by cumulative time (how the hot path was looked at; py-spy is not installed).

Then `manage.py verify_pos_chain --store bench-pos` (its own process: the figure is the time the
command reports for the check itself, and the process's wall time besides), and checks: every
sale answered 201 with the expected total and change, exactly `--tills` × `--sales` tickets,
numbers gap-free per till, stock on hand = received − sold per product, no ledger discrepancy.
Writes bench/results/pos.json. Never run by the test suite.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redis
from _common import ROOT, environment, gunicorn, manage, recreate_database, write
from checkout_worker import LightClient

DATABASE = os.environ.get("BENCH_DATABASE", "ashopy_bench_pos")
REDIS_URL = os.environ.get("BENCH_POS_REDIS_URL", "redis://127.0.0.1:6379/11")  # the bench's own, flushed
STORE = "bench-pos"
PRODUCTS = 200
STOCK = 1_000_000
TARGET = {"sales_per_second": 100.0, "p99_ms": 100.0, "queries_per_sale": 15, "chain_check_seconds": 2.0}


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ashopy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ean13(number: int) -> str:
    """An EAN-13 of the GS1 range 200–299 (in-store use) with its check digit."""
    body = f"2{number:011d}"
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def prepare(tills: int) -> dict:
    """The store, its catalogue with barcodes and stock, `tills` + 1 tills with an open session each (the
    last one is the query-count pass's), one cashier per till and their JWTs."""
    from rest_framework_simplejwt.tokens import AccessToken

    from ashopy.accounts.models import User
    from ashopy.accounts.services import assign_role
    from ashopy.catalog import services as catalog
    from ashopy.inventory import services as inventory
    from ashopy.pos import services as pos
    from ashopy.pricing.services import set_tax_rate
    from ashopy.stores.models import Role
    from ashopy.stores.services import save_store

    store = save_store(slug=STORE, domain="127.0.0.1", name="Bench Caisse", currency="XOF", country="SN",
                       timezone="Africa/Dakar", prices_include_tax=True, legal_name="Bench Caisse SARL")
    set_tax_rate(tax_class=catalog.save_tax_class(store=store, code="standard", name="Standard", is_default=True),
                 rate=Decimal(18))
    shop = inventory.save_warehouse(store=store, code="boutique", name="Boutique", priority=1, kind="shop")
    category = catalog.create_category(store=store, name="Rayon")
    products = []
    for n in range(PRODUCTS):
        price = Decimal(250 * (1 + n % 40))  # 250 to 10,000 F CFA
        barcode = ean13(n + 1)
        product = catalog.create_product(store=store, name=f"Article {n:03d}", category=category, status="published",
                                         variants=[{"price": price, "barcode": barcode}])
        variant = product.variants.get()
        inventory.receive(store=store, variant=variant, warehouse=shop, quantity=STOCK, unit_cost=Decimal(100),
                          reference="bench")
        products.append({"id": variant.pk, "barcode": barcode, "price": int(price)})
    admin = assign_role(user=User.objects.create_user(email="admin@bench-pos.test", password=None),
                        store=store, role=Role.ADMIN)
    out = {"store": store.pk, "products": products, "tills": []}
    for n in range(1, tills + 2):
        till = pos.save_till(user=admin, store=store, code=f"c{n}", name=f"Caisse {n}", warehouse=shop)
        cashier = assign_role(user=User.objects.create_user(email=f"caisse{n}@bench-pos.test", password=None),
                              store=store, role=Role.VENDEUR)
        pos.open_session(user=cashier, till=till, opening_float={"5000": 4, "1000": 10, "500": 10})
        out["tills"].append({"id": till.pk, "code": till.code, "cashier": cashier.pk,
                             "token": str(AccessToken.for_user(cashier))})
    return out


def basket(rng, products: list[dict]) -> tuple[list[dict], int]:
    """1–5 lines by barcode (1–3 units each) and the total due (prices include tax, no promotion)."""
    chosen = rng.sample(products, rng.randint(1, 5))
    lines = [{"code": product["barcode"], "quantity": rng.randint(1, 3)} for product in chosen]
    return lines, sum(product["price"] * line["quantity"] for product, line in zip(chosen, lines, strict=True))


def tender(rng, total: int) -> tuple[list[dict], int]:
    """Half cash with a rounded-up note (change), a third card, the rest card + cash; (payments, change)."""
    draw = rng.random()
    if draw < 0.5:
        handed = -(-total // 5000) * 5000 if rng.random() < 0.7 else total
        return [{"method": "cash", "amount": handed}], handed - total
    if draw < 0.83:
        return [{"method": "card", "amount": total}], 0
    card = total // 2
    handed = -(-(total - card) // 1000) * 1000
    return [{"method": "card", "amount": card}, {"method": "cash", "amount": handed}], card + handed - total


def sale_body(rng, till_id: int, products: list[dict]) -> tuple[dict, int, int, int]:
    lines, total = basket(rng, products)
    payments, change = tender(rng, total)
    units = sum(line["quantity"] for line in lines)
    return {"till": till_id, "lines": lines, "payments": payments}, total, change, units


def till_thread(base: str, till: dict, products: list[dict], sales: int, warmup: int, barrier, out: dict) -> None:
    """One till: `warmup` sales, the barrier, then the rest, each answered 201 with its total and change."""
    import random

    rng = random.Random(1000 + till["id"])
    client = LightClient(base)
    auth = {"Authorization": f"Bearer {till['token']}"}
    sold: dict[str, int] = {}
    latencies, failures = [], []

    def one() -> float:
        body, total, change, _units = sale_body(rng, till["id"], products)
        started = time.perf_counter()
        answer = client.post("/api/v1/pos/sales/", json=body, headers={**auth, "Idempotency-Key": str(uuid.uuid4())})
        elapsed = time.perf_counter() - started
        if answer.status_code != 201:
            failures.append(f"HTTP {answer.status_code} {answer.text[:200]}")
            return elapsed
        data = answer.json()
        if Decimal(data["ticket"]["total"]) != total or Decimal(data["change"]) != change:
            failures.append(f"{data['ticket']['reference']}: total {data['ticket']['total']} change {data['change']}"
                            f", expected {total} and {change}")
        for line in body["lines"]:
            sold[line["code"]] = sold.get(line["code"], 0) + line["quantity"]
        return elapsed

    try:
        for _ in range(warmup):
            one()
        barrier.wait()
        for _ in range(sales - warmup):
            latencies.append(one())
    except Exception as error:  # reported by the parent, which fails the run
        barrier.abort()
        failures.append(repr(error))
    out[till["code"]] = {"latencies": latencies, "failures": failures, "sold": sold, "ended": time.perf_counter()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_tills(base: str, ids: dict, tills: list[dict], sales: int, warmup: int) -> dict:
    barrier = threading.Barrier(len(tills) + 1)
    out: dict = {}
    threads = [threading.Thread(target=till_thread, args=(base, till, ids["products"], sales, warmup, barrier, out))
               for till in tills]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=600)
    started, load_before = time.perf_counter(), os.getloadavg()
    for thread in threads:
        thread.join()
    window = max(report["ended"] for report in out.values()) - started
    failures = [failure for report in out.values() for failure in report["failures"]]
    if failures:
        sys.exit(f"{len(failures)} sales failed, e.g. {failures[:3]}")
    latencies = [latency for report in out.values() for latency in report["latencies"]]
    return {"window": window, "latencies": latencies, "load_before": load_before,
            "sold": {code: [report["sold"].get(code, 0) for report in out.values()] for code in
                     {code for report in out.values() for code in report["sold"]}}}


def count_queries(ids: dict, till: dict, sales: int, profile: int) -> dict:
    """Statements per sale of `sales` sales through the API in this process (django.test.Client, JWT),
    BEGIN and COMMIT included; with `profile`, that many more under cProfile (top functions printed)."""
    import random

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(7)
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {till['token']}"}

    def post(body):
        response = client.post("/api/v1/pos/sales/", json.dumps(body), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **auth)
        if response.status_code != 201:
            sys.exit(f"query pass: HTTP {response.status_code} {response.content[:300]!r}")

    post(sale_body(rng, till["id"], ids["products"])[0])  # the first request loads what a worker keeps
    counts = {}
    for _ in range(sales):
        body = sale_body(rng, till["id"], ids["products"])[0]
        with CaptureQueriesContext(connection) as captured:
            post(body)
        counts.setdefault(len(body["lines"]), []).append(len(captured))
    every = [count for values in counts.values() for count in values]
    result = {"mean": round(statistics.fmean(every), 2), "max": max(every), "min": min(every),
              "by_lines": {lines: max(values) for lines, values in sorted(counts.items())},
              "statements_of_one_sale": [query["sql"][:160] for query in captured.captured_queries]}
    if profile:
        import cProfile
        import pstats

        bodies = [sale_body(rng, till["id"], ids["products"])[0] for _ in range(profile)]
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for body in bodies:
            post(body)
        profiler.disable()
        result["profiled_ms_per_sale"] = round((time.perf_counter() - started) * 1000 / profile, 2)
        print(f"  cProfile: {profile} sales, {result['profiled_ms_per_sale']} ms each under the profiler")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    return result


def verify_chain(env: dict) -> dict:
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "manage.py", "verify_pos_chain", "--store", STORE], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    if output.returncode:
        sys.exit(f"verify_pos_chain failed:\n{output.stdout}\n{output.stderr}")
    records, tills, seconds = re.search(r"(\d+) records of (\d+) tills checked in ([\d.]+) s", output.stdout).groups()
    return {"records": int(records), "tills": int(tills), "check_seconds": float(seconds),
            "command_wall_seconds": round(wall, 2), "output": output.stdout.strip().splitlines()}


def check(ids: dict, tills: list[dict], sales: int, sold: dict) -> dict:
    """Tickets per till and their numbers, stock against what was sold, the ledger."""
    from django.db.models import Count, Max

    from ashopy.inventory.models import Stock
    from ashopy.inventory.selectors import stock_discrepancies
    from ashopy.pos.models import Ticket

    per_till = {row["till__code"]: row for row in Ticket.objects.filter(till_id__in=[t["id"] for t in tills])
                .values("till__code").annotate(count=Count("id"), last=Max("number"))}
    for till in tills:
        row = per_till.get(till["code"], {"count": 0, "last": 0})
        if row["count"] != sales or row["last"] != sales:
            sys.exit(f"till {till['code']}: {row['count']} tickets numbered up to {row['last']}, expected {sales}")
    on_hand = dict(Stock.objects.filter(variant__store_id=ids["store"]).values_list("variant__barcode", "on_hand"))
    wrong = {code: (on_hand[code], STOCK - sum(units)) for code, units in sold.items()
             if on_hand[code] != STOCK - sum(units)}
    if wrong:
        sys.exit(f"stock on hand differs from received − sold: {list(wrong.items())[:5]}")
    discrepancies = stock_discrepancies()
    if discrepancies:
        sys.exit(f"ledger discrepancies: {discrepancies[:5]}")
    return {"tickets": sales * len(tills), "numbers_gap_free": True, "stock_matches_sales": True,
            "ledger_discrepancies": 0, "units_sold": sum(sum(units) for units in sold.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tills", type=int, default=4)
    parser.add_argument("--sales", type=int, default=1000, help="per till, warm-up included")
    parser.add_argument("--warmup", type=int, default=10, help="sales per till before the timed window")
    parser.add_argument("--query-sales", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, help="sales to run under cProfile after the count")
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--note", default="", help="written into the result (what else loaded the machine)")
    args = parser.parse_args()

    cache = tempfile.mkdtemp(prefix="ashopy-posbench-cache-")
    env = environment(DATABASE, REDIS_URL=REDIS_URL, CACHE_DIR=cache, CONN_MAX_AGE="600", EMAIL_URL="dummymail://",
                      POS_SIGNING_KEYS=json.dumps({"*": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}))
    try:
        print(f"building {DATABASE} …", flush=True)
        redis.Redis.from_url(REDIS_URL).flushdb()
        recreate_database(DATABASE)
        manage(env, "migrate", "--noinput")
        setup_django(env)
        from django.db import connection

        started = time.perf_counter()
        ids = prepare(args.tills)
        connection.close()
        print(f"  store, {PRODUCTS} products with barcodes and stock, {args.tills + 1} tills with open sessions: "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        tills, query_till = ids["tills"][:args.tills], ids["tills"][-1]

        print(f"  gunicorn (2 sync workers), {args.tills} till threads × {args.sales} sales "
              f"({args.warmup} each before the window) …", flush=True)
        with gunicorn(env, port=args.port, workers=2) as base:
            run = run_tills(base, ids, tills, args.sales, args.warmup)
        load = os.getloadavg()
        latencies, window = run["latencies"], run["window"]
        result = {
            "sales_per_second": round(len(latencies) / window, 1),
            "timed_sales": len(latencies),
            "window_seconds": round(window, 2),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1),
            "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        }
        print(f"  {len(latencies)} sales in {window:.1f} s: {result['sales_per_second']} sales/s  "
              f"p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms  load {load[0]:.2f} on {os.cpu_count()} CPUs",
              flush=True)
        result["checks"] = check(ids, tills, args.sales, run["sold"])

        chain = verify_chain(env)
        result["chain_check"] = {key: chain[key] for key in ("records", "tills", "check_seconds",
                                                             "command_wall_seconds")}
        print(f"  verify_pos_chain: {chain['records']} records of {chain['tills']} tills in "
              f"{chain['check_seconds']} s (command {chain['command_wall_seconds']} s with Django's start)", flush=True)

        result["queries_per_sale"] = count_queries(ids, query_till, args.query_sales, args.profile)
        print(f"  queries per sale (API, this process, {args.query_sales} sales of 1–5 lines): "
              f"mean {result['queries_per_sale']['mean']}, max {result['queries_per_sale']['max']}", flush=True)
        met = {"sales_per_second": result["sales_per_second"] >= TARGET["sales_per_second"],
               "p99_ms": result["p99_ms"] < TARGET["p99_ms"],
               "queries_per_sale": result["queries_per_sale"]["max"] <= TARGET["queries_per_sale"],
               "chain_check_seconds": chain["check_seconds"] < TARGET["chain_check_seconds"]}
        report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "load_average_before": [round(value, 2) for value in run["load_before"]],
                              "load_average_after": [round(value, 2) for value in load]},
                  "setup": f"gunicorn 2 sync workers; {args.tills} client threads (one per till, http.client, JWT, "
                           f"an Idempotency-Key per sale), {args.sales} sales each of 1–5 scanned lines (cash with "
                           "change, card, card + cash); PostgreSQL and Redis on the same machine; queries counted "
                           "in a separate single-process pass (django.test.Client + CaptureQueriesContext)",
                  "note": args.note, "target": TARGET, "target_met": met, "result": result}
        print(f"  targets met: {met}")
        print(f"written to {write('pos', report)}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
