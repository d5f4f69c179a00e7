"""The demo collection loads faithfully, idempotently and all-or-nothing."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from artifacts.custody import chain as custody_chain
from artifacts.demo import collection, illustrations
from artifacts.models import Artifact, CustodyEvent, PersonalDatum, Photo, Relation, Source

pytestmark = pytest.mark.django_db

REPORT_TITLE = "What the North Koreans took into battle against Ukraine"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot(media_root: Path) -> dict:
    """Row counts of every model, the files on disk, and what identifies each record."""
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    files = sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
    artifacts = list(Artifact.objects.values_list("accession_number", "title", "updated_at"))
    events = list(CustodyEvent.objects.values_list("entry_hash", flat=True))
    return {"counts": counts, "files": files, "artifacts": artifacts, "events": events}


@pytest.fixture
def loaded(media_root):
    load()
    return media_root


def by_title(fragment: str) -> Artifact:
    return Artifact.objects.get(title__icontains=fragment)


def test_second_run_changes_nothing(loaded):
    before = snapshot(loaded)
    output = load()
    assert snapshot(loaded) == before
    assert "nothing changed" in output
    assert "created" not in output


def test_first_run_reports_what_it_created(media_root):
    output = load()
    assert "10 created" in output  # artifacts
    assert Artifact.objects.count() == len(collection.ARTIFACTS) == 10


def test_phrase_list_keeps_only_the_three_published_phrases(loaded):
    phrase_list = by_title("Phrase list")
    assert phrase_list.item_count == 23
    phrases = list(phrase_list.phrases.order_by("position"))
    assert [p.translation for p in phrases] == ["Resistance is futile.", "Surrender.", "You're all surrounded."]
    assert all(p.original_text == "" and p.transliteration == "" for p in phrases)
    assert all(p.translation_source == "The Washington Post" for p in phrases)
    assert "order of the phrases on the sheet is not published" in phrase_list.description
    assert sorted(phrase_list.languages.values_list("code", flat=True)) == ["ko", "ru"]


def test_every_record_cites_the_report_and_no_url_is_invented(loaded):
    source = Source.objects.get()
    assert (source.title, source.publisher, str(source.published_on)) == (
        REPORT_TITLE,
        "The Washington Post",
        "2025-01-19",
    )
    assert source.dateline == "Sumy region, Ukraine"
    assert source.url == "" and source.archived_url == ""
    for artifact in Artifact.objects.all():
        assert list(artifact.sources.all()) == [source], artifact.title


def test_vague_dates_and_places_stay_vague(loaded):
    for artifact in Artifact.objects.exclude(recovery_date=""):
        # No record claims to know the day of recovery.
        assert artifact.recovered_earliest < artifact.recovered_latest, artifact.title
        assert artifact.recovery_date_as_reported, artifact.title
    assert by_title("Phrase list").recovery_date == "2025-01"
    assert by_title("Body armor").recovery_date == "2024-12/2025-01"
    booklet = by_title("Booklet")
    assert (str(booklet.recovered_earliest), str(booklet.recovered_latest)) == ("2025-01-12", "2025-01-19")
    typed = by_title("Typed Korean documents")
    assert typed.recovery_date == "" and typed.recovery_date_as_reported == "not stated"
    assert set(Artifact.objects.values_list("recovery_place", "recovery_place_precision")) == {
        ("Kursk region, Russia", "region")
    }


def test_new_year_excerpts_are_not_assigned_to_either_page(loaded):
    messages = by_title("New Year")
    assert messages.item_count == 2
    pages = messages.texts.filter(label__startswith="Page dated")
    assert sorted(pages.values_list("date_written", flat=True)) == ["2024-12-31", "2025-01-01"]
    assert all(page.translation == "" for page in pages)
    excerpts = messages.texts.filter(label__startswith="Published excerpt")
    assert excerpts.count() == 3
    for text in [*pages, *excerpts]:
        assert (text.attributed_author, text.attribution_confidence) == ("Kim Jong Un", "attributed")
        assert text.translator == "The Washington Post (independent translation)"
    for excerpt in excerpts:
        assert excerpt.date_written == "2024-12-31/2025-01-01"
        assert "does not say which" in excerpt.note and excerpt.original_text == ""
    assert "I really miss you comrades." in excerpts.values_list("translation", flat=True)


def test_verification_follows_the_report(loaded):
    typed = by_title("Typed Korean documents")
    assert (typed.verification_status, typed.verification_assessed_by) == ("consistent", "The Washington Post")
    assert "could not independently verify" in typed.verification_statement
    others = Artifact.objects.exclude(pk=typed.pk)
    assert set(others.values_list("verification_status", "verification_assessed_by")) == {("unverified", "")}


def test_typed_documents_keep_quotes_apart_from_the_reports_paraphrase(loaded):
    texts = {t.position: t for t in by_title("Typed Korean documents").texts.all()}
    assert texts[1].translation.startswith("In modern warfare, where real-time reconnaissance")
    assert texts[2].translation == "prolonged the battle"
    assert texts[2].note.startswith("The report's summary of the passage")
    assert texts[3].translation == "" and "rushed to rescue wounded comrades" in texts[3].note
    assert texts[4].translation.startswith("with crucial details such as enemy strongholds")
    assert all(t.original_text == "" and t.translator == "" for t in texts.values())


def test_no_personal_data_no_relations_and_no_record_of_human_remains(loaded):
    assert PersonalDatum.objects.count() == 0
    assert Relation.objects.count() == 0
    ids = by_title("Military identity documents")
    assert ids.item_count is None
    assert "the archive holds none" in ids.description
    for word in ("DNA", "swab", "remains"):
        assert not Artifact.objects.search(word).exists(), word


def test_weapons_and_gear_record_only_what_is_reported(loaded):
    rifles = by_title("assault rifles")
    assert (rifles.item_count, rifles.artifact_type) == (2, "weapon")
    details = rifles.object_details
    assert (details.category, details.country_of_manufacture) == ("assault_rifle", "Russia")
    assert details.manufacturer == details.model == details.calibre == details.markings == ""
    assert rifles.serial_numbers.count() == 0
    assert by_title("knife").object_details.country_of_manufacture == "Ukraine"
    assert "better equipped than Russian infantry" in by_title("Shovel").recovery_circumstances


def test_custody_chains_are_intact_and_name_the_unit_not_soldiers(loaded):
    holder = "1st Battalion of Ukraine's 8th Special Operations Forces Regiment"
    for artifact in Artifact.objects.all():
        events = list(artifact.custody_events.all())
        assert events[0].event_type == "recovery", artifact.title
        assert events[0].recorded_by.username == "demo-loader" and not events[0].recorded_by.is_active
        for event in events:
            assert event.entry_hash == custody_chain.compute_hash(event)
    shown = CustodyEvent.objects.filter(event_type="shown_to_press", received_by="The Washington Post")
    assert shown.count() == 10
    assert shown.filter(released_by=holder).count() == 9
    assert shown.get(released_by="Amed Khan").occurred == ""


def test_illustrations_are_flagged_captioned_and_stored(loaded):
    photos = Photo.objects.all()
    assert photos.count() == 3
    for photo in photos:
        assert photo.is_illustration
        # The page and the picture say it is an illustration; the caption says what it shows.
        assert "not a photograph" not in photo.caption and photo.caption[0].isupper()
        assert photo.credit == illustrations.CREDIT
        assert (loaded / photo.original.name).is_file() and (loaded / photo.display.name).is_file()
    assert by_title("Phrase list").photos.count() == 1


def test_illustrations_are_reproducible_bytes():
    record = next(r for r in collection.ARTIFACTS if r.get("illustration") == "phrase_list")
    first = illustrations.render("phrase_list", record)
    assert first == illustrations.render("phrase_list", record)
    assert first.startswith(b"\x89PNG")


def test_everything_is_public_and_searchable(loaded):
    assert Artifact.objects.visible_to(AnonymousUser()).count() == 10
    assert Photo.objects.visible_to(AnonymousUser()).count() == 3
    assert list(Artifact.objects.search("surrounded").values_list("title", flat=True)) == [
        "Phrase list of 23 Korean and Russian phrases"
    ]
    assert Artifact.objects.search("motherland").count() == 2  # the New Year's excerpt and the booklet


def test_edits_survive_a_rerun_unless_update_is_asked_for(loaded):
    shovel = by_title("Shovel")
    shovel.description = "Edited by a curator."
    shovel.save()
    output = load()
    shovel.refresh_from_db()
    assert shovel.description == "Edited by a curator."
    assert "1 differ from the demo data" in output and "--update" in output
    load("--update")
    shovel.refresh_from_db()
    assert shovel.description.startswith("A shovel retrieved from dead North Korean troops")
    assert not Artifact.objects.search('"edited by a curator"').exists()


def test_a_failure_part_way_leaves_no_records_and_no_files(media_root, monkeypatch):
    real_render = illustrations.render
    calls = []

    def render_then_fail(name, record):
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_render(name, record)

    monkeypatch.setattr(illustrations, "render", render_then_fail)
    with pytest.raises(RuntimeError):
        load()
    assert Artifact.objects.count() == 0 and Photo.objects.count() == 0 and CustodyEvent.objects.count() == 0
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_demo_titles_are_unique_because_reruns_find_records_by_title():
    titles = [record["artifact"]["title"] for record in collection.ARTIFACTS]
    assert len(titles) == len(set(titles))


def test_the_reports_places_and_units_are_authorities_named_in_every_language(loaded, client):
    import re

    from artifacts.models import Organisation, Place

    kursk = Place.objects.get(names__name="Kursk region")
    assert kursk.parent.wikidata == "Q159" and kursk.wikidata == "" and kursk.geonames is None  # only what is certain
    assert Organisation.objects.get(names__name="The Washington Post", names__language="en").wikidata == "Q166032"
    assert not Organisation.objects.exclude(names__name="The Washington Post").exclude(wikidata="").exists()
    for name in ("Курщина", "쿠르스크주", "Kursk Oblast"):
        assert Artifact.objects.search(name).count() == 10, name
    for language, label in (("", "Kursk region"), ("/uk", "Курська область"), ("/ko", "쿠르스크주")):
        html = client.get(f"{language}/artifacts/").content.decode()
        places = re.findall(r'name="place" value="\d+" id="[^"]+"> <label for="[^"]+">([^<]+?) <span', html)
        assert places == [label]  # one place, however the records word it
    page = client.get(f"/places/{kursk.pk}/").content.decode()
    assert page.count('<h3 class="card-title"') == 10
    # Custody events name the place and the parties beside their own wording.
    assert (
        kursk.event_links.count() == 10
        and CustodyEvent.objects.filter(authority_links__person__isnull=False).count() == 1
    )
