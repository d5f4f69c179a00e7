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
"""

import json

from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from artifacts.search.query import SearchQuery, Seq, Term
from artifacts.search.schema import DOCUMENT_TABLE, FTS_TABLE

# Relative importance of a match in the title (A), body (B), description (C) and notes (D).
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.05}


class SearchBackend:
    vendor = ""
    match_sql = ""  # selects the ids of artifacts matching %s
    rank_sql = ""  # the rank of artifact {pk} for %s; higher is better

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

    def estimate_count(self, queryset, known_at_least: int) -> int:
        """A cheap estimate of queryset.count() for results known to exceed `known_at_least`."""
        raise NotImplementedError


class PostgresBackend(SearchBackend):
    """Filter and rank on the artifact's search document, joined once: the GIN index finds
    the matches and ts_rank reads the same rows, in one pass over them."""

    vendor = "postgresql"
    match_sql = f"SELECT artifact_id FROM {DOCUMENT_TABLE} WHERE vector @@ %s::tsquery"  # noqa: S608
    rank_template = "COALESCE(ts_rank('{{{D},{C},{B},{A}}}', {{vector}}, %s::tsquery, 1), 0)".format(**WEIGHTS)

    match_any_sql = f"{{pk}} = ANY(ARRAY({match_sql}))"

    def filter(self, queryset, query):
        if query.has_positive:
            return queryset.filter(OnKey(self.match_any_sql, self.expression(query), BooleanField()))
        return super().filter(queryset, query)

    def rank(self, query):
        if not query.has_positive:
            return super().rank(query)
        return OnDocument(self.rank_template, self.positive(query), FloatField())

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
        # the IN (subquery) form of the search, since it cannot see into an ARRAY's size.
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        sql = sql.replace(f"= ANY(ARRAY({self.match_sql}))", f"IN ({self.match_sql})")
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return max(int(plan[0]["Plan"]["Plan Rows"]), known_at_least)


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"
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


BACKENDS = {backend.vendor: backend for backend in (PostgresBackend(), SQLiteBackend())}


def backend_for(using: str = "default") -> SearchBackend:
    vendor = connections[using].vendor
    try:
        return BACKENDS[vendor]
    except KeyError:
        raise NotImplementedError(f"Search has no backend for the {vendor} database.") from None
