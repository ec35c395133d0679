"""Catalogue benchmark: gunicorn (2 sync workers) on PostgreSQL, loaded by wrk with 16 connections.

    make bench            # or: .venv/bin/python bench/catalog.py [--products 10000] [--large 100000]

Builds a scratch database (`ashopy_bench`), loads the demo stores, generates products up to
`--products`, and measures home, a category page, a search, a product page and the API
product list. Then grows the catalogue to `--large` products and measures again. Writes
bench/results/catalog.json. Never run by the test suite.
"""

import argparse
import os
import platform
import sys
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, gunicorn, manage, recreate_database, write, wrk

DATABASE = "ashopy_bench"


def pick_urls(base: str) -> dict:
    """Representative pages: the largest top category, a frequent search word, a product with variants."""
    api = httpx.get(f"{base}/api/v1/categories/", timeout=30).json()
    roots = api["results"] if isinstance(api, dict) and "results" in api else api
    products = httpx.get(f"{base}/api/v1/products/", params={"ordering": "popularity", "page_size": 1},
                         timeout=30).json()
    category = roots[0]["slug"]
    product = products["results"][0]["slug"]
    word = products["results"][0]["name"].split()[0]
    return {
        "home": f"{base}/",
        "category": f"{base}/c/{category}/",
        "search": f"{base}/search/?q={quote(word)}",
        "product": f"{base}/p/{product}/",
        "api_products": f"{base}/api/v1/products/",
    }


def measure(env: dict, seconds: int) -> dict:
    with gunicorn(env) as base:
        urls = pick_urls(base)
        results = {}
        for name, url in urls.items():
            results[name] = wrk(url, seconds=seconds)
            r = results[name]
            print(f"  {name:13} {r['requests_per_second']:8.1f} req/s  p50 {r['p50_ms']:7.2f} ms  "
                  f"p99 {r['p99_ms']:7.2f} ms  non-2xx {r['non_2xx']}", flush=True)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000, help="0 to skip the large run")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    env = environment(DATABASE)
    print(f"building {DATABASE} …", flush=True)
    recreate_database(DATABASE)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")
    manage(env, "generate_catalog", "--products", str(args.products), "--store", "dakar")
    manage(env, "dbshell", "--", "-c", "VACUUM ANALYZE")

    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "setup": "gunicorn 2 sync workers, wrk 2 threads 16 connections, PostgreSQL on the same machine",
              "runs": {}}
    print(f"{args.products} generated products:", flush=True)
    report["runs"][str(args.products)] = measure(env, args.seconds)
    if args.large:
        manage(env, "generate_catalog", "--products", str(args.large - args.products), "--store", "dakar")
        manage(env, "dbshell", "--", "-c", "VACUUM ANALYZE")
        print(f"{args.large} generated products:", flush=True)
        report["runs"][str(args.large)] = measure(env, args.seconds)
        small, large = report["runs"][str(args.products)], report["runs"][str(args.large)]
        report["p99_ratio_large_vs_small"] = {
            page: round(large[page]["p99_ms"] / small[page]["p99_ms"], 2) for page in small}
    print(f"written to {write('catalog', report)}")


if __name__ == "__main__":
    main()
