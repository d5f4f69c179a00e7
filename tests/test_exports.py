"""Catalog downloads: the page's results, every page of them, streamed as CSV or JSON."""

import csv
import io
import json

import pytest

from artifacts import exports
from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models import Language
from tests.factories import ArtifactFactory, PhraseFactory, make_photo

pytestmark = pytest.mark.django_db


def streamed(response) -> str:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(streamed(response))))


def page_accessions(client, query: str) -> list[str]:
    """Accession numbers in the order the catalog page shows them, across all its pages."""
    found, page = [], 1
    while True:
        response = client.get(f"/artifacts/?{query}&per_page=10&page={page}")
        found += [artifact.accession_number for artifact in response.context["artifacts"]]
        if not response.context["page"].has_next():
            return found
        page += 1


@pytest.fixture
def collection():
    for n in range(23):
        ArtifactFactory(title=f"Booklet {n:02d}", artifact_type="booklet", recovery_date=f"2024-{n % 12 + 1:02d}")
    ArtifactFactory(title="Weapon", artifact_type="weapon")
    ArtifactFactory(title="Restricted booklet", artifact_type="booklet", access_level=AccessLevel.RESEARCHERS)
    ArtifactFactory(title="Draft booklet", artifact_type="booklet", status=PublicationStatus.DRAFT)


@pytest.mark.parametrize("query", ["type=booklet&sort=recovered", "q=booklet&sort=added", "sort=accession"])
def test_csv_rows_are_the_catalog_pages_results_in_the_same_order(client, collection, query):
    expected = page_accessions(client, query)
    assert len(expected) > 10  # more than one page
    rows = csv_rows(client.get(f"/artifacts/?{query}&format=csv&page=2&per_page=10"))
    assert [row["accession_number"] for row in rows] == expected  # paging parameters are ignored
    assert list(rows[0]) == [column.name for column in exports.COLUMNS]


