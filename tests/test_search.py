"""The search index in the database: kept current on every change, never holding what a
page withholds, and answering any query without an error."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from artifacts.choices import AccessLevel
from artifacts.models import Artifact, Language, MilitaryIDDetails, ObjectDetails, PersonalDatum, SearchDocument
from artifacts.search import backend_for, parse, rank
from artifacts.search.indexing import deferred
from tests.factories import ArtifactFactory, PhraseFactory, SerialNumberFactory, SourceFactory, TextFactory

pytestmark = pytest.mark.django_db


def hits(query):
    return set(Artifact.objects.search(query).values_list("title", flat=True))


def indexed_ids(query):
    """What the database's own full-text index returns, bypassing the artifacts table."""
    backend = backend_for()
    with connection.cursor() as cursor:
        cursor.execute(backend.match_sql, [backend.expression(parse(query))])
        return {row[0] for row in cursor.fetchall()}


def test_search_matches_children_case_insensitively_in_every_script():
    phrase = PhraseFactory(translation="Surrender.", artifact__title="Phrase list")
    PhraseFactory(artifact=phrase.artifact, position=99, original_text="Сдавайся! Ёлка")
    TextFactory(translation="I really miss you comrades.", artifact__title="Letter")
    assert hits("SURRENDER") == {"Phrase list"}
    assert hits("сдавайся") == {"Phrase list"}
    assert hits("елка") == {"Phrase list"}  # ё and е are the same letter for searching
    assert hits("comrades") == {"Letter"}
    assert hits("surrender comrades") == set()


def test_blank_query_is_everything_and_unsearchable_query_is_nothing():
    ArtifactFactory(title="Rifle")
    assert hits("") == {"Rifle"} and hits("   ") == {"Rifle"}
    assert hits("***") == set() and hits('"') == set()


def test_search_document_follows_edits_and_deletions_of_children():
    text = TextFactory(translation="original wording", artifact__title="Letter")
    assert hits("original") == {"Letter"}
    text.translation = "new wording"
    text.save()
    assert hits("original") == set() and hits('"new wording"') == {"Letter"}
    text.delete()
    assert hits("wording") == set()


def test_every_kind_of_child_and_related_record_is_followed():
    artifact = ArtifactFactory(title="Rifle", artifact_type="weapon")
    SerialNumberFactory(artifact=artifact, value="XK-5512")
    ObjectDetails.objects.create(artifact=artifact, manufacturer="Izhmash", markings="Proof mark 1984")
    assert hits("5512") == {"Rifle"} and hits("izhmash") == {"Rifle"} and hits("1984") == {"Rifle"}
    identity = ArtifactFactory(title="ID", artifact_type="military_id")
    MilitaryIDDetails.objects.create(artifact=identity, document_type="Soldier's booklet")
    assert hits("booklet") == {"ID"}
    identity.languages.add(Language.objects.get_or_create(code="ko", defaults={"name": "Korean"})[0])
    assert hits("korean") == {"ID"}
    source = SourceFactory(title="Dispatch from the front")
    ArtifactFactory(title="Cited", cited_in=source)
    assert hits("dispatch") == {"Cited"}
    source.title = "Report from the border"
    source.save()
    assert hits("dispatch") == set() and hits("border") == {"Cited"}


def test_deleted_artifacts_leave_the_index():
    artifact = ArtifactFactory(title="Unique zebrafinch")
    TextFactory(artifact=artifact, translation="zebrafinch again")
    assert indexed_ids("zebrafinch") == {artifact.pk}
    artifact.delete()
    assert indexed_ids("zebrafinch") == set()
    assert not SearchDocument.objects.exists()


def test_internal_notes_and_personal_data_are_never_searchable():
    artifact = ArtifactFactory(title="ID", internal_notes="secret staff note")
    PersonalDatum.objects.create(artifact=artifact, field="name", value="Kim Secretname")
    artifact.save()
    assert hits("secret") == set()
    assert hits("secretname") == set()
    document = SearchDocument.objects.get(artifact=artifact)
    tokens = " ".join([document.title, document.body, document.description, document.notes])
    assert "secret" not in tokens and "kim" not in tokens


