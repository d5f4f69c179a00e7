"""Connections to PostgreSQL: a new one per request, Django's persistent ones, psycopg's pool.

Serves the archive with gunicorn (sync workers, debug off, as in production) on the
database in DATABASE_URL three times — DJANGO_CONN_MAX_AGE=0, the default
DJANGO_CONN_MAX_AGE=60, and DJANGO_DB_POOL=1 — and sends each the same bounded loop of
requests from a few client threads: once for the public pages (home, catalog, record
pages, a search, the API), once for small JSON answers (citations, custody records).
Rounds alternate between the three, so that whatever else the machine does falls on all
of them alike. Reports requests per second (median of the rounds), latency
(p50, p95 over all rounds) and how many connections PostgreSQL accepted
(pg_stat_database.sessions).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/pool_bench.py --requests 300 --concurrency 4 --rounds 3

The database needs the archive's tables and some published records (`migrate`, then
`load_demo` or `generate_synthetic`). Only 127.0.0.1 is ever contacted.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import start_gunicorn  # noqa: E402

OUT = ROOT / "bench" / "out"
MODES = {
    "new connection per request (DJANGO_CONN_MAX_AGE=0)": {"DJANGO_CONN_MAX_AGE": "0"},
    "persistent connections (DJANGO_CONN_MAX_AGE=60, the default)": {"DJANGO_CONN_MAX_AGE": "60"},
    "psycopg pool (DJANGO_DB_POOL=1)": {"DJANGO_DB_POOL": "1"},
}


def fetch(port: int, path: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:  # noqa: S310 (loopback)
        response.read()
        return response.status


def percentile(sorted_values: list[float], p: float) -> float:
    position = (len(sorted_values) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def sessions(database_url: str) -> int:
    """Connections PostgreSQL has accepted to the database so far (PostgreSQL 14+)."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]


def mixes(database_url: str) -> dict[str, list[str]]:
    """The requests of each mix: the public pages (tens of milliseconds of rendering each),
    and small JSON answers, where the cost of a connection weighs the most."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        accessions = [
            row[0]
            for row in connection.execute(
                "SELECT accession_number FROM artifacts_artifact WHERE status = 'published' AND access_level = 0 "
                "ORDER BY id LIMIT 3"
            )
        ]
    if not accessions:
        raise SystemExit("No published public record in the database: run load_demo or generate_synthetic first.")
    return {
        "pages": [
            "/",
            "/artifacts/",
            *(f"/artifacts/{a}/" for a in accessions),
            "/artifacts/?q=helmet",
            "/api/artifacts/",
        ],
        "json": [f"/artifacts/{a}/{name}" for a in accessions for name in ("citation.json", "custody.json")],
    }


def run_round(port: int, targets: list[str], requests: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client():
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            path = targets[number % len(targets)]
            began = time.perf_counter()
            status = fetch(port, path)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(f"{path}: {status}")

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if failures:
        raise SystemExit(f"Requests failed: {failures[:5]}")
    return requests / wall, latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="Timed requests per mix and round (default 300).")
    parser.add_argument("--concurrency", type=int, default=4, help="Client threads (default 4).")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds per mode (default 3).")
    parser.add_argument("--port", type=int, default=8767, help="Port for gunicorn (default 8767).")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to measure.")

    static_root = tempfile.mkdtemp(prefix="pool-bench-static-")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_REPLICA"))}
    base.update(
        DJANGO_SETTINGS_MODULE="artifacts.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="pool-bench-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=static_root,
    )
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=base, check=True)
    targets = mixes(database_url)

    results = {(mix, mode): {"rates": [], "latencies": [], "sessions": []} for mix in targets for mode in MODES}
    loads = []
    for round_number in range(args.rounds):
        loads.append(round(os.getloadavg()[0], 1))
        for mode, settings in MODES.items():
            process = start_gunicorn(args.port, {**base, **settings}, quiet=True)
            try:
                for mix, paths in targets.items():
                    run_round(args.port, paths, 50, args.concurrency)  # warm-up, untimed
                    before = sessions(database_url)
                    rate, latencies = run_round(args.port, paths, args.requests, args.concurrency)
                    opened = sessions(database_url) - before - 1  # not counting the one asking
                    result = results[mix, mode]
                    result["rates"].append(rate)
                    result["latencies"].extend(latencies)
                    result["sessions"].append(opened)
                    print(f"round {round_number + 1}, {mix}, {mode}: {rate:.1f} requests/s, {opened} connections")
            finally:
                process.terminate()
                process.wait(timeout=30)

    rows = []
    for (mix, mode), result in results.items():
        latencies = sorted(result["latencies"])
        rows.append(
            {
                "mix": mix,
                "mode": mode,
                "requests_per_second": round(statistics.median(result["rates"]), 1),
                "rounds": [round(rate, 1) for rate in result["rates"]],
                "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "p95_ms": round(percentile(latencies, 95) * 1000, 1),
                "connections_opened": result["sessions"],
            }
        )
    OUT.mkdir(exist_ok=True)
    target = OUT / "pool.json"
    summary = {"requests": args.requests, "concurrency": args.concurrency, "load_averages": loads, "rows": rows}
    target.write_text(json.dumps(summary, indent=1))
    print()
    print("| requests | connections | requests/s: median (each round) | p50 ms | p95 ms | connections opened |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for row in rows:
        rounds = ", ".join(map(str, row["rounds"]))
        opened = ", ".join(sorted(set(map(str, row["connections_opened"]))))
        print(
            f"| {row['mix']} | {row['mode']} | {row['requests_per_second']} ({rounds}) | {row['p50_ms']} "
            f"| {row['p95_ms']} | {opened} per round |"
        )
    print(f"\nLoad average (1 min) at the start of each round: {', '.join(map(str, loads))}")
    print(f"\nWrote {target}")


if __name__ == "__main__":
    main()
