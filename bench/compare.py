"""Compare code versions (or settings) in one run: the checkout benchmark of each, taken in turns.

    .venv/bin/python bench/compare.py before=main~1 after=main after-unprepared=main:DATABASE_PREPARED_STATEMENTS=0

Each argument is `label=git-ref[:NAME=value,…]`: the ref is checked out in a temporary worktree and its
own bench/checkout.py runs there (same machine, same data, same Python environment), with the
environment variables given. `--rounds` rounds take the versions in turns, so a change in the
machine's load shows in every version alike; the report gives each version's median and the
change against the first. Writes bench/results/compare.json. Never run by the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, write

MEASURES = {  # name: (phase, key)
    "services orders/s": ("services", "orders_per_second"),
    "http orders/s": ("http", "orders_per_second"),
    "services place+pay p50 ms": ("services", ("place_pay_ms", "p50")),
    "http place+pay p50 ms": ("http", ("place_pay_ms", "p50")),
}


def parse(argument: str) -> tuple[str, str, dict]:
    label, _, spec = argument.partition("=")
    ref, _, settings = spec.partition(":")
    if not label or not ref:
        raise SystemExit(f"expected label=git-ref[:NAME=value,…], got {argument!r}")
    env = dict(item.split("=", 1) for item in settings.split(",") if item)
    return label, ref, env


def measure(report: dict) -> dict:
    values = {}
    for name, (phase, key) in MEASURES.items():
        value = report[phase]
        for part in key if isinstance(key, tuple) else (key,):
            value = value[part]
        values[name] = value
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("versions", nargs="+", help="label=git-ref[:NAME=value,…]")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--orders", type=int, default=1000)
    args = parser.parse_args()
    versions = [parse(argument) for argument in args.versions]
    runs: dict[str, list[dict]] = {label: [] for label, _, _ in versions}
    with tempfile.TemporaryDirectory(prefix="ashopy-compare-") as scratch:
        trees = {}
        for label, ref, _ in versions:
            trees[label] = Path(scratch) / label
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(trees[label]), ref], cwd=ROOT, check=True)
        try:
            for round_ in range(args.rounds):
                for label, ref, env in versions:
                    print(f"round {round_ + 1}: {label} ({ref} {env or ''})", flush=True)
                    subprocess.run([sys.executable, "bench/checkout.py", "--orders", str(args.orders),
                                    "--http-orders", str(args.orders)],
                                   cwd=trees[label], check=True,
                                   env={**os.environ, "PYTHONPATH": str(trees[label]), **env})
                    report = json.loads((trees[label] / "bench" / "results" / "checkout.json").read_text())
                    runs[label].append(measure(report))
        finally:
            for tree in trees.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    first = versions[0][0]
    summary = {label: {name: statistics.median(run[name] for run in runs[label]) for name in MEASURES}
               for label in runs}
    print(f"\n{'':28}" + "".join(f"{label:>22}" for label in summary))
    for name in MEASURES:
        cells = []
        for label in summary:
            value, base = summary[label][name], summary[first][name]
            change = f" ({(value - base) / base:+.0%})" if label != first and base else ""
            cells.append(f"{value:>14.1f}{change:>8}")
        print(f"{name:28}" + "".join(cells))
    path = write("compare", {"versions": {label: {"ref": ref, "env": env} for label, ref, env in versions},
                             "rounds": runs, "median": summary})
    print(f"→ {path.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
