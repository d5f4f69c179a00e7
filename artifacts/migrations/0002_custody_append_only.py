"""Database triggers that refuse UPDATE and DELETE on custody events.

The refusal lives in the database so that neither raw SQL nor a bulk ORM call can
rewrite the custody record. On SQLite, any later migration that rebuilds the
custody table must create these triggers again (SQLite drops them with the table);
the tests issue raw UPDATE/DELETE and would fail if one went missing.
"""

from django.db import migrations

MESSAGE = "custody events are append-only: record a correction event instead"
TABLE = "artifacts_custodyevent"

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION artifacts_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (table %)', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION artifacts_append_only();
    """,
]
POSTGRES_REVERSE = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};"]

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