def test_json_download_parses_with_the_same_columns_and_typed_values(client, collection):
    response = client.get("/artifacts/?type=booklet&format=json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    rows = json.loads(streamed(response))
    assert [row["accession_number"] for row in rows] == page_accessions(client, "type=booklet")
    assert list(rows[0]) == [column.name for column in exports.COLUMNS]
    assert rows[0]["graphic_content"] is False and rows[0]["item_count"] is None
    assert rows[0]["access_level"] == "public" and rows[0]["publication_status"] == "published"


def test_an_empty_result_is_still_a_valid_file(client):
    assert json.loads(streamed(client.get("/artifacts/?q=nothing+matches+this&format=json"))) == []
    assert streamed(client.get("/artifacts/?q=nothing+matches+this&format=csv")).splitlines() == [
        ",".join(column.name for column in exports.COLUMNS)
    ]


def test_downloads_hold_only_records_the_viewer_may_see(client, researcher, staff_user, collection):
    def titles():
        return {row["title"] for row in csv_rows(client.get("/artifacts/?type=booklet&format=csv"))}

    assert "Restricted booklet" not in titles() and "Draft booklet" not in titles() and len(titles()) == 23
    client.force_login(researcher)
    assert "Restricted booklet" in titles() and "Draft booklet" not in titles()
    client.force_login(staff_user)
    assert {"Restricted booklet", "Draft booklet"} <= titles()


def test_suffix_urls_give_the_same_downloads(client, collection):
    by_parameter = streamed(client.get("/artifacts/?type=weapon&format=csv"))
    assert streamed(client.get("/artifacts.csv?type=weapon")) == by_parameter
    assert json.loads(streamed(client.get("/artifacts.json?type=weapon")))[0]["title"] == "Weapon"


def test_a_download_is_an_attachment_that_shared_caches_do_not_keep_for_researchers(client, researcher):
    ArtifactFactory()
    response = client.get("/artifacts/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"].startswith('attachment; filename="artifacts-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert "private" not in response.get("Cache-Control", "")
    client.force_login(researcher)
    assert "no-store" in client.get("/artifacts/?format=json")["Cache-Control"]


def test_values_are_written_out_in_full(client):
    artifact = ArtifactFactory(
        title="Letter, with “quotes” and a comma",
        description="Line one\nLine two",
        recovery_date="2025-01-12~/2025-01-19",
        item_count=2,
        graphic_content=True,
    )
    artifact.languages.add(
        Language.objects.get_or_create(code="ru", defaults={"name": "Russian"})[0],
        Language.objects.get_or_create(code="ko", defaults={"name": "Korean"})[0],
    )
    make_photo(artifact)
    [row] = csv_rows(client.get("/artifacts/?format=csv"))
    assert row["title"] == "Letter, with “quotes” and a comma" and row["description"] == "Line one\nLine two"
    assert row["languages"] == "ko; ru" and row["item_count"] == "2"
    assert row["recovery_date_in_words"] == "about 12 January 2025 – 19 January 2025"
    assert row["recovered_earliest"] == "2025-01-12" and row["recovered_latest"] == "2025-01-19"
    assert row["graphic_content"] == "true" and row["has_photos"] == "true"
    assert row["url"] == f"http://testserver/artifacts/{artifact.accession_number}/"


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, dangerous):
    ArtifactFactory(title=dangerous, description="A plain description.")
    [row] = csv_rows(client.get("/artifacts/?format=csv"))
    assert row["title"] == "'" + dangerous
    assert row["description"] == "A plain description."
    # The JSON download keeps the value exactly as recorded.
    assert json.loads(streamed(client.get("/artifacts/?format=json")))[0]["title"] == dangerous


def test_a_download_with_a_filter_that_cannot_be_applied_is_refused_with_the_reason(client):
    ArtifactFactory()
    response = client.get("/artifacts/?type=spaceship&format=csv")
    assert response.status_code == 400 and not response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Type: “spaceship” is not a type of artifact in this archive." in response.content.decode()


def test_an_unknown_format_shows_the_page_with_a_notice(client):
    ArtifactFactory()
    response = client.get("/artifacts/?format=xlsx")
    assert response.status_code == 200 and not response.streaming
    assert "“xlsx” is not a download format: use csv or json." in response.content.decode()


def test_rows_are_read_in_chunks_not_all_at_once(client, monkeypatch, django_assert_num_queries):
    """Memory stays flat however large the result: rows come from the database a chunk at a
    time (one query for the rows and one prefetch of languages per chunk; the authorities,
    few next to the records, are read once)."""
    for n in range(12):
        ArtifactFactory(title=f"Item {n}")
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    response = client.get("/artifacts/?format=json")
    # Places and organisations (with their names) once, then the rows, then languages for
    # 3 chunks of ≤5: whatever the number of rows.
    with django_assert_num_queries(4 + 1 + 3):
        rows = json.loads(streamed(response))
    assert len(rows) == 12


# On the catalog page ----------------------------------------------------------------------


def test_the_catalog_page_links_downloads_of_exactly_what_it_shows(client):
    for n in range(3):
        PhraseFactory(artifact=ArtifactFactory(title=f"List {n}", artifact_type="phrase_list"))
    html = client.get("/artifacts/?q=list&type=phrase_list&sort=added&per_page=10&page=1").content.decode()
    assert "Download these 3 results as" in html
    assert 'href="/artifacts/?q=list&amp;type=phrase_list&amp;sort=added&amp;format=csv" download>CSV</a>' in html
    assert 'href="/artifacts/?q=list&amp;type=phrase_list&amp;sort=added&amp;format=json" download>JSON</a>' in html
    html = client.get("/artifacts/?q=%22List+0%22").content.decode()
    assert "Download this result as" in html
    assert "Download th" not in client.get("/artifacts/?q=nothing+at+all").content.decode()


def test_download_links_leave_out_a_filter_the_page_could_not_apply(client):
    ArtifactFactory(artifact_type="weapon")
    html = client.get("/artifacts/?type=weapon&recovered_from=soon").content.decode()
    assert "Some filters could not be applied" in html
    assert 'href="/artifacts/?type=weapon&amp;format=csv"' in html
