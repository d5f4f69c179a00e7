"""Database triggers that keep custody append-only, and a check that they are in force.

The refusal lives in the database so that neither raw SQL nor a bulk ORM call can rewrite
the record: UPDATE, DELETE and TRUNCATE are refused on custody events, their attachments
and every table of the transparency log. A photo's digest columns (and what it belongs
to) can never change, and a photo row can only be deleted once a "photo-withdrawn" leaf
for it is in the log, so removing evidence is always on the record.

Triggers stop mistakes, not the database's owner, who can drop them: the signed heads and
their witnesses catch that (artifacts.custody.integrity), and verify_integrity reports a
trigger that is missing or disabled.

The migrations hold frozen copies of these statements (0002, 0004, 0009). On SQLite a
table rebuilt by a later migration loses its triggers: such a migration must create them
again, from its own copy.
"""

MESSAGE = "custody records are append-only: record a correction event instead"
PHOTO_DIGEST_MESSAGE = "the file, digest and artifact of a photo are fixed at ingest: add a new photo instead"
PHOTO_DELETE_MESSAGE = "a photo is evidence: withdraw it (which the log records) before its row can go"

APPEND_ONLY_TABLES = (
    "artifacts_custodyevent",
    "artifacts_custodyattachment",
    "artifacts_logleaf",
    "artifacts_lognode",
    "artifacts_signingkey",
    "artifacts_treehead",
    "artifacts_headtimestamp",
)
PHOTO_TABLE = "artifacts_photo"
PHOTO_FIXED_COLUMNS = ("sha256", "byte_size", "original", "artifact_id")

POSTGRESQL_FUNCTIONS = [
    f"""
    CREATE OR REPLACE FUNCTION artifacts_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (table %)', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    # TRUNCATE of an empty table destroys nothing (and is how a test database is reset).
    f"""
    CREATE OR REPLACE FUNCTION artifacts_refuse_truncate() RETURNS trigger AS $$
    DECLARE
        has_rows boolean;
    BEGIN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO has_rows;
        IF has_rows THEN
            RAISE EXCEPTION '{MESSAGE}: TRUNCATE refused (table %)', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE FUNCTION artifacts_photo_digest_fixed() RETURNS trigger AS $$
    BEGIN
        IF {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in PHOTO_FIXED_COLUMNS)} THEN
            RAISE EXCEPTION '{PHOTO_DIGEST_MESSAGE} (photo %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE FUNCTION artifacts_photo_withdrawn_only() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM artifacts_logleaf WHERE kind = 'photo-withdrawn' AND object_id = OLD.id
        ) THEN
            RAISE EXCEPTION '{PHOTO_DELETE_MESSAGE} (photo %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
]


def _postgresql() -> dict[str, str]:
    triggers = {}
    for table in APPEND_ONLY_TABLES:
        triggers[f"{table}_append_only"] = (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION artifacts_append_only()"
        )
    for table in (*APPEND_ONLY_TABLES, PHOTO_TABLE):
        triggers[f"{table}_no_truncate"] = (
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION artifacts_refuse_truncate()"
        )
    triggers["artifacts_photo_digest_fixed"] = (
        f"CREATE TRIGGER artifacts_photo_digest_fixed BEFORE UPDATE ON {PHOTO_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION artifacts_photo_digest_fixed()"
    )
    triggers["artifacts_photo_withdrawn_only"] = (
        f"CREATE TRIGGER artifacts_photo_withdrawn_only BEFORE DELETE ON {PHOTO_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION artifacts_photo_withdrawn_only()"
    )
    return triggers


def _sqlite() -> dict[str, str]:
    # SQLite has no TRUNCATE; its "DELETE FROM t" without WHERE runs row triggers (the
    # truncate optimisation is off for a table with triggers), so no_delete refuses it.
    triggers = {}
    for table in APPEND_ONLY_TABLES:
        for verb in ("update", "delete"):
            triggers[f"{table}_no_{verb}"] = (
                f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PHOTO_FIXED_COLUMNS)
    triggers["artifacts_photo_digest_fixed"] = (
        f"CREATE TRIGGER artifacts_photo_digest_fixed BEFORE UPDATE ON {PHOTO_TABLE} WHEN {changed} "
        f"BEGIN SELECT RAISE(ABORT, '{PHOTO_DIGEST_MESSAGE}'); END"
    )
    triggers["artifacts_photo_withdrawn_only"] = (
        f"CREATE TRIGGER artifacts_photo_withdrawn_only BEFORE DELETE ON {PHOTO_TABLE} "
        "WHEN NOT EXISTS (SELECT 1 FROM artifacts_logleaf WHERE kind = 'photo-withdrawn' AND object_id = OLD.id) "
        f"BEGIN SELECT RAISE(ABORT, '{PHOTO_DELETE_MESSAGE}'); END"
    )
    return triggers


def expected(vendor: str) -> dict[str, str]:
    """Trigger name → its CREATE statement, for this database."""
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite()
    raise NotImplementedError(f"No append-only triggers written for the {vendor} database.")


def missing(connection) -> list[str]:
    """The triggers that are absent or disabled: each one is a way to rewrite custody."""
    names = expected(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return sorted(set(names) - present)
