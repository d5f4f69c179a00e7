"""Redaction drawn on the image: a curator's boxes rendered as solid black on a copy made
from the original, in every size the archive serves, with the copy sealed like any
evidence (digest, log leaf, custody event) and shown to the public instead of the
original. Real photographs (scikit-image's), real files, real database."""

import hashlib
import io
import json
import math
import re

import numpy as np
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from PIL import Image
from skimage import data as photographs

from artifacts.choices import CustodyEventType
from artifacts.custody.models import CustodyEvent, LogLeaf
from artifacts.models import Photo
from artifacts.redaction import pixels
from artifacts.redaction import services as redaction
from artifacts.redaction.faces import suggest_faces
from artifacts.regions import as_percent
from tests.factories import ArtifactFactory, UserFactory, make_photo
from tests.images import gps_exif, upload

pytestmark = pytest.mark.django_db

BLACK = (0, 0, 0)
# An odd box (fractions that fall between pixels in every size), one on the right and
# bottom edges, and a thin one: each reaches pixels that JPEG blocks only partly cover.
BOXES = [(0.3317, 0.0731, 0.2113, 0.2687), (0.8, 0.85, 0.2, 0.15), (0.05, 0.6, 0.013, 0.3)]


def jpeg(array, **save) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=92, **save)
    return buffer.getvalue()


def astronaut_large() -> np.ndarray:
    """A real photograph larger than the display size, so every derivative is a resize."""
    return np.asarray(Image.fromarray(photographs.astronaut()).resize((2000, 1700), Image.Resampling.LANCZOS))


@pytest.fixture
def curator(db):
    user = UserFactory(username="curator-redacts", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor-no-originals", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def portrait(db):
    """A photo with a face, GPS in its EXIF and an orientation tag: stored turned a quarter,
    shown upright."""
    artifact = ArtifactFactory(title="Prisoner's identity photo")
    turned = np.rot90(astronaut_large(), k=1)  # Orientation 6 turns it back clockwise
    exif = gps_exif(orientation=6)
    return make_photo(
        artifact,
        caption="Prisoner, face visible",
        credit="Example Unit press office",
        uploaded=upload("DSC_0042.JPG", jpeg(turned, exif=exif)),
    )


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def decoded(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def media_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# --- the pixels ----------------------------------------------------------------------------


def assert_boxes_black(data: bytes, boxes) -> None:
    """Every pixel a box touches (its edges rounded outward) is exactly black: no tolerance."""
    pixels_ = decoded(data)
    height, width = pixels_.shape[:2]
    for left, top, box_width, box_height in boxes:
        x0, y0 = math.floor(left * width), math.floor(top * height)
        x1, y1 = math.ceil((left + box_width) * width), math.ceil((top + box_height) * height)
        inside = pixels_[y0:y1, x0:x1]
        assert inside.size, (x0, y0, x1, y1)
        wrong = np.argwhere(np.any(inside != BLACK, axis=-1))
        assert not len(wrong), f"{len(wrong)} pixels not black in box {(x0, y0, x1, y1)} of {width}×{height}"


def test_every_pixel_inside_each_box_is_black_in_every_size(portrait, curator):
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)

    sizes = {kind: stored(getattr(copy, kind)) for kind in ("original", "display", "thumbnail")}
    for kind, data in sizes.items():
        assert data[:2] == b"\xff\xd8", kind
        assert_boxes_black(data, BOXES)
    # Upright, like the original's derivatives, at the sizes the archive makes.
    assert (copy.width, copy.height) == (2000, 1700)
    assert (
        (copy.display_width, copy.display_height) == (portrait.display_width, portrait.display_height) == (1600, 1360)
    )
    assert (copy.thumbnail_width, copy.thumbnail_height) == (400, 340)
    # Outside the boxes the copy is the photograph (orientation applied), not a black sheet.
    upright = decoded(stored(portrait.display)).astype(int)
    shown = decoded(sizes["display"]).astype(int)
    outside = np.ones(shown.shape[:2], bool)
    for box in BOXES:
        x0, y0, x1, y1 = pixels.covered_region(box, (shown.shape[1], shown.shape[0]))
        outside[y0:y1, x0:x1] = False
    assert np.abs(upright - shown)[outside].mean() < 3


@pytest.mark.parametrize("picture", ["coffee", "chelsea", "rocket", "camera"])
def test_the_boxes_are_black_for_other_photographs_and_formats(curator, picture):
    array = getattr(photographs, picture)()
    image = Image.fromarray(array)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # a lossless original, grey for the camera
    photo = make_photo(uploaded=upload("scan.png", buffer.getvalue(), "image/png"))
    boxes = [(0.1234, 0.4321, 0.3333, 0.1111), (0.0, 0.0, 0.07, 0.05)]
    copy = redaction.redact_photo(photo=photo, boxes=boxes, redacted_by=curator)
    for kind in ("original", "display", "thumbnail"):
        assert_boxes_black(stored(getattr(copy, kind)), boxes)


def test_covered_regions_are_whole_jpeg_blocks_around_the_box():
    assert pixels.touched((0.3317, 0.0731, 0.2113, 0.2687), (1600, 1360)) == (530, 99, 869, 465)
    assert pixels.covered_region((0.3317, 0.0731, 0.2113, 0.2687), (1600, 1360)) == (528, 96, 872, 472)
    # Cut at the image's edge, where the encoder pads the last block with the edge's pixels.
    assert pixels.covered_region((0.8, 0.85, 0.2, 0.15), (333, 250)) == (264, 208, 333, 250)


def test_the_copy_carries_no_metadata(portrait, curator):
    assert portrait.exif["GPSInfo"] and portrait.exif["Make"] == "TestCam"
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES[:1], redacted_by=curator)
    assert copy.exif == {}
    for kind in ("original", "display", "thumbnail"):
        data = stored(getattr(copy, kind))
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), kind
            assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(image.info), (kind, image.info)
        assert b"Exif" not in data and b"TestCam" not in data and b"http://ns.adobe.com/xap" not in data, kind


