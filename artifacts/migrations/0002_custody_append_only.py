"""Database triggers that refuse UPDATE and DELETE on custody events.

Frozen: the SQL is copied here as it was when this migration was written, so that later
changes to artifacts.custody.triggers never change what this step did.
"""

from django.db import migrations

MESSAGE = "custody records are append-only: record a correction event instead"


def forward_statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION artifacts_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE} (table %)', TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END;
            $$ LANGUAGE plpgsql;
            """,
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION artifacts_append_only();
            """,
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update;",
            f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        ]
    raise NotImplementedError(f"No append-only triggers written for the {vendor} database.")


def reverse_statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def triggers_for(*tables: str) -> migrations.RunPython:
    def forward(apps, schema_editor):
        for table in tables:
            for statement in forward_statements(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    def reverse(apps, schema_editor):
        for table in tables:
            for statement in reverse_statements(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(forward, reverse)


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0001_initial")]

    operations = [triggers_for("artifacts_custodyevent")]
