"""Catalog and search speed on PostgreSQL behind gunicorn, against Datasette on the same records.

For every case (the unfiltered catalog; a search with its facets for terms of about
0.01 %, 1 % and 10 % selectivity in Korean, Russian, Korean in Cyrillic transliteration
and English; Hangul terms of one, two, three and more syllables; page 1 and a deep page;
the record page) it measures:

- latency over HTTP against gunicorn (2 workers, debug off, as in production): p50, p95,
  with the archive's and Datasette's requests alternating one by one (A B A B), so that
  load from elsewhere on a shared machine weighs on both alike;
- cold: the first request after a write (a record saved again), as well as warm;
- the queries the page ran, captured in-process with the same settings and database;
- the database floor: EXPLAIN (ANALYZE) of exactly those queries, planning plus
  execution, summed per page (median of several runs);
- the same search with the same three facets in Datasette, over the records an anonymous
  visitor may see, exported by export_datasette.py (facet and SQL time limits raised so
  no facet is silently dropped).

Run from the project root with the archive's environment, once per scale:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k \
        python bench/search_bench.py --label 100k --datasette bench/out/datasette-100k.db

It writes bench/out/search-<label>.json; `--report` turns those files into the tables of
RESULTS.md. `--pick-terms` lists the words closest to each selectivity (how TERMS below
were chosen, on the 100k collection).
"""

import argparse
import http.client
import json
import math
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

from bench_cases import DATASETTE_FACETS, TERMS, Case, cases, report  # noqa: E402

ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-key-not-for-any-deployment-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_ROOT": str(OUT / "static"),
    "DJANGO_LOG_LEVEL": "ERROR",
}


