"""Export what an anonymous visitor may see to a SQLite file that Datasette serves.

The peer in search_bench.py is Datasette over the same records: one row per artifact
that an anonymous visitor can find in the catalog (published, public), with its facet
columns and its text (title, description, texts, phrases, serial numbers) as the archive
shows them, and a full-text index in the form Datasette detects (an FTS5 table with
content="artifacts", the layout `sqlite-utils enable-fts` writes), with its default
unicode61 tokenizer.

Run with the archive's environment (DATABASE_URL) from the project root:

    python bench/export_datasette.py bench/out/datasette-100k.db
"""

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = (
    "id",
    "accession_number",
    "title",
    "artifact_type",
    "verification_status",
    "recovery_place",
    "recovering_unit",
    "recovery_date",
    "description",
    "texts",
    "serial_numbers",
)
SEARCHED = ("title", "description", "texts", "serial_numbers")


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")
    import django

    django.setup()


def children_by_artifact(queryset, fields):
    """Yield (artifact_id, joined text) for a child model, in artifact order."""
    current, parts = None, []
    for row in queryset.order_by("artifact_id", "pk").values_list("artifact_id", *fields).iterator(chunk_size=20_000):
        if row[0] != current:
            if current is not None:
                yield current, " ".join(parts)
            current, parts = row[0], []
        parts.extend(value for value in row[1:] if value)
    if current is not None:
        yield current, " ".join(parts)


class Merge:
    """Look up a child stream's text by artifact id, walking both streams in id order."""

    def __init__(self, stream):
        self.stream, self.head = stream, next(stream, None)

    def take(self, artifact_id: int) -> str:
        while self.head is not None and self.head[0] < artifact_id:
            self.head = next(self.stream, None)
        if self.head is not None and self.head[0] == artifact_id:
            return self.head[1]
        return ""


def rows():
    from django.contrib.auth.models import AnonymousUser

    from artifacts.models import Artifact, Phrase, SerialNumber, Text

    texts = Merge(children_by_artifact(Text.objects.all(), ("original_text", "transliteration", "translation")))
    phrases = Merge(children_by_artifact(Phrase.objects.all(), ("original_text", "transliteration", "translation")))
    serials = Merge(children_by_artifact(SerialNumber.objects.all(), ("value",)))
    artifacts = (
        Artifact.objects.visible_to(AnonymousUser())
        .order_by("pk")
        .values_list(*COLUMNS[:9])
        .iterator(chunk_size=20_000)
    )
    for row in artifacts:
        pk = row[0]
        body = " ".join(part for part in (texts.take(pk), phrases.take(pk)) if part)
        yield (*row, body, serials.take(pk))


def export(target: Path) -> int:
    target.unlink(missing_ok=True)
    database = sqlite3.connect(target)
    columns = ", ".join(f"[{name}] {'INTEGER PRIMARY KEY' if name == 'id' else 'TEXT'}" for name in COLUMNS)
    database.execute(f"CREATE TABLE artifacts ({columns})")
    count = 0
    batch = []
    insert = f"INSERT INTO artifacts VALUES ({', '.join('?' for _ in COLUMNS)})"
    for row in rows():
        batch.append(row)
        if len(batch) == 10_000:
            database.executemany(insert, batch)
            count += len(batch)
            batch = []
    database.executemany(insert, batch)
    count += len(batch)
    # Facet columns get indexes, as a Datasette publisher tuning for facets would add.
    for column in ("artifact_type", "verification_status", "recovery_place"):
        database.execute(f"CREATE INDEX idx_artifacts_{column} ON artifacts ([{column}])")
    searched = ", ".join(f"[{name}]" for name in SEARCHED)
    database.execute(f'CREATE VIRTUAL TABLE [artifacts_fts] USING FTS5 ({searched}, content="artifacts")')
    database.execute(f"INSERT INTO [artifacts_fts] (rowid, {searched}) SELECT rowid, {searched} FROM artifacts")
    database.execute("INSERT INTO [artifacts_fts] (artifacts_fts) VALUES ('optimize')")
    database.commit()
    database.execute("ANALYZE")
    database.execute("VACUUM")
    database.close()
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="SQLite file to write (replaced if it exists).")
    args = parser.parse_args()
    setup_django()
    started = time.monotonic()
    count = export(args.target)
    print(f"Exported {count} artifacts to {args.target} in {time.monotonic() - started:.1f} s.")


if __name__ == "__main__":
    main()
