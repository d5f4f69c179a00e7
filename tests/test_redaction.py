"""What a page holds back: photos showing faces or personal data (with the redacted copies
curators make of them), personal data written on objects and in letters, and graphic
images until the viewer asks to see them."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from artifacts.choices import AccessLevel
from artifacts.models import MilitaryIDDetails, PersonalDatum, Photo
from tests.factories import ArtifactFactory, TextFactory, UserFactory, make_photo
from tests.images import image_bytes, upload
from tests.test_admin import page_data

pytestmark = pytest.mark.django_db

PHOTO_ADD = reverse("admin:artifacts_photo_add")
WITHHELD = '<span class="withheld">withheld: personal data</span>'


@pytest.fixture
def curator(db):
    """A curator as the archive makes them: staff, in the Curator group, not a superuser."""
    user = UserFactory(username="curator-jo", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def media_urls(photo) -> list[str]:
    return [reverse("photo-file", args=[photo.pk, kind]) for kind in ("thumbnail", "display", "original")]


def custody_files(client, artifact) -> set[str]:
    response = client.get(reverse("custody-record", args=[artifact.accession_number]))
    return {f["sha256"] for f in response.json()["files"]}


# --- photos with faces or personal data ------------------------------------------------


def test_a_photo_showing_personal_data_is_never_public(client, researcher):
    artifact = ArtifactFactory(title="Identity card")
    photo = make_photo(artifact, caption="Card with the owner's photograph", shows_personal_data=True)
    for url in ("/", "/artifacts/", artifact.get_absolute_url()):
        html = page(client, url)
        assert f"/media/photos/{photo.pk}/" not in html and "owner's photograph" not in html
    assert [client.get(url).status_code for url in media_urls(photo)] == [404, 404, 404]
    assert "No photographs or illustrations of this object are published." in page(client, artifact.get_absolute_url())

    client.force_login(researcher)
    assert media_urls(photo)[0] in page(client, artifact.get_absolute_url())
    assert client.get(media_urls(photo)[1]).status_code == 200


def test_a_curator_attaches_a_redacted_copy_in_the_admin(client, curator, researcher):
    artifact = ArtifactFactory(title="Identity card")
    client.force_login(curator)
    original = {"artifact": artifact.pk, "caption": "Card, owner's face visible", "position": "0", "access_level": "0"}
    original |= {"original": upload(data=image_bytes(color=(200, 10, 10))), "shows_personal_data": "on"}
    assert client.post(PHOTO_ADD, original).status_code == 302
    faces = Photo.objects.get()

    # The chooser offers the photo to be named as the source of the redacted copy.
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "artifacts", "model_name": "photo", "field_name": "redacted_from", "term": "owner's face"},
    ).json()
    assert [result["id"] for result in found["results"]] == [str(faces.pk)]

    copy = {"artifact": artifact.pk, "caption": "Card, face blurred", "position": "1", "access_level": "0"}
    copy |= {"original": upload(data=image_bytes(color=(10, 10, 200))), "redacted_from": faces.pk}
    assert client.post(PHOTO_ADD, copy).status_code == 302
    redacted = Photo.objects.get(redacted_from=faces)
    assert len(faces.sha256) == len(redacted.sha256) == 64 and faces.sha256 != redacted.sha256
    assert redacted.uploaded_by == curator
    client.logout()

    html = page(client, artifact.get_absolute_url())
    assert media_urls(redacted)[0] in html and "face blurred" in html and "Redacted copy" in html
    assert f"/media/photos/{faces.pk}/" not in html and "face visible" not in html
    assert client.get(media_urls(faces)[1]).status_code == 404
    assert custody_files(client, artifact) == {redacted.sha256}
    card = page(client, "/artifacts/?q=identity")
    assert media_urls(redacted)[0] in card and f"/media/photos/{faces.pk}/" not in card

    client.force_login(researcher)
    html = page(client, artifact.get_absolute_url())
    assert media_urls(faces)[0] in html and "face visible" in html
    assert f"/media/photos/{redacted.pk}/" not in html  # the original is shown, not a duplicate of it
    assert custody_files(client, artifact) == {faces.sha256}


def test_an_uploaded_photo_is_marked_as_a_redacted_copy_on_its_change_page(client, curator):
    artifact = ArtifactFactory()
    faces = make_photo(artifact, caption="Soldier's face", shows_personal_data=True)
    blurred = make_photo(artifact, caption="Soldier, blurred")
    client.force_login(curator)
    url = reverse("admin:artifacts_photo_change", args=[blurred.pk])
    form = page(client, url)
    assert 'name="redacted_from"' in form and "redacted version of" in form.lower()

    response = client.post(url, {**page_data(client.get(url)), "redacted_from": faces.pk})
    assert response.status_code == 302
    blurred.refresh_from_db()
    assert blurred.redacted_from == faces
    client.logout()
    assert f"/media/photos/{blurred.pk}/" in page(client, artifact.get_absolute_url())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("other artifact", "The photo it was redacted from must show the same artifact."),
        ("itself", "A photo cannot be a redacted version of itself."),
        ("copy shows faces", "A redacted version is the copy that hides faces and personal data"),
    ],
)
def test_a_redacted_copy_is_refused_when_it_cannot_be_one(client, curator, change, message):
    artifact = ArtifactFactory()
    faces = make_photo(artifact, shows_personal_data=True)
    copy = make_photo(artifact, caption="Blurred")
    client.force_login(curator)
    url = reverse("admin:artifacts_photo_change", args=[copy.pk])
    data = {**page_data(client.get(url)), "redacted_from": faces.pk}
    if change == "other artifact":
        data["redacted_from"] = make_photo(ArtifactFactory()).pk
    elif change == "itself":
        data["redacted_from"] = copy.pk
    else:
        data["shows_personal_data"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    copy.refresh_from_db()
    assert copy.redacted_from is None and not copy.shows_personal_data


# --- personal data ----------------------------------------------------------------------


@pytest.fixture
def identity_card():
    artifact = ArtifactFactory(title="Military ID", artifact_type="military_id")
    MilitaryIDDetails.objects.create(artifact=artifact, document_type="Identity card")
    for kind, value, level in [
        ("name", "Kim Staffonly", AccessLevel.STAFF),
        ("rank", "Private Researcher-level", AccessLevel.RESEARCHERS),
        ("unit", "Public Unit 1", AccessLevel.PUBLIC),
    ]:
        PersonalDatum.objects.create(artifact=artifact, field=kind, value=value, access_level=level)
    return artifact


@pytest.mark.parametrize(
    ("viewer", "shown", "withheld"),
    [
        ("anonymous", ["Unit"], ["Name", "Rank"]),
        ("researcher", ["Unit", "Rank"], ["Name"]),
        ("staff_user", ["Unit", "Rank", "Name"], []),
    ],
)
def test_each_item_of_personal_data_is_shown_or_visibly_withheld(
    request, client, identity_card, viewer, shown, withheld
):
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    html = page(client, identity_card.get_absolute_url())
    values = {"Name": "Kim Staffonly", "Rank": "Private Researcher-level", "Unit": "Public Unit 1"}
    for label in shown:
        assert f"<dt>{label}</dt><dd>{values[label]}</dd>" in html
    for label in withheld:  # the reader learns something is there, not what
        assert f"<dt>{label}</dt><dd>{WITHHELD}</dd>" in html and values[label] not in html


def test_a_name_inside_a_letter_is_withheld_inside_that_letter(client, researcher):
    letter = TextFactory(label="New Year letter", translation="Dear comrades, I miss you.")
    artifact = letter.artifact
    PersonalDatum.objects.create(
        artifact=artifact, text=letter, field="name", value="Pak Signature", access_level=AccessLevel.RESEARCHERS
    )
    PersonalDatum.objects.create(
        artifact=artifact, field="unit", value="Unit on envelope", access_level=AccessLevel.STAFF
    )

    def letter_block(html):
        return re.search(r'<article class="text-record".*?</article>', html, re.S).group(0)

    html = page(client, artifact.get_absolute_url())
    block = letter_block(html)
    assert "Personal data in this text" in block and f"<dt>Name</dt><dd>{WITHHELD}</dd>" in block
    assert "Unit" not in block  # data not from the letter stays in the record's own list
    assert f"<dt>Unit</dt><dd>{WITHHELD}</dd>" in html.replace(block, "")
    assert "Pak Signature" not in html and html.count("withheld: personal data") == 2

    client.force_login(researcher)
    html = page(client, artifact.get_absolute_url())
    assert "<dt>Name</dt><dd>Pak Signature</dd>" in letter_block(html)
    assert html.count("withheld: personal data") == 1


def test_personal_data_is_never_found_by_search(client, identity_card, staff_user):
    client.force_login(staff_user)  # even those who may read it: search results are shareable
    assert "No artifacts match" in page(client, "/artifacts/?q=Staffonly")


# --- graphic content ----------------------------------------------------------------------


def graphic_form(html) -> dict:
    """What a browser without JavaScript submits when the viewer presses "show"."""
    form = re.search(r'<form id="graphic-form" method="post" action="([^"]+)".*?</form>', html, re.S)
    assert form, "no graphic-content form on the page"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    return {"action": form.group(1), "fields": fields}


@pytest.mark.parametrize("flag", ["artifact", "photo"])
def test_graphic_images_wait_behind_a_warning_until_the_viewer_chooses(flag):
    artifact = ArtifactFactory(title="Graphic find", graphic_content=flag == "artifact")
    photo = make_photo(artifact, caption="Stained field jacket", graphic_content=flag == "photo")
    urls = media_urls(photo)
    browser = Client(enforce_csrf_checks=True)
    pages = {"/": "Graphic content: image hidden", "/artifacts/": "Show graphic images"}
    pages[artifact.get_absolute_url()] = "Show graphic images"
    for url, control in pages.items():
        html = page(browser, url)
        assert not [u for u in urls if u in html], f"{url} links the image before the viewer chose to see it"
        assert "Graphic content: image hidden" in html and control in html
    assert "Stained field jacket" in page(browser, artifact.get_absolute_url())  # the caption still says what it is

    form = graphic_form(page(browser, "/artifacts/"))
    assert form["fields"]["show"] == "1" and form["fields"]["next"] == "/artifacts/"
    response = browser.post(form["action"], form["fields"])
    assert response.status_code == 302 and response["Location"] == "/artifacts/"

    for url in pages:  # the choice holds for the rest of the session, on every page
        html = page(browser, url)
        assert urls[0] in html and "Graphic content: image hidden" not in html, url
    assert urls[1] in page(browser, artifact.get_absolute_url())
    assert urls[0] not in page(Client(), "/artifacts/")  # another visitor has not chosen

    form = graphic_form(page(browser, artifact.get_absolute_url()))
    assert form["fields"]["show"] == "0"
    browser.post(form["action"], form["fields"])
    assert urls[0] not in page(browser, artifact.get_absolute_url())


def test_the_show_control_refuses_a_forged_request(client):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("graphic-preference"), {"show": "1", "next": "/"})
    assert response.status_code == 403
    assert "show_graphic" not in browser.session


def test_only_the_graphic_images_of_a_record_are_held_back(client):
    artifact = ArtifactFactory()
    calm = make_photo(artifact, caption="Cover")
    graphic = make_photo(artifact, caption="Stains", graphic_content=True)
    html = page(client, artifact.get_absolute_url())
    assert media_urls(calm)[0] in html and media_urls(graphic)[0] not in html
    assert "Some images of this object may be distressing" in html
    card = page(client, "/artifacts/")
    assert media_urls(calm)[0] in card  # the first image is not graphic, so the card shows it
