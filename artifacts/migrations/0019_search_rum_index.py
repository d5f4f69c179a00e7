"""On PostgreSQL, the search index becomes a RUM index where the rum extension can be had.

A GIN index finds the matches of a search, but to rank them PostgreSQL must read every
match's document from the table: a word in half of a million records means half a
million documents read for one page of 25. RUM keeps each lexeme's positions inside the
index and returns the matches already ordered by rank, without those reads (figures in
bench/RESULTS.md).

RUM is an extension (Debian: postgresql-15-rum; the compose database image installs it).
Creating one needs a superuser, as any extension that is not trusted does: when the
extension is not available, or the archive's database user may not create it, the GIN
index stays and search works as before, only slower on broad searches. The system check
artifacts.W020 says which index is in use and how to change it later (CREATE EXTENSION
rum as a superuser, then `manage.py rebuild_search_index`).

Frozen: the statements are copied here (the live ones are in artifacts.search.schema).
SQLite is untouched: it keeps FTS5.
"""

from django.db import migrations

INDEX = "artifacts_searchdocument_vector"
RUM = f"CREATE INDEX {INDEX} ON artifacts_searchdocument USING rum (vector rum_tsvector_ops)"
GIN = f"CREATE INDEX {INDEX} ON artifacts_searchdocument USING gin (vector)"


def _index_method(cursor) -> str:
    cursor.execute(
        "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = %s AND c.relkind = 'i'",
        [INDEX],
    )
    row = cursor.fetchone()
    return row[0] if row else ""


def to_rum(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return  # not installed on the server: GIN stays
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        if cursor.fetchone() is None:
            # A savepoint, so that a refusal (not a superuser) leaves the migration's
            # transaction usable and the GIN index in place.
            cursor.execute("SAVEPOINT archive_rum")
            try:
                cursor.execute("CREATE EXTENSION rum")
            except Exception:  # noqa: BLE001 (any refusal means: keep GIN)
                cursor.execute("ROLLBACK TO SAVEPOINT archive_rum")
                return
            cursor.execute("RELEASE SAVEPOINT archive_rum")
        if _index_method(cursor) != "rum":
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute(RUM)
            cursor.execute("ANALYZE artifacts_searchdocument")


def to_gin(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if _index_method(cursor) == "rum":
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute(GIN)
        # The extension is left installed: other databases' objects may use it.


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0018_custody_event_authorities")]

    operations = [migrations.RunPython(to_rum, to_gin, elidable=False)]
