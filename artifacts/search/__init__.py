"""Catalog search: one analyzer, a stored weighted document per artifact, and a backend
per database that indexes and queries it with the same results.

* analyzer.py — normalisation, stemming, Korean bigrams, cross-script aliases, serials.
* romanize.py — Hangul romanization, Cyrillic transliteration, Latin spelling folding.
* korean.py — North and South Korean spelling and spacing read alike.
* document.py — which fields are indexed at which weight (never personal data or notes).
* query.py — the web-search syntax parsed into alternatives per term.
* backends.py — PostgreSQL (tsvector, GIN or RUM, ts_rank) and SQLite (FTS5, bm25).
* ranked.py — exact relevance pages read in a RUM index's order.
* schema.py — the per-database DDL behind the index.
* indexing.py — keeping documents current; highlight.py — marked titles and snippets.

The entry points are `Artifact.objects.search(q)` / `search_artifacts(queryset, q)` to
filter, `rank_ordering(q)` / `ranked_rows(results, q)` to order by relevance,
`rank(queryset, q)` to annotate the rank, and `attach_highlights(artifacts, q)`.
"""

from artifacts.search.analyzer import normalize
from artifacts.search.backends import backend_for
from artifacts.search.query import MAX_QUERY_LENGTH, SearchQuery, parse


def search_artifacts(queryset, query: str | SearchQuery):
    """Artifacts in `queryset` matching `query`; all of them when it is blank, none when it
    holds nothing searchable (only punctuation, say)."""
    if not isinstance(query, SearchQuery):
        if not (query or "").strip():
            return queryset
        query = parse(query)
    return backend_for(queryset.db).filter(queryset, query)


def rank_expression(query: str | SearchQuery, using: str = "default"):
    """An expression for the relevance of each row to `query` (higher is better), to
    order or annotate a queryset of artifacts with."""
    return backend_for(using).rank(query if isinstance(query, SearchQuery) else parse(query))


def rank_ordering(query: str | SearchQuery, using: str = "default") -> list:
    """ORDER BY for relevance, best first and ties in accession order: on the rank, or on a
    RUM index's rank distance, which the index can answer in order (see backends)."""
    return backend_for(using).ordering(query if isinstance(query, SearchQuery) else parse(query))


def ranked_rows(results, query: str | SearchQuery):
    """`results` in relevance order as a sliceable sequence read in the index's order,
    or None where the database ranks by sorting (then order `results` by rank_ordering)."""
    backend = backend_for(results.db)
    if not backend.ranks_in_index:
        return None
    query = query if isinstance(query, SearchQuery) else parse(query)
    return backend.ranked_rows(results, query) if query.has_positive else None


def rank(queryset, query: str | SearchQuery):
    """`queryset` annotated with `search_rank` for `query`."""
    return queryset.annotate(search_rank=rank_expression(query, queryset.db))


def attach_highlights(artifacts: list, query: str | SearchQuery) -> None:
    from artifacts.search.highlight import attach_highlights as attach

    attach(artifacts, query if isinstance(query, SearchQuery) else parse(query))


def index_artifact(*artifact_ids: int) -> None:
    from artifacts.search.indexing import index_artifact as index

    index(*artifact_ids)


__all__ = [
    "MAX_QUERY_LENGTH",
    "SearchQuery",
    "attach_highlights",
    "index_artifact",
    "normalize",
    "parse",
    "rank",
    "rank_expression",
    "rank_ordering",
    "ranked_rows",
    "search_artifacts",
]