def test_restricted_and_draft_records_are_searched_only_for_those_who_may_see_them(researcher):
    ArtifactFactory(title="Restricted", description="포위", access_level=AccessLevel.RESEARCHERS)
    ArtifactFactory(title="Draft", description="포위", status="draft")
    assert set(Artifact.objects.visible_to(AnonymousUser()).search("포위")) == set()
    assert {a.title for a in Artifact.objects.visible_to(researcher).search("포위")} == {"Restricted"}


def test_deferred_indexing_writes_each_artifact_once_at_the_end():
    artifact = ArtifactFactory(title="Letter")
    with deferred():
        for n in range(5):
            TextFactory(artifact=artifact, translation=f"page {n} quokka")
        assert hits("quokka") == set()  # not yet
    assert hits("quokka") == {"Letter"}


def test_the_database_index_holds_exactly_the_stored_tokens():
    """Neither database re-analyzes: every stored token is one term of its index."""
    artifact = ArtifactFactory(title="Сдавайся 항복하라 AK-74 you're")
    SerialNumberFactory(artifact=artifact, value="АК 15-1904")
    document = SearchDocument.objects.get(artifact=artifact)
    stored = {
        t for field in (document.title, document.body, document.description, document.notes) for t in field.split()
    }
    stored.discard("_")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT unnest(tsvector_to_array(vector)) FROM artifacts_searchdocument WHERE artifact_id = %s",
                [artifact.pk],
            )
        else:
            cursor.execute("CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, artifacts_search_fts, 'row')")
            cursor.execute("SELECT term FROM temp.search_terms")
        indexed = {row[0] for row in cursor.fetchall()} - {"_"}
    assert indexed == stored


def test_rebuild_command_restores_the_index():
    ArtifactFactory(title="Kestrel")
    SearchDocument.objects.all().delete()
    assert hits("kestrel") == set()
    call_command("rebuild_search_index", stdout=io.StringIO(), stderr=io.StringIO())
    assert hits("kestrel") == {"Kestrel"}


def test_title_matches_rank_above_body_above_description():
    ArtifactFactory(title="Notebook", description="It mentions a drone once.")
    TextFactory(artifact__title="Letter", translation="A drone flew over.")
    ArtifactFactory(title="Drone fragment", description="Part of a drone.")
    ranked = rank(Artifact.objects.search("drone"), "drone").order_by("-search_rank", "accession_number")
    assert [a.title for a in ranked] == ["Drone fragment", "Letter", "Notebook"]


HOSTILE = [
    "NEAR(rifle knife, 2)",
    '"a" NEAR "b"',
    "title:rifle",
    "{title body}: rifle",
    "^rifle",
    "rifle*",
    "*",
    "***",
    "-",
    "--rifle",
    '"',
    '"""',
    '"rifle',
    "rifle\"'",
    "'",
    "\\",
    "\x00",
    "rif\x00le",
    "()",
    "((rifle",
    "rifle))",
    "& | ! <-> :*",
    "'rifle':* & !x",
    "AND OR NOT",
    "OR OR OR",
    "rifle OR",
    "- OR -",
    "%_%",
    "'; DROP TABLE artifacts_artifact; --",
    "\ud800 lone surrogate",
    "\u202erifle",
    "🔥🔥",
    "포" * 5000,
    "rifle " * 2000,
    "x" * 10_000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_results_or_none_never_an_error(client, query):
    ArtifactFactory(title="Rifle", description="A rifle.")
    results = list(rank(Artifact.objects.search(query), query).order_by("-search_rank"))
    assert {a.title for a in results} <= {"Rifle"}
    if "\ud800" not in query:
        response = client.get("/artifacts/", {"q": query})
        assert response.status_code == 200


@settings(max_examples=60)
@given(st.text(max_size=80))
def test_any_text_is_a_safe_query(query):
    list(rank(Artifact.objects.search(query), query).order_by("-search_rank")[:5])
