"""Where the CPU of an invoice's documents goes: one process, cProfile, and A/B timings of the render.

    .venv/bin/python bench/profile_documents.py [--invoices 60] [--top 40] [--out /tmp/docs.prof]

Builds the scratch database of bench/documents.py (`ashopy_docprofile`), invoices `--invoices` paid orders
(half French Factur-X, half Senegalese) through `sales.services.invoice_order` after a few untimed ones,
prints the CPU ms per invoice and the cProfile top (cumulative), then times `documents.render_pdf` and
`documents.facturx_xml` alone on the issued invoices (CPU ms/doc, best of 3 passes), and last an A/B of the
collector pause (`documents.collector_paused`, 4 interleaved passes, same invoices). Never run by the tests.
"""

import argparse
import contextlib
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, manage, recreate_database
from documents import make_orders, make_stores, setup_django

DATABASE = "ashopy_docprofile"


def cpu_ms_per_doc(function, invoices, passes: int = 3) -> float:
    best = float("inf")
    for _ in range(passes):
        started = time.process_time()
        for invoice in invoices:
            function(invoice)
        best = min(best, (time.process_time() - started) / len(invoices))
    return round(best * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", default="")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    args = parser.parse_args()
    media, cache = tempfile.mkdtemp(prefix="ashopy-docprof-media-"), tempfile.mkdtemp(prefix="ashopy-docprof-cache-")
    env = environment(DATABASE, MEDIA_ROOT=media, CACHE_DIR=cache, REDIS_URL="", CONN_MAX_AGE="600")
    try:
        recreate_database(DATABASE)
        manage(env, "migrate", "--noinput")
        setup_django(env)
        from ashopy.orders.models import Order
        from ashopy.sales import documents, services
        from ashopy.sales.models import Invoice

        order_ids = make_orders(make_stores(), args.invoices + 4)

        def invoice(order_id):
            services.invoice_order(order=Order.objects.filter(pk=order_id).first(), keep_draft_if_incomplete=True)

        for order_id in order_ids[:4]:
            invoice(order_id)
        profile = cProfile.Profile()
        started = time.process_time()
        profile.enable()
        for order_id in order_ids[4:]:
            invoice(order_id)
        profile.disable()
        print(f"invoice_order under cProfile: {(time.process_time() - started) * 1000 / args.invoices:.1f} "
              "CPU ms/invoice (profiler overhead included)")
        stats = pstats.Stats(profile).sort_stats("cumulative")
        stats.print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        if args.out:
            stats.dump_stats(args.out)

        issued = list(Invoice.objects.filter(order_id__in=order_ids[4:]).order_by("pk"))
        french = [invoice for invoice in issued if invoice.currency == "EUR"]
        print("CPU ms/doc (best of 3):",
              {"render_pdf, all": cpu_ms_per_doc(documents.render_pdf, issued),
               "render_pdf, French": cpu_ms_per_doc(documents.render_pdf, french),
               "render_pdf, Senegalese": cpu_ms_per_doc(documents.render_pdf,
                                                        [i for i in issued if i.currency != "EUR"]),
               "facturx_xml": cpu_ms_per_doc(documents.facturx_xml, french)})
        paused, passes = documents.collector_paused, {"A collector running": [], "B paused in the render": []}
        for _ in range(4):
            for name, pause in zip(passes, (contextlib.nullcontext, paused), strict=True):
                documents.collector_paused = pause
                passes[name].append(cpu_ms_per_doc(documents.render_pdf, issued, passes=1))
        documents.collector_paused = paused
        print("render_pdf CPU ms/doc, A/B interleaved:", passes)
    finally:
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
