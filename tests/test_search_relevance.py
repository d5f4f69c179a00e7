"""The shared relevance corpus (tests/relevance_corpus.py), run against the database the
suite runs on: SQLite by default, PostgreSQL with DATABASE_URL. Both must give the same
hits, so the corpus is the contract between the two backends."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from artifacts.demo import collection
from artifacts.models import Artifact, Language, ObjectDetails, PersonalDatum, Phrase, SerialNumber, Text
from artifacts.search import rank
from tests.relevance_corpus import CASES, DEMO, PLAIN, RECORDS


def _create(fields, key_children):
    artifact = Artifact.objects.create(**fields)
    for position, phrase in enumerate(key_children.get("phrases", []), start=1):
        Phrase.objects.create(**{"artifact": artifact, "position": position, **phrase})
    for position, text in enumerate(key_children.get("texts", []), start=1):
        Text.objects.create(**{"artifact": artifact, "position": position, **text})
    for serial in key_children.get("serials", []):
        SerialNumber.objects.create(artifact=artifact, **serial)
    if "details" in key_children or "object_details" in key_children:
        ObjectDetails.objects.create(
            artifact=artifact, **(key_children.get("details") or key_children["object_details"])
        )
    for datum in key_children.get("personal", []):
        PersonalDatum.objects.create(artifact=artifact, **datum)
    return artifact


def build_collection() -> dict:
    """The corpus's records, by key. The demo records are made from the demo data directly
    (without photos or custody events, which search does not read)."""
    records = {}
    languages = {
        code: Language.objects.get_or_create(code=code, name=name)[0] for code, name in collection.LANGUAGES.items()
    }
    for record in collection.ARTIFACTS:
        artifact = _create(dict(record["artifact"]), record)
        artifact.languages.set([languages[code] for code in record.get("languages", [])])
        records[DEMO[artifact.title]] = artifact
    for key, record in RECORDS.items():
        records[key] = _create({**PLAIN, **record["artifact"]}, record)
    return records


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    # Built once for the module and rolled back at its end; each test's own transaction
    # is a savepoint inside this one.
    with django_db_blocker.unblock(), transaction.atomic():
        records = build_collection()
        yield {artifact.pk: key for key, artifact in records.items()}
        transaction.set_rollback(True)


def search(query, corpus):
    results = Artifact.objects.visible_to(AnonymousUser()).search(query)
    ranked = rank(results, query).order_by("-search_rank", "accession_number")
    return [corpus[pk] for pk in ranked.values_list("pk", flat=True)]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_relevance_corpus(corpus, case):
    found = search(case.query, corpus)
    assert set(found) == case.hits, f"{case.query!r} found {sorted(found)}"
    assert len(found) == len(set(found))
    if case.top:
        assert found[0] == case.top, f"{case.query!r} ranked {found}"


def test_the_corpus_covers_every_kind_of_query():
    kinds = {case.kind for case in CASES}
    assert len(CASES) >= 60
    assert {"korean", "russian", "cyrillic korean", "romanized korean", "latin russian", "english"} <= kinds
    assert {"phrase", "exclusion", "or", "serial", "private"} <= kinds
    # North and South Korean spelling: at least ten cases for each rule, both ways.
    for kind in ("initial ㄹ/ㄴ", "여/어", "spacing"):
        assert sum(case.kind == kind for case in CASES) >= 10, kind