# --- the record --------------------------------------------------------------------------------


def test_the_copy_is_sealed_like_evidence_and_its_custody_event_names_both_digests(portrait, curator):
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)
    copy.refresh_from_db()
    portrait.refresh_from_db()
    assert copy.redacted_from == portrait and portrait.redacted_version == copy
    assert copy.redaction_boxes == [list(box) for box in BOXES]
    assert not copy.shows_personal_data and portrait.shows_personal_data  # the original is now held back
    assert (copy.artifact, copy.access_level, copy.credit) == (
        portrait.artifact,
        portrait.access_level,
        portrait.credit,
    )
    assert copy.caption == "Prisoner, face visible (redacted copy)" and copy.uploaded_by == curator
    assert copy.sha256 == hashlib.sha256(stored(copy.original)).hexdigest() != portrait.sha256

    leaf = LogLeaf.objects.get(kind="photo", object_id=copy.pk)
    assert json.loads(leaf.data)["sha256"] == copy.sha256

    event = CustodyEvent.objects.get(artifact=portrait.artifact, event_type=CustodyEventType.REDACTION)
    assert event.recorded_by == curator
    assert portrait.sha256 in event.note and copy.sha256 in event.note
    assert "3 boxes" in event.note and "curator-redacts" in event.note
    assert LogLeaf.objects.filter(kind="custody-event", object_id=event.pk).exists()


