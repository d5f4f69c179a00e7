"""Time the custody transparency log (artifacts.custody.log) at a given size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_log \\
        .venv/bin/python bench/custody_log_bench.py --leaves 1000000 --label pg-1m

The database named in DATABASE_URL must be empty or hold only leaves this script
appended: the script migrates it, then appends synthetic leaves until the log has
--leaves of them (a run that stopped half-way resumes where it was). Leaves are custody-
event leaves of accession numbers SYN-…, as `generate_synthetic` would log them, with
no rows behind them: only the log is measured, so `integrity.verify()` would report the
missing rows, and the figure here is `integrity.rebuild` alone.

Measured, each printed and written to bench/out/custody-LABEL.json:

1. bulk build: `log.append` of --batch entries per call, leaves per second overall and
   for the first and last tenth of the batches (whether appending slows as the log grows);
2. single appends: `log.append([entry])`, each in its own transaction, as a curator's save;
3. `log.root(N)`, `log.inclusion_proof(i, N)` for random leaves and
   `log.consistency_proof(m, n)` for random 0 < m < n ≤ N, each proof checked with
   `merkle.verify_inclusion` / `merkle.verify_consistency` against `log.root`;
4. the same proofs over HTTP (Django test client, in-process, no server);
5. stored-subtree inclusion proofs against recomputing them from every leaf (read the
   leaves, hash them, RFC 9162's PATH by `merkle.root_of`) at --naive-size, alternating
   A B A B on the same leaves;
6. `integrity.rebuild`: the whole tree recomputed from the leaves, every stored subtree
   hash compared.

On PostgreSQL it also records EXPLAIN (ANALYZE, BUFFERS) of the queries one inclusion
proof runs. Nothing else should run on the machine during a run.
"""

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-key-not-for-any-deployment-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_LOG_LEVEL": "ERROR",
    "DJANGO_STATIC_ROOT": str(OUT / "static"),
}


def setup_django():
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def entry(n: int):
    from artifacts.custody.checker import canonical
    from artifacts.custody.leaves import Entry
    from artifacts.custody.models import LeafKind

    accession = f"SYN-{n // 4 + 1:07d}"
    digest = hashlib.sha256(f"synthetic custody event {n}".encode()).hexdigest()
    data = canonical.event_leaf(accession_number=accession, sequence=n % 4 + 1, entry_hash=digest)
    return Entry(LeafKind.CUSTODY_EVENT, n + 1, accession, data)


def ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def leaf_hash_at(index: int) -> bytes:
    from artifacts.custody import log
    from artifacts.custody.models import LogLeaf

    return log.leaf_hash_of(LogLeaf.objects.get(index=index))


# 1. bulk build ------------------------------------------------------------------------


