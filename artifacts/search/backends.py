"""One search interface, one class per database (the layering Wagtail's search uses).

A backend turns a parsed SearchQuery into its database's full-text syntax, filters a
queryset with it, ranks it, and estimates large counts. It is picked from the
connection's vendor at call time, so the same code serves PostgreSQL in production and
SQLite on a laptop or in tests. Every token is quoted by us; user text never reaches
MATCH or to_tsquery as syntax, and the SQL around it names only this package's tables
(the expression itself is always a bound parameter).

Filtering is a primary-key IN (subquery) on the index, so it composes with every other
filter, with counts and with GROUP BY for facets. On PostgreSQL the subquery is an
ARRAY(...) that the planner runs once, through the GIN index: offered a join or a plain
IN, it walks the primary key in order and tests every document, because it cannot see
what decompressing each tsvector costs (several times slower on broad terms; see
bench/RESULTS.md). Ranking is added only to the page query: PostgreSQL's ts_rank with
weights over the joined document, SQLite's bm25 with column weights in a correlated
subquery. The two formulas differ; the weights are chosen so that both put a title match
above a body match above a description or note match.

Where the search index is a RUM index (PostgreSQL with the rum extension; see
schema.py), RumBackend filters on the joined document itself and orders by RUM's rank
distance (`<=>`), which the index answers already sorted, without reading each match's
document; ranked.py turns that order into exact pages.

The two PostgreSQL paths rank as alike as the extension allows. For one word, a phrase
or words joined by OR, RUM's distance is a constant times the reciprocal of ts_rank with
RUM's fixed weights {0.1, 0.2, 0.4, 1.0} and no length normalisation, so the GIN path
ranks with exactly those and both give the same order (tests/test_search_ranked.py).
For several words that must all occur, RUM scores their proximity in its own way, which
ts_rank does not reproduce: there the order can differ between the paths, each exact for
its own score. (The weights and normalisation changed for this: notes weighed 0.05 and
ranks were divided by the document's log length.)
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, Value
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.functions import Cast

from artifacts.search.query import SearchQuery, Seq, Term
from artifacts.search.schema import DOCUMENT_TABLE, FTS_TABLE, INDEX_NAME

# Relative importance of a match in the title (A), body (B), description (C) and notes (D):
# RUM's built-in weights, which its index ranks with and which cannot be changed.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}


class SearchBackend:
    vendor = ""
    index = ""  # the kind of full-text index this backend queries
    match_sql = ""  # selects the ids of artifacts matching %s
    rank_sql = ""  # the rank of artifact {pk} for %s; higher is better
    ranks_in_index = False  # True: pages come from ranked_rows(), in the index's order

    # Building the expression -------------------------------------------------------------

    def seq(self, seq: Seq) -> str:
        raise NotImplementedError

    def any_of(self, parts: list[str]) -> str:
        raise NotImplementedError

    def all_of(self, parts: list[str]) -> str:
        raise NotImplementedError

    def but_not(self, positive: str, negative: str) -> str:
        raise NotImplementedError

    def term(self, term: Term) -> str:
        return self.any_of([self.seq(seq) for seq in term.alternatives])

    def positive(self, query: SearchQuery) -> str:
        expression = self.all_of([self.any_of([self.term(t) for t in group]) for group in query.groups])
        if query.serial is not None:
            expression = self.any_of([expression, self.seq(query.serial)]) if expression else self.seq(query.serial)
        return expression

    def expression(self, query: SearchQuery) -> str:
        """The full-text expression for the positive part, minus the excluded terms."""
        expression = self.positive(query)
        if query.excluded:
            expression = self.but_not(expression, self.any_of([self.term(t) for t in query.excluded]))
        return expression

    # Using it -----------------------------------------------------------------------------

    def filter(self, queryset, query: SearchQuery):
        if query.is_empty:
            return queryset.none()
        if query.has_positive:
            # The expression is a bound parameter built from analyzed tokens only.
            return queryset.filter(pk__in=RawSQL(self.match_sql, [self.expression(query)]))  # noqa: S611
        # Only exclusions: everything else. (Neither FTS5 nor a GIN index can answer a
        # bare NOT, so the excluded matches are found and left out.)
        excluded = self.any_of([self.term(t) for t in query.excluded])
        return queryset.exclude(pk__in=RawSQL(self.match_sql, [excluded]))  # noqa: S611

    def rank(self, query: SearchQuery) -> Expression:
        if not query.has_positive:
            # Cast, so the constant is an expression: PostgreSQL refuses a bare
            # "ORDER BY 0.0" ("non-integer constant in ORDER BY").
            return Cast(Value(0.0), FloatField())
        return OnKey(self.rank_sql, self.positive(query), FloatField())

    def ordering(self, query: SearchQuery) -> list:
        """ORDER BY for relevance: best first, ties in accession order."""
        return [OrderBy(self.rank(query), descending=True), "accession_number"]

    def ranked_rows(self, results, query: SearchQuery):
        raise NotImplementedError

    def estimate_count(self, queryset, known_at_least: int) -> int:
        """A cheap estimate of queryset.count() for results known to exceed `known_at_least`."""
        raise NotImplementedError

    def first_ids(self, queryset, limit: int) -> tuple[tuple, int | None]:
        """The first `limit` ids of `queryset` in id order, and the planner's estimate of
        its size if one was asked for on the way (None if not)."""
        return tuple(queryset.order_by("pk").values_list("pk", flat=True)[:limit]), None


class PostgresBackend(SearchBackend):
    """Filter and rank on the artifact's search document, joined once: the GIN index finds
    the matches and ts_rank reads the same rows, in one pass over them."""

    vendor = "postgresql"
    index = "gin"
    match_sql = f"SELECT artifact_id FROM {DOCUMENT_TABLE} WHERE vector @@ %s::tsquery"  # noqa: S608
    # Normalisation 0 (none), as RUM's distance: see the module's docstring.
    rank_template = "COALESCE(ts_rank('{{{D},{C},{B},{A}}}', {{vector}}, %s::tsquery, 0), 0)".format(**WEIGHTS)

    match_any_sql = f"{{pk}} = ANY(ARRAY({match_sql}))"

    def filter(self, queryset, query):
        if query.has_positive:
            return queryset.filter(OnKey(self.match_any_sql, self.expression(query), BooleanField()))
        return super().filter(queryset, query)

    def rank(self, query):
        if not query.has_positive:
            return super().rank(query)
        return OnDocument(self.rank_template, self.rank_expression(query), FloatField())

    def rank_expression(self, query) -> str:
        """The tsquery ranked against: the search's, with phrases read as AND. The filter
        already requires the words of a phrase in a row; ranking them as a phrase would
        make a RUM index's order disagree with the distance it reports (it ranks a phrase
        as AND inside the index), so both PostgreSQL paths rank this form."""
        return self.expression(query).replace(" <-> ", " & ")

    def seq(self, seq: Seq) -> str:
        quoted = [f"'{token}'" for token in seq.tokens]
        if seq.prefix:
            quoted[-1] += ":*"
        return "(" + " <-> ".join(quoted) + ")"

    def any_of(self, parts):
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def all_of(self, parts):
        return "" if not parts else parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def but_not(self, positive, negative):
        return f"({positive} & !{negative})"

    def estimate_count(self, queryset, known_at_least):
        # The planner's estimate, from ANALYZE statistics (for tsvector columns these
        # include the most common lexemes): costs a plan, not a scan. It is asked about
        # the IN (subquery) form of the search, since it cannot see into an ARRAY's size
        # (RumBackend's join on the document has no ARRAY and is asked as it is).
        try:
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return known_at_least  # a search nothing can match (only excluded words)
        sql = sql.replace(f"= ANY(ARRAY({self.match_sql}))", f"IN ({self.match_sql})")
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return max(int(plan[0]["Plan"]["Plan Rows"]), known_at_least)


class RumBackend(PostgresBackend):
    """PostgreSQL with a RUM index: the search is a condition on the joined document (so
    the index can both find the matches and hand them over ordered by rank distance), and
    relevance pages are read in that order (ranked.py)."""

    index = "rum"
    ranks_in_index = True
    distance_template = "({vector} <=> %s::tsquery)"

    def filter(self, queryset, query):
        if query.has_positive:
            # A condition on the joined document, so that one index scan finds the
            # matches and orders them by distance.
            return queryset.filter(OnDocument("{vector} @@ %s::tsquery", self.expression(query), BooleanField()))
        return super().filter(queryset, query)

    def distance(self, query) -> Expression:
        """RUM's rank distance, 1 / its score: lower is better."""
        return OnDocument(self.distance_template, self.rank_expression(query), FloatField())

    def ordering(self, query):
        if not query.has_positive:
            return super().ordering(query)
        return [OrderBy(self.distance(query)), "accession_number"]

    def ranked_rows(self, results, query):
        from artifacts.search.ranked import RankedRows

        return RankedRows(results, self.distance(query))

    # Up to this many estimated matches per id wanted, first_ids collects the matches from
    # the index and sorts them; above it, it walks the ids in order (bench/RESULTS.md).
    SORT_UP_TO = 3

    def first_ids(self, queryset, limit):
        # With the search a join on the document, the planner likes to walk both primary
        # keys in step and test every document it passes (a merge join), stopping once it
        # has `limit` matches. That is quick when most records match and slow when few do:
        # it reads a tsvector per record to find them (at 100,000 records, 550 ms for a word
        # in 10 % of them, against 50 ms to take its matches from the index and sort them;
        # it underrates reading a vector). So the estimate picks: ordering by pk + 0, an
        # order no index has, makes the planner collect and sort; id order lets it walk.
        # Without a search there is no join, and nothing to choose.
        if not any(join.table_name == DOCUMENT_TABLE for join in queryset.query.alias_map.values()):
            return super().first_ids(queryset, limit)
        estimate = self.estimate_count(queryset, 0)
        order = F("pk") + 0 if estimate <= self.SORT_UP_TO * limit else F("pk")
        return tuple(queryset.order_by(order).values_list("pk", flat=True)[:limit]), estimate


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"
    index = "fts5"
    match_sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    rank_sql = (
        f"COALESCE((SELECT -bm25({FTS_TABLE}, %(A)s, %(B)s, %(C)s, %(D)s) FROM {FTS_TABLE} "  # noqa: S608
        f"WHERE {FTS_TABLE} MATCH %%s AND rowid = {{pk}}), 0)"
    ) % {weight: value * 10 for weight, value in WEIGHTS.items()}

    def seq(self, seq: Seq) -> str:
        return '"' + " ".join(seq.tokens) + '"' + ("*" if seq.prefix else "")

    def any_of(self, parts):
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def all_of(self, parts):
        return "" if not parts else parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def but_not(self, positive, negative):
        return f"({positive} NOT {negative})"

    def estimate_count(self, queryset, known_at_least):
        # SQLite keeps no row estimates. Results come out of FTS5 and the rowid index in
        # id order, so the id of the N-th hit is cheap to find; assuming matches spread
        # evenly over the ids, the share of the id range it covers gives the total.
        from artifacts.models import Artifact

        ids = queryset.order_by("pk").values_list("pk", flat=True)
        nth = ids[known_at_least - 1 : known_at_least].first()
        first = ids.first()
        last = Artifact.objects.order_by("-pk").values_list("pk", flat=True).first()
        if nth is None or first is None or last is None or nth <= first:
            return known_at_least
        return max(known_at_least, round(known_at_least * (last - first + 1) / (nth - first + 1)))