def test_the_public_sees_only_the_redacted_copy(client, portrait, curator, researcher):
    portrait.shows_personal_data = True
    portrait.save()
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)
    artifact = portrait.artifact

    html = client.get(artifact.get_absolute_url()).content.decode()
    assert f"/media/photos/{copy.pk}/" in html and f"/media/photos/{portrait.pk}/" not in html
    manifest = client.get(reverse("iiif-manifest", args=[artifact.accession_number])).content.decode()
    assert f"/media/photos/{copy.pk}/display/" in manifest and f"/media/photos/{portrait.pk}/" not in manifest
    for kind in ("thumbnail", "display"):
        assert client.get(reverse("photo-file", args=[copy.pk, kind])).status_code == 200
        assert client.get(reverse("photo-file", args=[portrait.pk, kind])).status_code == 404

    client.force_login(researcher)  # researchers see the original, and not a duplicate of it
    html = client.get(artifact.get_absolute_url()).content.decode()
    assert f"/media/photos/{portrait.pk}/" in html and f"/media/photos/{copy.pk}/" not in html


# --- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ([], "Draw at least one box"),
        ([(0.9, 0.1, 0.2, 0.1)], "Box 1 reaches outside the image"),
        ([(0.1, 0.1, 0.1, 0.1), (0.2, 0.2, 0.0, 0.1)], "Box 2 has no area"),
        ([(0.1, 0.1, "x", 0.1)], "Box 1 is not four numbers"),
        ([(0.1, 0.1, float("nan"), 0.1)], "Box 1 is not four numbers"),
        ([(0.01, 0.01, 0.01, 0.01)] * 51, "at most 50 boxes; 51 were given"),
    ],
)
def test_the_service_refuses_bad_boxes_and_writes_nothing(portrait, curator, media_root, boxes, message):
    before = (Photo.objects.count(), CustodyEvent.objects.count(), LogLeaf.objects.count(), media_files(media_root))
    with pytest.raises(Exception) as raised:
        redaction.redact_photo(photo=portrait, boxes=boxes, redacted_by=curator)
    assert message in " ".join(raised.value.messages)
    after = (Photo.objects.count(), CustodyEvent.objects.count(), LogLeaf.objects.count(), media_files(media_root))
    assert after == before


def test_a_failure_after_the_copy_is_stored_leaves_no_row_leaf_or_file(portrait, curator, media_root, monkeypatch):
    before = (Photo.objects.count(), LogLeaf.objects.count(), media_files(media_root))

    def refuse(**kwargs):
        raise RuntimeError("the custody chain is locked")

    monkeypatch.setattr(redaction, "record_custody_event", refuse)
    with pytest.raises(RuntimeError):
        redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)
    assert (Photo.objects.count(), LogLeaf.objects.count(), media_files(media_root)) == before
    portrait.refresh_from_db()
    assert not portrait.shows_personal_data


def test_which_photos_cannot_be_redacted(portrait, curator):
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES[:1], redacted_by=curator)
    assert f"already has a redacted copy (photo {copy.pk})" in redaction.refusal(portrait)
    assert "itself a redacted copy" in redaction.refusal(copy)
    drawing = make_photo(portrait.artifact, caption="Reconstruction", is_illustration=True)
    assert "illustration" in redaction.refusal(drawing)
    for photo in (portrait, copy, drawing):
        with pytest.raises(Exception, match="redact") as raised:
            redaction.redact_photo(photo=photo, boxes=BOXES[:1], redacted_by=curator)
        assert raised.value.code == "refused"
    assert Photo.objects.filter(redacted_from__isnull=False).count() == 1


def test_after_the_old_copy_is_withdrawn_the_photo_can_be_redacted_again(portrait, curator):
    from artifacts.custody.services import withdraw_photo

    first = redaction.redact_photo(photo=portrait, boxes=BOXES[:1], redacted_by=curator)
    withdraw_photo(photo=first, reason="A name on the sleeve was left visible.", withdrawn_by=curator)
    portrait.refresh_from_db()
    second = redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)
    assert second.redacted_from == portrait and LogLeaf.objects.filter(kind="photo-withdrawn").count() == 1


def test_a_missing_or_altered_original_is_refused(portrait, curator, media_root):
    path = media_root / portrait.original.name
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(Exception, match="no longer matches its recorded SHA-256"):
        redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)
    path.unlink()
    with pytest.raises(Exception, match="missing from storage"):
        redaction.redact_photo(photo=portrait, boxes=BOXES, redacted_by=curator)
    assert not Photo.objects.filter(redacted_from=portrait).exists()


