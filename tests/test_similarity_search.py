"""Fingerprints are written for every photo however it is stored, and the search finds the
copies of a picture, nearest first, among the photos the viewer may see, exactly as a
comparison with every stored fingerprint would."""

import io
import random

import pytest
from django.core.management import call_command
from PIL import Image

from artifacts import synthetic
from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models import Photo
from artifacts.similarity import hashing
from artifacts.similarity.indexing import fingerprint_photos, row_for
from artifacts.similarity.models import ImageFingerprint
from artifacts.similarity.search import band_neighbourhoods, find_similar
from tests.factories import ArtifactFactory, UserFactory, make_photo
from tests.similar_images import as_upload, mirrored_copy, original, photograph, resized_copy, turned_copy

pytestmark = pytest.mark.django_db


def stored(name_or_bytes, **kwargs) -> Photo:
    data = original(name_or_bytes) if isinstance(name_or_bytes, str) else name_or_bytes
    return make_photo(kwargs.pop("artifact", None), uploaded=as_upload(data), **kwargs)


def fingerprint(photo) -> int:
    return ImageFingerprint.objects.get(photo=photo).value


def variants(data: bytes) -> list[int]:
    return hashing.query_variants(Image.open(io.BytesIO(data)))


def found(matches) -> list[int]:
    return [match.photo.pk for match in matches]


def test_every_stored_photo_gets_its_fingerprint_with_its_bands():
    photo = stored("astronaut")
    row = ImageFingerprint.objects.get(photo=photo)
    assert row.algorithm == hashing.ALGORITHM
    assert [row.band0, row.band1, row.band2, row.band3] == hashing.bands(row.value)
    # Hashed from the display image, as readers see it.
    with photo.display.open("rb") as handle:
        assert row.value == hashing.fingerprint(Image.open(handle))


def test_a_resized_recompressed_copy_on_another_record_is_found_first_and_an_unrelated_photo_is_not():
    astronaut = stored("astronaut")
    copy = stored(resized_copy("astronaut"), caption="As posted on a channel")
    coffee = stored("coffee")
    chelsea = stored("chelsea")
    matches = find_similar(fingerprints=[fingerprint(astronaut)], user=None, exclude_photo_ids=[astronaut.pk])
    assert found(matches)[:1] == [copy.pk]
    assert coffee.pk not in found(matches) and chelsea.pk not in found(matches)
    assert matches[0].distance <= hashing.SAME_IMAGE
    assert matches[0].words in ("near-identical", "likely the same image")
    assert matches[0].photo.artifact == copy.artifact  # loaded with its record


def test_search_by_the_picture_finds_turned_and_mirrored_copies():
    turned = stored(turned_copy("chelsea"))
    mirrored = stored(mirrored_copy("rocket"))
    stored("coffee")
    assert found(find_similar(fingerprints=variants(original("chelsea")), user=None)) == [turned.pk]
    assert found(find_similar(fingerprints=variants(original("rocket")), user=None)) == [mirrored.pk]


def test_results_are_ranked_by_distance_then_photo_id_and_limited():
    first = stored("astronaut")
    second = stored("astronaut")  # the same bytes: distance 0, a tie broken by id
    copy = stored(resized_copy("astronaut"))
    matches = find_similar(fingerprints=variants(original("astronaut")), user=None)
    assert found(matches)[:2] == [first.pk, second.pk]
    assert [m.distance for m in matches] == sorted(m.distance for m in matches)
    assert copy.pk in found(matches)
    assert found(find_similar(fingerprints=variants(original("astronaut")), user=None, limit=1)) == [first.pk]


@pytest.mark.parametrize(
    "hidden",
    [
        {"access_level": AccessLevel.RESEARCHERS},
        {"access_level": AccessLevel.STAFF},
        {"shows_personal_data": True},
        {"record": {"status": PublicationStatus.DRAFT}},
        {"record": {"access_level": AccessLevel.RESEARCHERS}},
    ],
    ids=["researchers-only photo", "staff-only photo", "personal data", "unpublished record", "restricted record"],
)
def test_a_photo_the_viewer_may_not_see_is_never_listed(hidden, researcher):
    hidden = dict(hidden)
    artifact = ArtifactFactory(**hidden.pop("record", {}))
    secret = stored(resized_copy("astronaut"), artifact=artifact, **hidden)
    public = stored(original("astronaut"))
    query = variants(original("astronaut"))
    assert found(find_similar(fingerprints=query, user=None)) == [public.pk]
    staff = UserFactory(username="staff", is_staff=True)
    assert secret.pk in found(find_similar(fingerprints=query, user=staff))
    researcher_sees = secret.pk in found(find_similar(fingerprints=query, user=researcher))
    may_see = Photo.objects.visible_to(researcher).filter(pk=secret.pk).exists()
    assert researcher_sees == may_see
    if hidden.get("access_level") == AccessLevel.STAFF or artifact.status == PublicationStatus.DRAFT:
        assert not researcher_sees


