"""Hot-SKU benchmark: N processes reserve and sell one unit at a time of the same variant until it runs out.

    make bench            # or: .venv/bin/python bench/hot_sku.py [--stock 2000] [--workers 16]

On a scratch PostgreSQL database (`ashopy_bench_hot_sku`): one store, one warehouse, one variant
with `--stock` units received. Each worker process (its own Django set-up and connection) loops
`reserve` 1 unit, then `consume` it, until InsufficientStock. Reports reserve+consume pairs per
second, the oversell (units sold − stock: must be 0) and the ledger check, then the floor:
pgbench running the bare conditional UPDATE on one row with as many clients. Writes
bench/results/hot_sku.json. Never run by the test suite.
"""

import argparse
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, ROOT, environment, manage, recreate_database, write

DATABASE = "ashopy_bench_hot_sku"
FLOOR_SQL = "UPDATE hot_sku_floor SET reserved = reserved + 1 WHERE id = 1 AND on_hand - reserved >= 1;\n"


def _django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ashopy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(stock: int) -> dict:
    """The store, its warehouse and the hot variant with `stock` units; a probe variant for the query count."""
    from decimal import Decimal

    from ashopy.catalog import services as catalog
    from ashopy.inventory import services as inventory
    from ashopy.stores.services import save_store

    store = save_store(slug="hot", name="Hot SKU", currency="XOF", country="SN", legal_name="Hot SKU SARL")
    warehouse = inventory.save_warehouse(store=store, code="main", name="Entrepôt", priority=1)
    category = catalog.create_category(store=store, name="Consoles")
    made = {}
    for name, units in (("Console attendue", stock), ("Sonde", 10)):
        product = catalog.create_product(store=store, name=name, category=category, status="published",
                                         variants=[{"price": Decimal(300000)}])
        made[name] = product.variants.get()
        inventory.receive(store=store, variant=made[name], warehouse=warehouse, quantity=units,
                          unit_cost=Decimal(200000), reference="bench")
    return {"store": store.pk, "variant": made["Console attendue"].pk, "probe": made["Sonde"].pk}


