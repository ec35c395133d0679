"""Documents benchmark: paid orders invoiced through the sales services, each with its PDF, by 2 processes.

    make bench            # or: .venv/bin/python bench/documents.py [--invoices 1000] [--workers 2]

On a scratch PostgreSQL database (`ashopy_docbench`, created and migrated here): a French store
(EUR, prices excl. tax, complete legal profile: its invoices are Factur-X PDF/A-3b with the CII XML
embedded) and a Senegalese store (XOF, VAT 18 %, NINEA and RCCM: plain PDF/A-3b). `--invoices` paid
orders, alternately in each store, with 1–4 product lines and a delivery line, are bulk-inserted
(untimed). `--workers` processes then each take every N-th order and invoice it as the `order_paid`
consumer does (load the order, `sales.services.invoice_order`): draft, legal mentions, gap-free
number, frozen details, the PDF rendered and stored. Each worker first invoices a few orders of its
own untimed (fonts, templates and the XSD loaded once per process, as a long-lived worker has them);
the timed window runs from a barrier to the last worker's end. Every query of every invoice is
counted, as the query budget test counts them (tests/sales/test_issue_queries.py). Afterwards: every
order has exactly one issued invoice with a stored PDF, the numbers of each store are gap-free, and
a French PDF gives back its Factur-X XML. Writes bench/results/documents.json.
Never run by the test suite.
"""

import argparse
import multiprocessing
import os
import platform
import queue
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, environment, manage, recreate_database, write

DATABASE = "ashopy_docbench"
WARMUP = 4  # orders per worker invoiced before the timed window
TARGET_RATE = 20.0  # invoices/s with their PDF, on 2 cores
QUERY_BUDGET = 15  # per invoice
PRODUCTS = [  # (name, variant, SKU, unit price excl. tax in EUR; ×650 in XOF, rounded)
    ("Ordinateur portable ThinkPad X1 Carbon", "16 Go, 512 Go", "TP-X1C-16", Decimal("1250.00")),
    ("Écran 27 pouces", "", "EC-27", Decimal("289.90")),
    ("Souris sans fil", "Noire", "MS-01", Decimal("24.90")),
    ("Clavier mécanique AZERTY", "", "KB-AZ", Decimal("89.00")),
    ("Station d'accueil USB-C", "", "DOCK-C", Decimal("179.00")),
    ("Câble HDMI 2 m", "", "HDMI-2", Decimal("9.90")),
    ("Casque audio à réduction de bruit", "", "HD-NC", Decimal("199.00")),
]


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ashopy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_stores() -> dict:
    """The two stores with what the law asks their invoices to say."""
    from ashopy.sales.models import SellerProfile
    from ashopy.stores.services import save_store

    paris = save_store(slug="bench-paris", name="Paris Bureautique", currency="EUR", country="FR",
                       timezone="Europe/Paris", prices_include_tax=False, legal_name="Paris Bureautique SAS",
                       address="12 rue de Rivoli", postal_code="75001", city="Paris",
                       email="factures@paris-bureautique.example")
    SellerProfile.objects.update_or_create(store=paris, defaults={
        "legal_form": "SAS", "share_capital": "10 000 €", "siren": "303265045", "siret": "30326504500003",
        "rcs": "RCS Paris 303 265 045", "vat_number": "FR40303265045", "operation": "goods"})
    dakar = save_store(slug="bench-dakar", name="Dakar Tech", currency="XOF", country="SN", timezone="Africa/Dakar",
                       prices_include_tax=True, legal_name="Dakar Tech SARL", address="12 rue Carnot",
                       postal_code="10000", city="Dakar", email="compta@dakar-tech.example")
    SellerProfile.objects.update_or_create(store=dakar, defaults={
        "legal_form": "SARL", "share_capital": "1 000 000 F CFA", "ninea": "1234567 2G3",
        "rccm": "SN-DKR-2020-B-12345", "payment_terms_days": 15})
    return {"FR": paris, "SN": dakar}