def test_hidden_photos_do_not_use_up_the_limit():
    for _ in range(3):
        stored(original("coffee"), access_level=AccessLevel.STAFF)
    public = stored(resized_copy("coffee"))
    assert found(find_similar(fingerprints=variants(original("coffee")), user=None, limit=1)) == [public.pk]


def test_the_banded_search_finds_exactly_what_comparing_every_fingerprint_finds():
    synthetic.generate(120, seed=5, photo_share=1.0)
    photos = list(Photo.objects.order_by("pk"))
    rng = random.Random(15)
    query = rng.getrandbits(64)
    # Fingerprints at every distance from the query, 0 to 24 bits, and some random ones.
    values = {}
    for i, photo in enumerate(photos):
        if i < 100:
            flipped = rng.sample(range(64), i % 25)
            values[photo.pk] = hashing._signed(query ^ sum(1 << bit for bit in flipped))
        else:
            values[photo.pk] = hashing._signed(rng.getrandbits(64))
    ImageFingerprint.objects.bulk_create(
        [row_for(pk, value) for pk, value in values.items()],
        update_conflicts=True,
        unique_fields=["photo"],
        update_fields=["algorithm", "value", "band0", "band1", "band2", "band3"],
    )
    signed_query = hashing._signed(query)
    staff = UserFactory(username="staff", is_staff=True)  # sees every synthetic record
    for threshold in (hashing.NEAR_IDENTICAL, hashing.SAME_IMAGE, hashing.THRESHOLD, 20):
        expected = sorted(
            (hashing.distance(value, signed_query), pk)
            for pk, value in values.items()
            if hashing.distance(value, signed_query) <= threshold
        )
        matches = find_similar(fingerprints=[signed_query], user=staff, threshold=threshold, limit=1000)
        assert [(m.distance, m.photo.pk) for m in matches] == expected, threshold


def test_band_neighbourhoods_hold_every_value_within_a_quarter_of_the_threshold():
    (band0, *_rest) = band_neighbourhoods([0], 16)
    assert len(band0) == 1 + 16 + 120 + 560 + 1820
    assert all(value.bit_count() <= 4 for value in band0)


def test_a_caption_edit_does_not_hash_again_but_a_new_photo_does():
    photo = stored("rocket")
    ImageFingerprint.objects.filter(photo=photo).update(value=1, band0=0, band1=0, band2=0, band3=1)
    photo = Photo.objects.get(pk=photo.pk)
    photo.caption = "Launch pad, seen from the north"
    photo.save()
    assert fingerprint(photo) == 1


def test_an_unreadable_display_never_loses_the_photo(media_root):
    good = stored("camera")
    broken_name = "derivatives/xx/broken.jpg"
    (media_root / "derivatives" / "xx").mkdir(parents=True)
    (media_root / broken_name).write_bytes(b"not a jpeg at all")
    copy = Photo.objects.get(pk=good.pk)
    copy.pk = None
    copy.position = 5
    copy.display = broken_name
    copy.save()  # through the signal: logged, not raised
    assert Photo.objects.filter(pk=copy.pk).exists()
    assert not ImageFingerprint.objects.filter(photo_id=copy.pk).exists()
    outcome = fingerprint_photos([copy, good])
    assert outcome.failed == [copy.pk] and outcome.fingerprinted == 1


def test_the_backfill_command_fills_what_is_missing_or_outdated_and_is_idempotent(capsys):
    photos = [stored("astronaut"), stored("coffee"), stored("chelsea")]
    expected = {photo.pk: fingerprint(photo) for photo in photos}
    ImageFingerprint.objects.filter(photo=photos[0]).delete()
    ImageFingerprint.objects.filter(photo=photos[1]).update(algorithm="old-hash", value=7)
    call_command("fingerprint_photos")
    assert "Fingerprinted 2 of 2 photos" in capsys.readouterr().out
    assert {photo.pk: fingerprint(photo) for photo in photos} == expected
    assert set(ImageFingerprint.objects.values_list("algorithm", flat=True)) == {hashing.ALGORITHM}
    call_command("fingerprint_photos")
    assert "Fingerprinted 0 of 0 photos" in capsys.readouterr().out
    call_command("fingerprint_photos", "--all")
    assert "Fingerprinted 3 of 3 photos" in capsys.readouterr().out
    assert ImageFingerprint.objects.count() == 3


def test_the_synthetic_generator_fingerprints_its_photos_in_bulk():
    synthetic.generate(30, seed=2, photo_share=0.5)
    photos = Photo.objects.count()
    assert photos > 0
    assert ImageFingerprint.objects.count() == photos
    # Patterned, not flat: different records' photos do not all hash alike.
    assert ImageFingerprint.objects.values("value").distinct().count() > photos // 2


def test_photograph_sizes_are_real_photographs():
    # The test set is real camera images, not drawings.
    assert photograph("astronaut").size == (512, 512)