def queries_per_pair(store_id: int, variant_id: int) -> list[str]:
    """The SQL statements of one reserve + consume, as the services run them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ashopy.inventory import reservations
    from ashopy.stores.models import Store

    store = Store.objects.get(pk=store_id)
    with CaptureQueriesContext(connection) as captured:
        reservation = reservations.reserve(store=store, lines=[reservations.Line(variant_id, 1)], owner="probe")
        reservations.consume(reservation=reservation, reference="probe")
    return [query["sql"] for query in captured.captured_queries]


def worker(env: dict, store_id: int, variant_id: int, index: int, barrier, results) -> None:
    """Reserve then consume one unit at a time until the stock runs out; report units and time spent."""
    _django(env)
    from django.db import connection

    from ashopy.inventory import reservations
    from ashopy.inventory.errors import InsufficientStock
    from ashopy.stores.models import Store

    store = Store.objects.get(pk=store_id)
    line = [reservations.Line(variant_id, 1)]
    sold, reserving, consuming = 0, 0.0, 0.0
    barrier.wait()
    while True:
        started = time.perf_counter()
        try:
            reservation = reservations.reserve(store=store, lines=line, owner=f"bench:{index}")
        except InsufficientStock:
            break
        held = time.perf_counter()
        reservations.consume(reservation=reservation, reference=f"bench:{index}")
        reserving, consuming = reserving + held - started, consuming + time.perf_counter() - held
        sold += 1
    connection.close()
    results.put((sold, reserving, consuming))


def race(env: dict, ids: dict, workers: int) -> tuple[list, float]:
    """Start the workers together; (their results, wall seconds from the start to the last one's end)."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(workers + 1), context.Queue()
    processes = [context.Process(target=worker, args=(env, ids["store"], ids["variant"], n, barrier, results))
                 for n in range(workers)]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    outcome = [results.get(timeout=600) for _ in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join(timeout=30)
    if any(process.exitcode for process in processes):
        sys.exit("a worker failed")
    return outcome, seconds


def verify(ids: dict, stock: int) -> dict:
    """What the ledger and the stock row say after the race, and the check_stock verdict."""
    from django.db.models import Sum

    from ashopy.inventory.models import Reservation, Stock, StockMovement
    from ashopy.inventory.selectors import stock_discrepancies

    row = Stock.objects.get(variant_id=ids["variant"])
    sold = -(StockMovement.objects.filter(variant_id=ids["variant"], reason="sale")
             .aggregate(total=Sum("quantity"))["total"] or 0)
    return {"on_hand_after": row.on_hand, "reserved_after": row.reserved, "ledger_units_sold": sold,
            "active_reservations_after": Reservation.objects.filter(state="active").count(),
            "check_stock_ok": not stock_discrepancies(), "oversell_ledger": sold - stock}


def floor(workers: int, seconds: int) -> float:
    """pgbench transactions per second of the bare conditional UPDATE on one row."""
    import psycopg

    with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS hot_sku_floor")
        connection.execute("CREATE TABLE hot_sku_floor (id int PRIMARY KEY, on_hand bigint NOT NULL, "
                           "reserved bigint NOT NULL)")
        connection.execute("INSERT INTO hot_sku_floor VALUES (1, 1000000000000, 0)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(FLOOR_SQL)
    try:
        out = subprocess.run(["/usr/bin/pgbench", "-n", "-c", str(workers), "-j", "2", "-T", str(seconds),
                              "-f", script.name, f"{PG}/{DATABASE}"], capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
    if not match:
        sys.exit(f"unexpected pgbench output:\n{out.stdout}\n{out.stderr}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stock", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--floor-seconds", type=int, default=10, help="pgbench duration")
    args = parser.parse_args()
    load = os.getloadavg()

    env = environment(DATABASE, CONN_MAX_AGE="600")
    print(f"building {DATABASE} …", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    _django(env)
    from django.db import connection

    ids = prepare(args.stock)
    statements = queries_per_pair(ids["store"], ids["probe"])
    connection.close()

    print(f"  {args.workers} workers reserving and selling {args.stock} units …", flush=True)
    outcome, seconds = race(env, ids, args.workers)
    sold = sum(units for units, _r, _c in outcome)
    checks = verify(ids, args.stock)
    pairs = sold / seconds
    floor_tps = floor(args.workers, args.floor_seconds)
    report = {
        "reservations_per_second": round(pairs, 1),
        "floor_tps": round(floor_tps, 1),
        "ratio": round(pairs / floor_tps, 3),
        "oversell": sold - args.stock,
        "workers": args.workers,
        "stock": args.stock,
        "seconds": round(seconds, 3),
        "units_sold": sold,
        "per_worker_units": sorted(units for units, _r, _c in outcome),
        "mean_reserve_ms": round(1000 * sum(r for _u, r, _c in outcome) / max(sold, 1), 2),
        "mean_consume_ms": round(1000 * sum(c for _u, _r, c in outcome) / max(sold, 1), 2),
        "queries_per_pair": len(statements),
        "statements_per_pair": [re.sub(r"\s+", " ", sql)[:160] for sql in statements],
        **checks,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": load},
        "setup": "multiprocessing (spawn), one Django connection per worker; pgbench -n -j 2 with as many "
                 "clients as workers; PostgreSQL on the same machine",
    }
    path = write("hot_sku", report)
    ok = report["oversell"] == 0 and checks["oversell_ledger"] == 0 and checks["check_stock_ok"]
    print(f"hot SKU: {pairs:.0f} reserve+consume/s with {args.workers} workers over {args.stock} units in "
          f"{seconds:.1f} s; floor {floor_tps:.0f} tps; ratio {pairs / floor_tps:.1%}; oversell {sold - args.stock}; "
          f"check_stock {'ok' if checks['check_stock_ok'] else 'FAILED'}; {len(statements)} queries per pair "
          f"→ {path.relative_to(ROOT)}", flush=True)
    if not ok:
        sys.exit("the stock does not add up")


if __name__ == "__main__":
    main()