def setup_django():
    os.environ.update(ENVIRONMENT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # so responses carry their template context (the result total)


# In-process: the queries each page runs, and their EXPLAIN ANALYZE floor -------------------


def profile(path: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    total = None
    if response.context and "page" in response.context and hasattr(response.context["page"], "paginator"):
        total = response.context["page"].paginator.total
    return {
        "queries": len(captured.captured_queries),
        "sql": [query["sql"] for query in captured.captured_queries],
        "hits": None if total is None else total.value,
        "hits_exact": None if total is None else total.exact,
    }


def explain_ms(sql: str) -> float:
    """Planning plus execution time of one statement, as EXPLAIN ANALYZE reports it.
    TIMING OFF: per-node clock reads would inflate the figure this is a floor for."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Planning Time"] + plan[0]["Execution Time"]


def planning_ms(sql: str) -> float:
    """What a page's own EXPLAIN (a count estimate) costs: planning only, nothing runs."""
    from django.db import connection

    inner = sql.split(")", 1)[1]  # after "EXPLAIN (FORMAT JSON)"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (SUMMARY ON, FORMAT JSON) " + inner)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Planning Time"]


def statement_ms(sql: str) -> float:
    head = sql.lstrip().upper()
    if head.startswith(("SELECT", "WITH", "(SELECT")):
        return explain_ms(sql)
    if head.startswith("EXPLAIN"):
        return planning_ms(sql)
    raise SystemExit(f"no floor for a statement that is not a read: {sql[:80]}")


def floor_ms(statements: list[str], runs: int) -> float:
    return statistics.median(sum(statement_ms(sql) for sql in statements) for _ in range(runs))


# Over HTTP ------------------------------------------------------------------------------


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def timed(port: int, path: str) -> float:
    started = time.perf_counter()
    status, _body = fetch(port, path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    return elapsed


def summarise(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "runs": len(times)}


def alternating(sides: list[tuple[int, str]], runs: int, warmup: int) -> list[dict]:
    """Latencies of each (port, path), requested one by one in turn (A B A B …), so that
    whatever else loads the machine weighs on every side alike."""
    for _ in range(warmup):
        for port, path in sides:
            fetch(port, path)
    times = [[] for _ in sides]
    for _ in range(runs):
        for position, (port, path) in enumerate(sides):
            times[position].append(timed(port, path))
    return [summarise(side) for side in times]


def touch(artifact_id: int) -> None:
    """A write as a curator's save makes it: the record saved again (its search document
    re-indexed, its revision recorded), so the next request is the first after a write."""
    from artifacts.models import Artifact

    Artifact.objects.get(pk=artifact_id).save()


def cold(port: int, path: str, runs: int, artifact_id: int) -> dict:
    """The first request after a write, `runs` times."""
    times = []
    for _ in range(runs):
        touch(artifact_id)
        times.append(timed(port, path))
    return summarise(times)


def percentile(sorted_values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    position = (len(sorted_values) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def wait_until_up(port: int, path: str, process: subprocess.Popen):
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            fetch(port, path)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server on port {port} did not start")


def start_gunicorn(port: int, env: dict | None = None, *, quiet: bool = False) -> subprocess.Popen:
    """The archive under gunicorn as in production (2 sync workers), on `env` (this
    process's environment by default), answering when this returns."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "artifacts.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--timeout=300",
        "--no-control-socket",  # two at once would share one socket path
    ]
    stderr = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, cwd=ROOT, env=env or os.environ.copy(), stderr=stderr)
    wait_until_up(port, "/robots.txt", process)
    return process


def start_datasette(database: Path, port: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "datasette"),
        "serve",
        "-i",
        str(database),
        f"--port={port}",
        # Raised from 200 ms and 1 s: by default Datasette drops facets that take longer.
        *("--setting", "facet_time_limit_ms", "600000"),
        *("--setting", "sql_time_limit_ms", "600000"),
        # Off: the archive's pages do not suggest facets either, so neither side pays for it.
        *("--setting", "suggest_facets", "off"),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    wait_until_up(port, "/-/versions.json", process)
    return process


def datasette_path(database: Path, case: Case, *, json_format=False) -> str:
    params = [("_facet", facet) for facet in DATASETTE_FACETS] + [("_size", "25")]
    if case.query is not None:
        params.insert(0, ("_search", case.query))
    table = f"/{database.stem}/artifacts{'.json' if json_format else ''}"
    return table + "?" + urllib.parse.urlencode(params)


def datasette_hits(database: Path, case: Case, port: int) -> dict:
    _status, body = fetch(port, datasette_path(database, case, json_format=True))
    data = json.loads(body)
    return {"hits": data["filtered_table_rows_count"], "facets_timed_out": data.get("facets_timed_out", [])}


# The run --------------------------------------------------------------------------------


def run(label: str, datasette: Path | None, options) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from artifacts.models import Artifact
    from artifacts.search.backends import index_method

    selected = cases()
    results = {
        "label": label,
        "artifacts": Artifact.objects.count(),
        "visible": Artifact.objects.visible_to(AnonymousUser()).count(),
        "vendor": connection.vendor,
        "postgres": connection.cursor().connection.info.server_version,
        "search_index": index_method(),
        "method": "alternating A B A B; cold = first request after a write",
        "cases": [],
    }
    for case in selected:
        profiled = profile(case.path)
        entry = {**case.as_dict(), **{k: v for k, v in profiled.items() if k != "sql"}}
        entry["floor_ms"] = floor_ms(profiled["sql"], options.floor_runs)
        results["cases"].append(entry)
        print(f"profiled {case.name}: {entry['queries']} queries, floor {entry['floor_ms']:.1f} ms", flush=True)
    # A public record the cold runs save again (the record page's, in the middle).
    written = Artifact.objects.get(accession_number=selected[-1].path.strip("/").split("/")[-1]).pk
    servers = [start_gunicorn(options.port)]
    try:
        if datasette:
            servers.append(start_datasette(datasette, options.datasette_port))
        for entry, case in zip(results["cases"], selected, strict=True):
            sides = [(options.port, case.path)]
            if datasette and case.peer:
                sides.append((options.datasette_port, datasette_path(datasette, case)))
                entry["datasette"] = datasette_hits(datasette, case, options.datasette_port)
            measured = alternating(sides, options.runs, options.warmup)
            entry["archive"] = measured[0]
            if len(measured) > 1:
                entry["datasette"].update(measured[1])
            entry["archive_cold"] = cold(options.port, case.path, options.cold_runs, written)
            peer = f", Datasette {measured[1]['p50']:.1f} ms" if len(measured) > 1 else ""
            print(
                f"{case.name}: archive p50 {entry['archive']['p50']:.1f} ms "
                f"(cold {entry['archive_cold']['p50']:.1f} ms){peer}",
                flush=True,
            )
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    return results


def pick_terms():
    """For each language, the single-token words whose document frequency is closest to
    each target selectivity (from PostgreSQL's ts_stat over the stored vectors)."""
    from django.db import connection

    from artifacts.models import Artifact
    from artifacts.search.analyzer import analyze
    from artifacts.synthetic import pools

    with connection.cursor() as cursor:
        cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT vector FROM artifacts_searchdocument')")
        ndoc = dict(cursor.fetchall())
    total = Artifact.objects.count()
    for language, pool in pools().items():
        shares = []
        for word in pool.words:
            tokens = analyze(word).main
            if len(tokens) == 1:
                shares.append((ndoc.get(tokens[0], 0) / total, word))
        for target in (0.0001, 0.01, 0.1):
            near = sorted(shares, key=lambda share: abs(math.log(max(share[0], 1e-9) / target)))[:5]
            listed = ", ".join(f"{word} ({share:.4%})" for share, word in near)
            print(f"{language} ~{target:.2%}: {listed}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", help="Scale label for the output file, e.g. 100k.")
    parser.add_argument("--datasette", type=Path, help="SQLite file from export_datasette.py.")
    parser.add_argument("--runs", type=int, default=20, help="Timed requests per case (default 20).")
    parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first (default 2).")
    parser.add_argument("--floor-runs", type=int, default=5, help="EXPLAIN ANALYZE runs per page (default 5).")
    parser.add_argument("--cold-runs", type=int, default=3, help="First requests after a write per case (default 3).")
    parser.add_argument("--port", type=int, default=8765, help="Port for the archive's gunicorn (default 8765).")
    parser.add_argument("--datasette-port", type=int, default=8766, help="Port for Datasette (default 8766).")
    parser.add_argument("--pick-terms", action="store_true", help="List candidate terms and stop.")
    parser.add_argument("--report", nargs="+", type=Path, help="Print RESULTS.md tables from these files.")
    args = parser.parse_args()
    if args.report:
        print(report([json.loads(path.read_text()) for path in args.report]))
        return
    setup_django()
    if args.pick_terms:
        pick_terms()
        return
    if not args.label:
        parser.error("--label is required for a run")
    OUT.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True, env=os.environ.copy()
    )
    results = run(args.label, args.datasette, args)
    results["terms"] = {f"{language} {share}": word for (language, share), word in TERMS.items()}
    target = OUT / f"search-{args.label}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"Wrote {target}")


if __name__ == "__main__":
    main()
