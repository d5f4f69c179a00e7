"""The pages a researcher reads: home, artifact record, error and account pages."""

import html as html_lib
import re

import pytest
from django.test import RequestFactory

from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models import ILLUSTRATION_NOTICE, MilitaryIDDetails, ObjectDetails, PersonalDatum, Relation
from artifacts.views import pages
from tests.factories import (
    ArtifactFactory,
    PhraseFactory,
    SerialNumberFactory,
    SourceFactory,
    TextFactory,
    make_custody_event,
    make_photo,
)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# Home ---------------------------------------------------------------------------------


def test_home_says_what_the_archive_holds_counting_only_what_the_viewer_may_see(client, researcher):
    ArtifactFactory(artifact_type="weapon", title="Public rifle")
    ArtifactFactory(artifact_type="weapon", title="Restricted rifle", access_level=AccessLevel.RESEARCHERS)
    ArtifactFactory(artifact_type="booklet", title="Draft booklet", status=PublicationStatus.DRAFT)
    html = html_of(client.get("/"))
    assert "Washington Post" in html and "19 January 2025" in html and "Kursk region" in html
    assert "1 artifact you can see" in html
    assert re.search(r'href="/artifacts/\?type=weapon">Weapon</a> <span class="count">1</span>', html)
    assert "Restricted rifle" not in html and "Draft booklet" not in html and "Booklet" not in html
    assert 'name="q"' in html

    client.force_login(researcher)
    html = html_of(client.get("/"))
    assert "2 artifacts you can see" in html
    assert "Restricted rifle" in html  # among the latest additions


# Artifact record ----------------------------------------------------------------------