# --- face suggestions -------------------------------------------------------------------------------


def test_a_face_is_suggested_where_it_is():
    boxes = suggest_faces(Image.fromarray(photographs.astronaut()))
    assert len(boxes) == 1
    left, top, width, height = boxes[0]
    # The astronaut's face is near the top centre of the picture; the box covers it with a margin.
    assert 0.25 < left < 0.4 and 0.05 < top < 0.15 and 0.2 < width < 0.35 and 0.2 < height < 0.35
    face_centre = (0.43, 0.22)  # between the eyes, measured on the picture
    assert left < face_centre[0] < left + width and top < face_centre[1] < top + height


def test_no_face_is_suggested_in_a_photo_without_one():
    assert suggest_faces(Image.fromarray(photographs.coffee())) == []


def test_suggested_boxes_become_percent_fields_that_never_shrink():
    fields = as_percent((0.123456, 0.5, 0.2, 0.300001))
    assert {k: str(v) for k, v in fields.items()} == {
        "left": "12.34",
        "top": "50.00",
        "width": "20.01",
        "height": "30.01",
    }


# --- the admin page ----------------------------------------------------------------------------------


def redact_url(photo) -> str:
    return reverse("admin:artifacts_photo_redact", args=[photo.pk])


def regions_post(boxes_percent, *, action="redact", caption="Prisoner, redacted", extra_forms=1) -> dict:
    """What the page posts without JavaScript: the management form, one form per box and a blank one."""
    total = len(boxes_percent) + extra_forms
    post = {"region-TOTAL_FORMS": str(total), "region-INITIAL_FORMS": "0", "region-MIN_NUM_FORMS": "0"}
    post |= {"region-MAX_NUM_FORMS": "50", "caption": caption, action: "1"}
    for index, box in enumerate(boxes_percent):
        for name, value in zip(("left", "top", "width", "height"), box, strict=True):
            post[f"region-{index}-{name}"] = str(value)
    return post


def test_the_redact_link_and_page_are_for_curators_who_may_take_originals(client, portrait, curator, editor):
    change = reverse("admin:artifacts_photo_change", args=[portrait.pk])
    client.force_login(editor)
    assert redact_url(portrait) not in client.get(change).content.decode()
    assert client.get(redact_url(portrait)).status_code == 403
    client.force_login(curator)
    assert redact_url(portrait) in client.get(change).content.decode()
    page = client.get(redact_url(portrait)).content.decode()
    assert 'name="region-0-left"' in page and "Make redacted copy" in page and "Suggest faces" in page
    assert reverse("photo-file", args=[portrait.pk, "display"]) in page
    assert "<script>" not in page and " style=" not in page  # the CSP allows neither


def test_a_curator_makes_a_redacted_copy_from_typed_numbers(client, portrait, curator):
    client.force_login(curator)
    response = client.post(redact_url(portrait), regions_post([(33.17, 7.31, 21.13, 26.87)]))
    copy = Photo.objects.get(redacted_from=portrait)
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:artifacts_photo_change", args=[copy.pk]
    )
    assert copy.caption == "Prisoner, redacted" and copy.redaction_boxes == [[0.3317, 0.0731, 0.2113, 0.2687]]
    page = client.get(response["Location"]).content.decode()
    assert "Redacted copy made and recorded in the chain of custody" in page and copy.sha256 in page


def test_show_on_the_image_draws_the_typed_boxes_without_javascript(client, portrait, curator):
    client.force_login(curator)
    page = client.post(redact_url(portrait), regions_post([(10, 20, 30, 40)], action="preview")).content.decode()
    assert re.search(r'<rect class="region-shape" x="10.00" y="20.00" width="30.00" height="40.00"', page)
    assert not Photo.objects.filter(redacted_from=portrait).exists()