def build(target: int, batch: int) -> dict:
    from artifacts.custody import log

    start = log.size()
    times, counts = [], []
    began = time.perf_counter()
    position = start
    while position < target:
        count = min(batch, target - position)
        entries = [entry(n) for n in range(position, position + count)]
        t0 = time.perf_counter()
        log.append(entries)
        times.append(time.perf_counter() - t0)
        counts.append(count)
        position += count
        if len(times) % 10 == 0:
            rate = sum(counts[-10:]) / sum(times[-10:])
            print(f"  {position:,} leaves, {rate:,.0f} leaves/s over the last 10 batches", flush=True)
    result = {"from": start, "to": position, "batch": batch, "calls": len(times)}
    if times:
        tenth = max(1, len(times) // 10)
        result |= {
            "seconds_in_append": round(sum(times), 2),
            "wall_seconds": round(time.perf_counter() - began, 2),
            "leaves_per_s": round(sum(counts) / sum(times)),
            "first_tenth_leaves_per_s": round(sum(counts[:tenth]) / sum(times[:tenth])),
            "last_tenth_leaves_per_s": round(sum(counts[-tenth:]) / sum(times[-tenth:])),
        }
    return result


# 2. single appends --------------------------------------------------------------------


def single_appends(count: int) -> dict:
    from artifacts.custody import log

    times = []
    for _ in range(count):
        one = entry(log.size())
        t0 = time.perf_counter()
        log.append([one])  # its own transaction: append opens one when none is open
        times.append(time.perf_counter() - t0)
    return ms(times)


# 3. proofs ----------------------------------------------------------------------------


def proofs(size: int, inclusions: int, consistencies: int, rng: random.Random) -> dict:
    from artifacts.custody import log
    from artifacts.custody.checker import merkle

    t0 = time.perf_counter()
    root = log.root(size)
    root_seconds = time.perf_counter() - t0
    root_times = []
    for _ in range(50):
        t0 = time.perf_counter()
        log.root(size)
        root_times.append(time.perf_counter() - t0)

    times, verify_times, failures = [], [], 0
    for index in (rng.randrange(size) for _ in range(inclusions)):
        hashed = leaf_hash_at(index)
        t0 = time.perf_counter()
        proof = log.inclusion_proof(index, size)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ok = merkle.verify_inclusion(hashed, index, size, proof, root)
        verify_times.append(time.perf_counter() - t0)
        failures += not ok
    inclusion = ms(times) | {"failed_verification": failures, "verify": ms(verify_times)}

    roots: dict[int, bytes] = {size: root}
    times, verify_times, failures, lengths = [], [], 0, []
    for _ in range(consistencies):
        second = rng.randint(2, size)
        first = rng.randint(1, second - 1)
        for tree in (first, second):
            if tree not in roots:
                roots[tree] = log.root(tree)
        t0 = time.perf_counter()
        proof = log.consistency_proof(first, second)
        times.append(time.perf_counter() - t0)
        lengths.append(len(proof))
        t0 = time.perf_counter()
        ok = merkle.verify_consistency(first, second, roots[first], roots[second], proof)
        verify_times.append(time.perf_counter() - t0)
        failures += not ok
    consistency = ms(times) | {
        "failed_verification": failures,
        "verify": ms(verify_times),
        "proof_hashes_max": max(lengths),
    }
    return {
        "root_hex": root.hex(),
        "root_first_ms": round(root_seconds * 1000, 3),
        "root": ms(root_times),
        "inclusion": inclusion,
        "consistency": consistency,
    }


def http(size: int, count: int, rng: random.Random) -> dict:
    from django.test import Client

    from artifacts.custody import log
    from artifacts.custody.checker import merkle

    client, root = Client(), log.root(size)
    for _ in range(2):  # untimed: the first requests load the URLconf and middleware
        client.get(f"/transparency/proof/inclusion.json?leaf=0&tree_size={size}")
    inclusion, consistency, failures = [], [], 0
    for _ in range(count):
        index = rng.randrange(size)
        hashed = leaf_hash_at(index)
        t0 = time.perf_counter()
        response = client.get(f"/transparency/proof/inclusion.json?leaf={index}&tree_size={size}")
        inclusion.append(time.perf_counter() - t0)
        proof = [bytes.fromhex(h) for h in response.json()["hashes"]] if response.status_code == 200 else None
        failures += proof is None or not merkle.verify_inclusion(hashed, index, size, proof, root)
        first = rng.randint(1, size - 1)
        t0 = time.perf_counter()
        response = client.get(f"/transparency/proof/consistency.json?first={first}&second={size}")
        consistency.append(time.perf_counter() - t0)
        failures += response.status_code != 200
    return {"inclusion": ms(inclusion), "consistency": ms(consistency), "failures": failures}


# 5. stored subtrees against recomputing from every leaf ------------------------------


def naive_path(index: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1, straight from the definition."""
    from artifacts.custody.checker import merkle

    if len(hashes) <= 1:
        return []
    k = merkle.split_point(len(hashes))
    if index < k:
        return naive_path(index, hashes[:k]) + [merkle.root_of(hashes[k:])]
    return naive_path(index - k, hashes[k:]) + [merkle.root_of(hashes[:k])]


def naive_inclusion_proof(index: int, size: int) -> list[bytes]:
    from artifacts.custody.checker import merkle
    from artifacts.custody.models import LogLeaf

    rows = LogLeaf.objects.filter(index__lt=size).order_by("index").values_list("data", flat=True)
    hashes = [merkle.leaf_hash(data.encode("utf-8")) for data in rows.iterator(chunk_size=10000)]
    return naive_path(index, hashes)


def side_by_side(size: int, rounds: int, rng: random.Random) -> dict:
    from artifacts.custody import log

    stored, naive, mismatches = [], [], 0
    for _ in range(rounds):
        index = rng.randrange(size)
        t0 = time.perf_counter()
        a = log.inclusion_proof(index, size)
        stored.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        b = naive_inclusion_proof(index, size)
        naive.append(time.perf_counter() - t0)
        mismatches += a != b
    return {"tree_size": size, "stored_subtrees": ms(stored), "from_all_leaves": ms(naive), "mismatches": mismatches}


# 6. full rebuild ----------------------------------------------------------------------


def rebuild(size: int) -> dict:
    from artifacts.custody import integrity, log

    report = integrity.LogReport()
    t0 = time.perf_counter()
    roots = integrity.rebuild(report, {size})
    seconds = time.perf_counter() - t0
    return {
        "leaves": report.leaves,
        "seconds": round(seconds, 2),
        "leaves_per_s": round(report.leaves / seconds),
        "problems": len(report.problems),
        "first_problems": report.problems[:5],
        "root_matches_log": roots.get(size) == log.root(size),
    }


def explain_proof(size: int, index: int) -> dict:
    """The SQL one inclusion proof runs and, on PostgreSQL, its plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from artifacts.custody import log

    with CaptureQueriesContext(connection) as captured:
        log.inclusion_proof(index, size)
    result = {"queries": [q["sql"] for q in captured.captured_queries]}
    if connection.vendor == "postgresql":
        plans = []
        with connection.cursor() as cursor:
            for sql in result["queries"]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        result["plans"] = plans
    return result


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        server = cursor.fetchone()[0]
    import django

    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {server}",
        "load_average": os.getloadavg(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="entries per log.append call when building")
    parser.add_argument("--single", type=int, default=200, help="single appends, after the build")
    parser.add_argument("--inclusions", type=int, default=500)
    parser.add_argument("--consistencies", type=int, default=500)
    parser.add_argument("--http", type=int, default=200, help="HTTP requests of each proof (0: skip)")
    parser.add_argument("--naive-size", type=int, default=100_000)
    parser.add_argument("--naive-rounds", type=int, default=10)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--label", default="custody-log")
    parser.add_argument("--seed", type=int, default=9162)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command

    from artifacts.custody import log

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    results: dict = {"label": args.label, "args": vars(args), "machine": machine()}

    def step(name, function, *arguments):
        print(f"{name}…", flush=True)
        results[name] = function(*arguments)
        print(json.dumps(results[name], indent=1), flush=True)

    step("build", build, args.leaves, args.batch)
    # Proofs and the rebuild are over exactly --leaves leaves; single appends come after,
    # so the log then has --leaves + --single leaves.
    size = args.leaves
    step("proofs", proofs, size, args.inclusions, args.consistencies, rng)
    if args.http:
        step("http", http, size, args.http, rng)
    if args.naive_size and args.naive_rounds:
        step("side_by_side", side_by_side, min(args.naive_size, size), args.naive_rounds, rng)
    step("explain", explain_proof, size, rng.randrange(size))
    if not args.skip_rebuild:
        step("rebuild", rebuild, size)
    if args.single:
        step("single_append", single_appends, args.single)
    results["log_size_at_end"] = log.size()
    results["machine"]["load_average_at_end"] = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"custody-{args.label}.json"
    path.write_text(json.dumps(results, indent=1))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
