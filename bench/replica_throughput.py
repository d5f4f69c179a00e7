"""Throughput of the catalog and a search with and without a read replica, with wrk.

A copy of an existing archive database (e.g. the 100k bench collection) is restored into
a throwaway PostgreSQL primary, a hot standby of it is made with pg_basebackup -R (both
with tests/standby.py, which never touches the machine's own cluster), and gunicorn
(2 sync workers, debug off, as search_bench.py runs it) serves the archive twice: on
the primary alone, then with DATABASE_REPLICA_URLS naming the standby. wrk drives each
path with 32 connections for a fixed time; the two configurations alternate per path.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k \\
        python bench/replica_throughput.py --port 18865 --seconds 30

Needs wrk (Debian: apt-get install wrk) and PostgreSQL's server programs. It prints a
Markdown table; RESULTS.md records what it printed.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import ENVIRONMENT, OUT, start_gunicorn  # noqa: E402

from tests.standby import Workspace  # noqa: E402

SERVER = {"log_statement": "none", "shared_buffers": "128MB"}
PATHS = {"catalog": "/artifacts/", "search “lesson”": "/artifacts/?q=lesson"}


def wrk(port: int, path: str, seconds: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50_ms": float(p50.group(1)) * scale, "errors": int(errors.group(1)) if errors else 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18865, help="Port for gunicorn (default 18865).")
    parser.add_argument("--seconds", type=int, default=30, help="Seconds of wrk per measurement (default 30).")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32).")
    args = parser.parse_args()
    source = os.environ["DATABASE_URL"]
    with Workspace() as space:
        primary = space.primary()
        # As the machine's own server runs: no statement log (the tests' clusters log every
        # statement), the default shared buffers.
        primary.stop()
        primary.start(**SERVER)
        primary.create_database("archive")
        dump = subprocess.Popen(["pg_dump", "-Fc", source], stdout=subprocess.PIPE)
        subprocess.run(["pg_restore", "--no-owner", "-d", primary.url()], stdin=dump.stdout, check=True)
        dump.wait()
        with primary.connect("archive") as connection:
            connection.execute("VACUUM ANALYZE")
        standby = space.standby(primary, **SERVER)
        os.environ.update(ENVIRONMENT)
        os.environ["DATABASE_URL"] = primary.url()
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
        rows = []
        for name, path in PATHS.items():
            results = {}
            for label, replicas in (("primary only", ""), ("with a replica", standby.url())):
                os.environ["DATABASE_REPLICA_URLS"] = replicas
                server = start_gunicorn(args.port)
                try:
                    wrk(args.port, path, 5, args.connections)  # warm both caches alike
                    results[label] = wrk(args.port, path, args.seconds, args.connections)
                finally:
                    server.terminate()
                    server.wait()
                time.sleep(1)
            rows.append((name, results))
    print(f"| Path | Setup | Requests/s | p50 ms | Non-2xx | ({args.connections} connections, {args.seconds} s) |")
    print("|---|---|--:|--:|--:|---|")
    for name, results in rows:
        for label, figures in results.items():
            print(f"| {name} | {label} | {figures['rate']:.1f} | {figures['p50_ms']:,.0f} | {figures['errors']} | |")


if __name__ == "__main__":
    main()