def test_suggest_faces_fills_the_boxes_for_the_curator_to_confirm(client, curator):
    photo = make_photo(caption="Soldier's portrait", uploaded=upload(data=jpeg(photographs.astronaut())))
    client.force_login(curator)
    page = client.post(redact_url(photo), regions_post([(1, 2, 3, 4)], action="suggest")).content.decode()
    assert "1 face found and added as a box" in page
    filled = [tag for tag in re.findall(r"<input[^>]*>", page) if re.search(r'name="region-\d+-left"', tag)]
    assert len([tag for tag in filled if 'value="' in tag]) == 2  # the typed box is kept, the face added after it
    assert 'x="1.00" y="2.00"' in page and page.count('class="region-shape"') == 2
    assert not Photo.objects.filter(redacted_from=photo).exists()  # nothing is made until confirmed


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (regions_post([]), "Draw at least 1 box over what must be hidden."),
        (regions_post([(90, 10, 20, 10)]), "The box runs past the right edge: left + width is 110"),
        (regions_post([(10, 95, 20, 10)]), "The box runs past the bottom edge"),
        (regions_post([(-1, 10, 20, 10)]), "greater than or equal to 0"),
        (regions_post([(1, 1, 1, 1)] * 51, extra_forms=0), "At most 50 boxes can be drawn."),
        ({**regions_post([(1, 1, 1, 1)]), "region-TOTAL_FORMS": "999"}, "At most 50 boxes can be drawn."),
        ({"redact": "1", "caption": "x"}, "The form came back incomplete, so nothing was saved."),
        (regions_post([(10, 10, 10, 10)], caption=""), "This field is required."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, portrait, curator, media_root, post, message):
    client.force_login(curator)
    before = (Photo.objects.count(), CustodyEvent.objects.count(), LogLeaf.objects.count(), media_files(media_root))
    response = client.post(redact_url(portrait), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = (Photo.objects.count(), CustodyEvent.objects.count(), LogLeaf.objects.count(), media_files(media_root))
    assert after == before


def test_a_missing_original_is_explained_on_the_page(client, portrait, curator, media_root):
    (media_root / portrait.original.name).unlink()
    client.force_login(curator)
    before = media_files(media_root)
    response = client.post(redact_url(portrait), regions_post([(10, 10, 10, 10)]), follow=True)
    assert "The original file of this photo is missing from storage" in response.content.decode()
    assert not Photo.objects.filter(redacted_from=portrait).exists() and media_files(media_root) == before


def test_a_photo_with_a_copy_says_what_to_do_instead_of_offering_the_form(client, portrait, curator):
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES[:1], redacted_by=curator)
    client.force_login(curator)
    page = client.get(redact_url(portrait)).content.decode()
    assert "already has a redacted copy" in page and 'name="redact"' not in page
    assert reverse("admin:artifacts_photo_change", args=[copy.pk]) in page
    page = client.get(redact_url(copy)).content.decode()
    assert "itself a redacted copy" in page and redact_url(portrait) in page
    response = client.post(redact_url(portrait), regions_post([(10, 10, 10, 10)]))
    assert response.status_code == 200 and Photo.objects.filter(redacted_from__isnull=False).count() == 1


def test_the_curator_sees_the_copy_they_made_on_its_page(client, portrait, curator, researcher):
    copy = redaction.redact_photo(photo=portrait, boxes=BOXES[:1], redacted_by=curator)
    client.force_login(curator)
    page = client.get(reverse("admin:artifacts_photo_change", args=[copy.pk])).content.decode()
    assert reverse("photo-file", args=[copy.pk, "thumbnail"]) in page
    assert client.get(reverse("photo-file", args=[copy.pk, "thumbnail"])).status_code == 200
    # A researcher, who sees the original, may open the copy's files too; galleries still show one of the two.
    client.force_login(researcher)
    assert client.get(reverse("photo-file", args=[copy.pk, "display"])).status_code == 200
