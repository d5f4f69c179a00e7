"""Time `manage.py import_artifacts` on SQLite and PostgreSQL.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--photo-rows 200]
        [--postgres postgres://postgres@127.0.0.1:5432/archive_import] [--skip-postgres]

For each database it starts from an empty schema (a new SQLite file; the PostgreSQL
database named in --postgres is dropped and created again, so give it one of its own),
then times, each as a separate run of the command:

1. a dry run of N new rows (the check pass alone);
2. the import of those N rows (check, then write);
3. an update of all N artifacts by accession number (the upsert path);
4. an import of --photo-rows rows with one photograph each (1600 × 1200 JPEG, from a ZIP).

The rows are synthetic and say so (titles “Benchmark row …”); they never touch the
archive's own database. Files and databases go to bench/out/, which git ignores.
Results print as a Markdown table, with the machine they were measured on.
"""

import argparse
import csv
import io
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = ROOT / ".venv" / "bin" / "python"
TYPES = ["phrase_list", "handwritten", "typed_document", "booklet", "military_id", "weapon", "gear", "other"]
DATES = ["2024-12/2025-01", "2025-01", "2025-01~", "2024-12-XX", "2025-01-19", "2024-10/2024-12"]
PLACES = [("Kursk region, Russia", "region"), ("Sudzha district, Kursk region", "district"), ("", "unknown")]
SOURCES = [
    ("Benchmark report A", "Bench Publisher", "2025-01-19", "https://bench.example.org/a"),
    ("Benchmark report B", "Bench Publisher", "2025-02-03", "https://bench.example.org/b"),
    ("Benchmark report C", "Other Bench Outlet", "2025-03-11", "https://bench.example.org/c"),
]
WORDS = ["field", "paper", "ink", "soldier", "letter", "map", "unit", "winter", "phrase", "list", "stamp", "page"]
HEADER = [
    "title", "artifact_type", "description", "materials", "languages", "item_count", "recovery_date",
    "recovery_date_as_reported", "recovery_place", "recovery_place_precision", "recovering_unit",
    "verification_status", "status", "access_level", "serial_numbers", "object_category",
    "source_title", "source_publisher", "source_date", "source_url", "source_locator",
]  # fmt: skip


def new_rows(count: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i in range(count):
        kind = rng.choice(TYPES)
        place, precision = rng.choice(PLACES)
        source = rng.choice(SOURCES)
        writer.writerow([
            f"Benchmark row {i}", kind,
            f"Synthetic benchmark record {i}; not a real object. " + " ".join(rng.choices(WORDS, k=40)),
            rng.choice(["Paper", "Paper, ink", "Steel", "Polymer, steel", ""]),
            rng.choice(["ko", "ko;ru", "ru", ""]), rng.choice(["", "1", "2", "23"]),
            rng.choice(DATES), rng.choice(["", "December 2024 to mid-January 2025", "this month"]),
            place, precision, "Benchmark unit", rng.choice(["unverified", "consistent"]),
            rng.choice(["published", "draft"]), rng.choice(["public", "public", "researchers", "staff"]),
            f"BN-{i:07d};BX {i:05d}" if kind == "weapon" else "", "assault_rifle" if kind == "weapon" else "",
            *source, f"paragraph {rng.randint(1, 40)}",
        ])  # fmt: skip
    return buffer.getvalue().encode()


def update_rows(accession_numbers: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["accession_number", "status", "verification_status", "condition", "languages"])
    for number in accession_numbers:
        writer.writerow([number, "published", "consistent", "Creased; checked for the benchmark.", "ko;ru;en"])
    return buffer.getvalue().encode()


def photo_rows(count: int) -> tuple[bytes, bytes]:
    from PIL import Image

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "artifact_type", "photos", "photo_captions"])
    archive = io.BytesIO()
    rng = random.Random(2)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for i in range(count):
            image = Image.effect_noise((1600, 1200), 40 + rng.random() * 40).convert("RGB")
            data = io.BytesIO()
            image.save(data, format="JPEG", quality=88)
            bundle.writestr(f"photos/bench-{i:05d}.jpg", data.getvalue())
            writer.writerow([f"Benchmark photo row {i}", "other", f"bench-{i:05d}.jpg", "Benchmark image"])
    return buffer.getvalue().encode(), archive.getvalue()


TIME = Path("/usr/bin/time")  # GNU time, for the peak memory of each run