class OnKey(Expression):
    """SQL about the row's own primary key ({pk}, resolved by Django, so the expression
    survives table aliasing) and one full-text expression: a rank, or a match condition."""

    def __init__(self, template: str, expression: str, output_field):
        super().__init__(output_field=output_field)
        self.template, self.expression, self.key = template, expression, F("pk")

    @property
    def conditional(self):
        return isinstance(self.output_field, BooleanField)

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        return self.template.replace("{pk}", key_sql), [self.expression, *key_params]


class OnDocument(Expression):
    """SQL over the row's search document, joined through the artifact's reverse one-to-one
    relation; {vector} stands for the joined table's tsvector column (which the model does
    not declare: it is generated by the database, see schema.py)."""

    def __init__(self, template: str, expression: str, output_field):
        super().__init__(output_field=output_field)
        self.template, self.expression = template, expression
        # A column of the document that is not the join key, so Django keeps the join.
        self.column = F("search_document__title")

    @property
    def conditional(self):
        return isinstance(self.output_field, BooleanField)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        vector = f'{compiler.quote_name_unless_alias(self.column.alias)}."vector"'
        return self.template.replace("{vector}", vector), [self.expression]


BACKENDS = {(backend.vendor, backend.index): backend for backend in (PostgresBackend(), RumBackend(), SQLiteBackend())}
INDEX_METHOD_SQL = (
    "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = %s AND c.relkind = 'i'"
)


def index_method(using: str = "default") -> str:
    """The kind of index the database's search documents have: "fts5" on SQLite; on
    PostgreSQL "rum" or "gin" as found in its catalog (or "" if there is none). Asked once
    per database connection: a new connection (after a restart, or CONN_MAX_AGE) asks
    again, so an index rebuilt as RUM is used without restarting the archive."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return "fts5"
    connection.ensure_connection()
    cached = getattr(connection, "_archive_search_index", None)
    if cached is not None and cached[0] is connection.connection:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(INDEX_METHOD_SQL, [INDEX_NAME])
        row = cursor.fetchone()
    method = row[0] if row else ""
    connection._archive_search_index = (connection.connection, method)
    return method


def forget_index_method(using: str = "default") -> None:
    """After the index was rebuilt on this connection (rebuild_search_index, tests)."""
    connections[using].__dict__.pop("_archive_search_index", None)


def backend_for(using: str = "default") -> SearchBackend:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return BACKENDS[(vendor, "rum" if index_method(using) == "rum" else "gin")]
    try:
        return BACKENDS[(vendor, "fts5")]
    except KeyError:
        raise NotImplementedError(f"Search has no backend for the {vendor} database.") from None