def make_orders(stores: dict, count: int, *, first: int = 0) -> list[int]:
    """`count` paid orders, alternately French (a company buyer) and Senegalese, 1–4 lines and a delivery;
    numbered from `first`."""
    import random

    from django.utils import timezone

    from ashopy.core.money import percent_of, round_money
    from ashopy.orders.models import Order, OrderLine

    rng = random.Random(13 + first)
    now = timezone.now()
    orders, lines_of = [], []
    for n in range(first, first + count):
        country = "FR" if n % 2 == 0 else "SN"
        store = stores[country]
        currency, rate = ("EUR", Decimal(20)) if country == "FR" else ("XOF", Decimal(18))
        lines = []
        for name, variant, sku, price in rng.sample(PRODUCTS, rng.randint(1, 4)):
            unit = price if country == "FR" else round_money(price * 650, "XOF")
            quantity = rng.randint(1, 3)
            net = round_money(unit * quantity, currency)
            tax = round_money(percent_of(net, rate), currency)
            lines.append(OrderLine(product_name=name, variant_name=variant, sku=sku, quantity=quantity,
                                   unit_base=unit, unit_price=unit, tax_rate=rate, net=net, tax=tax, gross=net + tax))
        shipping_net = Decimal("9.90") if country == "FR" else Decimal(2000)
        shipping_tax = round_money(percent_of(shipping_net, rate), currency)
        goods_net, goods_tax = sum(line.net for line in lines), sum(line.tax for line in lines)
        address = ({"first_name": "Camille", "last_name": f"Petit {n}", "company": "Atelier Petit SARL",
                    "line1": "3 place Bellecour", "postal_code": "69002", "city": "Lyon", "country": "FR"}
                   if country == "FR" else
                   {"first_name": "Awa", "last_name": f"Diop {n}", "line1": "Rue 10, Sicap Liberté",
                    "city": "Dakar", "country": "SN", "phone": "+221 77 000 00 00"})
        orders.append(Order(
            store=store, number=f"CMD-B-{n:06d}", email=f"client{n}@bench.test", language="fr", currency=currency,
            prices_include_tax=country == "SN", billing_address=address, shipping_address=address,
            shipping_method="Livraison standard", shipping_net=shipping_net, shipping_tax=shipping_tax,
            shipping_gross=shipping_net + shipping_tax, shipping_tax_rate=rate, goods_net=goods_net,
            goods_tax=goods_tax, goods_gross=goods_net + goods_tax, total_net=goods_net + shipping_net,
            total_tax=goods_tax + shipping_tax, total=goods_net + shipping_net + goods_tax + shipping_tax,
            payment_method="sandbox", state=Order.State.PAID, paid_at=now))
        lines_of.append(lines)
    Order.objects.bulk_create(orders, batch_size=500)
    for order, lines in zip(orders, lines_of, strict=True):
        for line in lines:
            line.order = order
    OrderLine.objects.bulk_create([line for lines in lines_of for line in lines], batch_size=1000)
    return [order.pk for order in orders]


def worker(env: dict, warmup: list[int], order_ids: list[int], barrier, results) -> None:
    """Invoice `warmup` untimed, wait for the others, then invoice `order_ids`: (seconds, queries) each."""
    try:
        setup_django(env)
        results.put(_invoice_all(warmup, order_ids, barrier))
    except BaseException:
        barrier.abort()  # the others and the parent stop waiting: the run fails instead of hanging
        raise


