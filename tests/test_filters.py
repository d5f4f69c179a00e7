"""The catalog: search, filters, facet counts, sorting, paging and the sentence that says
what is shown. Everything a researcher changes lives in the URL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.filters import parse_period
from artifacts.search.backends import backend_for
from tests.factories import ArtifactFactory, PhraseFactory, make_photo
from tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db

CATALOG = "/artifacts/"


@pytest.fixture
def collection():
    phrase_list = ArtifactFactory(
        title="Phrase list",
        artifact_type="phrase_list",
        recovery_date="2025-01",
        recovering_unit="Ukrainian special forces",
        item_count=23,
    )
    PhraseFactory(artifact=phrase_list, position=2, translation="Surrender.")
    letter = ArtifactFactory(
        title="New Year letter",
        artifact_type="handwritten",
        description="A letter about surrender and comrades.",
        recovery_date="2024-12/2025-01",
        recovering_unit="Ukrainian special forces",
    )
    rifle = ArtifactFactory(
        title="Rifle",
        artifact_type="weapon",
        verification_status="verified",
        recovery_date="2024-10",
        recovery_place="Sumy region, Ukraine",
        recovering_unit="Border guard",
    )
    ArtifactFactory(
        title="Restricted rifle",
        artifact_type="weapon",
        recovery_place="Secret place",
        recovering_unit="Secret unit",
        access_level=AccessLevel.RESEARCHERS,
    )
    ArtifactFactory(title="Staff rifle", artifact_type="weapon", access_level=AccessLevel.STAFF)
    ArtifactFactory(
        title="Draft booklet", artifact_type="booklet", recovery_place="Draft place", status=PublicationStatus.DRAFT
    )
    return {"phrase_list": phrase_list, "letter": letter, "rifle": rifle}


def titles(response):
    return [artifact.title for artifact in response.context["artifacts"]]


def facet(response, param):
    found = next(f for f in response.context["facets"] if f.param == param)
    return {value.label: value.count for value in found.values}


def test_search_finds_text_of_children_and_says_so(client, collection):
    response = client.get(CATALOG, {"q": "surrender"})
    assert response.status_code == 200
    assert titles(response) == ["Phrase list", "New Year letter"]
    assert response.context["sentence"] == "2 artifacts match “surrender”, sorted by relevance."
    assert "2 artifacts match “surrender”, sorted by relevance." in response.content.decode()


def test_sentence_names_every_filter_in_words(client, collection):
    response = client.get(CATALOG, {"q": "surrender", "type": "phrase_list", "photos": "no", "recovered_from": "2025"})
    assert response.context["sentence"] == (
        "1 artifact matches “surrender”, of type Phrase list, possibly recovered in or after 2025, "
        "without photos, sorted by relevance."
    )
    response = client.get(CATALOG)
    assert response.context["sentence"] == "3 artifacts in the archive, sorted by accession number."
    response = client.get(CATALOG, {"q": "nothing-like-this"})
    assert response.context["sentence"] == "No artifacts match “nothing-like-this”, sorted by relevance."
    assert "Nothing matches" in response.content.decode()


def test_type_filter_takes_several_values_as_alternatives(client, collection):
    assert titles(client.get(CATALOG, {"type": "weapon"})) == ["Rifle"]
    assert titles(client.get(CATALOG, {"type": ["weapon", "handwritten"]})) == ["New Year letter", "Rifle"]


def test_verification_place_and_unit_filters(client, collection):
    assert titles(client.get(CATALOG, {"verification": "verified"})) == ["Rifle"]
    assert titles(client.get(CATALOG, {"place": "Sumy region, Ukraine"})) == ["Rifle"]
    assert titles(client.get(CATALOG, {"unit": "Ukrainian special forces"})) == ["Phrase list", "New Year letter"]
    response = client.get(CATALOG, {"unit": "Ukrainian special forces", "place": "Kursk region, Russia"})
    assert response.context["sentence"] == (
        "2 artifacts recovered in “Kursk region, Russia”, recovered by “Ukrainian special forces”, "
        "sorted by accession number."
    )


def test_recovery_period_matches_records_whose_range_overlaps_it(client, collection):
    assert titles(client.get(CATALOG, {"recovered_from": "2025"})) == ["Phrase list", "New Year letter"]
    assert titles(client.get(CATALOG, {"recovered_to": "2024-11"})) == ["Rifle"]
    # Only the letter's “December 2024 – January 2025” overlaps these December days.
    overlap = {"recovered_from": "2024-12-15", "recovered_to": "2024-12-20"}
    assert titles(client.get(CATALOG, overlap)) == ["New Year letter"]
    assert titles(client.get(CATALOG, {"recovered_from": "2024-10", "recovered_to": "2024-10-31"})) == ["Rifle"]


def test_period_parsing():
    import datetime

    assert parse_period("2024") == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert parse_period("2024-02") == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert parse_period(" 2025-01-19 ") == (datetime.date(2025, 1, 19), datetime.date(2025, 1, 19))
    for bad in ("2025-02-30", "2025-13", "January", "0000", "2025/01"):
        with pytest.raises(ValueError):
            parse_period(bad)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"recovered_from": "last winter"}, "“last winter” is not a date"),
        ({"recovered_from": "2025-02-30"}, "“2025-02-30” is not a date"),
        ({"recovered_from": "2025", "recovered_to": "2024"}, "The end of the recovery period is before its start."),
        ({"type": "tank"}, "“tank” is not a type of artifact in this archive."),
        ({"verification": "maybe"}, "“maybe” is not a verification status."),
        ({"photos": "some"}, "“some” is not a photo option"),
        ({"place": "x" * 300}, "too long"),
        ({"place": ["a"] * 50}, "Choose at most 20 values."),
        ({"recovered_to": "99999"}, "“99999” is not a date"),
    ],
)
def test_invalid_filter_values_are_reported_and_the_rest_still_applies(client, collection, params, message):
    response = client.get(CATALOG, {**params, "q": "surrender"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be applied" in html
    assert message in html
    # The valid part of the request (the search) still narrows the results.
    assert titles(response) == ["Phrase list", "New Year letter"]


def test_photo_filter_counts_only_photos_the_viewer_may_see(client, researcher, collection):
    make_photo(collection["rifle"])
    make_photo(collection["letter"], access_level=AccessLevel.RESEARCHERS)
    assert titles(client.get(CATALOG, {"photos": "yes"})) == ["Rifle"]
    assert titles(client.get(CATALOG, {"photos": "no"})) == ["Phrase list", "New Year letter"]
    assert facet(client.get(CATALOG), "photos") == {"With photos": 1, "Without photos": 2}
    client.force_login(researcher)
    assert titles(client.get(CATALOG, {"photos": "yes"})) == ["New Year letter", "Rifle"]


def test_facet_counts_never_include_restricted_or_draft_records(client, researcher, staff_user, collection):
    response = client.get(CATALOG)
    assert facet(response, "type") == {"Phrase list": 1, "Handwritten letter or message": 1, "Weapon": 1}
    html = response.content.decode()
    for secret in ("Secret place", "Secret unit", "Draft place", "Restricted rifle", "Draft booklet"):
        assert secret not in html

    client.force_login(researcher)
    response = client.get(CATALOG)
    assert facet(response, "type")["Weapon"] == 2
    assert "Secret place" in facet(response, "place")
    assert "Booklet" not in facet(response, "type")

    client.force_login(staff_user)
    response = client.get(CATALOG)
    assert facet(response, "type")["Weapon"] == 3
    assert facet(response, "type")["Booklet"] == 1
    assert response.context["sentence"].startswith("6 artifacts in the archive")


def test_each_facet_ignores_its_own_selection_but_obeys_the_others(client, collection):
    response = client.get(CATALOG, {"type": "weapon", "q": "surrender"})
    assert titles(response) == []
    # Type counts follow the search, not the type selection: both hits are still offered.
    assert facet(response, "type") == {"Phrase list": 1, "Handwritten letter or message": 1, "Weapon": 0}
    # Other facets follow both the search and the type selection.
    assert facet(response, "verification") == {}
    selected = [v.label for f in response.context["facets"] for v in f.values if v.selected]
    assert selected == ["Weapon"]


def test_facet_values_are_offered_as_labelled_checkboxes(client, collection):
    html = client.get(CATALOG, {"type": "weapon"}).content.decode()
    match = re.search(r'<input type="checkbox" name="type" value="weapon" id="([^"]+)" checked>', html)
    assert match, "the selected type is a ticked checkbox"
    assert f'<label for="{match.group(1)}">Weapon' in html


def test_active_filters_each_have_a_link_that_removes_only_them(client, collection):
    response = client.get(CATALOG, {"type": ["weapon", "handwritten"], "q": "rifle", "page": "1"})
    links = {item.label: item.remove_url for item in response.context["active_filters"]}
    assert links["Type: Weapon"] == "?type=handwritten&q=rifle"
    assert links["Search: “rifle”"] == "?type=weapon&type=handwritten"


def test_sort_options(client, collection):
    ArtifactFactory(title="Undated newcomer", recovery_date="")
    response = client.get(CATALOG, {"sort": "recovered"})
    # Undated records cannot be placed in time, so they come last.
    assert titles(response) == ["Rifle", "New Year letter", "Phrase list", "Undated newcomer"]
    assert response.context["sentence"].endswith("sorted by recovery date, earliest first.")
    response = client.get(CATALOG, {"sort": "added"})
    assert titles(response) == ["Undated newcomer", "Rifle", "New Year letter", "Phrase list"]
    assert response.context["sentence"].endswith("sorted by date added, newest first.")
    assert titles(client.get(CATALOG, {"sort": "accession"}))[:3] == ["Phrase list", "New Year letter", "Rifle"]


def test_relevance_is_offered_only_for_searches(client, collection):
    response = client.get(CATALOG, {"q": "surrender"})
    assert response.context["sort"] == "relevance"
    assert '<option value="relevance" selected>' in response.content.decode()
    response = client.get(CATALOG, {"sort": "relevance"})
    assert response.context["sort"] == "accession"
    assert 'value="relevance"' not in response.content.decode()


def test_unknown_sort_gets_a_message_not_an_error(client, collection):
    response = client.get(CATALOG, {"sort": "'; DROP TABLE"})
    assert response.status_code == 200
    assert "is not a way to sort" in response.content.decode()
    assert titles(response) == ["Phrase list", "New Year letter", "Rifle"]


@pytest.fixture
def many(db):
    return [ArtifactFactory(title=f"Item {n:02d}") for n in range(1, 31)]


def test_pagination_moves_through_the_results_and_keeps_the_url_state(client, many):
    response = client.get(CATALOG, {"per_page": "10", "page": "2", "type": "other"})
    assert titles(response) == [f"Item {n:02d}" for n in range(11, 21)]
    html = response.content.decode()
    assert "Showing 11–20." in html
    assert "Page 2 of 3" in html
    assert 'href="?per_page=10&amp;page=3&amp;type=other" rel="next"' in html


@pytest.mark.parametrize(
    ("page", "shown", "message"),
    [
        ("abc", 1, "“abc” is not a page number; showing the first page."),
        ("-3", 1, "Page numbers start at 1; showing the first page."),
        ("0", 1, "Page numbers start at 1"),
        ("99999999999999999999999999", 3, "There is no page 99,999,999,999,999,999,999,999,999"),
        ("9" * 5000, 1, "is not a page number"),
        ("1.5", 1, "“1.5” is not a page number"),
    ],
)
def test_bad_page_numbers_are_clamped_with_a_message(client, many, page, shown, message):
    response = client.get(CATALOG, {"per_page": "10", "page": page})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert message in response.content.decode()


@pytest.mark.parametrize("per_page", ["7", "1000", "-10", "ten"])
def test_per_page_outside_the_offered_sizes_falls_back_to_25(client, many, per_page):
    response = client.get(CATALOG, {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["artifacts"]) == 25
    assert "Results per page can be 10, 25, 50 or 100; showing 25." in response.content.decode()


def test_empty_page_request_on_empty_catalog_is_fine(client, db):
    response = client.get(CATALOG, {"page": "5"})
    assert response.status_code == 200
    assert response.context["sentence"] == "No artifacts in the archive, sorted by accession number."


def test_queries_do_not_grow_with_the_page_size(client, researcher):
    small = upload(data=image_bytes(size=(40, 30)))
    for n in range(12):
        make_photo(ArtifactFactory(title=f"Item {n}"), uploaded=small)
        small.seek(0)
    client.force_login(researcher)
    client.get(CATALOG)  # warm the session and permission caches alike for both runs
    counts = {}
    for per_page in ("10", "50"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CATALOG, {"per_page": per_page, "q": "item"})
        assert len(response.context["artifacts"]) == (10 if per_page == "10" else 12)
        counts[per_page] = len(queries)
    assert counts["10"] == counts["50"]
    # session, user, 2 × permissions, 5 facets, count, page, photos, snippets; with a RUM
    # index the page is three more: the planner's estimate that decides how the count
    # reads the matches (RumBackend.first_ids), the ids in rank order, and their sort
    # with ties broken by accession number (search/ranked.py).
    budget = 13 + (3 if backend_for().ranks_in_index else 0)
    assert counts["50"] <= budget, [q["sql"] for q in queries.captured_queries]


def test_results_shown_as_a_grid_keep_that_choice_in_every_link_and_in_the_form(client, collection):
    html = client.get(CATALOG, {"type": "weapon", "view": "grid", "per_page": "10"}).content.decode()
    assert '<ol class="card-grid results-grid"' in html
    assert '<input type="hidden" name="view" value="grid">' in html  # submitting the filters keeps it
    # The switch: "List" drops the parameter and keeps the filters; "Grid" is marked current.
    switch = re.search(r'<span class="layout-switch".*?</span>', html, re.S).group(0)
    assert 'href="?type=weapon&amp;per_page=10"' in switch and 'aria-current="true"><svg' in switch
    assert re.search(r'href="\?type=weapon&amp;view=grid&amp;per_page=10" aria-current="true"', switch)


def test_results_are_a_list_by_default_and_an_unknown_layout_says_so(client, collection):
    html = client.get(CATALOG).content.decode()
    assert '<ol class="result-list"' in html and 'name="view"' not in html
    response = client.get(CATALOG, {"view": "gallery"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "“gallery” is not a way to show results; showing a list." in html
    assert '<ol class="result-list"' in html
