"""Bulk import with photographs: from a folder or a ZIP, each checked completely before
anything is written, and no file left behind when an import fails."""

import io
import zipfile
from pathlib import Path

import pytest

from artifacts.importing import runner
from artifacts.models import Artifact, Photo
from tests.images import image_bytes
from tests.test_importing import EXAMPLES, csv_bytes, do_import, languages  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()] if Path(media_root).exists() else []


def photo_rows() -> list[dict]:
    return [
        {"title": "With two photos", "artifact_type": "other", "photos": "front.jpg;back.png"},
        {"title": "With one photo", "artifact_type": "other", "photos": "box/side.jpg"},
    ]


def with_captions(rows):
    rows[0]["photo_captions"] = "Front; Back, with a stamp \\; signed"
    rows[1]["photo_captions"] = "Side"
    return rows


def test_photos_from_a_folder_are_stored_with_derivatives(tmp_path, media_root):
    folder = tmp_path / "photos"
    (folder / "box").mkdir(parents=True)
    (folder / "front.jpg").write_bytes(image_bytes())
    (folder / "back.png").write_bytes(image_bytes("PNG", color=(20, 40, 60)))
    (folder / "box" / "side.jpg").write_bytes(image_bytes(size=(300, 500)))
    report = do_import(csv_bytes(with_captions(photo_rows())), photos=folder)
    assert report.ok, report.lines()
    assert report.photos_added == 3
    artifact = Artifact.objects.get(title="With two photos")
    front, back = artifact.photos.order_by("position")
    assert (front.caption, back.caption) == ("Front", "Back, with a stamp ; signed")
    assert (front.original_name, back.image_format) == ("front.jpg", "PNG")
    assert front.history.get().history_change_reason == "import items.csv"
    assert len(stored_files(media_root)) == 9  # original, display and thumbnail of each


def test_photos_from_a_zip_are_found_by_path_or_by_file_name(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("export/front.jpg", image_bytes())
        bundle.writestr("export/back.png", image_bytes("PNG"))
        bundle.writestr("box/side.jpg", image_bytes())
    archive.seek(0)
    report = do_import(csv_bytes(with_captions(photo_rows())), photos=archive)
    assert report.ok, report.lines()
    assert Photo.objects.count() == 3


def test_a_bad_or_missing_photo_is_a_row_problem_and_nothing_is_kept(tmp_path, media_root):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "front.jpg").write_bytes(image_bytes())
    (folder / "back.png").write_bytes(b"<html><script>alert(1)</script></html>")
    rows = with_captions(photo_rows())
    report = do_import(csv_bytes(rows), photos=folder)
    messages = [str(p) for p in report.problems]
    assert messages[0].startswith("row 2, column photos: “back.png”: The file is an HTML or script document")
    assert messages[1] == "row 3, column photos: “box/side.jpg”: not found in the photos folder."
    assert Photo.objects.count() == 0 and Artifact.objects.count() == 0
    assert stored_files(media_root) == []


def test_photos_need_one_caption_each():
    report = do_import(csv_bytes(photo_rows()), photos=EXAMPLES / "photos")
    assert {(p.row, p.column) for p in report.problems} >= {(2, "photo_captions"), (3, "photo_captions")}


def test_files_stored_before_a_failed_write_are_removed(tmp_path, media_root, monkeypatch):
    """A photo replaced on disk between the check and the write stops the import; the
    photos of the rows already written are rolled back and their files deleted."""
    folder = tmp_path / "photos"
    folder.mkdir()
    rows = []
    for i in range(2):
        (folder / f"p{i}.jpg").write_bytes(image_bytes(color=(10 * i, 50, 50)))
        rows.append({"title": f"Item {i}", "artifact_type": "other", "photos": f"p{i}.jpg", "photo_captions": "View"})
    monkeypatch.setattr(runner, "CHUNK", 1)
    monkeypatch.setattr(runner, "PHOTO_CHUNK", 1)

    def replace_second_photo(phase, done, total):
        if phase == "Writing" and done == 1:
            assert len(stored_files(media_root)) == 3
            (folder / "p1.jpg").write_bytes(image_bytes(color=(200, 0, 0)))

    report = do_import(csv_bytes(rows), photos=folder, progress=replace_second_photo)
    assert not report.ok and "changed while the import was running" in "\n".join(report.lines())
    assert Artifact.objects.count() == 0 and Photo.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_photo_already_attached_is_not_added_again(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "front.jpg").write_bytes(image_bytes())
    report = do_import(
        csv_bytes([{"title": "A", "artifact_type": "other", "photos": "front.jpg", "photo_captions": "F"}]),
        photos=folder,
    )
    accession = report.accession_numbers[0]
    again = csv_bytes([{"accession_number": accession, "photos": "front.jpg", "photo_captions": "F"}])
    report = do_import(again, photos=folder)
    assert report.ok and (report.photos_added, report.photos_already_present, report.unchanged) == (0, 1, 1)
    assert Photo.objects.count() == 1
