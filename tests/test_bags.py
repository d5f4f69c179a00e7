"""BagIt export: bags validate with the Library of Congress library and hold only what
the exporting account may see."""

import io
import json
import zipfile
from pathlib import Path

import bagit
import pytest
from django.core.management import CommandError, call_command

from artifacts.choices import AccessLevel, ArtifactType, PersonalField, PublicationStatus
from artifacts.custody.checker import record as custody_record
from artifacts.models import PersonalDatum
from tests.factories import ArtifactFactory, SourceFactory, make_custody_event, make_photo
from tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_bag", *args, stdout=out)
    return out.getvalue()


def files_in(bag: Path, accession: str) -> list[str]:
    return sorted(p.name for p in (bag / "data" / accession / "files").iterdir())


def metadata(bag: Path, accession: str) -> dict:
    return json.loads((bag / "data" / accession / "metadata.json").read_text())


@pytest.fixture
def artifact():
    artifact = ArtifactFactory(
        title="Phrase list", artifact_type=ArtifactType.PHRASE_LIST, internal_notes="Kept in safe 3."
    )
    artifact.sourcecitation_set.create(source=SourceFactory(title="What they carried"))
    PersonalDatum.objects.create(artifact=artifact, field=PersonalField.NAME, value="Kim X")
    return artifact


@pytest.fixture
def photos(artifact):
    face = make_photo(artifact, caption="Owner's face", shows_personal_data=True)
    return {
        "public": make_photo(artifact, caption="Front", credit="Example News"),
        "researchers": make_photo(artifact, caption="Back", access_level=AccessLevel.RESEARCHERS),
        "staff": make_photo(artifact, caption="Staff close-up", access_level=AccessLevel.STAFF),
        "face": face,
        "redacted": make_photo(artifact, caption="Owner's face, blurred", redacted_from=face),
    }


def test_an_anonymous_bag_validates_and_holds_only_public_material(artifact, photos, tmp_path):
    make_custody_event(artifact, event_type="recovery", place="Kursk region")
    bag_dir = tmp_path / "bag"
    message = export("--artifact", artifact.accession_number, "--out", str(bag_dir))
    assert "1 artifact(s)" in message and "originals withheld" in message

    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError on any problem
    assert "sha256" in bag.algorithms
    assert (bag_dir / "manifest-sha256.txt").is_file()
    assert bag.info["Exported-For"].startswith("an anonymous visitor")
    acc = artifact.accession_number
    public, redacted = photos["public"].pk, photos["redacted"].pk
    # Public photo and the redacted copy only: derivatives, no originals.
    assert files_in(bag_dir, acc) == sorted(
        f"photo-{pk}-{kind}.jpg" for pk in (public, redacted) for kind in ("display", "thumbnail")
    )
    with photos["public"].display.open("rb") as stored:
        assert (bag_dir / "data" / acc / "files" / f"photo-{public}-display.jpg").read_bytes() == stored.read()

    record = metadata(bag_dir, acc)
    assert record["title"] == "Phrase list"
    assert [p["caption"] for p in record["photos"]] == ["Front", "Owner's face, blurred"]
    assert record["photos"][0]["original"]["file"] is None
    assert record["photos"][0]["original"]["sha256"] == photos["public"].sha256
    assert record["personal_data"] == [{"field": {"value": "name", "label": "Name"}, "value": None, "withheld": True}]
    assert "internal_notes" not in record
    assert record["sources"][0]["title"] == "What they carried"
    assert "Staff close-up" not in (bag_dir / "data" / acc / "metadata.json").read_text()

    custody = json.loads((bag_dir / "data" / acc / "custody.json").read_text())
    assert custody_record.verify_record(custody).problems == []
    assert custody["events"][0]["place"] == "Kursk region"
    assert "anonymous visitor" in (bag_dir / "data" / "README.txt").read_text()


