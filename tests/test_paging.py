"""Totals exact up to a threshold then estimated and labelled, and paging capped there."""

import pytest
from django.db import connection

from artifacts import paging
from artifacts.models import Artifact
from artifacts.paging import CappedPaginator, Total, count_results
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db
CATALOG = "/artifacts/"


def test_labels():
    assert Total(12_347, exact=True).label == "12,347"
    assert Total(12_347, exact=False).label == "about 12,300"
    assert Total(1_234_567, exact=False).label == "about 1,230,000"
    assert Total(950, exact=False).label == "about 950"


@pytest.fixture
def thirty(db):
    return [ArtifactFactory(title=f"Item {n:02d}", description="A grenade pin.") for n in range(1, 31)]


def test_counts_are_exact_up_to_the_threshold_then_estimated(thirty, monkeypatch):
    assert count_results(Artifact.objects.all()) == Total(30, exact=True)
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    total = count_results(Artifact.objects.search("grenade"))
    assert not total.exact and total.value > 10
    if connection.vendor == "sqlite":
        # Hits spread evenly over the ids: the extrapolation is exact. (PostgreSQL's planner
        # estimate for a table this small is a guess; it is only ever labelled “about”.)
        assert total.value == 30


def test_estimates_come_from_the_statistics_of_the_search(thirty, monkeypatch):
    # With statistics, PostgreSQL's planner knows every record holds “grenade”. Its
    # estimate must come from them, not from its default guess for an array of unknown
    # length (10). SQLite extrapolates from the ids and gets 30.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    assert count_results(Artifact.objects.search("grenade")).value >= 25


def test_catalog_says_about_and_caps_paging(client, thirty, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_UP_TO", 20)
    monkeypatch.setattr(paging, "PAGEABLE", 20)
    response = client.get(CATALOG, {"q": "grenade", "per_page": "10", "page": "2"})
    assert response.context["sentence"].startswith("About ")
    assert [a.title for a in response.context["artifacts"]] == [f"Item {n:02d}" for n in range(11, 21)]
    html = response.content.decode()
    assert "Page 2 of 2" in html
    assert "The first 20 can be paged through" in html
    response = client.get(CATALOG, {"q": "grenade", "per_page": "10", "page": "3"})
    assert response.context["page"].number == 2
    assert "Only the first 20 results can be paged through" in response.content.decode()


def test_last_page_ends_where_its_results_end():
    paginator = CappedPaginator(list(range(30)), 10, Total(300, exact=False))
    paginator.limit = 25
    page = paginator.page(3)
    assert paginator.num_pages == 3 and list(page.object_list) == list(range(20, 30))
    assert (page.start_index(), page.end_index()) == (21, 30)


def test_relevance_order_is_kept_from_page_to_page(client):
    for n in range(12):
        ArtifactFactory(title=f"Body {n:02d}", description="flare")
    for n in range(12):
        ArtifactFactory(title=f"Flare {n:02d}", description="")
    first = [a.title for a in client.get(CATALOG, {"q": "flare", "per_page": "10"}).context["artifacts"]]
    second = [a.title for a in client.get(CATALOG, {"q": "flare", "per_page": "10", "page": "2"}).context["artifacts"]]
    third = [a.title for a in client.get(CATALOG, {"q": "flare", "per_page": "10", "page": "3"}).context["artifacts"]]
    assert first + second + third == [f"Flare {n:02d}" for n in range(12)] + [f"Body {n:02d}" for n in range(12)]


def test_facets_of_large_results_are_counted_on_a_sample_and_marked(client, thirty, monkeypatch):
    ArtifactFactory(title="Rifle", artifact_type="weapon", description="A grenade pin.")
    response = client.get(CATALOG, {"q": "grenade"})
    types = next(f for f in response.context["facets"] if f.param == "type")
    assert {(v.label, v.count, v.approximate) for v in types.values} == {("Other", 30, False), ("Weapon", 1, False)}
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    response = client.get(CATALOG, {"q": "grenade"})
    types = next(f for f in response.context["facets"] if f.param == "type")
    (other,) = [v for v in types.values if v.label == "Other"]
    assert other.approximate and other.count_label.startswith("~")
    assert 25 <= other.count <= 35  # 11 sampled of 31, scaled by the id range they cover
    assert '<span class="count" title="about' in response.content.decode()


def test_sampled_facets_scale_to_the_records_the_viewer_may_see(client, thirty, monkeypatch):
    # Thirty newer drafts with the same words: invisible to the public, they must not
    # stretch the id range a sample of the public matches is scaled to.
    for n in range(30):
        ArtifactFactory(title=f"Draft {n:02d}", description="A grenade pin.", status="draft")
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    response = client.get(CATALOG, {"q": "grenade"})
    types = next(f for f in response.context["facets"] if f.param == "type")
    (other,) = [v for v in types.values if v.label == "Other"]
    assert other.approximate
    assert 25 <= other.count <= 35  # not about 60
