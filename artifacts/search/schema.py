"""The database side of the search index, per vendor: created by migration 0007.

PostgreSQL: `artifacts_searchdocument.vector`, a stored generated tsvector, with a GIN
index, or a RUM index where the rum extension is installed (migration 0019). It is built
from the token strings by `artifacts_search_tokens`, which turns “포위 위되 _ _powi” into
the literal tsvector '포위':2 '위되':3 '_powi':5 — never through to_tsvector, whose parser
depends on the server's locale (under LC_CTYPE=C it drops Hangul) and would split our `_`
markers. A GAP token only advances the position. Each weight's positions start one later
than the last, so a phrase never spans two weights, as in FTS5 where each weight is a
column.

SQLite: `artifacts_search_fts`, an FTS5 table with one column per weight whose content
is the artifacts_searchdocument table itself (no second copy of the text), fed by
triggers on that table. Its unicode61 tokenizer only splits on spaces here — the tokens
are already analyzed — and keeps `_` as a letter; it removes no diacritics.

A migration that rebuilds artifacts_searchdocument on SQLite (any ALTER that SQLite
cannot do in place) drops these triggers: it must call `forward_statements` again, as
custody tables do with db_triggers. `manage.py rebuild_search_index` restores them too.
"""

FTS_TABLE = "artifacts_search_fts"
DOCUMENT_TABLE = "artifacts_searchdocument"

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION artifacts_search_tokens(tokens text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT setweight(coalesce(string_agg('''' || token || ''':' || (position + 1), ' ')::tsvector, ''), weight)
    FROM unnest(string_to_array(tokens, ' ')) WITH ORDINALITY AS t(token, position)
    WHERE token NOT IN ('', '_')
$$
"""
POSTGRESQL_VECTOR = (
    "artifacts_search_tokens(title, 'A') || artifacts_search_tokens(body, 'B')"
    " || artifacts_search_tokens(description, 'C') || artifacts_search_tokens(notes, 'D')"
)
INDEX_NAME = "artifacts_searchdocument_vector"
# GIN finds the matches; RUM (an extension, see README "Search on PostgreSQL") also keeps
# each lexeme's positions in the index, so it can return matches already ordered by rank.
POSTGRESQL_INDEXES = {
    "gin": f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {DOCUMENT_TABLE} USING gin (vector)",
    "rum": f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {DOCUMENT_TABLE} USING rum (vector rum_tsvector_ops)",
}


def postgresql_index_method(connection) -> str:
    """ "rum" when the rum extension is installed in the database, else "gin": the index
    this database should have (which one it has is backends.index_method)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        return "rum" if cursor.fetchone() else "gin"


_COLUMNS = "title, body, description, notes"
_NEW = "new.artifact_id, new.title, new.body, new.description, new.notes"
_OLD = "old.artifact_id, old.title, old.body, old.description, old.notes"


def forward_statements(vendor: str, method: str = "gin") -> list[str]:
    if vendor == "postgresql":
        return [
            POSTGRESQL_FUNCTION,
            f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS vector tsvector "
            f"GENERATED ALWAYS AS ({POSTGRESQL_VECTOR}) STORED",
            POSTGRESQL_INDEXES[method],
        ]
    if vendor == "sqlite":
        return [
            f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
                {_COLUMNS}, content='{DOCUMENT_TABLE}', content_rowid='artifact_id',
                tokenize="unicode61 remove_diacritics 0 tokenchars '_'")""",
            *sqlite_trigger_statements(),
        ]
    raise NotImplementedError(f"No search index written for the {vendor} database.")


def sqlite_trigger_statements() -> list[str]:
    # Table and column names are this module's constants; no value is interpolated.
    delete = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});"  # noqa: S608
    insert = f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES ({_NEW});"  # noqa: S608
    return [
        f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_ai",
        f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_ad",
        f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_au",
        f"CREATE TRIGGER {DOCUMENT_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN {insert} END",
        f"CREATE TRIGGER {DOCUMENT_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN {delete} END",
        f"CREATE TRIGGER {DOCUMENT_TABLE}_au AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN {delete} {insert} END",
    ]


def reverse_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "DROP INDEX IF EXISTS artifacts_searchdocument_vector",
            f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS vector",
            'DROP FUNCTION IF EXISTS artifacts_search_tokens(text, "char")',
        ]
    return [
        *(f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {FTS_TABLE}",
    ]


def rebuild_statements(vendor: str) -> list[str]:
    """Re-derive the database's index from the stored tokens (after a bulk load, or to
    repair it); the tokens themselves are rebuilt by indexing.reindex_all()."""
    if vendor == "postgresql":
        return ["REINDEX INDEX artifacts_searchdocument_vector", f"ANALYZE {DOCUMENT_TABLE}"]
    return [*sqlite_trigger_statements(), f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"]  # noqa: S608


def bulk_load_statements(vendor: str, method: str = "gin") -> tuple[list[str], list[str]]:
    """(before, after) a bulk load: the index is dropped and built once at the end, which is
    many times faster than maintaining it row by row (and leaves no GIN pending list).
    On PostgreSQL the index is rebuilt with `method`: RUM whenever the extension is there."""
    if vendor == "postgresql":
        # Deferred foreign-key checks still pending in an enclosing transaction would
        # forbid CREATE INDEX: they are run first.
        after = ["SET CONSTRAINTS ALL IMMEDIATE", POSTGRESQL_INDEXES[method], f"ANALYZE {DOCUMENT_TABLE}"]
        return [f"DROP INDEX IF EXISTS {INDEX_NAME}"], after
    triggers = [f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")]
    return triggers, rebuild_statements(vendor)