def test_a_staff_bag_carries_originals_and_attachments_the_custody_checker_can_verify(
    artifact, photos, staff_user, tmp_path
):
    receipt = upload("receipt.png", image_bytes("PNG", size=(20, 20)), "image/png")
    make_custody_event(artifact, event_type="intake", attachments=[(receipt, "Signed receipt")])
    bag_dir = tmp_path / "staff-bag"
    assert "originals included" in export(
        "--artifact", artifact.accession_number, "--out", str(bag_dir), "--as-user", staff_user.username
    )
    bagit.Bag(str(bag_dir)).validate()
    acc = artifact.accession_number
    names = files_in(bag_dir, acc)
    for photo in (photos["public"], photos["researchers"], photos["staff"], photos["face"]):
        original = f"photo-{photo.pk}-original.{photo.image_format.lower()}"
        assert original in names
        with photo.original.open("rb") as stored:
            assert (bag_dir / "data" / acc / "files" / original).read_bytes() == stored.read()
    # Staff see the original face photo, so its redacted copy is not repeated.
    assert not any(name.startswith(f"photo-{photos['redacted'].pk}-") for name in names)
    record = metadata(bag_dir, acc)
    assert record["internal_notes"] == "Kept in safe 3."
    assert record["personal_data"][0]["value"] == "Kim X"
    custody = json.loads((bag_dir / "data" / acc / "custody.json").read_text())
    # Every file the custody record names is in the bag, unchanged.
    assert custody_record.verify_record(custody, bag_dir / "data" / acc / "files").problems == []


def test_a_researcher_bag_has_researcher_photos_but_no_originals(artifact, photos, researcher, tmp_path):
    bag_dir = tmp_path / "bag"
    export("--artifact", artifact.accession_number, "--out", str(bag_dir), "--as-user", researcher.username)
    bagit.Bag(str(bag_dir)).validate()
    captions = [p["caption"] for p in metadata(bag_dir, artifact.accession_number)["photos"]]
    # Researchers see the face photo itself, so its redacted copy is not repeated.
    assert captions == ["Owner's face", "Front", "Back"]
    names = files_in(bag_dir, artifact.accession_number)
    assert not any("original" in name for name in names)
    assert not any(name.startswith(f"photo-{photos['staff'].pk}-") for name in names)


def test_an_editor_bag_has_staff_material_but_no_originals_or_attachments(artifact, photos, tmp_path):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory(username="bag-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    receipt = upload("receipt.png", image_bytes("PNG", size=(20, 20)), "image/png")
    make_custody_event(artifact, event_type="intake", attachments=[(receipt, "Signed receipt")])
    bag_dir = tmp_path / "editor-bag"
    export("--artifact", artifact.accession_number, "--out", str(bag_dir), "--as-user", editor.username)
    bagit.Bag(str(bag_dir)).validate()
    names = files_in(bag_dir, artifact.accession_number)
    assert any(name.startswith(f"photo-{photos['staff'].pk}-display") for name in names)  # staff material, as on pages
    assert not any("original" in name for name in names)
    assert not any(len(name) == 64 for name in names)  # no custody attachment (named by its SHA-256)
    record = metadata(bag_dir, artifact.accession_number)
    assert all(p["original"]["file"] is None for p in record["photos"])


def test_a_search_result_is_exported_as_the_exporter_sees_it(tmp_path):
    rifle = ArtifactFactory(title="Rifle with scratched serial", artifact_type=ArtifactType.WEAPON)
    ArtifactFactory(title="Rifle, restricted", artifact_type=ArtifactType.WEAPON, access_level=AccessLevel.STAFF)
    ArtifactFactory(title="Rifle drawing in a booklet", artifact_type=ArtifactType.BOOKLET)
    ArtifactFactory(title="Draft rifle", artifact_type=ArtifactType.WEAPON, status=PublicationStatus.DRAFT)
    bag_dir = tmp_path / "rifles"
    export("--query", "rifle", "--type", "weapon", "--out", str(bag_dir))
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert sorted(p.name for p in (bag_dir / "data").iterdir() if p.is_dir()) == [rifle.accession_number]
    assert "search “rifle”; type: weapon" in bag.info["External-Description"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--artifact", "BFA-1900-0001"], "BFA-1900-0001 does not exist or is not visible"),
        (["--query", "", "--recovered-from", "2024-13"], "--recovered-from"),
        (["--query", "nothing matches this"], "No artifacts to export"),
        (["--query", "", "--as-user", "nobody"], "no account named 'nobody'"),
    ],
)
def test_bad_requests_are_refused_and_leave_nothing_behind(arguments, message, tmp_path):
    ArtifactFactory()
    with pytest.raises(CommandError, match=message):
        export(*arguments, "--out", str(tmp_path / "bag"))
    assert list(tmp_path.iterdir()) == []


