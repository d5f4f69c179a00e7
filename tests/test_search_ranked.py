"""Relevance pages on PostgreSQL: read in a RUM index's order, they must be exactly the
pages a full sort gives; the GIN path ranks single words, phrases and OR the same way.

These tests need PostgreSQL (the suite's second run); on SQLite, FTS5 ranks by sorting
and there is nothing index-ordered to compare.
"""

import io
import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction

from artifacts import synthetic
from artifacts.checks import search_index_in_use
from artifacts.models import Artifact
from artifacts.search import parse, rank_ordering, ranked, ranked_rows
from artifacts.search.backends import BACKENDS, backend_for, forget_index_method, index_method
from artifacts.search.schema import POSTGRESQL_INDEXES

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search paths")

# Words of the generator's vocabulary at several frequencies, in each script, plus a
# phrase, a Hangul word that becomes a phrase of bigrams, OR, exclusion and a prefix.
QUERIES = [
    "lesson",
    "진지",
    "포위",
    "артиллерия",
    "무인기",
    "포위되었다",
    "lesson OR артиллерия",
    "진지 -lesson",
    "les*",
    "lesson 진지",
    '"포위되었다"',
]
# (Not several words that must all occur, "무인기" included: RUM scores their proximity its own way.)
SAME_ORDER_ON_BOTH_PATHS = ["lesson", "진지", "포위", "артиллерия", "lesson OR артиллерия", "les*"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # Built once for the module and rolled back at its end.
    with django_db_blocker.unblock(), transaction.atomic():
        synthetic.generate(600, seed=7, batch_size=300, photo_share=0.0)
        yield
        transaction.set_rollback(True)


def require_rum():
    """The RUM path needs the extension on the server (Debian: postgresql-15-rum), which
    .ci/run installs and then requires (REQUIRE_RUM=1); elsewhere its absence skips."""
    if index_method() != "rum":
        if os.environ.get("REQUIRE_RUM") == "1":
            pytest.fail("REQUIRE_RUM=1 but the search index is not RUM: is postgresql-15-rum installed?")
        pytest.skip("the rum extension is not installed on this PostgreSQL server")


def visible():
    return Artifact.objects.visible_to(AnonymousUser())


def full_sort(query: str) -> list[int]:
    """Every match sorted by the database without any index order to lean on."""
    results = visible().search(query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        ids = list(results.order_by(*rank_ordering(query)).values_list("pk", flat=True))
        cursor.execute("SET LOCAL enable_indexscan = on")
    return ids


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_every_page_read_in_index_order_is_the_page_of_a_full_sort(seeded, query, monkeypatch):
    require_rum()
    expected = full_sort(query)
    assert len(expected) > 3, "the seeded collection should match this query"
    rows = ranked_rows(visible().search(query), query)
    # Read nothing past a page at first, so that tie groups running past it are met.
    monkeypatch.setattr(ranked, "FIRST_EXTRA", 0)
    for size in (1, 7, 25):
        pages = [rows[start : start + size] for start in range(0, len(expected), size)]
        assert [artifact.pk for page in pages for artifact in page] == expected, size


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_the_count_reads_the_same_first_ids_whichever_way_it_is_planned(seeded, query, monkeypatch):
    require_rum()
    results = visible().search(query)
    expected = sorted(results.values_list("pk", flat=True))[:50]
    rum = BACKENDS[("postgresql", "rum")]
    for sort_up_to in (0, 10**9):  # walk the ids in order / collect the matches and sort them
        monkeypatch.setattr(rum, "SORT_UP_TO", sort_up_to)
        ids, estimate = rum.first_ids(results, 50)
        assert list(ids) == expected and estimate > 0, sort_up_to


@pytest.mark.django_db
@pytest.mark.parametrize("query", SAME_ORDER_ON_BOTH_PATHS)
def test_gin_and_rum_paths_give_the_same_order(seeded, query):
    require_rum()
    parsed = parse(query)
    rum, gin = BACKENDS[("postgresql", "rum")], BACKENDS[("postgresql", "gin")]
    by_rum = list(rum.filter(visible(), parsed).order_by(*rum.ordering(parsed)).values_list("pk", flat=True))
    by_gin = list(gin.filter(visible(), parsed).order_by(*gin.ordering(parsed)).values_list("pk", flat=True))
    assert by_rum == by_gin


@pytest.mark.django_db
def test_without_the_extension_the_gin_index_serves_the_same_results(seeded, client):
    require_rum()
    with_rum = client.get("/artifacts/", {"q": "lesson", "per_page": 100}).context["artifacts"]
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX artifacts_searchdocument_vector")
        cursor.execute(POSTGRESQL_INDEXES["gin"])
    forget_index_method()
    try:
        assert backend_for().index == "gin" and not backend_for().ranks_in_index
        [message] = search_index_in_use(databases=["default"])
        assert "GIN" in message.msg and "rum" in message.hint
        with_gin = client.get("/artifacts/", {"q": "lesson", "per_page": 100}).context["artifacts"]
        assert [a.pk for a in with_gin] == [a.pk for a in with_rum]
    finally:
        forget_index_method()  # the test's transaction puts the RUM index back


@pytest.mark.django_db
def test_rebuilding_the_index_keeps_rum(seeded):
    require_rum()
    call_command("rebuild_search_index", stdout=io.StringIO(), stderr=io.StringIO())
    forget_index_method()
    assert index_method() == "rum"
    [message] = search_index_in_use(databases=["default"])
    assert "RUM" in message.msg
