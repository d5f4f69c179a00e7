"""Time the similar-image search (artifacts.similarity.search.find_similar) at 1,000,000 photos.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sim \\
        .venv/bin/python manage.py generate_synthetic --count 5000 --photo-share 0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sim \\
        .venv/bin/python bench/similarity_speed.py --photos 1000000 --label pg-1m

The database must already hold artifacts (generate_synthetic makes a realistic mix of
published, draft, public and restricted ones; --photo-share 0 keeps it from making photo
files). The script adds photo rows up to --photos, spread over those artifacts, each with a
fingerprint, in bulk (COPY on PostgreSQL, one transaction of inserts on SQLite); a run
that stopped half-way is resumed. The rows carry dummy file names: the search reads no
file. Their access is mixed as an archive's is (most public, some for researchers or
restricted, some showing personal data), so the anonymous viewer's filter does real work.

Fingerprints (deterministic, seeded):
- the real photographs of tests/similarity_photos.py, so that a copy of one finds it;
- 10,000 clusters of 10 near-duplicates (a centre and members 0–8 bits from it), as an
  archive holds the same picture several times;
- uniform random 64-bit values for the rest. Real pHashes of unrelated photos are closer
  to each other than random ones (median 26 bits apart rather than 32 in the quality test
  set), so real collections give somewhat more candidates than this.

Timed, for an anonymous viewer, at each --threshold: `find_similar` over every query
(8 fingerprints each: the turned and mirrored variants of a real copy, or a cluster
member and 7 unrelated values standing in for its turned variants), after 3 untimed
ones; p50/p95 of the whole call and of the candidate statement alone, candidate rows
and matches. Then EXPLAIN (ANALYZE, BUFFERS) of one query's statements on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite. Results go to bench/out/similarity-speed-LABEL.json and
are printed as Markdown. Nothing else should run on the machine during a run.
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
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
SEED = 15
CLUSTERS, CLUSTER_SIZE, CLUSTER_SPREAD = 10_000, 10, 8
BATCH = 50_000


def setup_django():
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _flip(rng, value: int, bits: int) -> int:
    for position in rng.sample(range(64), bits):
        value ^= 1 << position
    return value


def _signed(value: int) -> int:
    from artifacts.similarity import hashing

    return hashing._signed(value & 0xFFFFFFFFFFFFFFFF)


def real_photos():
    """(name, stored fingerprint) of the test set's originals, and (name, query variants)
    of each of their copies."""
    from artifacts.similarity import hashing
    from tests import similarity_photos as photos

    stored = [(name, hashing.fingerprint(photos.original(name))) for name in photos.ORIGINALS]
    queries = [
        (f"{name} {transformation}", hashing.query_variants(image)) for name, transformation, image in photos.copies()
    ]
    return stored, queries


def planned_fingerprints(total: int, real: list[int]):
    """The fingerprint of every photo row, in order, and the cluster centres."""
    rng = random.Random(SEED)
    values = list(real)
    centres = [rng.getrandbits(64) for _ in range(CLUSTERS)]
    for centre in centres:
        values.append(centre)
        values += [_flip(rng, centre, rng.randint(0, CLUSTER_SPREAD)) for _ in range(CLUSTER_SIZE - 1)]
    while len(values) < total:
        values.append(rng.getrandbits(64))
    return [_signed(v) for v in values[:total]], centres


def photo_row(rng, pk: int, artifact_ids: list[int], now):
    from artifacts.choices import AccessLevel

    roll = rng.random()
    access = AccessLevel.PUBLIC if roll < 0.85 else AccessLevel.RESEARCHERS if roll < 0.95 else max(AccessLevel.values)
    return {
        "id": pk,
        "artifact_id": artifact_ids[pk % len(artifact_ids)],
        "position": pk % 7,
        "caption": f"Bench photo {pk}",
        "credit": "",
        "date_taken": None,
        "is_illustration": False,
        "access_level": int(access),
        "shows_personal_data": rng.random() < 0.03,
        "graphic_content": False,
        "redacted_from_id": None,
        "redaction_boxes": "[]",
        "original": f"originals/bench/{pk}.jpg",
        "original_name": "",
        "sha256": f"{pk:064x}",
        "byte_size": 200_000,
        "image_format": "JPEG",
        "width": 1600,
        "height": 1200,
        "exif": "{}",
        "thumbnail": f"derivatives/bench/{pk}-t.jpg",
        "thumbnail_width": 400,
        "thumbnail_height": 300,
        "display": f"derivatives/bench/{pk}-d.jpg",
        "display_width": 1600,
        "display_height": 1200,
        "uploaded_by_id": None,
        "uploaded_at": now,
    }


def _insert(table: str, columns: list[str], rows: list[tuple]):
    from django.db import connection

    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})", rows)  # noqa: S608


def load(total: int):
    from django.db import connection, transaction

    from artifacts.models import Artifact, Photo
    from artifacts.similarity import hashing
    from artifacts.similarity.models import ImageFingerprint

    have = ImageFingerprint.objects.filter(photo__caption__startswith="Bench photo").count()
    if have >= total:
        print(f"{have} bench photos already there", file=sys.stderr)
        return
    artifact_ids = list(Artifact.objects.order_by("pk").values_list("pk", flat=True))
    if not artifact_ids:
        sys.exit("No artifacts: run `manage.py generate_synthetic --count 5000 --photo-share 0` first.")
    stored, _queries = real_photos()
    values, _centres = planned_fingerprints(total, [value for _name, value in stored])
    first = (Photo.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1 - have
    photo_columns = [f.column for f in Photo._meta.concrete_fields]
    print_columns = ["photo_id", "algorithm", "value", "band0", "band1", "band2", "band3"]
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    for start in range(have, total, BATCH):
        rng = random.Random(SEED * 1_000_003 + start)
        photos, prints = [], []
        for i in range(start, min(start + BATCH, total)):
            row = photo_row(rng, first + i, artifact_ids, now)
            photos.append(tuple(row[c] for c in photo_columns))
            prints.append((first + i, hashing.ALGORITHM, values[i], *hashing.bands(values[i])))
        with transaction.atomic():
            _insert(Photo._meta.db_table, photo_columns, photos)
            _insert(ImageFingerprint._meta.db_table, print_columns, prints)
        done = min(start + BATCH, total)
        print(f"{done} photos, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('artifacts_photo', 'id'), (SELECT max(id) FROM artifacts_photo))"
            )
        cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def queries(count: int):
    """(label, fingerprints), alternately a real copy (every transformation in turn, over
    all the photographs) and a cluster member with 7 unrelated values, `count` in all."""
    rng = random.Random(SEED + 1)
    _stored, real = real_photos()
    step = max(1, len(real) // ((count + 1) // 2))
    real = real[::step]
    _values, centres = planned_fingerprints(0, [])
    found = []
    for i in range(count):
        if i % 2 == 0 and real:
            found.append(real.pop(0))
        else:
            member = _flip(rng, centres[i], rng.randint(0, 4))
            found.append(("cluster member", [_signed(member)] + [_signed(rng.getrandbits(64)) for _ in range(7)]))
    return found


def _ms(values):
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
    }


def time_searches(threshold: int, cases):
    from django.contrib.auth.models import AnonymousUser

    from artifacts.similarity import search

    viewer = AnonymousUser()
    for _label, fingerprints in cases[:3]:
        search.find_similar(fingerprints=fingerprints, user=viewer, threshold=threshold)
    whole, statement, rows, matches = [], [], [], []
    for _label, fingerprints in cases:
        started = time.perf_counter()
        found = search.find_similar(fingerprints=fingerprints, user=viewer, threshold=threshold)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        rows.append(len(search.candidates(fingerprints, threshold)))
        statement.append(time.perf_counter() - started)
        matches.append(len(found))
    return {
        "threshold": threshold,
        "queries": len(cases),
        "find_similar_ms": _ms(whole),
        "candidates_ms": _ms(statement),
        "candidate_rows": {"p50": statistics.median(rows), "max": max(rows)},
        "matches": {"p50": statistics.median(matches), "max": max(matches)},
    }


def explain(threshold: int, fingerprints):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from artifacts.similarity import search

    with CaptureQueriesContext(connection) as captured:
        search.find_similar(fingerprints=fingerprints, user=AnonymousUser(), threshold=threshold)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            cursor.execute(prefix + sql)
            plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
            shown = sql if len(sql) < 600 else sql[:300] + f" … ({len(sql)} characters) … " + sql[-200:]
            plans.append({"sql": shown, "plan": plan})
    return plans


def machine():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "date": subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip(),
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": memory.split(":", 1)[1].strip(),
        "python": platform.python_version(),
        "database": f"{connection.vendor} {version}",
    }


def report(result) -> str:
    lines = [
        f"{result['label']}: {result['photos']:,} photos, {result['queries']} queries of 8 fingerprints, "
        f"anonymous viewer; {result['machine']['database']}; {result['machine']['cores']} cores "
        f"({result['machine']['cpu']}), {result['machine']['memory']}; {result['machine']['date']}.",
        "",
        "| threshold (bits) | find_similar p50 / p95 / max, ms | candidate statement p50 / p95, ms "
        "| candidate rows p50 / max | matches p50 / max |",
        "|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        w, c = run["find_similar_ms"], run["candidates_ms"]
        lines.append(
            f"| {run['threshold']} | {w['p50']} / {w['p95']} / {w['max']} | {c['p50']} / {c['p95']} | "
            f"{run['candidate_rows']['p50']:g} / {run['candidate_rows']['max']} | "
            f"{run['matches']['p50']:g} / {run['matches']['max']} |"
        )
    for plan in result["explain"]:
        lines += ["", "```", plan["sql"], "", plan["plan"], "```"]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=60, help="half real copies, half cluster members")
    parser.add_argument("--threshold", type=int, nargs="*", help="thresholds to time (default: hashing.THRESHOLD)")
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    setup_django()
    from artifacts.similarity import hashing

    load(args.photos)
    cases = queries(args.queries)
    members = [c for c in cases if c[0] == "cluster member"]
    thresholds = args.threshold or [hashing.THRESHOLD]
    result = {
        "label": args.label,
        "photos": args.photos,
        "queries": len(cases),
        "machine": machine(),
        "runs": [time_searches(t, cases) for t in thresholds],
        "explain": explain(hashing.THRESHOLD, members[0][1] if members else cases[0][1]),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"similarity-speed-{args.label}.json").write_text(json.dumps(result, indent=2))
    print(report(result))


if __name__ == "__main__":
    main()