def test_a_restricted_artifact_is_not_exported_for_the_public(tmp_path):
    hidden = ArtifactFactory(access_level=AccessLevel.RESEARCHERS)
    with pytest.raises(CommandError, match="not visible to an anonymous visitor"):
        export("--artifact", hidden.accession_number, "--out", str(tmp_path / "bag"))
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_with_content_is_never_overwritten(tmp_path):
    artifact = ArtifactFactory()
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not an empty folder"):
        export("--artifact", artifact.accession_number, "--out", str(tmp_path / "bag"))
    assert (tmp_path / "bag" / "notes.txt").read_text() == "keep me"


def test_a_changed_original_stops_the_export(staff_user, tmp_path):
    photo = make_photo()
    with open(photo.original.path, "ab") as stored:
        stored.write(b"tampered")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CommandError, match="no longer matches its recorded SHA-256"):
        export("--artifact", photo.artifact.accession_number, "--out", str(out / "bag"), "--as-user", "curator")
    # Neither the bag nor its temporary staging folder is left behind.
    assert list(out.iterdir()) == []


def test_admin_action_downloads_a_valid_zipped_bag(client, staff_user, artifact, photos, tmp_path):
    other = ArtifactFactory(title="Not selected")
    client.force_login(staff_user)
    response = client.post(
        "/admin/artifacts/artifact/",
        {"action": "export_as_bagit", "_selected_action": [artifact.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(tmp_path / "unzipped")
    (bag_dir,) = list((tmp_path / "unzipped").iterdir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert sorted(p.name for p in (bag_dir / "data").iterdir() if p.is_dir()) == [artifact.accession_number]
    assert other.accession_number not in (bag_dir / "data" / "README.txt").read_text()
    assert f"photo-{photos['staff'].pk}-original." in " ".join(files_in(bag_dir, artifact.accession_number))
    assert metadata(bag_dir, artifact.accession_number)["url"].startswith("http://testserver/artifacts/")


def test_transcribed_regions_travel_with_the_photos_the_exporter_may_see(artifact, photos, researcher, tmp_path):
    from artifacts.models import PhotoAnnotation

    region = dict(x=0.1, y=0.2, width=0.3, height=0.1, original_language="ko", translation_language="en")
    PhotoAnnotation.objects.create(photo=photos["public"], transcription="검열필", translation="Censored", **region)
    PhotoAnnotation.objects.create(photo=photos["face"], transcription="김철", translation="Kim Chol", **region)

    export("--artifact", artifact.accession_number, "--out", str(tmp_path / "public"))
    public = {p["caption"]: p for p in metadata(tmp_path / "public", artifact.accession_number)["photos"]}
    front = public["Front"]["transcribed_regions"]
    assert [(r["transcription"], r["translation"], r["original_language"]) for r in front] == [
        ("검열필", "Censored", "ko")
    ]
    assert front[0]["region"] == {"x": 0.1, "y": 0.2, "width": 0.3, "height": 0.1}
    # The face photo is withheld from the public, and so is what is written on it.
    assert "김철" not in json.dumps(public, ensure_ascii=False)

    export(
        "--artifact", artifact.accession_number, "--out", str(tmp_path / "researcher"), "--as-user", researcher.username
    )
    seen = {p["caption"]: p for p in metadata(tmp_path / "researcher", artifact.accession_number)["photos"]}
    assert [r["transcription"] for r in seen["Owner's face"]["transcribed_regions"]] == ["김철"]