def manage(env: dict, *args: str, check: bool = True) -> tuple[float, str]:
    command = [str(PYTHON), "manage.py", *args]
    if TIME.exists():
        command = [str(TIME), "-f", "%M", "-o", str(OUT / "last-rss.txt"), *command]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if check and result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout


def reported_seconds(output: str) -> float:
    match = re.search(r"Done in ([\d.]+) s", output)
    return float(match.group(1)) if match else float("nan")


def prepare_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run(label: str, database_url: str, files: dict, env_base: dict) -> list[dict]:
    env = {**env_base, "DATABASE_URL": database_url, "MEDIA_ROOT": str(OUT / f"media-{label.lower()}")}
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "--no-imports", "-c", LANGUAGES)
    results = []
    rows = files["rows"]

    def step(name: str, count: int, *args: str) -> str:
        wall, output = manage(env, "import_artifacts", *args, "--no-progress")
        seconds = reported_seconds(output)
        rss = OUT / "last-rss.txt"
        megabytes = int(rss.read_text().split()[-1]) / 1024 if rss.exists() else float("nan")
        results.append(
            {"database": label, "step": name, "rows": count, "seconds": seconds, "wall": wall, "rss": megabytes}
        )
        print(
            f"  {label:<10} {name:<34} {count:>6} rows  {seconds:7.1f} s  ({count / seconds:,.0f} rows/s)"
            f"  peak {megabytes:,.0f} MB  load {os.getloadavg()[0]:.1f}"
        )
        return output

    step("dry run (check only)", rows, str(files["new"]), "--dry-run")
    step("import of new rows", rows, str(files["new"]))
    _, numbers = manage(env, "shell", "--no-imports", "-c", ACCESSION_NUMBERS)
    files["update"].write_bytes(update_rows(numbers.split()))
    step("update of every row by accession", rows, str(files["update"]))
    if files["photo_rows"]:
        step("rows with one photo each", files["photo_rows"], str(files["photos"]), "--photos", str(files["zip"]))
    return results


LANGUAGES = (
    "from artifacts.models import Language\n"
    "for code, name in (('ko', 'Korean'), ('ru', 'Russian'), ('en', 'English')):\n"
    "    Language.objects.get_or_create(code=code, defaults={'name': name})"
)
ACCESSION_NUMBERS = (
    "from artifacts.models import Artifact\n"
    "print('\\n'.join(Artifact.objects.filter(title__startswith='Benchmark row ')"
    ".order_by('pk').values_list('accession_number', flat=True)))"
)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} CPUs visible, load average at start {load}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--photo-rows", type=int, default=200)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/archive_import")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    files = {
        "rows": args.rows,
        "new": OUT / f"import-{args.rows}.csv",
        "update": OUT / f"import-{args.rows}-update.csv",
        "photos": OUT / f"import-{args.photo_rows}-photos.csv",
        "zip": OUT / f"import-{args.photo_rows}-photos.zip",
        "photo_rows": args.photo_rows,
    }
    files["new"].write_bytes(new_rows(args.rows))
    if args.photo_rows:
        table, archive = photo_rows(args.photo_rows)
        files["photos"].write_bytes(table)
        files["zip"].write_bytes(archive)
    # Production settings (no debug query log), with a throwaway key for this process only.
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "import-benchmark-only", "PYTHONUNBUFFERED": "1"}
    print(f"Machine: {machine()}")
    results = []
    sqlite_file = OUT / "import-bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    results += run("SQLite", f"sqlite:///{sqlite_file}", files, env)
    if not args.skip_postgres:
        prepare_postgres(args.postgres)
        _, version = manage({**env, "DATABASE_URL": args.postgres}, "shell", "--no-imports", "-c", PG_VERSION)
        print(f"PostgreSQL: {version.strip()}")
        results += run("PostgreSQL", args.postgres, files, env)
    print("\n| database | step | rows | seconds (import) | rows per second | wall time incl. start-up | peak memory |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['database']} | {r['step']} | {r['rows']:,} | {r['seconds']:.1f} | "
            f"{r['rows'] / r['seconds']:,.0f} | {r['wall']:.1f} s | {r['rss']:,.0f} MB |"
        )


PG_VERSION = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SHOW server_version')\n"
    "    print(cursor.fetchone()[0])"
)

if __name__ == "__main__":
    main()