def test_unknown_restricted_and_draft_records_are_all_plain_404s(client, researcher, staff_user):
    restricted = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    staff_only = ArtifactFactory(access_level=AccessLevel.STAFF)
    draft = ArtifactFactory(status=PublicationStatus.DRAFT)
    for url in ("/artifacts/BFA-1900-0001/", restricted.get_absolute_url(), draft.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404
        assert "There is nothing at this address that you can see." in response.content.decode()
    client.force_login(researcher)
    assert client.get(restricted.get_absolute_url()).status_code == 200
    assert client.get(staff_only.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(staff_user)
    assert "Draft: visible to staff only" in html_of(client.get(draft.get_absolute_url()))
    assert client.get(staff_only.get_absolute_url()).status_code == 200


def test_a_texts_languages_are_named_in_the_readers_language(client):
    # Every ISO 639-1 code is in the archive's language list, with its English name; a
    # Korean or Ukrainian reader still reads the names in their own language.
    text = TextFactory(label="Letter", original_text="조국", original_language="ko", translation="Motherland")
    text.translation_language = "en"
    text.save()
    address = text.artifact.get_absolute_url()
    korean = html_of(client.get("/ko" + address))
    assert "한국어" in between(korean, "Letter", "</article>") and "영어" in between(korean, "Letter", "</article>")
    ukrainian = html_of(client.get("/uk" + address))
    block = between(ukrainian, "Letter", "</article>").lower()
    assert "корейська" in block and "англійська" in block and "english" not in block


def test_texts_are_shown_side_by_side_and_unpublished_parts_say_so(client):
    text = TextFactory(
        label="Page dated 31 December",
        original_text="",
        transliteration="",
        translation="I really miss you comrades.",
        translation_language="en",
        translator="The Washington Post",
        date_written="2024-12-31",
        attributed_author="Kim Jong Un",
        attribution_confidence="attributed",
    )
    html = html_of(client.get(text.artifact.get_absolute_url()))
    block = between(html, "Page dated 31 December", "</article>")
    columns = re.findall(r"<h4>(Original|Transliteration|Translation)", block)
    assert columns == ["Original", "Transliteration", "Translation"]
    original = between(block, "<h4>Original", "</section>")
    assert "not published" in original
    assert "I really miss you comrades." in between(block, "<h4>Translation", "</section>")
    assert "31 December 2024" in block
    assert "Kim Jong Un" in block and "attributed in the source, not confirmed" in block
    assert "Translator" in block and "The Washington Post" in block


def test_an_empty_detail_says_whether_the_source_withheld_it_or_nobody_recorded_it(client):
    artifact = ArtifactFactory(
        materials="", dimensions="", condition="Weathered", recovery_date="", not_published=["dimensions"]
    )
    html = html_of(client.get(artifact.get_absolute_url()))
    assert re.search(r"<dt>Dimensions</dt><dd><span class=\"not-published\">not published</span>", html)
    assert re.search(r"<dt>Materials</dt><dd><span class=\"not-recorded\">not recorded</span>", html)
    assert "<dt>Condition</dt><dd>Weathered</dd>" in html
    assert "not recorded" in between(html, "<dt>When</dt>", "</dd>")


def test_the_demo_marks_as_not_published_only_what_its_report_left_out():
    from artifacts.demo import collection
    from artifacts.demo.loader import not_published_by_the_report

    phrase_list = next(r for r in collection.ARTIFACTS if r["artifact"]["title"].startswith("Phrase list"))
    withheld = not_published_by_the_report(phrase_list)
    assert "dimensions" in withheld and "recovery_place" not in withheld and "materials" not in withheld
    assert "languages" not in withheld  # the report says Korean and Russian


def test_a_curator_ticks_what_the_source_did_not_publish(client, staff_user):
    from tests.test_admin import page_data

    artifact = ArtifactFactory(dimensions="")
    client.force_login(staff_user)
    url = f"/admin/artifacts/artifact/{artifact.pk}/change/"
    data = page_data(client.get(url))
    data["not_published"] = ["dimensions", "no_such_detail"]
    refused = client.post(url, data)
    assert refused.status_code == 200 and "not_published" in refused.context["adminform"].form.errors
    data["not_published"] = ["dimensions"]
    assert client.post(url, data).status_code == 302
    artifact.refresh_from_db()
    assert artifact.not_published == ["dimensions"]


def test_phrase_list_shows_ordered_phrases_and_how_many_are_published(client):
    artifact = ArtifactFactory(artifact_type="phrase_list", item_count=23)
    for position, words in ((3, "You're all surrounded."), (1, "Resistance is futile."), (2, "Surrender.")):
        PhraseFactory(artifact=artifact, position=position, translation=words, translation_source="The Post")
    html = html_of(client.get(artifact.get_absolute_url()))
    assert "3 of 23 phrases published." in html
    table = between(html, '<table class="phrases stacks">', "</table>")
    quoted = [html_lib.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"“(.+?)”", table)]
    assert quoted == ["Resistance is futile.", "Surrender.", "You're all surrounded."]
    # Columns empty in every row are left out and said once, not "not published" six times.
    assert "not published" not in table and "Original</th>" not in table and "Transliteration</th>" not in table
    assert "Not published for any of them: the original wording or a transliteration." in html


def test_a_phrase_column_with_any_value_is_shown_with_not_published_where_a_row_lacks_it(client):
    artifact = ArtifactFactory(artifact_type="phrase_list")
    PhraseFactory(artifact=artifact, position=1, original_text="항복하라", translation="Surrender!")
    PhraseFactory(artifact=artifact, position=2, translation="Hands up!")
    html = html_of(client.get(artifact.get_absolute_url()))
    table = between(html, '<table class="phrases stacks">', "</table>")
    assert "Original</th>" in table and table.count("not published") == 1
    assert "Not published for any of them: a transliteration or where a translation was published." in html


def test_recovery_date_in_words_with_the_sources_own_words_and_place_precision(client):
    artifact = ArtifactFactory(
        recovery_date="2024-12/2025-01",
        recovery_date_as_reported="December 2024 to mid-January 2025",
        recovery_place="Kursk region, Russia",
        recovery_place_precision="region",
    )
    html = html_of(client.get(artifact.get_absolute_url()))
    assert "December 2024 – January 2025" in html
    assert "as reported: “December 2024 to mid-January 2025”" in html
    assert 'Kursk region, Russia <span class="precision">(precision: region)</span>' in html


def test_personal_data_is_withheld_with_a_visible_note(client, researcher, staff_user):
    artifact = ArtifactFactory(artifact_type="military_id", title="Military ID")
    MilitaryIDDetails.objects.create(artifact=artifact, document_type="Military identity card")
    PersonalDatum.objects.create(
        artifact=artifact, field="name", value="Kim Secretname", access_level=AccessLevel.STAFF
    )
    PersonalDatum.objects.create(artifact=artifact, field="rank", value="Private", access_level=AccessLevel.RESEARCHERS)
    html = html_of(client.get(artifact.get_absolute_url()))
    assert "Military identity card" in html
    assert '<dt>Name</dt><dd><span class="withheld">withheld: personal data</span>' in html
    assert '<dt>Rank</dt><dd><span class="withheld">withheld: personal data</span>' in html
    assert "Kim Secretname" not in html and "Private" not in html
    client.force_login(researcher)
    html = html_of(client.get(artifact.get_absolute_url()))
    assert "<dt>Rank</dt><dd>Private</dd>" in html and "Kim Secretname" not in html
    client.force_login(staff_user)
    assert "<dt>Name</dt><dd>Kim Secretname</dd>" in html_of(client.get(artifact.get_absolute_url()))


def test_weapon_details_serial_numbers_and_markings(client):
    serial = SerialNumberFactory(value="AK 74-1234", location="receiver")
    ObjectDetails.objects.create(artifact=serial.artifact, category="assault_rifle", markings="Arsenal stamp 21")
    html = html_of(client.get(serial.artifact.get_absolute_url()))
    assert "<code>AK 74-1234</code> — receiver" in html
    assert "Arsenal stamp 21" in html and "Assault rifle" in html
    assert re.search(r"<dt>Calibre</dt><dd><span class=\"not-published\">not published</span>", html)


def test_custody_timeline_in_sequence_with_corrections_linked(client, staff_user):
    artifact = ArtifactFactory()
    first = make_custody_event(
        artifact, occurred="2025-01", occurred_as_reported="this month", place="Kursk region", recorded_by=staff_user
    )
    make_custody_event(
        artifact,
        event_type="shown_to_press",
        occurred="2025-01",
        released_by="1st Battalion",
        received_by="The Washington Post",
        purpose="Shown to reporters",
    )
    make_custody_event(artifact, event_type="correction", corrects=first, note="The month was January, not December.")
    html = html_of(client.get(artifact.get_absolute_url()))
    timeline = between(html, '<ol class="timeline">', "</ol>\n")
    headings = re.findall(r'<span class="seq">(\d)\.</span> ([^<]+)</h3>', timeline)
    assert headings == [("1", "Recovered"), ("2", "Shown to press"), ("3", "Correction of an earlier event")]
    assert "January 2025" in timeline and "as reported: “this month”" in timeline
    assert "1st Battalion" in timeline and "The Washington Post" in timeline and "Shown to reporters" in timeline
    assert '<a href="#custody-1">event 1 (recovered)</a>' in timeline
    assert '<a href="#custody-3">event 3</a>' in timeline  # event 1 says it was corrected
    assert first.entry_hash in timeline
    assert "curator" not in timeline  # account names are login names: not shown to the public


def test_illustrations_carry_the_notice_on_every_page_that_shows_them(client):
    artifact = ArtifactFactory(title="Phrase list")
    make_photo(artifact, caption="The three known phrases", is_illustration=True)
    for url in ("/", "/artifacts/", artifact.get_absolute_url()):
        html = html_of(client.get(url))
        assert f'alt="The three known phrases ({ILLUSTRATION_NOTICE})"' in html, url
        # Said once in the text a reader sees (not counting alt text and embedded metadata).
        visible = re.sub(r"<[^>]*>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))
        assert visible.count(ILLUSTRATION_NOTICE) == 1, url


def test_graphic_images_are_hidden_until_the_viewer_chooses_to_see_them(client):
    artifact = ArtifactFactory(title="Graphic item")
    photo = make_photo(artifact, graphic_content=True)
    thumbnail = f"/media/photos/{photo.pk}/thumbnail/"
    for url in ("/artifacts/", artifact.get_absolute_url()):
        html = html_of(client.get(url))
        assert thumbnail not in html
        assert "Graphic content: image hidden" in html
    html = html_of(client.get(artifact.get_absolute_url()))
    assert '<form id="graphic-form" method="post" action="/preferences/graphic-content/"' in html
    assert 'name="show" value="1"' in html

    response = client.post("/preferences/graphic-content/", {"show": "1", "next": artifact.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == artifact.get_absolute_url()
    for url in ("/artifacts/", artifact.get_absolute_url()):  # the choice lasts for the session
        assert thumbnail in html_of(client.get(url))
    assert "Hide them again" in html_of(client.get(artifact.get_absolute_url()))

    client.post("/preferences/graphic-content/", {"show": "0", "next": "/artifacts/"})
    assert thumbnail not in html_of(client.get("/artifacts/"))


def test_graphic_preference_never_redirects_off_site_and_refuses_get(client):
    response = client.post("/preferences/graphic-content/", {"show": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/preferences/graphic-content/").status_code == 405


def test_sources_related_citation_and_update_date(client):
    source = SourceFactory(title="What the North Koreans took into battle", publisher="The Washington Post")
    artifact = ArtifactFactory(title="Phrase list", cited_in=source)
    visible = ArtifactFactory(title="Visible neighbour")
    hidden = ArtifactFactory(title="Hidden neighbour", access_level=AccessLevel.STAFF)
    whole = ArtifactFactory(title="The whole cache")
    Relation.objects.create(from_artifact=artifact, to_artifact=visible, relation_type="recovered_together")
    Relation.objects.create(from_artifact=hidden, to_artifact=artifact, relation_type="same_person")
    Relation.objects.create(from_artifact=artifact, to_artifact=whole, relation_type="part_of")
    Relation.objects.create(
        from_artifact=ArtifactFactory(title="A part"), to_artifact=artifact, relation_type="part_of"
    )
    html = html_of(client.get(artifact.get_absolute_url()))
    assert "What the North Koreans took into battle" in html and source.url in html
    related = between(html, 'id="related"', "</section>")
    assert "Visible neighbour" in related and "The whole cache" in related and "A part" in related
    assert "Hidden neighbour" not in html
    assert "Has as a part" in related
    # The citation forms themselves are tested in tests/test_citations.py.
    assert (
        "Phrase list, recovered December 2024–January 2025, Kursk region, Russia, "
        f"accession no. {artifact.accession_number}, Battlefield Artifacts Archive, accessed "
    ) in html
    assert re.search(r"Last changed \d+ \w+ \d{4}, [\d:]+ UTC; 1 revision recorded", html)


def test_internal_notes_are_for_staff_only(client, researcher, staff_user):
    artifact = ArtifactFactory(internal_notes="Check the seal number with the unit.")
    assert "Check the seal number" not in html_of(client.get(artifact.get_absolute_url()))
    client.force_login(researcher)
    assert "Check the seal number" not in html_of(client.get(artifact.get_absolute_url()))
    client.force_login(staff_user)
    assert "Check the seal number" in html_of(client.get(artifact.get_absolute_url()))


def test_photos_gallery_links_thumbnails_to_display_size_with_captions_and_credits(client, staff_user):
    artifact = ArtifactFactory()
    photo = make_photo(artifact, caption="Front view", credit="Archive photographer")
    restricted = make_photo(artifact, caption="Restricted view", access_level=AccessLevel.RESEARCHERS)
    html = html_of(client.get(artifact.get_absolute_url()))
    assert f'<a href="/media/photos/{photo.pk}/display/"><img src="/media/photos/{photo.pk}/thumbnail/"' in html
    assert "Front view" in html and "Credit: Archive photographer" in html
    assert "Restricted view" not in html and f"/media/photos/{restricted.pk}/" not in html
    assert f"/media/photos/{photo.pk}/original/" not in html  # originals are staff-only
    client.force_login(staff_user)
    assert f"/media/photos/{photo.pk}/original/" in html_of(client.get(artifact.get_absolute_url()))


# Pages as a whole ---------------------------------------------------------------------


def test_pages_have_landmarks_a_skip_link_and_no_inline_script_or_style(client):
    artifact = ArtifactFactory()
    TextFactory(artifact=artifact)
    for url in ("/", "/artifacts/", "/artifacts/?q=x&page=abc", artifact.get_absolute_url(), "/accounts/login/"):
        html = html_of(client.get(url))
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html and "<header" in html and "<footer" in html and "<nav" in html
        assert len(re.findall(r"<h1[ >]", html)) == 1
        assert "style=" not in html and "<style" not in html
        # Scripts only from files; a JSON-LD data block is never executed, so CSP allows it.
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))", html)


def test_header_offers_login_or_a_logout_form(client, researcher):
    html = html_of(client.get("/"))
    assert 'href="/accounts/login/"' in html
    client.force_login(researcher)
    html = html_of(client.get("/"))
    assert re.search(r'<form method="post" action="/accounts/logout/"[^>]*>.*csrfmiddlewaretoken', html)
    assert client.post("/accounts/logout/").status_code == 302
    assert "Log in" in html_of(client.get("/"))


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/accounts/login/", "Log in"),
        ("/accounts/password_reset/", "Reset your password"),
        ("/accounts/password_reset/done/", "Check your email"),
        ("/accounts/reset/MQ/bad-token/", "This link no longer works"),
        ("/accounts/reset/done/", "Password set"),
    ],
)
def test_account_pages_render_in_the_site_layout(client, url, text):
    html = html_of(client.get(url))
    assert text in html and "site-header" in html


def test_password_change_pages(client, researcher):
    client.force_login(researcher)
    assert "Change your password" in html_of(client.get("/accounts/password_change/"))
    assert "Password changed" in html_of(client.get("/accounts/password_change/done/"))


def test_lockout_page_explains_what_to_do(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("registration/locked_out.html", request=RequestFactory().get("/accounts/login/"))
    assert "Too many failed login attempts; try again in an hour or contact staff" in html


def test_500_page_never_shows_a_traceback():
    response = pages.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Server error" in html and "Traceback" not in html
    assert "css/fonts-korean" in html  # its Hangul drawn with the archive's font, not as boxes


def test_404_page_for_any_unknown_address(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Search the catalog" in response.content.decode()


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_detail_shows_chain_head_verification_and_custody_download(client):
    from artifacts.choices import CustodyEventType
    from tests.factories import make_custody_event

    artifact = ArtifactFactory()
    make_custody_event(artifact, event_type=CustodyEventType.RECOVERY)
    last = make_custody_event(
        artifact, event_type=CustodyEventType.FIXITY_CHECK, outcome="pass", note="PASS: 0 files and 1 custody events."
    )
    html = client.get(artifact.get_absolute_url()).content.decode()
    assert "Chain verified" in html
    assert last.entry_hash in html
    assert "Last full fixity check" in html and "passed" in html
    assert f"/artifacts/{artifact.accession_number}/custody.json" in html


def test_detail_counts_revisions_of_the_record_and_its_children(client):
    artifact = ArtifactFactory()
    text = TextFactory(artifact=artifact)
    text.translation = "Edited translation"
    text.save()
    html = client.get(artifact.get_absolute_url()).content.decode()
    # The artifact's creation (plus its search-text refreshes are not history), the text's creation and edit.
    assert "3 revisions recorded" in html


def test_the_404_page_gives_an_accession_number_in_the_form_the_archive_issues(client, settings):
    settings.ARCHIVE_ACCESSION_PREFIX = "KRS"
    issued = ArtifactFactory().accession_number

    page = client.get("/artifacts/KRS-1999-9999/")

    assert page.status_code == 404
    year = issued.split("-")[1]
    assert issued.startswith(f"KRS-{year}-")
    assert f"they look like KRS-{year}-0001." in page.content.decode()