def _invoice_all(warmup: list[int], order_ids: list[int], barrier) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ashopy.orders.models import Order
    from ashopy.sales import services

    def invoice(order_id: int) -> tuple[float, float, int]:
        started, cpu = time.perf_counter(), time.process_time()
        # Counted as the query budget test counts them (the transaction's BEGIN and COMMIT included).
        with CaptureQueriesContext(connection) as queries:  # what the order_paid consumer (sales.consumers) does
            order = Order.objects.filter(pk=order_id).first()
            issued = services.invoice_order(order=order, keep_draft_if_incomplete=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if not (issued.is_issued and issued.pdf):
            raise RuntimeError(f"order {order_id}: invoice {issued.pk} not issued with its PDF")
        return elapsed, cpu, len(queries.captured_queries)

    for order_id in warmup:
        invoice(order_id)
    barrier.wait()
    started = time.perf_counter()
    samples = [invoice(order_id) for order_id in order_ids]
    return {"started": started, "ended": time.perf_counter(), "samples": samples}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def check(order_ids: list[int]) -> dict:
    """One issued invoice with a PDF per order, gap-free numbers per store, a French PDF carrying its XML."""
    import facturx

    from ashopy.sales.models import Invoice

    invoices = Invoice.objects.filter(order_id__in=order_ids)
    issued = invoices.filter(state=Invoice.State.ISSUED).exclude(pdf="")
    if invoices.count() != len(order_ids) or issued.count() != len(order_ids):
        sys.exit(f"{invoices.count()} invoices, {issued.count()} issued with a PDF, for {len(order_ids)} orders")
    gaps = {}
    for store_id in invoices.values_list("store_id", flat=True).distinct():
        numbers = sorted(int(number.rsplit("-", 1)[1])
                         for number in Invoice.objects.filter(store_id=store_id).values_list("number", flat=True))
        gaps[store_id] = numbers != list(range(1, len(numbers) + 1))
    if any(gaps.values()):
        sys.exit(f"numbers with gaps or duplicates: {gaps}")
    french = invoices.filter(currency="EUR").first()
    with french.pdf.open("rb") as file:
        filename, xml = facturx.get_xml_from_pdf(file.read(), check_xsd=True)
    if filename != "factur-x.xml" or not xml:
        sys.exit(f"{french.number}: no Factur-X XML in its PDF")
    average_size = sum(invoice.pdf.size for invoice in issued[:50]) / min(50, len(order_ids))
    return {"invoices": len(order_ids), "issued_with_pdf": issued.count(), "numbers_gap_free": True,
            "french_pdf_has_factur_x_xml": True, "average_pdf_kib": round(average_size / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    media = tempfile.mkdtemp(prefix="ashopy-docbench-media-")
    cache = tempfile.mkdtemp(prefix="ashopy-docbench-cache-")
    env = environment(DATABASE, MEDIA_ROOT=media, CACHE_DIR=cache, REDIS_URL="", CONN_MAX_AGE="600")
    try:
        print(f"building {DATABASE} …", flush=True)
        recreate_database(DATABASE)
        manage(env, "migrate", "--noinput")
        setup_django(env)
        from django.db import connection

        stores = make_stores()
        warmups = args.workers * WARMUP
        started = time.perf_counter()
        order_ids = make_orders(stores, args.invoices + warmups)
        connection.close()
        print(f"  {args.invoices + warmups} paid orders: {time.perf_counter() - started:.1f} s", flush=True)
        warmup_ids, timed_ids = order_ids[:warmups], order_ids[warmups:]

        context = multiprocessing.get_context("spawn")
        barrier, results = context.Barrier(args.workers + 1), context.Queue()
        processes = [context.Process(target=worker, args=(env, warmup_ids[n::args.workers],
                                                          timed_ids[n::args.workers], barrier, results))
                     for n in range(args.workers)]
        for process in processes:
            process.start()
        barrier.wait(timeout=600)
        window_start, load_before = time.perf_counter(), os.getloadavg()
        reports = []
        while len(reports) < len(processes):
            try:
                reports.append(results.get(timeout=5))
            except queue.Empty:
                if any(process.exitcode for process in processes):
                    sys.exit("a worker failed: see its traceback above")
        window = max(report["ended"] for report in reports) - window_start
        for process in processes:
            process.join()
            if process.exitcode:
                sys.exit(f"a worker failed (exit code {process.exitcode})")

        seconds = [elapsed for report in reports for elapsed, _cpu, _queries in report["samples"]]
        cpu = [cpu for report in reports for _elapsed, cpu, _queries in report["samples"]]
        queries = [count for report in reports for _elapsed, _cpu, count in report["samples"]]
        load = os.getloadavg()
        result = {
            "invoices_per_second": round(len(seconds) / window, 2),
            "window_seconds": round(window, 2),
            "p50_ms": round(percentile(seconds, 0.50) * 1000, 1),
            "p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
            "mean_ms": round(statistics.fmean(seconds) * 1000, 1),
            # The worker's own CPU time per invoice (PostgreSQL's apart): what a busy machine does not inflate.
            "worker_cpu_p50_ms": round(percentile(cpu, 0.50) * 1000, 1),
            "queries_per_invoice": {"mean": round(statistics.fmean(queries), 2), "max": max(queries),
                                    "min": min(queries)},
            "target": {"invoices_per_second": TARGET_RATE, "queries_per_invoice": QUERY_BUDGET},
        }
        print(f"  {len(seconds)} invoices with their PDF in {window:.1f} s: {result['invoices_per_second']} "
              f"invoices/s  p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms  queries/invoice "
              f"{result['queries_per_invoice']['mean']} (max {max(queries)})  worker CPU p50 "
              f"{result['worker_cpu_p50_ms']} ms  load {load[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
        result["checks"] = check(order_ids)
        report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "load_average_before": [round(value, 2) for value in load_before],
                              "load_average_after": [round(value, 2) for value in load]},
                  "setup": f"{args.workers} processes calling sales.services.invoice_order on paid orders "
                           "(half French EUR Factur-X, half Senegalese XOF), PostgreSQL on the same machine",
                  "result": result}
        print(f"written to {write('documents', report)}")
    finally:
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
